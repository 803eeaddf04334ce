/** Training time estimates from timed steps (src/ui/trainEstimate.ts). */
import { describe, expect, it } from 'vitest';
import type { TrainProgress } from '../../src/recon/train/trainer.ts';
import { cameraPrepassMs, fitBudget, fitSpeed, formatDuration, msPerStepAt, recentMsPerStep, runMs, timedSteps, timeLeftMs } from '../../src/ui/trainEstimate.ts';

/** Reports of a run that starts after `startup` ms and then takes `ms` per step (every step reported). */
function history(steps: number, startup: number, ms: (step: number) => number): TrainProgress[] {
  const out: TrainProgress[] = [{ step: 0, iterations: 100, loss: 1, l1: 1, ssim: 0, psnr: 10, splats: 10, elapsedMs: startup * 0.9, phase: 'init' }];
  let t = startup;
  for (let s = 1; s <= steps; s++) {
    t += ms(s);
    out.push({ step: s, iterations: 100, loss: 1, l1: 1, ssim: 0, psnr: 10, splats: 10, elapsedMs: t, phase: 'train' });
  }
  return out;
}

describe('training time', () => {
  it('time left comes from the recent steps, not the start', () => {
    const h = history(20, 5000, () => 100);
    expect(recentMsPerStep(h)).toBeCloseTo(100, 9);
    expect(timeLeftMs(h, 100)).toBeCloseTo(80 * 100, 6);
    // Slower lately (more splats): the recent speed wins.
    const slower = history(30, 5000, (s) => (s > 20 ? 300 : 100));
    expect(recentMsPerStep(slower)).toBeCloseTo(300, 9);
    expect(timeLeftMs(history(1, 5000, () => 100), 100)).toBeNull();
  });

  it('in the camera pre-pass, the pre-pass\'s time left at its own speed; then the run proper\'s', () => {
    // A 50-step pre-pass at 20 ms a step, reported as phase 'cameras' with its own iterations.
    const pre = history(30, 1000, () => 20).map((p): TrainProgress => (p.phase === 'train' ? { ...p, iterations: 50, phase: 'cameras' } : p));
    expect(timeLeftMs(pre, 100)).toBeCloseTo(20 * 20, 6);
    expect(recentMsPerStep(pre)).toBeNull();
    // The run proper begins (100 ms a step): its reports alone set the speed.
    const end = pre.at(-1)!.elapsedMs;
    const main = history(10, 0, () => 100).slice(1).map((p) => ({ ...p, elapsedMs: end + p.elapsedMs }));
    expect(timeLeftMs([...pre, ...main], 100)).toBeCloseTo(90 * 100, 6);
    // The speed model of a finished run ignores the pre-pass's steps (another size).
    expect(timedSteps([...pre, ...main], 1000)!.msPerStep).toBeCloseTo(100, 9);
  });

  it('fits time per step against pixels from timed steps at two sizes, and the start', () => {
    const small = timedSteps(history(5, 3000, () => 20 + 0.001 * 10_000), 10_000)!;
    const big = timedSteps(history(5, 4000, () => 20 + 0.001 * 160_000), 160_000)!;
    expect(small.msPerStep).toBeCloseTo(30, 9);
    expect(small.startupMs).toBeCloseTo(3000, 6);
    const model = fitSpeed([small, big])!;
    expect(model.base).toBeCloseTo(20, 6);
    expect(model.perPixel).toBeCloseTo(0.001, 9);
    expect(model.startupMs).toBeCloseTo(4000, 6);
    expect(msPerStepAt(model, 40_000)).toBeCloseTo(60, 6);
    expect(runMs(model, 40_000, 1000)).toBeCloseTo(4000 + 60_000, 3);
    // The camera pre-pass: 500 steps with the long side at 150 px (400x300 -> 150x113), a start of its own.
    expect(cameraPrepassMs(model, { width: 400, height: 300 }, 1300, 500, 150)).toBeCloseTo(4000 + 500 * (20 + 0.001 * 150 * 113), 3);
    // Never longer than the run itself.
    expect(cameraPrepassMs(model, { width: 400, height: 300 }, 100, 500, 150)).toBeCloseTo(4000 + 100 * (20 + 0.001 * 150 * 113), 3);
    // One size only: proportional to the pixels.
    expect(fitSpeed([small])!.perPixel).toBeCloseTo(30 / 10_000, 12);
  });

  it('picks the largest size and most steps that fit the budget', () => {
    const model = { base: 20, perPixel: 0.001, startupMs: 4000 };
    const sizes = [{ size: 'full', pixels: 160_000 }, { size: 'half', pixels: 40_000 }, { size: 'quarter', pixels: 10_000 }] as const;
    // full: 180 ms/step (1000 steps = 184 s); half: 60 ms/step (64 s).
    expect(fitBudget(model, sizes, 1000, 200_000)).toMatchObject({ size: 'full', steps: 1000 });
    expect(fitBudget(model, sizes, 1000, 100_000)).toMatchObject({ size: 'half', steps: 1000 });
    expect(fitBudget(model, sizes, 1000, 20_000)).toMatchObject({ size: 'quarter', steps: 500 });
    // Nothing fits: the smallest size and the fewest steps, with the time it takes.
    const slow = fitBudget({ base: 1000, perPixel: 0, startupMs: 0 }, sizes, 1000, 60_000);
    expect(slow).toEqual({ size: 'quarter', steps: 200, ms: 200_000 });
  });

  it('says durations in words a person reads', () => {
    expect(formatDuration(400)).toBe('1 s');
    expect(formatDuration(45_000)).toBe('45 s');
    expect(formatDuration(180_000)).toBe('3 min');
    expect(formatDuration(80 * 60_000)).toBe('80 min');
    expect(formatDuration(125 * 60_000)).toBe('2 h 5 min');
  });
});
