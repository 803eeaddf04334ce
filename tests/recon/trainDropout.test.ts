/**
 * The trainer with splat dropout: it still learns, and neither the result nor a snapshot taken
 * mid-step (while the parameter buffer holds the swapped opacities) shows a dropped splat.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { GaussianCloud } from '../../src/core/gaussianCloud.ts';
import { DROPPED_LOGIT } from '../../src/gpu/train/dropoutReference.ts';
import type { LoadedScene } from '../../src/io/sceneFolder.ts';
import type { PreparedSplit } from '../../src/recon/prepareViews.ts';
import { isCloudFinite, trainGaussians } from '../../src/recon/train/trainer.ts';
import { tinyPebblesSplit } from './tinyPebbles.ts';

let device: GPUDevice;
let scene: LoadedScene;
let split: PreparedSplit;

beforeAll(async () => {
  ({ device, scene, split } = await tinyPebblesSplit());
}, 60_000);

describe('trainGaussians with dropout', () => {
  it('learns, and its clouds (snapshots and result) carry the real opacities', async () => {
    const snapshots: GaussianCloud[] = [];
    const start = await trainGaussians(device, split.train, { initSplats: 500, iterations: 0, bounds: scene.manifest.bounds, seed: 1 });
    const r = await trainGaussians(device, split.train, {
      initialCloud: start.cloud, iterations: 40, progressEvery: 10, bounds: scene.manifest.bounds, densify: false, dropout: 0.5,
      onSnapshot: async (_p, read) => void snapshots.push(await read()),
    });
    expect(r.stopped).toBeNull();
    expect(r.faults).toEqual([]);
    expect(isCloudFinite(r.cloud)).toBe(true);
    expect(r.history.at(-1)!.loss).toBeLessThan(0.9 * r.history[0].loss);
    expect(snapshots.length).toBeGreaterThan(1);
    for (const c of [...snapshots, r.cloud]) {
      expect(c.count).toBe(start.cloud.count);
      expect(c.opacityLogits.some((l) => l === DROPPED_LOGIT)).toBe(false);
    }
    // The snapshot of step 30 is read while step 31's dropout is in place. It must hold the real
    // logits: within 10 Adam steps (lr 0.025) of the result's, where a compensated one
    // (logit(2 s) at rate 0.5) would be 0.7 or more away.
    const mid = snapshots.at(-2)!;
    let far = 0;
    for (let i = 0; i < mid.count; i++) if (Math.abs(mid.opacityLogits[i] - r.cloud.opacityLogits[i]) > 0.3) far++;
    expect(far).toBe(0);
  }, 120_000);
});
