/**
 * The app's Compress stage: a cloud opened from a file is packed into a progressive stream in the
 * file worker, saved, reported (size, ratio to its PLY) with an HTML snippet that embeds it, and
 * the saved stream opens again with Open cloud… as the same splats.
 */
import { readFile, rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { PreviewServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writePly } from '../../src/io/ply.ts';
import { decodeStream } from '../../src/stream/index.ts';
import { CHROMIUM, CHROMIUM_FLAGS } from '../chromium.ts';
import { randomCloud } from '../io/splatTestKit.ts';
import { buildAndPreview, requireChromium, ROOT } from './harness.ts';
import { waitForDrawnCloud } from './viewerPixels.ts';

const OUT_DIR = resolve(ROOT, 'test-results/e2e-compress-dist');
let server: PreviewServer | undefined;
let browser: Browser | undefined;
let baseUrl: string;
let page: Page;
const cloud = randomCloud(1500, 1, 12);
for (let i = 0; i < cloud.count; i++) for (let a = 0; a < 3; a++) cloud.logScales[3 * i + a] = Math.log(0.05);

beforeAll(async () => {
  requireChromium();
  ({ server, baseUrl } = await buildAndPreview(OUT_DIR));
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
  page = await browser.newPage({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await rm(OUT_DIR, { recursive: true, force: true });
});

describe('Compress stage', () => {
  it('packs the shown cloud into a stream, saves it with its size and an embed snippet, and the stream opens again', async () => {
    await page.goto(`${baseUrl}?scene=none`);
    await page.waitForSelector('[data-testid="viewport-note"]');
    expect(await page.locator('[data-testid="stage-compress"]').getAttribute('data-state')).toBe('blocked');
    await page.setInputFiles('[data-testid="cloud-input"]', { name: 'ball.ply', mimeType: 'application/octet-stream', buffer: Buffer.from(writePly(cloud)) });
    await waitForDrawnCloud(page);
    expect(await page.locator('[data-testid="stage-compress"]').getAttribute('data-state')).toBe('ready');

    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), page.click('[data-testid="compress-run"]')]);
    expect(download.suggestedFilename()).toBe('ball.gsrq');
    const bytes = new Uint8Array(await readFile((await download.path())!));
    const decoded = decodeStream(bytes);
    expect(decoded.warnings).toEqual([]);
    expect(decoded.cloud.count).toBe(1500);
    await page.waitForSelector('[data-testid="compress-result"]');
    expect(await page.locator('[data-testid="stage-compress"]').getAttribute('data-state')).toBe('done');
    const ratio = (writePly(cloud).length - 0) / bytes.length;
    const result = await page.locator('[data-testid="compress-result"]').textContent();
    expect(result).toMatch(new RegExp(`^ball\\.gsrq: \\d+ KB, ${(bytes.length / 1500).toFixed(1)} bytes a splat, `));
    // The panel's ratio counts the PLY's data without its header: within 0.1 of the file's.
    const shownRatio = Number(/([\d.]+)x smaller than its PLY/.exec(result!)![1]);
    expect(Math.abs(shownRatio - ratio)).toBeLessThan(0.15);
    expect(await page.locator('[data-testid="compress-embed"]').inputValue()).toContain('<splat-viewer src="ball.gsrq"');

    await page.setInputFiles('[data-testid="cloud-input"]', { name: 'ball.gsrq', mimeType: 'application/octet-stream', buffer: Buffer.from(bytes) });
    await page.waitForFunction(() => document.querySelector('[data-testid="cloud-shown"]')?.textContent?.startsWith('ball.gsrq'));
    await waitForDrawnCloud(page);
    expect(await page.locator('[data-testid="cloud-shown"]').textContent()).toBe('ball.gsrq · 1,500 splats · SH degree 1');
    expect(await page.locator('[data-testid="message-error"]').count()).toBe(0);
    await page.screenshot({ path: resolve(ROOT, 'test-results/e2e-compress.png') });
  });
});
