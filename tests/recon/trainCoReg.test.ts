/**
 * Co-regularised training (CoR-GS, coTrain.ts) end to end on software WebGPU: two clouds from two
 * subsamples of the hull start trained side by side on the pebbles scene. Checked: at the co-prune
 * step each cloud loses splats (at a threshold of one median spacing, interleaved clouds lose
 * some but not all), the pseudo views train on the
 * partner's renders (targets that are not the run's own renders, and whose loss falls as it trains
 * on them) in addition to the input views (no input step is replaced), and co-regularisation refuses the repair prior.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { RGBAImage } from '../../src/core/image.ts';
import type { LoadedScene } from '../../src/io/sceneFolder.ts';
import type { PreparedSplit } from '../../src/recon/prepareViews.ts';
import type { RepairRound } from '../../src/recon/train/repairStage.ts';
import { isCloudFinite, trainGaussians, type TrainRunOptions } from '../../src/recon/train/trainer.ts';
import { tinyPebblesSplit } from './tinyPebbles.ts';

let device: GPUDevice;
let scene: LoadedScene;
let split: PreparedSplit;

beforeAll(async () => {
  ({ device, scene, split } = await tinyPebblesSplit());
}, 60_000);

function meanAbs(a: RGBAImage, b: RGBAImage): number {
  let s = 0;
  for (let p = 0; p < a.width * a.height; p++) for (let c = 0; c < 3; c++) s += Math.abs(a.data[4 * p + c] - b.data[4 * p + c]);
  return s / (3 * a.width * a.height * 255);
}

describe('trainGaussians with co-regularisation', () => {
  const options = (): TrainRunOptions => ({
    init: 'hull', initSplats: 400, iterations: 30, progressEvery: 1, seed: 5, bounds: scene.manifest.bounds, background: split.background, dropout: 0,
    // One densification (and co-prune) at step 20; pseudo views from step 6, refreshed every 10 steps.
    schedule: { from: 10, until: 21, interval: 10, opacityResetInterval: 0 }, floaterEvery: 0,
    coReg: true, coPruneEvery: 20, coPruneThreshold: 1, coRegViews: 2, coRegStart: 0.2, coRegEvery: 10, coRegPseudoEvery: 2, coRegWeight: 1,
  });

  it('co-prunes both clouds and trains on the partner\'s renders', async () => {
    const rounds: RepairRound[] = [];
    const r = await trainGaussians(device, split.train, { ...options(), onRepairRound: (x) => rounds.push(x) });
    expect(r.stopped).toBeNull();
    expect(r.faults).toEqual([]);
    expect(isCloudFinite(r.cloud)).toBe(true);
    // Co-pruned at step 20 only, both clouds.
    expect(r.coPruned!.map((x) => x.step)).toEqual([20]);
    expect(r.coPruned![0].pruned).toBeGreaterThan(0);
    expect(r.cloud.count).toBeGreaterThan(0.2 * r.coPruned![0].pruned);
    expect(r.partner!.coPruned.map((x) => x.step)).toEqual([20]);
    expect(r.partner!.stopped).toBeNull();

    // Refreshes at 6, 16 and 26; each round's targets are the partner's renders, not this cloud's.
    expect(rounds.map((x) => x.step)).toEqual([6, 16, 26]);
    for (const round of rounds) {
      expect(round.repaired.length).toBe(2);
      for (let i = 0; i < 2; i++) expect(meanAbs(round.renders[i], round.repaired[i])).toBeGreaterThan(0.002);
    }
    // Every step trains on an input view; a pseudo view is added every 2nd step from step 6.
    expect(r.history.map((h) => h.step)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect(r.history.some((h) => h.pseudoView !== undefined)).toBe(false);
    const pseudo = r.history.filter((h) => h.coPseudo !== undefined);
    expect(pseudo.map((h) => h.step)).toEqual([6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30]);
    // The run learns those targets: while the first round's stand (steps 6..15), the loss on
    // pseudo view 1 (steps 6, 10, 14: view floor(step / 2) mod 2) falls.
    const view1 = pseudo.filter((h) => h.step < 16 && h.coPseudo!.view === 1);
    expect(view1.map((h) => h.step)).toEqual([6, 10, 14]);
    expect(view1[2].coPseudo!.l1).toBeLessThan(view1[0].coPseudo!.l1);
    // The input views' loss is reported, not the pseudo view's.
    for (const h of pseudo) expect(h.l1).not.toBe(h.coPseudo!.l1);

  }, 240_000);

  it('prunes nothing with co-pruning off, adds no pseudo view with --co-reg-start 1, and refuses the repair prior', async () => {
    const r = await trainGaussians(device, split.train, { ...options(), iterations: 21, coPruneEvery: 0, coRegStart: 1 });
    expect(r.stopped).toBeNull();
    expect(r.coPruned).toEqual([]);
    expect(r.partner!.coPruned).toEqual([]);
    expect(r.history.some((h) => h.coPseudo !== undefined)).toBe(false);

    await expect(trainGaussians(device, split.train, { ...options(), repairPrior: true, repair: async (q) => q.map((x) => x.nearest) })).rejects.toThrow(/cannot run together/);
  }, 120_000);
});
