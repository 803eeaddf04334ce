/**
 * Training with the repair prior on (issue 15), end to end on software WebGPU: a tiny
 * diffusion-shaped ONNX model (tests/recon/prior/tinyRepairModel.ts) run by onnxruntime-web
 * repairs renders of pseudo views, and the run trains on them. Checked: the repair rounds come on
 * the schedule with renders (alpha in A) and the nearest input photos, the pseudo steps are the
 * schedule's, and the pseudo views are really trained on: the cloud ends closer to the repaired
 * images than the same run without the prior, and the loss on a pseudo view falls while its
 * target stays the same.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RGBAImage } from '../../src/core/image.ts';
import type { LoadedScene } from '../../src/io/sceneFolder.ts';
import type { PreparedSplit } from '../../src/recon/prepareViews.ts';
import { createRepairer, type RepairFn, type RepairRequest } from '../../src/recon/prior/repair.ts';
import { loadRepairModel, REPAIR_PRIOR_MANIFEST, type RepairModel } from '../../src/recon/prior/repairModel.ts';
import { renderCloudViews } from '../../src/recon/renderViews.ts';
import type { RepairRound } from '../../src/recon/train/repairStage.ts';
import type { TrainCheckpoint } from '../../src/recon/train/checkpoint.ts';
import { isCloudFinite, trainGaussians } from '../../src/recon/train/trainer.ts';
import { tinyPebblesSplit } from './tinyPebbles.ts';
import { tinyRepairModelBytes } from './prior/tinyRepairModel.ts';

let device: GPUDevice;
let scene: LoadedScene;
let split: PreparedSplit;
let model: RepairModel;

beforeAll(async () => {
  ({ device, scene, split } = await tinyPebblesSplit());
  model = await loadRepairModel(tinyRepairModelBytes(), { manifest: { ...REPAIR_PRIOR_MANIFEST, sha256: null }, webgpu: false });
}, 60_000);

afterAll(async () => {
  await model?.dispose();
});

function meanAbs(a: RGBAImage, b: RGBAImage): number {
  let s = 0;
  for (let p = 0; p < a.width * a.height; p++) for (let c = 0; c < 3; c++) s += Math.abs(a.data[4 * p + c] - b.data[4 * p + c]);
  return s / (3 * a.width * a.height * 255);
}

describe('trainGaussians with the repair prior', () => {
  it('refuses to run the prior without a repair model', async () => {
    await expect(trainGaussians(device, split.train, { iterations: 5, bounds: scene.manifest.bounds, repairPrior: true })).rejects.toThrow(/no repair model/);
  });

  it('ends the run with a message (and its last good cloud) when the repair fails', async () => {
    const r = await trainGaussians(device, split.train, {
      // No photo-consistency: its kernel's compile is not what this test is about.
      initSplats: 300, iterations: 12, bounds: scene.manifest.bounds, densify: false, dropout: 0, seed: 2, photoConsistencyWeight: 0,
      repairPrior: true, priorViews: 2, priorStart: 0.25, priorEvery: 20, priorLag: 3,
      repair: async () => {
        throw new Error('the model broke');
      },
    });
    expect(r.stopped).toMatch(/repair prior failed: the model broke/);
    expect(r.stepsDone).toBe(5); // refresh at 3, adoption (and the throw) at 6
    expect(r.cloud.count).toBe(300);
  });

  it('repairs pseudo views on the schedule and trains on them', async () => {
    const calls: { requests: RepairRequest[]; seed: number; strength?: number; steps?: number }[] = [];
    const inner = createRepairer(model.denoise, { strength: 0.5, steps: 2, maxSide: 64 });
    const repair: RepairFn = async (requests, o) => {
      calls.push({ requests, ...o });
      return inner(requests, o);
    };
    const start = await trainGaussians(device, split.train, { initSplats: 500, iterations: 0, bounds: scene.manifest.bounds, seed: 1 });
    const common = {
      initialCloud: start.cloud, iterations: 60, progressEvery: 1, bounds: scene.manifest.bounds, densify: false, dropout: 0, seed: 1,
      background: split.background,
    };
    const rounds: RepairRound[] = [];
    const r = await trainGaussians(device, split.train, {
      ...common, repairPrior: true, repair, priorViews: 3, priorStart: 0.1, priorEvery: 30, priorLag: 2, priorPseudoEvery: 2, priorWeight: 3, priorSteps: 3,
      onRepairRound: (round) => rounds.push(round),
    });
    expect(r.stopped).toBeNull();
    expect(r.faults).toEqual([]);
    expect(isCloudFinite(r.cloud)).toBe(true);

    // Refreshes at steps 6 and 36 (start 0.1 of 60, every 30), each of the 3 pseudo views.
    expect(r.priorRounds!.map((x) => x.step)).toEqual([6, 36]);
    expect(calls.length).toBe(2);
    for (const c of calls) {
      expect(c.requests.length).toBe(3);
      expect(c.steps).toBe(3);
      expect(c.strength).toBeUndefined(); // 0: the repairer's (the manifest's) own
      for (const q of c.requests) {
        expect([q.render.width, q.render.height]).toEqual([64, 48]);
        expect(split.train.map((v) => v.rgba)).toContain(q.nearest);
        // Alpha rides in A: the object covers some pixels and not others.
        const a = q.render.data.filter((_, i) => i % 4 === 3);
        expect(a.some((v) => v > 128)).toBe(true);
        expect(a.some((v) => v < 128)).toBe(true);
      }
    }
    expect(calls[0].seed).not.toBe(calls[1].seed);

    // Pseudo steps: every 2nd step from the first adoption (step 8), pseudo view floor(step / 2) mod 3.
    const pseudo = r.history.filter((h) => h.pseudoView !== undefined);
    expect(pseudo.map((h) => h.step)).toEqual(Array.from({ length: 27 }, (_, i) => 8 + 2 * i));
    for (const h of pseudo) expect(h.pseudoView).toBe(Math.floor(h.step / 2) % 3);
    expect(r.history.filter((h) => h.pseudoView === undefined).length).toBe(60 - 27);

    // While the first round's targets stand (steps 8..37), the loss on each pseudo view falls.
    for (let k = 0; k < 3; k++) {
      const own = pseudo.filter((h) => h.pseudoView === k && h.step < 38);
      expect(own.length).toBeGreaterThanOrEqual(4);
      expect(own.at(-1)!.l1).toBeLessThan(own[0].l1);
    }

    // The same run without the prior ends farther from the last round's repaired images.
    const plain = await trainGaussians(device, split.train, common);
    expect(rounds.length).toBe(2);
    const pseudoCameras = rounds[1].cameras;
    expect(pseudoCameras.length).toBe(3);
    const withPrior = await renderCloudViews(device, r.cloud, pseudoCameras, split.background);
    const without = await renderCloudViews(device, plain.cloud, pseudoCameras, split.background);
    const target = rounds[1].repaired;
    const dWith = withPrior.reduce((s, img, i) => s + meanAbs(img, target[i]), 0);
    const dWithout = without.reduce((s, img, i) => s + meanAbs(img, target[i]), 0);
    // The tiny model's targets recolour the whole frame, background included, which a few pseudo
    // steps cannot reach: the gap is small (about 4% here) but the runs are otherwise the same.
    expect(dWith).toBeLessThan(dWithout);
    expect(Array.from(r.cloud.means)).not.toEqual(Array.from(plain.cloud.means));
  }, 240_000);

  it('resumes a run with the prior on the same views: pseudo steps draw nothing from the replayed random stream', async () => {
    // A repair that ignores the render (the nearest photo itself): the resumed run's re-repair at
    // its first step gives the targets the run left alone had, so the two runs can be compared.
    const repair: RepairFn = async (requests) => requests.map((q) => q.nearest);
    const opts = {
      iterations: 40, initSplats: 600, progressEvery: 1, seed: 3, bounds: scene.manifest.bounds, densify: false, dropout: 0, background: split.background,
      repairPrior: true, repair, priorViews: 3, priorStart: 0.1, priorEvery: 30, priorLag: 2, priorPseudoEvery: 3, priorWeight: 1,
    };
    let saved: TrainCheckpoint | null = null;
    const whole = await trainGaussians(device, split.train, { ...opts, checkpointEvery: 20, onCheckpoint: (c) => void (saved = structuredClone(c)) });
    expect(whole.stopped).toBeNull();
    const ckpt = saved! as TrainCheckpoint;
    expect(ckpt.step).toBe(20);
    const resumed = await trainGaussians(device, split.train, { ...opts, resume: ckpt });
    expect(resumed.stopped).toBeNull();
    // The resumed run repairs at once (step 21, no targets yet), then as scheduled (34).
    expect(whole.priorRounds!.map((r) => r.step)).toEqual([4, 34]);
    expect(resumed.priorRounds!.map((r) => r.step)).toEqual([21, 34]);
    const after = (h: typeof whole.history) => h.filter((p) => p.step > 20);
    expect(after(resumed.history).map((p) => p.pseudoView)).toEqual(after(whole.history).map((p) => p.pseudoView));
    // Same view (input or pseudo) and background each step: the per-step PSNRs follow each other.
    // Without the pseudo steps skipped in the replay, the input steps would draw other views.
    const gaps = after(resumed.history).map((p, i) => Math.abs(p.psnr - after(whole.history)[i].psnr));
    expect(gaps.reduce((x, y) => x + y, 0) / gaps.length).toBeLessThan(0.25);
  }, 240_000);
});
