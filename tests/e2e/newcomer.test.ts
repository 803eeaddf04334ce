/**
 * End to end, what a newcomer meets (issue 12): builds the app, serves it on 127.0.0.1 and drives
 * headless Chromium as a person would, on the default bundled scene and a small cloud file made
 * here. Each test is one numbered item of the issue:
 * - 2: the preview of a run leaves when another cloud is opened, and has a close button;
 * - 4: Evaluate's progress advances view by view;
 * - 5: without WebGPU nothing says "ready" for what cannot run, and the help is about browsers;
 * - 8: small things (the training size menu, one Save PLY, the trained size a PLY records, input
 *   errors not logged as console errors, the truncated-PLY advice, no THREE.Clock warning).
 * Runs are tiny (a few steps at a quarter of the size); nothing here asserts a time.
 */
import { rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { PreviewServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writePly } from '../../src/io/ply.ts';
import { trainedSizeComment } from '../../src/io/trainedSize.ts';
import { CHROMIUM, GPU_FLAGS, QUIET_FLAGS } from '../chromium.ts';
import { buildAndPreview, requireChromium, ROOT } from './harness.ts';
import { knownCloud } from './otherToolFiles.ts';

const OUT_DIR = resolve(ROOT, 'test-results/e2e-newcomer-dist');
/** The size the cloud file says it was trained at (small: evaluation at it is quick). */
const TRAINED = { width: 100, height: 75 };

let server: PreviewServer | undefined;
let browser: Browser | undefined;
let baseUrl: string;
const plyBytes = writePly(knownCloud(), { comments: [trainedSizeComment(TRAINED)] });

beforeAll(async () => {
  requireChromium();
  ({ server, baseUrl } = await buildAndPreview(OUT_DIR));
  browser = await chromium.launch({ executablePath: CHROMIUM, args: [...GPU_FLAGS, ...QUIET_FLAGS] });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await rm(OUT_DIR, { recursive: true, force: true });
});

// ---- helpers ------------------------------------------------------------------------------

interface Logged {
  pageErrors: string[];
  consoleErrors: string[];
  warnings: string[];
}

async function newPage(b: Browser, size = { width: 1280, height: 800 }): Promise<{ page: Page; log: Logged }> {
  const page = await b.newPage({ viewport: size, acceptDownloads: true });
  const log: Logged = { pageErrors: [], consoleErrors: [], warnings: [] };
  page.on('pageerror', (e) => log.pageErrors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') log.consoleErrors.push(m.text());
    if (m.type() === 'warning') log.warnings.push(m.text());
  });
  return { page, log };
}

const file = (name: string, bytes: Uint8Array) => ({ name, mimeType: 'application/octet-stream', buffer: Buffer.from(bytes) });

/** Opens the default scene and waits until its stages have settled (WebGPU checked). */
async function openScene(page: Page): Promise<void> {
  await page.goto(baseUrl);
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="thumbnail"]').length > 0, null, { timeout: 30_000 });
  await page.waitForFunction(() => !/checking/.test(document.querySelector('[data-testid="stage-train-label"]')?.textContent ?? 'checking'), null, { timeout: 30_000 });
}

async function openCloudFile(page: Page, name: string, bytes: Uint8Array): Promise<void> {
  await page.setInputFiles('[data-testid="cloud-input"]', file(name, bytes));
}

const text = async (page: Page, id: string) => (await page.locator(`[data-testid="${id}"]`).textContent()) ?? '';

async function shortRun(page: Page): Promise<void> {
  await page.fill('[data-testid="train-iterations"]', '2');
  await page.selectOption('[data-testid="train-size"]', 'quarter');
  await page.selectOption('[data-testid="train-init"]', 'random');
  await page.fill('[data-testid="train-splats"]', '500');
  await page.click('[data-testid="train-start"]');
  await page.waitForFunction(() => document.querySelector('[data-testid="train-run"]')?.getAttribute('data-status') === 'finished', null, { timeout: 90_000 });
}

// ---- tests ----------------------------------------------------------------------------------

