/**
 * The training loop end to end on the GPU (Dawn), at a tiny size: it must learn, and every fault
 * must end with a message and a usable cloud rather than a crash or a hang.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { isInputError } from '../../src/core/errors.ts';
import { getGpuDevice } from '../../src/gpu/device.ts';
import { fsSource } from '../../src/node/fsFileSource.ts';
import { loadScene, type LoadedScene } from '../../src/io/sceneFolder.ts';
import { scoreView } from '../../src/recon/evaluate/scoreView.ts';
import { prepareSplit, type PreparedSplit } from '../../src/recon/prepareViews.ts';
import { renderCloudViews } from '../../src/recon/renderViews.ts';
import { isCloudFinite, trainGaussians, type TrainView } from '../../src/recon/train/trainer.ts';
import { defaultSteps } from '../../src/recon/train/stepCount.ts';
import { cameraCenter, type Camera } from '../../src/core/camera.ts';
import type { GaussianCloud } from '../../src/core/gaussianCloud.ts';
import { createRasterizer } from '../../src/gpu/rasterizer.ts';
import { depthSmoothReference } from '../../src/gpu/loss/depthSmoothReference.ts';
import { sampleNovelViews } from '../../src/recon/prior/novelViews.ts';
import { testGpu } from '../gpu/gpuTestDevice.ts';

let device: GPUDevice;
let scene: LoadedScene;
let split: PreparedSplit;
const size = { width: 64, height: 48 };

beforeAll(async () => {
  device = (await testGpu()).device;
  scene = await loadScene(fsSource('scenes/pebbles'));
  split = prepareSplit(scene, '3', size);
}, 60_000);

const small = { initSplats: 500, progressEvery: 5, seed: 1 };

async function meanTrainPsnr(cloud: Parameters<typeof renderCloudViews>[1]): Promise<number> {
  const test = split.train;
  const renders = await renderCloudViews(device, cloud, test.map((v) => v.camera), split.background);
  return test.map((v, i) => scoreView(v.id, renders[i], v.rgba, v.mask).psnrInMask!).reduce((a, b) => a + b, 0) / test.length;
}

describe('trainGaussians', () => {
  it('learns: training loss falls and the input views\' PSNR inside the masks rises over the hull start', async () => {
    // The first few dozen steps mostly fit the silhouettes (alpha); colour follows after.
    const r = await trainGaussians(device, split.train, { ...small, iterations: 60, bounds: scene.manifest.bounds, densify: false });
    expect(r.stopped).toBeNull();
    expect(r.faults).toEqual([]);
    expect(r.stepsDone).toBe(60);
    const first = r.history[0].loss;
    const last = r.history[r.history.length - 1].loss;
    expect(last, `loss ${first} -> ${last}`).toBeLessThan(0.8 * first);
    expect(isCloudFinite(r.cloud)).toBe(true);
    const start = await trainGaussians(device, split.train, { ...small, iterations: 0, bounds: scene.manifest.bounds });
    const before = await meanTrainPsnr(start.cloud);
    const after = await meanTrainPsnr(r.cloud);
    expect(after, `input-view PSNR inside the masks ${before.toFixed(2)} -> ${after.toFixed(2)} dB`).toBeGreaterThan(before + 0.5);
  }, 120_000);

  it('trains the default steps of its view count when given none', async () => {
    // Cancelled at the first report: the report says how many steps the run was to take.
    const plannedSteps = async (views: readonly TrainView[]) => {
      const ac = new AbortController();
      const r = await trainGaussians(device, views, { ...small, progressEvery: 1, bounds: scene.manifest.bounds, densify: false, signal: ac.signal, onProgress: () => ac.abort() });
      expect(r.stopped).toBe('cancelled');
      return r.history[0].iterations;
    };
    expect(await plannedSteps(split.train)).toBe(defaultSteps(3));
    expect(await plannedSteps(prepareSplit(scene, '9', size).train)).toBe(defaultSteps(9));
    expect(defaultSteps(9)).not.toBe(defaultSteps(3));
  }, 120_000);

  it('depth smoothness at pseudo views leaves their surfaces smoother than the same run without it', async () => {
    const bounds = scene.manifest.bounds!;
    const centre = [0, 1, 2].map((k) => (bounds.min[k] + bounds.max[k]) / 2) as [number, number, number];
    const cams = sampleNovelViews(split.train.map((v) => v.camera), centre, { count: 4 }).map((p) => p.camera);
    // The penalty itself (weight 1), summed over pseudo views, from a depth-rendering rasterizer.
    const curvature = async (cloud: GaussianCloud) => {
      const r = createRasterizer(device, { ...size, shDegree: cloud.shDegree, maxSplats: cloud.count, depth: true });
      r.upload(cloud);
      let sum = 0;
      for (const cam of cams as Camera[]) {
        await r.forward(cam, [0, 0, 0]);
        const img = await r.readImage();
        const c = cameraCenter(cam);
        sum += depthSmoothReference({ ...size, depth: img.depth!, alpha: img.alpha }, { weight: 1, scale: Math.hypot(c[0] - centre[0], c[1] - centre[1], c[2] - centre[2]), alphaMin: 0.5 }).loss;
      }
      r.destroy();
      return sum;
    };
    const base = { ...small, iterations: 40, bounds, densify: false };
    const off = await trainGaussians(device, split.train, base);
    const on = await trainGaussians(device, split.train, { ...base, depthSmoothWeight: 1, depthSmoothEvery: 1 });
    expect(on.stopped).toBeNull();
    expect(on.faults).toEqual([]);
    expect(isCloudFinite(on.cloud)).toBe(true);
    const [cOff, cOn] = [await curvature(off.cloud), await curvature(on.cloud)];
    expect(cOn, `curvature at the pseudo views ${cOff.toExponential(3)} without, ${cOn.toExponential(3)} with`).toBeLessThan(0.8 * cOff);
  }, 120_000);

  it('densifies and prunes on schedule without losing the cloud', async () => {
    const r = await trainGaussians(device, split.train, {
      ...small, iterations: 30, progressEvery: 10, bounds: scene.manifest.bounds, floaterEvery: 20,
      schedule: { from: 1, until: 25, interval: 20, opacityResetInterval: 0 },
    });
    expect(r.stopped).toBeNull();
    expect(r.cloud.count).not.toBe(r.initialSplats);
    expect(isCloudFinite(r.cloud)).toBe(true);
  }, 180_000);

  it('cancel mid-run returns the current cloud, says cancelled and counts exactly the steps that ran', async () => {
    const ac = new AbortController();
    // Every step is reported, one step late (with the next step's forward), and the pending
    // step's report is settled at the end: the history ends with the last step that ran.
    const r = await trainGaussians(device, split.train, {
      ...small, progressEvery: 1, iterations: 1000, bounds: scene.manifest.bounds, signal: ac.signal,
      onProgress: (p) => { if (p.step >= 10) ac.abort(); },
    });
    expect(r.stopped).toBe('cancelled');
    // Step 10's report arrives during step 11, which runs to its end; step 12 sees the cancel.
    expect(r.stepsDone).toBe(11);
    expect(r.history.map((p) => p.step)).toEqual(Array.from({ length: 11 }, (_, i) => i + 1));
    expect(r.cloud.count).toBeGreaterThan(0);
    expect(isCloudFinite(r.cloud)).toBe(true);
  }, 60_000);

  it('a lost device ends the run with a message and the last good cloud', async () => {
    const own = (await getGpuDevice({ timestamps: false })).device;
    const r = await trainGaussians(own, split.train, {
      ...small, iterations: 1000, bounds: scene.manifest.bounds,
      onProgress: (p) => { if (p.step === 10) own.destroy(); },
    });
    expect(r.stopped).toMatch(/lost|destroyed|invalid/i);
    expect(r.cloud.count).toBe(r.initialSplats);
    expect(isCloudFinite(r.cloud)).toBe(true);
  }, 60_000);

  it('no visible splat from any view ends with a clear message', async () => {
    const start = await trainGaussians(device, split.train, { ...small, iterations: 0, bounds: scene.manifest.bounds });
    const away = { ...start.cloud, means: start.cloud.means.map((x, i) => (i % 3 === 2 ? x + 1e4 : x)) };
    const r = await trainGaussians(device, split.train, { ...small, iterations: 50, initialCloud: away });
    expect(r.stopped).toMatch(/no splat is visible/);
    expect(r.cloud.count).toBe(away.count);
  }, 60_000);

  it('finalPrune leaves out the splats under its opacity when the run ends, and keeps the cloud when none would stay', async () => {
    const start = await trainGaussians(device, split.train, { ...small, iterations: 0, bounds: scene.manifest.bounds });
    // Every other splat nearly transparent (0.7%), the rest half opaque: a few steps move neither
    // across 6/255 (Adam moves a logit ~0.025 a step).
    const mixed = { ...start.cloud, opacityLogits: start.cloud.opacityLogits.map((_, i) => (i % 2 ? -5 : 0)) };
    const opaque = Math.ceil(mixed.count / 2);
    const common = { ...small, iterations: 3, initialCloud: mixed, bounds: scene.manifest.bounds, densify: false, dropout: 0 };
    const kept = await trainGaussians(device, split.train, { ...common, finalPrune: 6 / 255 });
    expect(kept.faults).toEqual([]);
    expect(kept.cloud.count).toBe(opaque);
    expect(Math.min(...kept.cloud.opacityLogits)).toBeGreaterThan(-1);
    const off = await trainGaussians(device, split.train, { ...common, finalPrune: 0 });
    expect(off.cloud.count).toBe(mixed.count);
    const faint = { ...mixed, opacityLogits: mixed.opacityLogits.map(() => -5) };
    const all = await trainGaussians(device, split.train, { ...common, initialCloud: faint, finalPrune: 6 / 255 });
    expect(all.cloud.count).toBe(faint.count);
    expect(all.faults.join(' ')).toMatch(/final prune: no splat is 6\.0\/255 opaque or more; kept them all/);
  }, 60_000);

  it('refuses bad input with InputError: an empty mask, views of two sizes, no masks for the hull start', async () => {
    const empty: TrainView[] = split.train.map((v, i) => (i === 1 ? { ...v, mask: new Uint8Array(v.mask!.length) } : v));
    await expect(trainGaussians(device, empty, small)).rejects.toSatisfy((e: unknown) => isInputError(e) && /mask is empty/.test((e as Error).message));
    const other = prepareSplit(scene, '3', { width: 32, height: 24 });
    const mixed = [split.train[0], other.train[1]];
    await expect(trainGaussians(device, mixed, small)).rejects.toSatisfy((e: unknown) => isInputError(e) && /one size/.test((e as Error).message));
    const unmasked = split.train.map((v) => ({ ...v, mask: undefined }));
    await expect(trainGaussians(device, unmasked, { ...small, bounds: scene.manifest.bounds })).rejects.toSatisfy(
      (e: unknown) => isInputError(e) && /needs a mask/.test((e as Error).message),
    );
  }, 60_000);
});
