/**
 * End to end, training: builds the app, serves it on 127.0.0.1 and drives headless Chromium
 * (/usr/bin/chromium, SwiftShader WebGPU, flags from ../shared/GPU-TESTING.md) as a person would:
 * open the default bundled scene, set a short run at a quarter of the size, Reconstruct, watch the
 * step counter, the plot, the splat count and the preview, save the PLY; start again and Cancel;
 * then open the app in a Chromium without WebGPU and read the message.
 *
 * Software WebGPU is slow (a few hundred ms per step at 100x75 with ~3000 splats), so runs are
 * short; nothing here asserts a time.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_QUALITY, QUALITY_PRESETS } from '../../src/recon/train/qualityPresets.ts';
import { CHROMIUM, QUIET_FLAGS } from '../chromium.ts';
import { launchApp, ROOT, SHOTS, type LaunchedApp } from './harness.ts';
import { defaultSteps } from '../../src/recon/train/stepCount.ts';

const OUT_DIR = resolve(ROOT, 'test-results/e2e-train-dist');
/** Short enough for SwiftShader, long enough to see several progress reports. */
const STEPS = 16;

let app: LaunchedApp | undefined;
let page: Page;
let baseUrl: string;
let viewCount: number;
let pageErrors: string[];
let consoleErrors: string[];

beforeAll(async () => {
  app = await launchApp(OUT_DIR);
  ({ page, baseUrl, viewCount, pageErrors, consoleErrors } = app);
  await mkdir(SHOTS, { recursive: true });
});

afterAll(() => app?.close());

// ---- helpers ------------------------------------------------------------------------------

const step = async () => Number(await page.locator('[data-testid="train-step"]').getAttribute('data-step'));
const runStatus = () => page.locator('[data-testid="train-run"]').getAttribute('data-status');

async function waitForStatus(p: Page, status: string, timeout: number): Promise<void> {
  await p.waitForFunction((s) => document.querySelector('[data-testid="train-run"]')?.getAttribute('data-status') === s, status, { timeout });
}

async function waitForStep(atLeast: number, timeout: number): Promise<void> {
  await page.waitForFunction(
    (n) => Number(document.querySelector('[data-testid="train-step"]')?.getAttribute('data-step') ?? 0) >= n,
    atLeast,
    { timeout },
  );
}

/** Pixels of the preview canvas: how many differ from the background (black) and how many colours. */
async function previewStats(): Promise<{ width: number; height: number; lit: number; distinct: number }> {
  return page.evaluate(() => {
    const c = document.querySelector<HTMLCanvasElement>('[data-testid="train-preview"]')!;
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let lit = 0;
    const colours = new Set<number>();
    for (let i = 0; i < d.length; i += 4) {
      if (d[i] + d[i + 1] + d[i + 2] > 24) lit++;
      colours.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
    }
    return { width: c.width, height: c.height, lit, distinct: colours.size };
  });
}

/**
 * Waits until the field with this test id shows `value`. The number fields' text follows their
 * value a render after the change (useNumberDraft), so a read right after a click can see the old one.
 */
async function waitForValue(testId: string, value: string): Promise<void> {
  await page.waitForFunction(([id, v]) => (document.querySelector(`[data-testid="${id}"]`) as HTMLInputElement | null)?.value === v, [testId, value] as const, { timeout: 5_000 });
}

async function setUpShortRun(iterations: number): Promise<void> {
  await page.fill('[data-testid="train-iterations"]', String(iterations));
  await page.selectOption('[data-testid="train-size"]', 'quarter');
  await page.fill('[data-testid="train-splats"]', '2000');
  expect(await page.inputValue('[data-testid="train-iterations"]')).toBe(String(iterations));
  // A typed count is kept (no longer by views), with a way back.
  expect(await page.locator('[data-testid="train-steps-by-views"]').count()).toBe(1);
}

// ---- tests ----------------------------------------------------------------------------------