describe('a newcomer in the app (issue 12)', () => {
  it('2: the run\'s preview goes when another cloud is opened, and its × closes it until the next run', async () => {
    const { page, log } = await newPage(browser!);
    await openScene(page);
    await shortRun(page);
    await page.waitForFunction(() => document.querySelector('[data-testid="train-preview-panel"]')?.getAttribute('data-final') === 'true', null, { timeout: 30_000 });
    expect(await text(page, 'train-preview-label')).toContain('final render, step 2');
    // 8: one Save PLY, in the Cloud panel, for the cloud on view.
    expect(await page.getByRole('button', { name: 'Save PLY' }).count()).toBe(1);
    expect(await page.locator('[data-testid="cloud-save-ply"]').isEnabled()).toBe(true);

    await openCloudFile(page, 'other.ply', plyBytes);
    await page.waitForFunction(() => document.querySelector('[data-testid="cloud-shown"]')?.getAttribute('data-kind') === 'file');
    expect(await page.locator('[data-testid="train-preview-panel"]').count()).toBe(0);

    // A new run brings the preview back; its × closes it, and moving the view does not reopen it.
    await shortRun(page);
    await page.waitForSelector('[data-testid="train-preview-panel"]', { timeout: 30_000 });
    await page.click('[data-testid="train-preview-close"]');
    expect(await page.locator('[data-testid="train-preview-panel"]').count()).toBe(0);
    const box = (await page.locator('[data-testid="viewport"]').boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2 + 80, box.y + box.height / 2, { steps: 5 });
    await page.mouse.up();
    await page.waitForTimeout(500); // a re-render of the final cloud would arrive by now; none must show
    expect(await page.locator('[data-testid="train-preview-panel"]').count()).toBe(0);
    expect(log.pageErrors).toEqual([]);
    await page.close();
  });

  it('4 and 8: a PLY is evaluated at the size it records, and the progress advances view by view', async () => {
    const { page, log } = await newPage(browser!);
    await openScene(page);
    await openCloudFile(page, 'trained.ply', plyBytes);
    await page.waitForFunction(() => document.querySelector('[data-testid="eval-cloud"]')?.getAttribute('data-kind') === 'file');
    expect(await text(page, 'message-info')).toContain(`ready to evaluate (trained at ${TRAINED.width}×${TRAINED.height})`);
    expect(await text(page, 'eval-note')).toContain(`at ${TRAINED.width}×${TRAINED.height} (the training size, as the file records it)`);

    // Every label the Evaluate stage shows while it runs.
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { evalLabels: string[] }).evalLabels = seen;
      const el = document.querySelector('[data-testid="stage-evaluate-label"]')!;
      new MutationObserver(() => seen.push(el.textContent ?? '')).observe(el, { childList: true, characterData: true, subtree: true });
    });
    await page.click('[data-testid="eval-start"]');
    await page.waitForFunction(() => document.querySelector('[data-testid="stage-evaluate"]')?.getAttribute('data-state') === 'done', null, { timeout: 90_000 });
    const labels = await page.evaluate(() => (window as unknown as { evalLabels: string[] }).evalLabels);
    const steps = labels.map((l) => /^running · (\d+) \/ (\d+)$/.exec(l)).filter((m) => !!m).map((m) => [Number(m[1]), Number(m[2])]);
    const total = steps[0][1];
    expect(total).toBeGreaterThanOrEqual(3);
    const between = new Set(steps.filter(([d]) => d > 0 && d < total).map(([d]) => d));
    expect(between.size, labels.join(' | ')).toBeGreaterThanOrEqual(2);
    // Never backwards.
    for (let i = 1; i < steps.length; i++) expect(steps[i][0]).toBeGreaterThanOrEqual(steps[i - 1][0]);
    expect(await page.locator(`[data-testid="eval-row"]`).count()).toBeGreaterThanOrEqual(total);
    expect(log.pageErrors).toEqual([]);
    await page.close();
  });

  it('8: the training size menu without cameras, input errors not logged, truncated-PLY advice, no THREE.Clock warning', async () => {
    const { page, log } = await newPage(browser!);
    await page.goto(`${baseUrl}?scene=none`);
    await page.waitForSelector('[data-testid="viewport-note"]');
    const options = await page.locator('[data-testid="train-size"] option').allTextContents();
    expect(options.length).toBeGreaterThan(0);
    expect(options.every((o) => o.trim().length > 0)).toBe(true);

    // A truncated PLY: the message says what to do, and the console stays clean (no stack trace).
    await openCloudFile(page, 'cut.ply', plyBytes.subarray(0, plyBytes.length - 40));
    await page.waitForSelector('[data-testid="message-error"]');
    expect(await text(page, 'message-error')).toMatch(/cut\.ply: truncated: .*download, copy or export it again/);
    expect(log.consoleErrors).toEqual([]);
    expect(log.warnings.filter((w) => /Clock/.test(w))).toEqual([]);
    expect(log.pageErrors).toEqual([]);
    await page.close();
  });

  it('5: without WebGPU, every stage says the same thing and the help is about browsers', async () => {
    // Chromium without --enable-unsafe-webgpu: no WebGPU adapter.
    const noGpu = await chromium.launch({ executablePath: CHROMIUM, args: QUIET_FLAGS });
    try {
      const { page, log } = await newPage(noGpu);
      await openScene(page);
      expect(await text(page, 'stage-train-label')).toBe('needs WebGPU');
      expect(await text(page, 'stage-hull-label')).toBe('needs WebGPU');
      const help = await text(page, 'train-gpu-message');
      expect(help).toContain('--enable-unsafe-webgpu');
      expect(help).not.toMatch(/VK_ICD_FILENAMES|\bNode\b/);

      await openCloudFile(page, 'trained.ply', plyBytes);
      await page.waitForFunction(() => /Opened trained\.ply/.test(document.querySelector('[data-testid="message-info"]')?.textContent ?? ''));
      expect(await text(page, 'message-info')).not.toContain('ready to evaluate');
      expect(await text(page, 'stage-evaluate-label')).toBe('needs WebGPU');
      // It says plainly why the WebGL2 viewer cannot score.
      expect(await text(page, 'eval-note')).toMatch(/same rasterizer as training.*WebGL2/);
      expect(await page.locator('[data-testid="eval-start"]').isDisabled()).toBe(true);
      expect(log.pageErrors).toEqual([]);
    } finally {
      await noGpu.close();
    }
  });
});
