/**
 * End to end, the repair prior in the app (issue 15): builds the app, serves it on 127.0.0.1 and
 * drives headless Chromium (SwiftShader WebGPU) as a person would: open the default scene, turn
 * the Repair prior on under Advanced, open another model's manifest and its model file (a tiny
 * diffusion-shaped ONNX model written by the test, tests/recon/prior/tinyRepairModel.ts, since
 * the trained one is not served yet; the manifest carries its sha256), train a short run and watch one novel view shown before and after repair; after the run
 * the switch's cost line gives the measured time per repair round. Nothing here asserts a time.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tinyRepairModelBytes } from '../recon/prior/tinyRepairModel.ts';
import { launchApp, ROOT, SHOTS, type LaunchedApp } from './harness.ts';

const OUT_DIR = resolve(ROOT, 'test-results/e2e-prior-dist');
/** The default schedule repairs at half the run and uses it 10 steps later: 30 steps see it. */
const STEPS = 30;

let app: LaunchedApp | undefined;
let page: Page;
let baseUrl: string;
let viewCount: number;
let pageErrors: string[];

beforeAll(async () => {
  app = await launchApp(OUT_DIR);
  ({ page, baseUrl, viewCount, pageErrors } = app);
  // onnxruntime logs its WebGPU kernel failure on SwiftShader before the model falls back to wasm.
  page.on('console', (m) => m.type() === 'error' && console.log(`[page error] ${m.text()}`));
});

afterAll(() => app?.close());

/** Pixel sums of a canvas, to tell two images apart and an image from a blank one. */
async function canvasPixels(testId: string): Promise<number[]> {
  return page.evaluate((id) => {
    const c = document.querySelector<HTMLCanvasElement>(`[data-testid="${id}"]`)!;
    return Array.from(c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data);
  }, testId);
}

describe('the repair prior in the app (headless Chromium, SwiftShader WebGPU)', () => {
  it('trains with a picked repair model and shows a novel view before and after repair', async () => {
    await page.goto(baseUrl);
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid="thumbnail"]').length === n, viewCount, { timeout: 20_000 });
    await page.waitForFunction(() => document.querySelector('[data-testid="stage-train"]')?.getAttribute('data-state') === 'ready', null, { timeout: 20_000 });

    await page.click('[data-testid="train-advanced"] summary');
    const cost = page.locator('[data-testid="train-prior-cost"]');
    expect(await cost.getAttribute('data-round-ms')).toBe('');
    await page.check('[data-testid="train-repair-prior"]');
    // The switch fetches the project's own model (models/repair-prior.onnx, served at /models/).
    await page.waitForFunction(() => /repair-prior\.onnx \([\d.]+ MB\)/.test(document.querySelector('[data-testid="train-prior-model-state"]')?.textContent ?? ''), null, { timeout: 30_000 });
    // Another model than the project's comes with its own manifest: its hash is then checked.
    const bytes = Buffer.from(tinyRepairModelBytes());
    const manifest = JSON.parse(await readFile(resolve(ROOT, 'models/repair-prior.json'), 'utf8'));
    Object.assign(manifest, { name: 'tiny-repair', file: 'tiny-prior.onnx', sha256: createHash('sha256').update(bytes).digest('hex') });
    await page.setInputFiles('[data-testid="train-prior-manifest-input"]', [{ name: 'tiny-repair.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(manifest)) }]);
    await page.waitForFunction(() => document.querySelector('[data-testid="train-prior-manifest"]')?.textContent?.includes('tiny-repair (dropped in)'));
    await page.setInputFiles('[data-testid="train-prior-model-input"]', [{ name: 'tiny-prior.onnx', mimeType: 'application/octet-stream', buffer: bytes }]);
    await page.waitForFunction(() => document.querySelector('[data-testid="train-prior-model-state"]')?.textContent?.includes('tiny-prior.onnx'));

    await page.fill('[data-testid="train-iterations"]', String(STEPS));
    await page.selectOption('[data-testid="train-size"]', 'quarter');
    await page.fill('[data-testid="train-splats"]', '2000');
    await page.click('[data-testid="train-start"]');

    try {
      await page.waitForSelector('[data-testid="train-repair-pair"]', { timeout: 150_000 });
    } catch (e) {
      console.log('state:', await page.locator('[data-testid="train-run"]').getAttribute('data-status'), await page.locator('[data-testid="train-step"]').getAttribute('data-step'), await page.locator('[data-testid="train-status"]').textContent(), await page.locator('[role="alert"]').allTextContents());
      throw e;
    }
    const pairStep = Number(await page.locator('[data-testid="train-repair-pair"]').getAttribute('data-step'));
    expect(pairStep).toBe(STEPS / 2);
    const before = await canvasPixels('train-repair-before');
    const after = await canvasPixels('train-repair-after');
    expect(before.length).toBe(after.length);
    expect(before.length).toBeGreaterThan(0);
    // The render shows something, and the repair changed it.
    expect(new Set(before.filter((_, i) => i % 4 === 0)).size).toBeGreaterThan(5);
    let differ = 0;
    for (let i = 0; i < before.length; i++) if (Math.abs(before[i] - after[i]) > 8) differ++;
    expect(differ).toBeGreaterThan(before.length / 20);

    await page.waitForFunction(() => document.querySelector('[data-testid="train-run"]')?.getAttribute('data-status') === 'finished', null, { timeout: 120_000 });
    // The switch now says what a repair round cost here.
    await page.click('[data-testid="train-advanced"] summary').catch(() => {});
    await page.waitForFunction(() => (document.querySelector('[data-testid="train-prior-cost"]')?.getAttribute('data-round-ms') ?? '') !== '', null, { timeout: 10_000 });
    expect(await page.locator('[data-testid="train-prior-cost"]').textContent()).toMatch(/measured/);
    await page.locator('[data-testid="train-repair-pair"]').scrollIntoViewIfNeeded();
    await page.screenshot({ path: resolve(SHOTS, 'app-train-prior.png') });
    expect(pageErrors).toEqual([]);
  }, 300_000);
});