describe('training in the app (headless Chromium, SwiftShader WebGPU)', () => {
  it('trains on the default scene with live progress, plot, splat count and preview, then saves a PLY', async () => {
    await page.goto(baseUrl);
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid="thumbnail"]').length === n, viewCount, { timeout: 20_000 });
    // WebGPU is found (in the worker) and the scene has cameras and masks: Train is ready.
    await page.waitForFunction(() => document.querySelector('[data-testid="stage-train"]')?.getAttribute('data-state') === 'ready', null, { timeout: 20_000 });
    expect(await page.locator('[data-testid="stage-hull"]').getAttribute('data-state')).toBe('ready');
    for (const id of ['masks', 'poses']) expect(await page.locator(`[data-testid="stage-${id}"]`).getAttribute('data-state')).toBe('done');
    expect(await page.locator('[data-testid="stage-compress"]').getAttribute('data-state')).toBe('blocked');
    expect(await page.locator('[data-testid="stage-evaluate-label"]').textContent()).toBe('needs a cloud');
    expect(await page.locator('[data-testid="train-init"]').inputValue()).toBe('hull');
    // The steps follow the number of training views until one is typed (stepCount.ts).
    const source = (await page.locator('[data-testid="train-steps-source"]').textContent()) ?? '';
    const trainViews = Number(/^by (\d+) views?$/.exec(source)?.[1]);
    expect(trainViews).toBeGreaterThan(0);
    expect(await page.locator('[data-testid="train-iterations"]').inputValue()).toBe(String(defaultSteps(trainViews)));
    // A typed count replaces it; "by views" brings the view count's default back.
    await page.fill('[data-testid="train-iterations"]', '37');
    await page.click('[data-testid="train-steps-by-views"]');
    await waitForValue('train-iterations', String(defaultSteps(trainViews)));
    expect(await page.locator('[data-testid="train-steps-source"]').textContent()).toBe(source);

    // The Quality setting: the defaults' level; each level sets its switches (under Advanced);
    // a switch set by hand reads "custom".
    const quality = page.locator('[data-testid="train-quality"]');
    expect(await quality.inputValue()).toBe(DEFAULT_QUALITY);
    await page.click('[data-testid="train-advanced"] summary');
    await quality.selectOption('fast');
    expect(await page.inputValue('[data-testid="train-densify-schedule"]')).toBe(QUALITY_PRESETS.fast.levers.densifySchedule);
    await quality.selectOption('best');
    await waitForValue('train-dropout', String(QUALITY_PRESETS.best.levers.dropout));
    await page.fill('[data-testid="train-dropout"]', '0.37');
    expect(await quality.inputValue()).toBe('custom');
    await quality.selectOption('best'); // the run below trains at this level, in the browser

    await setUpShortRun(STEPS);
    const t0 = Date.now();
    await page.click('[data-testid="train-start"]');
    await page.waitForSelector('[data-testid="train-cancel"]', { timeout: 5_000 });
    expect(await page.locator('[data-testid="train-settings-summary"]').textContent()).toContain('best quality');
    expect(await page.locator('[data-testid="stage-train"]').getAttribute('data-state')).toBe('running');

    // Progress arrives while it runs: the step counter goes up, the plot fills, splats are counted.
    await waitForStep(1, 60_000);
    const first = await step();
    await waitForStep(first + 2, 30_000);
    const seen = await step();
    expect(seen).toBeGreaterThan(first);
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="train-plot-loss"]')?.getAttribute('data-points')) >= 2);
    expect(Number(await page.locator('[data-testid="train-plot-psnr"]').getAttribute('data-points'))).toBeGreaterThanOrEqual(2);
    expect(await page.locator('[data-testid="train-plot-loss"] polyline').count()).toBe(1);
    const splats = Number((await page.locator('[data-testid="train-splat-count"]').textContent())!.replace(/,/g, ''));
    expect(splats).toBeGreaterThan(100);
    expect(splats).toBeLessThanOrEqual(3000);

    // The live preview of the current cloud, honestly labelled, not blank.
    await page.waitForSelector('[data-testid="train-preview"]', { timeout: 30_000 });
    const label = (await page.locator('[data-testid="train-preview-label"]').textContent()) ?? '';
    expect(label).toMatch(/^(training preview, step \d+ \/ 16|final render, step 16)/);
    const live = await previewStats();
    expect(live.width).toBeGreaterThanOrEqual(128);
    expect(live.lit).toBeGreaterThan(0.02 * live.width * live.height);
    expect(live.distinct).toBeGreaterThan(50);

    await waitForStatus(page, 'finished', 60_000);
    const trainMs = Date.now() - t0;
    expect(await step()).toBe(STEPS);
    expect(await page.locator('[data-testid="stage-train"]').getAttribute('data-state')).toBe('done');
    expect(await page.locator('[data-testid="stage-hull"]').getAttribute('data-state')).toBe('done');
    expect(await page.locator('[data-testid="stage-evaluate"]').getAttribute('data-state')).toBe('ready');
    await page.waitForFunction(() => document.querySelector('[data-testid="train-preview-panel"]')?.getAttribute('data-final') === 'true');
    expect(await page.locator('[data-testid="train-preview-label"]').textContent()).toContain('final render, step 16');
    const final = await previewStats();
    expect(final.lit).toBeGreaterThan(0.02 * final.width * final.height);
    expect(await page.locator('[data-testid="message-info"]').textContent()).toMatch(/Trained [\d,]+ splats in 16 steps/);
    await page.locator('[data-testid="train-plot"]').scrollIntoViewIfNeeded();
    await page.screenshot({ path: resolve(SHOTS, 'app-train.png') });

    // Save PLY (the Cloud panel's, the one Save PLY of the page): a standard 3DGS .ply with the splats shown.
    expect(await page.getByRole('button', { name: 'Save PLY' }).count()).toBe(1);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="cloud-save-ply"]')]);
    expect(download.suggestedFilename()).toMatch(/\.ply$/);
    const bytes = await readFile((await download.path())!);
    const header = bytes.subarray(0, 2000).toString('latin1');
    expect(header.startsWith('ply\nformat binary_little_endian 1.0\n')).toBe(true);
    const shown = Number((await page.locator('[data-testid="train-splat-count"]').textContent())!.replace(/,/g, ''));
    expect(header).toContain(`element vertex ${shown}\n`);
    console.log(`training run of ${STEPS} steps: ${(trainMs / 1000).toFixed(1)} s in the page`);
    expect(pageErrors).toEqual([]);
  });

  it('cancels a run mid-way, says so, keeps the cloud and stays usable', async () => {
    await setUpShortRun(2000);
    await page.click('[data-testid="train-start"]');
    await waitForStep(2, 60_000);
    await page.click('[data-testid="train-cancel"]');
    await waitForStatus(page, 'cancelled', 30_000);
    const at = await step();
    expect(at).toBeGreaterThanOrEqual(2);
    expect(at).toBeLessThan(2000);
    expect(await page.locator('[data-testid="train-status"]').textContent()).toContain(`cancelled at step ${at}`);
    expect(await page.locator('[data-testid="stage-train"]').getAttribute('data-state')).toBe('cancelled');
    expect(await page.locator('[data-testid="message-info"]').textContent()).toContain(`Training cancelled after step ${at}`);
    // Usable: the settings and the button are back, the cloud of the cancelled run can be saved.
    expect(await page.locator('[data-testid="train-start"]').isEnabled()).toBe(true);
    expect(await page.locator('[data-testid="train-iterations"]').isEnabled()).toBe(true);
    expect(await page.locator('[data-testid="cloud-save-ply"]').isEnabled()).toBe(true);
    await page.waitForFunction(() => document.querySelector('[data-testid="train-preview-panel"]')?.getAttribute('data-final') === 'true', null, { timeout: 20_000 });
    expect(await page.locator('[data-testid="train-preview-label"]').textContent()).toContain('render of the cloud at cancel');
    await page.screenshot({ path: resolve(SHOTS, 'app-train-cancelled.png') });
    expect(pageErrors).toEqual([]);
    expect(consoleErrors.filter((e) => !/favicon/.test(e))).toEqual([]);
  });

  it('without WebGPU, explains which browsers and flags work and disables Reconstruct', async () => {
    // Chromium without --enable-unsafe-webgpu: navigator.gpu may exist but gives no adapter.
    const noGpu = await chromium.launch({ executablePath: CHROMIUM, args: QUIET_FLAGS });
    try {
      for (const hideApi of [false, true]) {
        const p = await noGpu.newPage({ viewport: { width: 1280, height: 800 } });
        const errors: string[] = [];
        p.on('pageerror', (e) => errors.push(e.message));
        // And a browser with no WebGPU API at all.
        if (hideApi) await p.addInitScript(() => delete (Navigator.prototype as { gpu?: unknown }).gpu);
        await p.goto(baseUrl);
        await p.waitForFunction(() => document.querySelector('[data-testid="stage-train-label"]')?.textContent === 'needs WebGPU', null, { timeout: 20_000 });
        const msg = (await p.locator('[data-testid="train-gpu-message"]').textContent()) ?? '';
        expect(msg).toContain(hideApi ? 'navigator.gpu is missing' : 'No WebGPU adapter');
        expect(msg).toContain('WebGPU is needed for training. It works in Chrome/Edge 113+');
        expect(msg).toContain('--enable-unsafe-webgpu');
        expect(await p.locator('[data-testid="train-start"]').isDisabled()).toBe(true);
        expect(await p.locator('[data-testid="stage-train"]').getAttribute('data-state')).toBe('blocked');
        // The rest of the app still works.
        await p.waitForFunction((n) => document.querySelectorAll('[data-testid="thumbnail"]').length === n, viewCount, { timeout: 20_000 });
        if (!hideApi) await p.screenshot({ path: resolve(SHOTS, 'app-no-webgpu.png') });
        expect(errors).toEqual([]);
        await p.close();
      }
    } finally {
      await noGpu.close();
    }
  });
});
