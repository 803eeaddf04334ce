/**
 * The trainer with the pseudo-view photo-consistency (photoConsistencyStage.ts): what it asks for
 * (surfaces at the pseudo views where the two nearest photos agree) is closer at the end than in
 * the same run without it, and the run stays sound.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Camera } from '../../src/core/camera.ts';
import type { GaussianCloud } from '../../src/core/gaussianCloud.ts';
import { createRasterizer } from '../../src/gpu/rasterizer.ts';
import type { LoadedScene } from '../../src/io/sceneFolder.ts';
import type { PreparedSplit } from '../../src/recon/prepareViews.ts';
import { inputsByAngle, sampleNovelViews } from '../../src/recon/prior/novelViews.ts';
import { photoConsistency } from '../../src/gpu/loss/photoConsistencyReference.ts';
import { blurredRgb } from '../../src/recon/train/photoConsistencyStage.ts';
import { isCloudFinite, trainGaussians } from '../../src/recon/train/trainer.ts';
import { tinyPebblesSplit } from './tinyPebbles.ts';

let device: GPUDevice;
let scene: LoadedScene;
let split: PreparedSplit;

beforeAll(async () => {
  ({ device, scene, split } = await tinyPebblesSplit());
}, 60_000);

/** The photo-consistency loss (weight 1) summed over `cams`, each with its two nearest inputs. */
async function inconsistency(cloud: GaussianCloud, cams: Camera[], centre: [number, number, number]): Promise<number> {
  const { width, height } = split.train[0].camera;
  const r = createRasterizer(device, { width, height, shDegree: cloud.shDegree, maxSplats: cloud.count, depth: true });
  r.upload(cloud);
  const render = async (cam: Camera) => {
    await r.forward(cam, split.background);
    const img = await r.readImage();
    return { camera: cam, alpha: img.alpha, depth: img.depth! };
  };
  const inputs = [];
  for (const v of split.train) inputs.push({ ...(await render(v.camera)), rgb: blurredRgb(v.rgba), mask: v.mask ?? null });
  let sum = 0;
  for (const cam of cams) {
    const [a, b] = inputsByAngle(cam, split.train.map((v) => v.camera), centre);
    sum += photoConsistency(await render(cam), inputs[a], inputs[b], { weight: 1 }).loss;
  }
  r.destroy();
  return sum;
}

describe('trainGaussians with the photo-consistency of pseudo views', () => {
  it('leaves the pseudo views more photo-consistent than the same run without it', async () => {
    const bounds = scene.manifest.bounds!;
    const centre = [0, 1, 2].map((k) => (bounds.min[k] + bounds.max[k]) / 2) as [number, number, number];
    const base = { initSplats: 500, iterations: 40, progressEvery: 10, bounds, densify: false, seed: 1 };
    const off = await trainGaussians(device, split.train, base);
    const on = await trainGaussians(device, split.train, { ...base, photoConsistencyWeight: 1, photoConsistencyStart: 0, photoConsistencyEvery: 1 });
    expect(on.stopped).toBeNull();
    expect(on.faults).toEqual([]);
    expect(isCloudFinite(on.cloud)).toBe(true);
    const cams = sampleNovelViews(split.train.map((v) => v.camera), centre, { count: 4, outsideShare: 0 }).map((p) => p.camera);
    const [cOff, cOn] = [await inconsistency(off.cloud, cams, centre), await inconsistency(on.cloud, cams, centre)];
    expect(cOn, `photo-inconsistency at the pseudo views ${cOff.toExponential(3)} without, ${cOn.toExponential(3)} with`).toBeLessThan(0.9 * cOff);
  }, 240_000);
});
