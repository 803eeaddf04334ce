/**
 * The trainer with the warp consistency (warpStage.ts): it remakes the targets on schedule, and
 * what it asks for (pseudo-view renders that agree with the input photos carried over by the
 * cloud's own surface) is closer at the end than in the same run without it.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Camera } from '../../src/core/camera.ts';
import type { GaussianCloud } from '../../src/core/gaussianCloud.ts';
import { createRasterizer } from '../../src/gpu/rasterizer.ts';
import type { LoadedScene } from '../../src/io/sceneFolder.ts';
import type { PreparedSplit } from '../../src/recon/prepareViews.ts';
import { sampleNovelViews } from '../../src/recon/prior/novelViews.ts';
import { isCloudFinite, trainGaussians } from '../../src/recon/train/trainer.ts';
import { warpTarget, type WarpRender } from '../../src/recon/train/warpTarget.ts';
import { tinyPebblesSplit } from './tinyPebbles.ts';

let device: GPUDevice;
let scene: LoadedScene;
let split: PreparedSplit;

beforeAll(async () => {
  ({ device, scene, split } = await tinyPebblesSplit());
}, 60_000);

/** Mean |render - warp target| over the pseudo views' pixels that took a photo's colour. */
async function warpDisagreement(cloud: GaussianCloud, cams: Camera[]): Promise<number> {
  const { width, height } = split.train[0].camera;
  const r = createRasterizer(device, { width, height, shDegree: cloud.shDegree, maxSplats: cloud.count, depth: true });
  r.upload(cloud);
  const render = async (cam: Camera): Promise<WarpRender> => {
    await r.forward(cam, split.background);
    const img = await r.readImage();
    return { camera: cam, rgb: img.rgb, alpha: img.alpha, depth: img.depth! };
  };
  const inputs = [];
  for (const v of split.train) inputs.push({ ...(await render(v.camera)), photo: v.rgba, mask: v.mask ?? null });
  let sum = 0, count = 0;
  for (const cam of cams) {
    const p = await render(cam);
    const t = warpTarget(p, inputs, { background: split.background });
    for (let i = 0; i < width * height; i++) {
      const d = [0, 1, 2].reduce((s, c) => s + Math.abs(t.rgba[4 * i + c] / 255 - Math.min(1, Math.max(0, p.rgb[3 * i + c]))), 0);
      if (d > 0.02) (sum += d), count++;
    }
  }
  r.destroy();
  return count ? sum / count : 0;
}

describe('trainGaussians with the warp consistency', () => {
  it('remakes its targets on schedule and leaves the pseudo views closer to them than the same run without it', async () => {
    const bounds = scene.manifest.bounds!;
    const centre = [0, 1, 2].map((k) => (bounds.min[k] + bounds.max[k]) / 2) as [number, number, number];
    const base = { initSplats: 500, iterations: 40, progressEvery: 10, bounds, densify: false, seed: 1 };
    const off = await trainGaussians(device, split.train, base);
    const on = await trainGaussians(device, split.train, { ...base, warpWeight: 3, warpStart: 0.25, warpEvery: 10, warpPseudoEvery: 1, warpViews: 4 });
    expect(on.stopped).toBeNull();
    expect(on.faults).toEqual([]);
    expect(isCloudFinite(on.cloud)).toBe(true);
    // From step 10, every 10 steps: 10, 20, 30, 40.
    expect(on.warpRounds!.map((r) => r.step)).toEqual([10, 20, 30, 40]);
    for (const r of on.warpRounds!) expect(r.warpedShare + r.outsideShare).toBeGreaterThan(0.05);
    expect(off.warpRounds).toBeUndefined();
    const cams = sampleNovelViews(split.train.map((v) => v.camera), centre, { count: 4, outsideShare: 0 }).map((p) => p.camera);
    const [dOff, dOn] = [await warpDisagreement(off.cloud, cams), await warpDisagreement(on.cloud, cams)];
    expect(dOn, `disagreement with the warp targets at the pseudo views: ${dOff.toFixed(4)} without, ${dOn.toFixed(4)} with`).toBeLessThan(0.95 * dOff);
  }, 240_000);
});
