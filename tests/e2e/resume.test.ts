/**
 * Never lose work (issue 16's first acceptance line), in headless Chromium on the built app: a
 * run of the default scene is reloaded mid-training; after the reload the page offers to resume
 * it, and the resumed run goes on from its last checkpoint (the step count and the loss plot carry
 * on from there) to the end. Its final cloud (saved as PLY) scores within 0.2 dB of an
 * uninterrupted run with the same seed, both scored here in Node over the split's train and test
 * views (PSNR inside the masks, Dawn WebGPU). The kept session is then listed and deleted.
 */
import { readFile, rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { PreviewServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GaussianCloud } from '../../src/core/gaussianCloud.ts';
import { readPly } from '../../src/io/ply.ts';
import { loadScene } from '../../src/io/sceneFolder.ts';
import { fsSource } from '../../src/node/fsFileSource.ts';
import { scoreView } from '../../src/recon/evaluate/scoreView.ts';
import { prepareSplit } from '../../src/recon/prepareViews.ts';
import { renderCloudViews } from '../../src/recon/renderViews.ts';
import { defaultSplit } from '../../src/ui/splits.ts';
import { CHROMIUM, CHROMIUM_FLAGS } from '../chromium.ts';
import { testGpu } from '../gpu/gpuTestDevice.ts';
import { buildAndPreview, defaultSceneFolder, requireChromium, ROOT } from './harness.ts';

const OUT_DIR = resolve(ROOT, 'test-results/e2e-resume-dist');
// Long enough for a checkpoint (the first is written at step 5) and a stretch after it.
const STEPS = 14;

let server: PreviewServer | undefined;
let browser: Browser | undefined;
let baseUrl: string;

beforeAll(async () => {
  requireChromium();
  ({ server, baseUrl } = await buildAndPreview(OUT_DIR));
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await rm(OUT_DIR, { recursive: true, force: true });
});

const attr = (page: Page, sel: string, name: string) => page.locator(sel).getAttribute(name);

async function openAndSetUp(page: Page): Promise<void> {
  await page.goto(baseUrl);
  await page.waitForFunction(() => document.querySelector('[data-testid="stage-train"]')?.getAttribute('data-state') === 'ready', null, { timeout: 60_000 });
  await page.fill('[data-testid="train-iterations"]', String(STEPS));
  await page.selectOption('[data-testid="train-size"]', 'quarter');
  await page.fill('[data-testid="train-splats"]', '800');
}

const finished = (page: Page) =>
  page.waitForFunction(() => document.querySelector('[data-testid="train-run"]')?.getAttribute('data-status') === 'finished', null, { timeout: 180_000 });

async function savedPly(page: Page): Promise<GaussianCloud> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="cloud-save-ply"]')]);
  return readPly(new Uint8Array(await readFile((await download.path())!)));
}

describe('a reload mid-training loses nothing', () => {
  it('resumes from the last checkpoint: the steps go on, the final PSNR is within 0.2 dB of an uninterrupted run', async () => {
    // The run left alone (a context of its own: its own IndexedDB).
    const alone = await browser!.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
    const a = await alone.newPage();
    await openAndSetUp(a);
    await a.click('[data-testid="train-start"]');
    await finished(a);
    const cloudA = await savedPly(a);
    await alone.close();

    // The same run, reloaded once a checkpoint is kept.
    const ctx = await browser!.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
    const page = await ctx.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await openAndSetUp(page);
    expect(await page.locator('[data-testid="resume-banner"]').count()).toBe(0);
    await page.click('[data-testid="train-start"]');
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="train-run"]')?.getAttribute('data-checkpoint-step') || 0) > 0, null, { timeout: 120_000 });
    const kept = Number(await attr(page, '[data-testid="train-run"]', 'data-checkpoint-step'));
    expect(kept).toBeGreaterThanOrEqual(5);
    expect(kept).toBeLessThan(STEPS);
    await page.reload();

    await page.waitForSelector('[data-testid="resume-banner"]', { timeout: 60_000 });
    const offered = Number(await attr(page, '[data-testid="resume-banner"]', 'data-step'));
    expect(offered).toBeGreaterThanOrEqual(kept);
    expect(await page.locator('[data-testid="resume-banner"]').textContent()).toContain(`stopped at step ${offered} of ${STEPS}`);
    await page.click('[data-testid="resume-session"]');
    await page.waitForFunction((s) => document.querySelector('[data-testid="train-run"]')?.getAttribute('data-resumed-from') === String(s), offered, { timeout: 60_000 });
    // The step counter starts where the checkpoint stopped, not at 0.
    expect(Number(await attr(page, '[data-testid="train-step"]', 'data-step'))).toBeGreaterThanOrEqual(offered);
    await finished(page);
    expect(Number(await attr(page, '[data-testid="train-step"]', 'data-step'))).toBe(STEPS);
    // One loss point per step, the ones before the reload included (the metrics were kept).
    expect(Number(await attr(page, '[data-testid="train-plot-loss"]', 'data-points'))).toBe(STEPS);
    const cloudB = await savedPly(page);

    // The kept session is listed as finished and can be deleted.
    await page.locator('[data-testid="sessions"] summary').click();
    expect(await page.locator('[data-testid="session"][data-status="finished"]').count()).toBeGreaterThanOrEqual(1);
    // Renamed: the new name is kept in the store (it survives the list being read again).
    await page.locator('[data-testid="session-rename"]').first().click();
    await page.fill('[data-testid="session-name-input"]', 'my stool, second try');
    await page.press('[data-testid="session-name-input"]', 'Enter');
    await expect.poll(() => page.locator('[data-testid="session-name"]').allTextContents()).toContain('my stool, second try');
    const before = await page.locator('[data-testid="session"]').count();
    await page.locator('[data-testid="session-delete"]').first().click();
    await expect.poll(() => page.locator('[data-testid="session"]').count()).toBe(before - 1);
    expect(errors).toEqual([]);
    await ctx.close();

    // Both clouds scored the same way in Node.
    const { folder } = await defaultSceneFolder();
    const scene = await loadScene(fsSource(folder));
    const split = defaultSplit(scene.manifest)!;
    const w0 = scene.views[0].rgba.width, h0 = scene.views[0].rgba.height;
    const prepared = prepareSplit(scene, split, { width: Math.max(16, Math.round(w0 / 4)), height: Math.max(16, Math.round(h0 / 4)) });
    const views = [...prepared.train, ...prepared.test];
    const device = (await testGpu()).device;
    const psnr = async (cloud: GaussianCloud) => {
      const renders = await renderCloudViews(device, cloud, views.map((v) => v.camera), prepared.background);
      return views.map((v, i) => scoreView(v.id, renders[i], v.rgba, v.mask).psnrInMask!).reduce((x, y) => x + y, 0) / views.length;
    };
    const pa = await psnr(cloudA);
    const pb = await psnr(cloudB);
    console.log(`resume e2e: checkpoint at step ${offered}; uninterrupted ${pa.toFixed(3)} dB, resumed ${pb.toFixed(3)} dB`);
    expect(Math.abs(pa - pb), `uninterrupted ${pa.toFixed(3)} dB, resumed ${pb.toFixed(3)} dB`).toBeLessThan(0.2);
  }, 600_000);
});
