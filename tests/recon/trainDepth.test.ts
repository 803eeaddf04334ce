/**
 * The trainer with the depth loss (depthWeight, TrainView.depth): it pulls the rendered depth
 * towards the given maps' ordering (the patch-wise Pearson r rises), only views with a map take
 * part, and with the lever off nothing of it runs.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { GaussianCloud } from '../../src/core/gaussianCloud.ts';
import type { LoadedScene } from '../../src/io/sceneFolder.ts';
import type { PreparedSplit } from '../../src/recon/prepareViews.ts';
import { isCloudFinite, trainGaussians, type TrainView } from '../../src/recon/train/trainer.ts';
import { tinyPebblesSplit } from './tinyPebbles.ts';

let device: GPUDevice;
let scene: LoadedScene;
let split: PreparedSplit;
let start: GaussianCloud;

beforeAll(async () => {
  ({ device, scene, split } = await tinyPebblesSplit());
  start = (await trainGaussians(device, split.train, { initSplats: 500, iterations: 0, bounds: scene.manifest.bounds, seed: 1 })).cloud;
}, 60_000);

/** A depth map that grows left to right (a slanted plane), unlike the pebbles' own depth. */
function slant(v: TrainView): Float32Array {
  const { width, height } = v.camera;
  return Float32Array.from({ length: width * height }, (_, p) => 5 + (p % width) / width);
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('trainGaussians with the depth loss', () => {
  it('raises the correlation of the rendered depth with the given maps; only views with a map report it', async () => {
    const views = split.train.map((v, i) => (i < 2 ? { ...v, depth: slant(v) } : v));
    const common = { initialCloud: start, iterations: 60, progressEvery: 1, bounds: scene.manifest.bounds, densify: false, seed: 1 };
    const r = await trainGaussians(device, views, { ...common, depthWeight: 1, depthPatch: 12 });
    expect(r.stopped).toBeNull();
    expect(r.faults).toEqual([]);
    expect(isCloudFinite(r.cloud)).toBe(true);
    const withDepth = r.history.filter((h) => h.depthPearson !== undefined);
    // Two of the three views have a map: about two thirds of the steps report r.
    expect(withDepth.length).toBeGreaterThan(0.4 * r.history.length);
    expect(withDepth.length).toBeLessThan(0.9 * r.history.length);
    const first = mean(withDepth.slice(0, 8).map((h) => h.depthPearson!));
    const last = mean(withDepth.slice(-8).map((h) => h.depthPearson!));
    console.log(`depth loss on two of three views: mean Pearson r of the first 8 reports ${first.toFixed(3)}, of the last 8 ${last.toFixed(3)}`);
    expect(last, `mean Pearson r ${first.toFixed(3)} -> ${last.toFixed(3)}`).toBeGreaterThan(first + 0.1);

    // The same run without the lever: no depth reported, and a different cloud.
    const off = await trainGaussians(device, views, { ...common, depthWeight: 0 });
    expect(off.history.some((h) => h.depthPearson !== undefined)).toBe(false);
    let moved = 0;
    for (let k = 0; k < off.cloud.means.length; k++) moved = Math.max(moved, Math.abs(off.cloud.means[k] - r.cloud.means[k]));
    expect(moved).toBeGreaterThan(1e-3);
  }, 180_000);

  it('says so when the lever is on but no view has a depth map', async () => {
    const r = await trainGaussians(device, split.train, { initialCloud: start, iterations: 1, bounds: scene.manifest.bounds, depthWeight: 0.1 });
    expect(r.stopped).toBeNull();
    expect(r.faults).toEqual(['depthWeight is 0.1 but no view has a depth map: trained without the depth loss']);
  });

  it('refuses a depth map of the wrong size', async () => {
    const views = split.train.map((v, i) => (i === 1 ? { ...v, depth: new Float32Array(10) } : v));
    await expect(trainGaussians(device, views, { initialCloud: start, iterations: 1, bounds: scene.manifest.bounds, depthWeight: 0.1 })).rejects.toThrow(/depth map has 10 values/);
  });
});
