/**
 * End to end, from photos alone: renders a few views of the patterned cube with src/scenegen
 * (160x120, PNG files only: no scene.json, no cameras, no masks), opens them in the built app in
 * headless Chromium, and checks the Masks stage: it runs in the worker by itself, a mask is drawn
 * over every thumbnail, each mask is close to the exact one, the threshold slider re-thresholds
 * them (areas change without a new run), and per photo accept / no mask / redo work.
 *
 * Then the same photos with their cameras but without masks or bounds (a zipped scene folder):
 * the masks found let Hull and Train run, a short run carves its hull from them, and after a
 * threshold change (which keeps the run and shrinks the masks) a new run carves another hull:
 * training uses the masks as edited.
 *
 * After the masks, the Poses stage places the dropped photos by itself (those the matches cannot,
 * roughly from their outlines by the object-centred start, each named with why): frustums appear,
 * a short run trains on all but the last photo, and Evaluate scores the held-out one.
 */
import { mkdir, rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { PreviewServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { zipSync } from 'fflate';
import type { Camera } from '../../src/core/camera.ts';
import { encodeRgbPng } from '../../src/scenegen/compactPng.ts';
import { buildObject } from '../../src/scenegen/objects/index.ts';
import { renderView } from '../../src/scenegen/render.ts';
import { dtuLikeRig } from '../../src/scenegen/rig.ts';
import { CHROMIUM, CHROMIUM_FLAGS } from '../chromium.ts';
import { buildAndPreview, requireChromium, ROOT, SHOTS } from './harness.ts';

const OUT_DIR = resolve(ROOT, 'test-results/e2e-appflow-dist');
const W = 160;
const H = 120;
const VIEWS = 6;

let server: PreviewServer | undefined;
let browser: Browser | undefined;
let page: Page;
let baseUrl: string;
const pageErrors: string[] = [];
/** The photos as PNG files, and the exact fraction of each frame the object covers. */
let photos: { name: string; mimeType: string; buffer: Buffer }[] = [];
let trueAreas: number[] = [];
let cameras: { id: string; camera: Camera }[] = [];

beforeAll(async () => {
  requireChromium();
  const obj = buildObject('patterned-cube');
  const rig = dtuLikeRig(obj.center, obj.radius, obj.bounds, W, H).slice(0, VIEWS);
  photos = [];
  trueAreas = [];
  cameras = rig.map((rv) => ({ id: rv.id, camera: rv.camera }));
  for (const rv of rig) {
    const { image, mask } = renderView(obj, rv.camera);
    photos.push({ name: `cube_${rv.id}.png`, mimeType: 'image/png', buffer: Buffer.from(encodeRgbPng(W, H, image.data)) });
    trueAreas.push(mask.reduce((s, m) => s + (m ? 1 : 0), 0) / mask.length);
  }
  ({ server, baseUrl } = await buildAndPreview(OUT_DIR));
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
  page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await mkdir(SHOTS, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await rm(OUT_DIR, { recursive: true, force: true });
});

const stageState = (id: string) => page.locator(`[data-testid="stage-${id}"]`).getAttribute('data-state');
const stageLabel = (id: string) => page.locator(`[data-testid="stage-${id}-label"]`).textContent();

async function maskAreas(): Promise<number[]> {
  return page.locator('[data-testid="thumbnail"]').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-mask-area') ?? 'NaN')));
}

async function setThreshold(t: number): Promise<void> {
  await page.locator('[data-testid="masks-threshold"]').evaluate((el, v) => {
    const input = el as HTMLInputElement;
    Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!.call(input, String(v));
    input.dispatchEvent(new Event('input', { bubbles: true }));
  }, t);
  await page.waitForFunction((v) => document.querySelector('[data-testid="masks-threshold-value"]')?.textContent === v.toFixed(2), t);
}

describe('photos without cameras or masks', () => {
  it('keeps the masks of a bundled scene and does not run the stage on it', async () => {
    await page.goto(baseUrl);
    await page.waitForSelector('[data-testid="thumbnail"]', { timeout: 30_000 });
    await page.waitForFunction(() => document.querySelector('[data-testid="stage-masks"]')?.getAttribute('data-state') === 'done', null, { timeout: 30_000 });
    expect(await stageLabel('masks')).toBe('from the scene');
    expect(await page.locator('[data-testid="thumb-mask"]').count()).toBe(0);
    expect(await page.locator('[data-testid="masks-panel"]').count()).toBe(0);
  });

  it('finds a mask for every dropped photo in the worker and draws it over its thumbnail', async () => {
    await page.setInputFiles('[data-testid="file-input"]', photos);
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid="thumbnail"]').length === n, VIEWS, { timeout: 30_000 });
    // The stage starts by itself (OpenCV.js loads in the worker on the first run).
    await page.waitForFunction(() => ['running', 'done'].includes(document.querySelector('[data-testid="stage-masks"]')?.getAttribute('data-state') ?? ''), null, {
      timeout: 20_000,
    });
    await page.waitForFunction(() => document.querySelector('[data-testid="stage-masks"]')?.getAttribute('data-state') === 'done', null, { timeout: 110_000 });
    expect(await stageLabel('masks')).toBe(`done · ${VIEWS} masks`);
    expect(await page.locator('[data-testid="thumb-mask"]').count()).toBe(VIEWS);
    expect(await page.locator('[data-testid="masks-warnings"]').count()).toBe(0);

    // Each mask covers about as much of the frame as the object really does.
    const areas = await maskAreas();
    areas.forEach((a, i) => expect(Math.abs(a - trueAreas[i]), `view ${i}: ${a} vs ${trueAreas[i]}`).toBeLessThan(0.03));

    // The overlay is drawn: object pixels tinted, background dimmed (both present on the canvas).
    const drawn = await page.locator('[data-testid="thumb-mask"]').first().evaluate((c) => {
      const cv = c as HTMLCanvasElement;
      const d = cv.getContext('2d')!.getImageData(0, 0, cv.width, cv.height).data;
      let tinted = 0, dimmed = 0;
      for (let i = 3; i < d.length; i += 4) {
        if (d[i] === 90) tinted++;
        else if (d[i] === 150) dimmed++;
      }
      return { w: cv.width, h: cv.height, tinted: tinted / (d.length / 4), dimmed: dimmed / (d.length / 4) };
    });
    expect(drawn).toMatchObject({ w: W, h: H });
    expect(Math.abs(drawn.tinted - areas[0])).toBeLessThan(0.005);
    expect(drawn.dimmed).toBeGreaterThan(0.5);

    // The photos have no cameras: Hull and Train wait for them and say so.
    expect(await stageLabel('train')).toBe('needs cameras');
    expect(await page.locator('[data-testid="train-start"]').isDisabled()).toBe(true);
    await page.screenshot({ path: '/tmp/appflow-masks.png' });
    await page.screenshot({ path: resolve(SHOTS, 'appflow-masks.png') });
  });

  it('re-thresholds the kept probability maps with the slider, without running the stage again', async () => {
    const before = await maskAreas();
    await setThreshold(0.9);
    const high = await maskAreas();
    expect(await stageState('masks')).toBe('done');
    expect(await page.locator('[data-testid="masks-progress"]').count()).toBe(0);
    // Strictly smaller: the kept map re-thresholded (the margin shifts every level set alike, so the
    // 0.9 mask of a small photo is only about half a percent of the frame smaller).
    high.forEach((a, i) => expect(a).toBeLessThan(before[i] - 0.003));
    await setThreshold(0.1);
    const low = await maskAreas();
    low.forEach((a, i) => expect(a).toBeGreaterThanOrEqual(before[i]));
    await setThreshold(0.5);
    expect(await maskAreas()).toEqual(before);
  });

  it('accepts a mask, replaces one by the full frame, and finds one again', async () => {
    const thumbs = page.locator('[data-testid="thumbnail"]');
    await thumbs.nth(0).locator('[data-testid="mask-none"]').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="thumbnail"]')?.getAttribute('data-mask-choice') === 'full');
    expect(await thumbs.nth(0).getAttribute('data-mask-area')).toBe('1.0000');
    expect(await thumbs.nth(0).locator('[data-testid="thumb-mask-area"]').textContent()).toBe('no mask');

    await thumbs.nth(1).locator('[data-testid="mask-accept"]').click();
    expect(await thumbs.nth(1).getAttribute('data-mask-choice')).toBe('accepted');
    expect(await thumbs.nth(1).locator('[data-testid="mask-accept"]').getAttribute('aria-pressed')).toBe('true');

    // Redo on the full-frame one: the stage runs on that photo alone and its mask comes back.
    const before = await maskAreas();
    await thumbs.nth(0).locator('[data-testid="mask-redo"]').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="thumbnail"]')?.getAttribute('data-mask-choice') === 'auto', null, { timeout: 60_000 });
    const after = await maskAreas();
    expect(Math.abs(after[0] - trueAreas[0])).toBeLessThan(0.03);
    expect(after.slice(1)).toEqual(before.slice(1));
    expect(pageErrors).toEqual([]);
  });

  it('places the photos after the masks (those the matches cannot, roughly from their outlines, saying so): frustums appear, and a held-out photo is scored', async () => {
    // Poses started by itself once the masks were found (the tests above ran meanwhile).
    await page.waitForFunction(() => ['done', 'failed'].includes(document.querySelector('[data-testid="stage-poses"]')?.getAttribute('data-state') ?? ''), null, {
      timeout: 240_000,
    });
    const label = (await stageLabel('poses')) ?? '';
    const m = /^done · (\d+) \/ (\d+) placed$/.exec(label);
    expect(m, label).not.toBeNull();
    const placed = Number(m![1]);
    // Every photo has a mask, so the object-centred start places what the matches cannot.
    expect(Number(m![2])).toBe(VIEWS);
    expect(placed).toBe(VIEWS);
    // The 3D view draws a frustum per placed photo.
    await page.waitForFunction((n) => document.querySelector('.viewport-legend')?.textContent?.startsWith(`${n} camera`), placed);
    expect(await page.locator('[data-testid="viewport-note"]').count()).toBe(0);
    expect(await page.locator('[data-testid="thumb-unplaced"]').count()).toBe(0);
    expect(await page.locator('[data-testid="poses-unplaced"] li').count()).toBe(0);
    // The photos placed only from their outlines are named, with why the matches could not place them.
    const reasons = await page.locator('[data-testid="poses-guessed"] li').allTextContents();
    for (const r of reasons) expect(r).toMatch(/^cube_v\d+\.png was placed roughly, from its outline \(the matches could not: .+\); Reconstruct refines its camera while it trains\.$/);
    await page.screenshot({ path: resolve(SHOTS, 'appflow-poses.png') });

    // A split holds out the last photo the matches placed: train on the others and score it.
    await page.click(`[data-testid="split-selector"] [role="radio"]:text-is("${placed - 1}")`);
    // Hull and Train run on the placed photos (bounds from the points, hull from the masks).
    await page.waitForFunction(() => document.querySelector('[data-testid="stage-train"]')?.getAttribute('data-state') === 'ready', null, { timeout: 30_000 });
    // The split in force before typing: it changes the default step count, and a field re-rendered
    // mid-fill once took "3" as "13003" (the 5-view default 1300 with the 3 typed after it).
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="thumbnail"][data-role="test"]').length === 1);
    // The held-out photo is one the matches placed (a held-out guess would never be refined).
    const heldOut = await page.locator('[data-testid="thumbnail"][data-role="test"]').getAttribute('data-view-id');
    const guessedBefore = await page.locator('[data-testid="poses-guessed"] li').evaluateAll((els) => els.map((e) => e.getAttribute('data-view-id')));
    expect(guessedBefore.length).toBeGreaterThan(0);
    expect(guessedBefore.length).toBeLessThan(placed);
    expect(guessedBefore).not.toContain(heldOut);
    await page.fill('[data-testid="train-iterations"]', '3');
    expect(await page.locator('[data-testid="train-iterations"]').inputValue()).toBe('3');
    await page.selectOption('[data-testid="train-size"]', 'half');
    await page.fill('[data-testid="train-splats"]', '500');
    await page.click('[data-testid="train-start"]');
    // 180 s: on CI's 2 cores, beside the unit tests, these 3 steps once took over 90 s (the whole test: 28 s alone).
    // Waits for any end, so that a run that fails or never starts says where it stopped.
    await page.waitForFunction(() => ['finished', 'failed', 'cancelled'].includes(document.querySelector('[data-testid="train-run"]')?.getAttribute('data-status') ?? ''), null, { timeout: 180_000 })
      .catch(async (e: Error) => { throw new Error(`${e.message}; train run ${await page.locator('[data-testid="train-run"]').getAttribute('data-status').catch(() => 'absent')}, stages: hull "${await stageLabel('hull')}", train "${await stageLabel('train')}"`); });
    expect(await page.locator('[data-testid="train-run"]').getAttribute('data-status'), `train: ${await stageLabel('train')}`).toBe('finished');
    expect(await stageLabel('hull')).toMatch(/^done · [\d,]+ voxels$/);
    // The guessed cameras were refined first in a pre-pass as long as the run (3 steps), at the run's size or smaller.
    expect(await page.locator('[data-testid="train-camera-prepass"]').textContent()).toMatch(/^3 steps at \d+×\d+, [\d.]+ s$/);
    // A guessed photo that was trained on now has the refined camera, and says so.
    const guessedIds = await page.locator('[data-testid="poses-guessed"] li').evaluateAll((els) => els.map((e) => e.getAttribute('data-view-id')));
    const trainedGuesses: string[] = [];
    for (const id of guessedIds) {
      const role = await page.locator(`[data-testid="thumbnail"][data-view-id="${id}"]`).getAttribute('data-role');
      const text = await page.locator(`[data-testid="poses-guessed"] li[data-view-id="${id}"]`).textContent();
      if (role === 'train') {
        expect(text).toMatch(/; training has refined its camera\.$/);
        trainedGuesses.push(id!);
      }
    }
    // The 3D view draws the frustums of exactly those photos where training moved them.
    expect(trainedGuesses.length).toBeGreaterThan(0);
    expect((await page.locator('[data-testid="viewport"]').getAttribute('data-refined-frustums'))?.split(',').filter(Boolean).sort()).toEqual(trainedGuesses.sort());
    await page.click('[data-testid="eval-start"]');
    await page.waitForFunction(() => document.querySelector('[data-testid="stage-evaluate"]')?.getAttribute('data-state') === 'done', null, { timeout: 180_000 });
    const db = Number(/^done · ([\d.]+) dB$/.exec((await stageLabel('evaluate')) ?? '')?.[1]);
    expect(db).toBeGreaterThan(5);
    // Place again, then Cancel: the stage says so and the cameras found before stay.
    await page.click('[data-testid="poses-start"]');
    await page.click('[data-testid="poses-cancel"]', { timeout: 10_000 });
    await page.waitForFunction(() => document.querySelector('[data-testid="stage-poses"]')?.getAttribute('data-state') === 'cancelled', null, { timeout: 60_000 });
    expect(await page.locator('[data-testid="poses-message"]').textContent()).toBe('Placing the photos was cancelled; the cameras found before are kept.');
    expect(await page.locator('.viewport-legend').textContent()).toMatch(new RegExp(`^${placed} camera`));
    console.log(`appflow e2e: ${placed} of ${VIEWS} photos placed (${reasons.length} from their outlines), scored ${db} dB; ${reasons.join(' | ')}`);
    expect(pageErrors).toEqual([]);
    // Its waits (poses up to 240 s, then training and scoring) add up to more than the e2e default.
  }, 420_000);

  it('learned features and the IS-Net masks need their model file: without one the stage says so, a wrong file is refused by its hash', async () => {
    const bogus = { name: 'not_a_model.onnx', mimeType: 'application/octet-stream', buffer: Buffer.from('this is not an ONNX file') };
    // Poses with ALIKE-N and no model: the page says what to open, and Place does not run.
    await page.selectOption('[data-testid="poses-features"]', 'alike');
    expect(await page.locator('[data-testid="poses-needs-model"]').textContent()).toMatch(/^Open the alike_n\.onnx model file \(or give its URL\) first/);
    expect(await page.locator('[data-testid="poses-model-state"]').textContent()).toMatch(/Needs alike_n\.onnx \(BSD-3-Clause/);
    // A wrong file: picked, then refused by the worker before anything runs, with its name and hash.
    await page.setInputFiles('[data-testid="poses-model-input"]', bogus);
    await page.waitForFunction(() => document.querySelector('[data-testid="poses-model-state"]')?.textContent?.startsWith('alike-n: not_a_model.onnx'));
    expect(await page.locator('[data-testid="poses-needs-model"]').count()).toBe(0);
    await page.click('[data-testid="poses-start"]');
    await page.waitForFunction(() => document.querySelector('[data-testid="stage-poses"]')?.getAttribute('data-state') === 'failed', null, { timeout: 60_000 });
    expect(await page.locator('[data-testid="poses-message"]').textContent()).toMatch(/^Poses failed: not_a_model\.onnx: is not the alike-n model file alike_n\.onnx: its sha256 is [0-9a-f]{64}/);
    // The cameras found before are kept.
    expect(await page.locator('.viewport-legend').textContent()).toMatch(/^\d+ camera/);
    // An unreachable URL: a message, not a hang.
    await page.fill('[data-testid="poses-model-url"]', 'http://127.0.0.1:9/alike_n.onnx');
    await page.click('[data-testid="poses-model-url-use"]');
    await page.waitForSelector('[data-testid="poses-model-error"]', { timeout: 30_000 });
    expect(await page.locator('[data-testid="poses-model-error"]').textContent()).toMatch(/could not be fetched .* download the file and open it instead/);
    await page.selectOption('[data-testid="poses-features"]', 'none');

    // Masks with IS-Net and a wrong file: the same, and the masks shown before stay.
    const areas = await page.locator('[data-testid="thumbnail"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-mask-area')));
    await page.selectOption('[data-testid="masks-method"]', 'model');
    expect(await page.locator('[data-testid="masks-needs-model"]').textContent()).toMatch(/^Open the isnet/);
    await page.setInputFiles('[data-testid="masks-model-input"]', bogus);
    await page.waitForFunction(() => document.querySelector('[data-testid="masks-model-state"]')?.textContent?.includes('not_a_model.onnx'));
    await page.click('[data-testid="masks-start"]');
    await page.waitForFunction(() => document.querySelector('[data-testid="stage-masks"]')?.getAttribute('data-state') === 'failed', null, { timeout: 60_000 });
    expect(await page.locator('[data-testid="masks-message"]').textContent()).toMatch(/^Masks failed: not_a_model\.onnx: is not the .* model file .*sha256 is [0-9a-f]{64}/);
    expect(await page.locator('[data-testid="thumbnail"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-mask-area')))).toEqual(areas);
    await page.selectOption('[data-testid="masks-method"]', 'auto');
    expect(pageErrors).toEqual([]);
  });

  it('with cameras but no masks: the masks found are the ones training carves its hull from', async () => {
    const ids = cameras.map((c) => c.id);
    const manifest = {
      version: 1,
      name: 'cube-no-masks',
      views: cameras.map(({ id, camera }) => ({ id, image: `images/${id}.png`, camera })),
      splits: { '4': { train: ids.slice(0, 4), test: ids.slice(4) } },
      background: [0, 0, 0],
    };
    const files: Record<string, Uint8Array> = { 'cube/scene.json': new TextEncoder().encode(JSON.stringify(manifest)) };
    photos.forEach((p, i) => (files[`cube/images/${ids[i]}.png`] = new Uint8Array(p.buffer)));
    await page.setInputFiles('[data-testid="file-input"]', [{ name: 'cube.zip', mimeType: 'application/zip', buffer: Buffer.from(zipSync(files)) }]);
    await page.waitForFunction(() => document.querySelector('[data-testid="scene-info"]')?.textContent?.includes('cube.zip'), null, { timeout: 30_000 });
    await page.waitForFunction(() => document.querySelector('[data-testid="stage-masks-label"]')?.textContent === 'done · 6 masks', null, { timeout: 60_000 });
    // No bounds in scene.json: only the masks found tell Train where the object is.
    await page.waitForFunction(() => document.querySelector('[data-testid="stage-train"]')?.getAttribute('data-state') === 'ready', null, { timeout: 30_000 });
    expect(await stageLabel('hull')).toBe('runs with Train');

    const runOnce = async (): Promise<number> => {
      await page.fill('[data-testid="train-iterations"]', '2');
      await page.selectOption('[data-testid="train-size"]', 'quarter');
      await page.fill('[data-testid="train-splats"]', '500');
      await page.click('[data-testid="train-start"]');
      await page.waitForFunction(() => document.querySelector('[data-testid="train-run"]')?.getAttribute('data-status') === 'finished', null, { timeout: 90_000 });
      const label = (await stageLabel('hull')) ?? '';
      const m = /^done · ([\d,]+) voxels$/.exec(label);
      expect(m, label).not.toBeNull();
      return Number(m![1].replace(/,/g, ''));
    };
    const voxels = await runOnce();
    expect(voxels).toBeGreaterThan(0);
    // A tighter threshold: the run and its cloud stay, and the 3D view stays where it was orbited
    // to; the next run carves from the smaller masks.
    const box = (await page.locator('[data-testid="viewport"]').boundingBox())!;
    await page.mouse.move(box.x + 150, box.y + box.height * 0.6);
    await page.mouse.down();
    await page.mouse.move(box.x + 280, box.y + box.height * 0.5, { steps: 6 });
    await page.mouse.up();
    const viewCamera = () => page.locator('[data-testid="splat-backend"]').getAttribute('data-camera');
    // Let the orbit controls' damping come to rest: the same camera three times, a second apart
    // (twice was not enough on a loaded machine, where frames come seldom: CI once saw it move on).
    let orbited = await viewCamera();
    for (let i = 0, same = 0; i < 30 && same < 2; i++) {
      await page.waitForTimeout(1000);
      const now = await viewCamera();
      same = now === orbited ? same + 1 : 0;
      orbited = now;
    }
    expect(orbited).toBeTruthy();
    const areasBefore = await maskAreas();
    await setThreshold(0.9);
    await page.waitForTimeout(500);
    const areasAfter = await maskAreas();
    expect(areasAfter.reduce((a, b) => a + b, 0)).toBeLessThan(areasBefore.reduce((a, b) => a + b, 0));
    expect(await viewCamera()).toBe(orbited);
    expect(await page.locator('[data-testid="train-run"]').getAttribute('data-status')).toBe('finished');
    expect(await stageLabel('hull')).toBe(`done · ${voxels.toLocaleString('en')} voxels`);
    // The hull is carved from the edited masks: it changes. (Its voxel count need not fall: with no
    // bounds in scene.json the voxel grid is fitted to the masks too, and a smaller box has finer voxels.)
    const tighter = await runOnce();
    expect(tighter).not.toBe(voxels);
    await page.screenshot({ path: resolve(SHOTS, 'appflow-trained.png') });
    expect(pageErrors).toEqual([]);
  });
});
