/**
 * The app's Compress stage: a cloud opened from a file is packed into a progressive stream in the
 * file worker, saved, reported (size, ratio to its PLY) with an HTML snippet that embeds it; the
 * stream is decoded and can replace the cloud in the 3D view (preview toggle); with a scene that
 * has test views, both clouds are scored and the PSNR change is shown; the saved stream opens
 * again with Open cloud… as the same splats.
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
// Every splat kept (the encoder leaves out those under 6/255 opacity, a logit of -3.73).
for (let i = 0; i < cloud.count; i++) cloud.opacityLogits[i] = Math.max(-3.5, cloud.opacityLogits[i]);

/** The id of the cloud the 3D view last drew (the badge's data-drawn-cloud). */
async function waitForDrawnId(p: Page, id: string): Promise<void> {
  await p.waitForFunction((want) => document.querySelector<HTMLElement>('[data-testid="splat-backend"]')?.dataset.drawnCloud === want, id, { timeout: 30_000 });
}

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

    // The check decodes the stream; without a scene there is no PSNR, and it says why.
    await page.waitForSelector('[data-testid="compress-check"][data-status="done"]', { timeout: 60_000 });
    expect(await page.locator('[data-testid="compress-check"]').textContent()).toBe('No PSNR change: Open a scene first.');
    // The preview draws the decoded stream in the 3D view, and unticked the cloud again.
    const id = await page.locator('[data-testid="cloud-shown"]').getAttribute('data-id');
    await page.check('[data-testid="compress-preview"]');
    await waitForDrawnId(page, String(-Number(id)));
    await page.uncheck('[data-testid="compress-preview"]');
    await waitForDrawnId(page, id!);

    await page.setInputFiles('[data-testid="cloud-input"]', { name: 'ball.gsrq', mimeType: 'application/octet-stream', buffer: Buffer.from(bytes) });
    await page.waitForFunction(() => document.querySelector('[data-testid="cloud-shown"]')?.textContent?.startsWith('ball.gsrq'));
    await waitForDrawnCloud(page);
    expect(await page.locator('[data-testid="cloud-shown"]').textContent()).toBe('ball.gsrq · 1,500 splats · SH degree 1');
    expect(await page.locator('[data-testid="message-error"]').count()).toBe(0);
    await page.screenshot({ path: resolve(ROOT, 'test-results/e2e-compress.png') });
  });

  it('with a scene of test views, shows the PSNR change of the decoded stream against the cloud', async () => {
    const p = await browser!.newPage({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
    await p.goto(baseUrl);
    await p.waitForFunction(() => document.querySelector('[data-testid="stage-train"]')?.getAttribute('data-state') === 'ready', null, { timeout: 60_000 });
    // Scored at the Train panel's size (the file does not record one): a quarter, to stay quick.
    await p.selectOption('[data-testid="train-size"]', 'quarter');
    await p.setInputFiles('[data-testid="cloud-input"]', { name: 'ball.ply', mimeType: 'application/octet-stream', buffer: Buffer.from(writePly(cloud)) });
    await waitForDrawnCloud(p, 60_000);
    await Promise.all([p.waitForEvent('download', { timeout: 60_000 }), p.click('[data-testid="compress-run"]')]);
    // Progress while it scores, then the two PSNRs and their difference.
    const seen = new Set<string>();
    let text = '';
    for (let t = 0; t < 300 && !/dB decoded|No PSNR|failed/.test(text); t++) {
      text = (await p.locator('[data-testid="compress-check"]').textContent().catch(() => '')) ?? '';
      seen.add(text.replace(/\d+/g, '#'));
      await p.waitForTimeout(500);
    }
    console.log(`compress check: ${[...seen].join(' | ')}`);
    const m = /^Test-view PSNR \((\d+) views of split (\w+) at \d+×\d+\): ([\d.]+) dB uncompressed, ([\d.]+) dB decoded \(([+−])([\d.]+) dB\)\.$/.exec(text);
    expect(m, text).not.toBeNull();
    const [before, after, sign, diff] = [Number(m![3]), Number(m![4]), m![5], Number(m![6])];
    expect(Number(m![1])).toBeGreaterThan(0);
    expect(before).toBeGreaterThan(5);
    expect(Math.abs((sign === '−' ? -diff : diff) - (after - before))).toBeLessThanOrEqual(0.011);
    expect(await p.locator('[data-testid="message-error"]').count()).toBe(0);
    await p.close();
  }, 300_000);
});
