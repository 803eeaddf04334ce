/**
 * Resuming training from a checkpoint (src/recon/train/checkpoint.ts) on the GPU (Dawn), at a
 * tiny size: a run checkpointed at step 20 of 40 and resumed from that checkpoint ends within
 * 0.2 dB of the same run left alone (same seed), and its step count goes on from 21. The random
 * stream is replayed, so after the resume each step draws the same view and background as the
 * uninterrupted run: the per-step training PSNRs follow each other closely.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { isInputError } from '../../src/core/errors.ts';
import { createRng } from '../../src/core/random.ts';
import type { LoadedScene } from '../../src/io/sceneFolder.ts';
import { scoreView } from '../../src/recon/evaluate/scoreView.ts';
import type { PreparedSplit } from '../../src/recon/prepareViews.ts';
import { renderCloudViews } from '../../src/recon/renderViews.ts';
import { checkpointGap, replayTrainRng, type TrainCheckpoint } from '../../src/recon/train/checkpoint.ts';
import { trainGaussians } from '../../src/recon/train/trainer.ts';
import { tinyPebblesSplit } from './tinyPebbles.ts';

let device: GPUDevice;
let scene: LoadedScene;
let split: PreparedSplit;

beforeAll(async () => {
  ({ device, scene, split } = await tinyPebblesSplit());
}, 60_000);

async function meanPsnr(cloud: Parameters<typeof renderCloudViews>[1]): Promise<number> {
  const views = [...split.train, ...split.test];
  const renders = await renderCloudViews(device, cloud, views.map((v) => v.camera), split.background);
  return views.map((v, i) => scoreView(v.id, renders[i], v.rgba, v.mask).psnrInMask!).reduce((a, b) => a + b, 0) / views.length;
}

describe('checkpoint and resume', () => {
  it('resumed at step 20 of 40: the step count goes on and the final PSNR is within 0.2 dB of the run left alone', async () => {
    const opts = { iterations: 40, initSplats: 600, progressEvery: 1, seed: 3, bounds: scene.manifest.bounds };
    let saved: TrainCheckpoint | null = null;
    const whole = await trainGaussians(device, split.train, { ...opts, checkpointEvery: 20, onCheckpoint: (c) => void (saved = structuredClone(c)) });
    expect(whole.stopped).toBeNull();
    expect(saved).not.toBeNull();
    const ckpt = saved! as TrainCheckpoint;
    expect(ckpt.step).toBe(20);
    expect(ckpt.adamSteps).toBe(20);
    expect(ckpt.history.map((p) => p.step)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));

    const resumedSteps: number[] = [];
    const resumed = await trainGaussians(device, split.train, { ...opts, resume: ckpt, onProgress: (p) => resumedSteps.push(p.step) });
    expect(resumed.stopped).toBeNull();
    expect(resumed.stepsDone).toBe(40);
    expect(resumedSteps).toEqual(Array.from({ length: 20 }, (_, i) => i + 21));
    expect(resumed.history.map((p) => p.step)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));

    const a = await meanPsnr(whole.cloud);
    const b = await meanPsnr(resumed.cloud);
    expect(Math.abs(a - b), `uninterrupted ${a.toFixed(3)} dB, resumed ${b.toFixed(3)} dB`).toBeLessThan(0.2);
    // Same view and background at each step after the resume (the replayed random stream).
    const gaps = resumed.history.slice(20).map((p, i) => Math.abs(p.psnr - whole.history[20 + i].psnr));
    console.log(`resume: ${a.toFixed(3)} vs ${b.toFixed(3)} dB; per-step PSNR gaps ${gaps.map((g) => g.toFixed(2)).join(' ')}`);
    // (Without the replay the gaps average about 0.75 dB: another view or background each step.)
    expect(gaps.reduce((x, y) => x + y, 0) / gaps.length).toBeLessThan(0.25);
  }, 240_000);

  it('refuses a checkpoint of another run (seed or length)', async () => {
    const ckpt = { version: 1, step: 1, iterations: 40, seed: 9, cloud: null, moments: null, adamSteps: 1, history: [] } as unknown as TrainCheckpoint;
    const err = await trainGaussians(device, split.train, { iterations: 40, seed: 3, bounds: scene.manifest.bounds, resume: ckpt }).catch((e: unknown) => e);
    expect(isInputError(err)).toBe(true);
    expect((err as Error).message).toMatch(/seed 9 and 40 steps, not 3 and 40/);
  });

  it('the replay leaves the random stream where the loop left it', () => {
    const shuffle = (a: number[], r: { uniform(): number }) => {
      for (let i = a.length - 1; i > 0; i--) {
        const j = Math.floor(r.uniform() * (i + 1));
        [a[i], a[j]] = [a[j], a[i]];
      }
      return a;
    };
    const live = createRng(5);
    let order: number[] = [];
    const drawn: number[] = [];
    for (let s = 1; s <= 7; s++) {
      if (order.length === 0) order = shuffle([0, 1, 2], live);
      drawn.push(order.pop()!, live.uniform(), live.uniform(), live.uniform());
    }
    const replayed = createRng(5);
    const left = replayTrainRng(replayed, 3, true, 7, shuffle);
    expect(left).toEqual(order);
    expect(replayed.uniform()).toBe(live.uniform());
  });

  it('checkpoints are spaced so that they cost at most 2% of the time', () => {
    expect(checkpointGap(100, 50)).toBe(25); // 50 ms per checkpoint / (2% of 100 ms per step)
    expect(checkpointGap(100, 1)).toBe(10); // never more often than every 10 steps
    expect(checkpointGap(20, 400)).toBe(1000);
    expect(checkpointGap(0, 10)).toBe(10);
  });
});
