import { describe, expect, it } from 'vitest';
import { lookAtCamera } from '../../src/core/camera.ts';
import {
  actionsAt,
  dropoutRateAt,
  lastDensifyStep,
  DEFAULT_DENSIFY_SCHEDULE,
  DEFAULT_LEARNING_RATES,
  exponentialLr,
  learningRatesAt,
  scaledDensifySchedule,
  sceneExtent,
  shortRunDensifySchedule,
  shDegreeAt,
} from '../../src/recon/train/schedule.ts';

describe('exponentialLr (3DGS get_expon_lr_func)', () => {
  const s = { init: 1.6e-4, final: 1.6e-6, maxSteps: 30_000 };

  it('is log-linear between init and final, then flat', () => {
    expect(exponentialLr(0, s)).toBeCloseTo(1.6e-4, 12);
    expect(exponentialLr(15_000, s) / 1.6e-5).toBeCloseTo(1, 10);
    expect(exponentialLr(7_500, s) / (1.6e-4 * 10 ** -0.5)).toBeCloseTo(1, 10);
    expect(exponentialLr(30_000, s)).toBeCloseTo(1.6e-6, 14);
    expect(exponentialLr(90_000, s)).toBeCloseTo(1.6e-6, 14);
    expect(exponentialLr(-1, s)).toBe(0);
    expect(exponentialLr(100, { init: 0, final: 0, maxSteps: 10 })).toBe(0);
  });

  it('warms up from delayMult over delaySteps', () => {
    const d = { ...s, delaySteps: 100, delayMult: 0.01 };
    expect(exponentialLr(0, d) / 1.6e-4).toBeCloseTo(0.01, 12);
    expect(exponentialLr(50, d) / exponentialLr(50, s)).toBeCloseTo(0.01 + 0.99 * Math.sin(Math.PI / 4), 12);
    expect(exponentialLr(200, d)).toBe(exponentialLr(200, s));
  });
});

describe('learning rates', () => {
  it('scale the means with the scene extent and keep the others fixed', () => {
    const a = learningRatesAt(1, 2);
    expect(a.means / (2 * 1.6e-4)).toBeCloseTo(1, 3);
    expect(learningRatesAt(30_000, 2).means).toBeCloseTo(3.2e-6, 12);
    expect(a).toMatchObject({ logScales: 5e-3, quats: 1e-3, opacityLogits: 2.5e-2, shDc: 2.5e-3 });
    expect(a.shRest).toBeCloseTo(2.5e-3 / 20, 15);
    expect(learningRatesAt(10, 1, { ...DEFAULT_LEARNING_RATES, opacityLogits: 0.05 }).opacityLogits).toBe(0.05);
  });

  it('sceneExtent is 1.1 x the camera spread about their centroid', () => {
    const intr = { fx: 100, fy: 100, cx: 50, cy: 50, width: 100, height: 100 };
    const cams = [[3, 0, 0], [-3, 0, 0], [0, 3, 0], [0, -3, 0]].map((e) => lookAtCamera(e as [number, number, number], [0, 0, 0], [0, 0, 1], intr));
    expect(sceneExtent(cams)).toBeCloseTo(3.3, 9);
    // One camera has no spread: fall back to its distance from the origin.
    expect(sceneExtent([cams[0]])).toBeCloseTo(3.3, 9);
  });
});

describe('densification schedule', () => {
  it('follows 3DGS train.py over a 30k run', () => {
    const s = DEFAULT_DENSIFY_SCHEDULE;
    const densifySteps: number[] = [];
    const resets: number[] = [];
    for (let step = 1; step <= 30_000; step++) {
      const a = actionsAt(step, s);
      if (a.densify) densifySteps.push(step);
      if (a.resetOpacity) resets.push(step);
      if (a.pruneByScreenSize) expect(step).toBeGreaterThan(3000);
    }
    expect(densifySteps[0]).toBe(600);
    expect(densifySteps.at(-1)).toBe(14_900);
    expect(densifySteps.length).toBe(144);
    expect(resets).toEqual([3000, 6000, 9000, 12_000]);
    expect(actionsAt(3000, s)).toEqual({ gatherStats: true, densify: true, pruneByScreenSize: false, resetOpacity: true });
    expect(actionsAt(3100, s).pruneByScreenSize).toBe(true);
    expect(actionsAt(15_000, s)).toEqual({ gatherStats: false, densify: false, pruneByScreenSize: false, resetOpacity: false });
  });

  it('scales to a shorter run, keeping the interval', () => {
    const s = scaledDensifySchedule(3000);
    expect(s).toEqual({ from: 50, until: 1500, interval: 100, opacityResetInterval: 300, screenSizePruneAfter: 300, shDegreeInterval: 100 });
    expect(scaledDensifySchedule(3000, { ...DEFAULT_DENSIFY_SCHEDULE, opacityResetInterval: 0 }).opacityResetInterval).toBe(0);
    expect(actionsAt(600, { ...s, opacityResetInterval: 0 }).resetOpacity).toBe(false);
  });

  it('short-run: densifies ~10 times in short runs, resets opacities only 3000 steps apart, and is 3DGS\'s at 30k steps', () => {
    expect(shortRunDensifySchedule(30_000)).toEqual(DEFAULT_DENSIFY_SCHEDULE);
    const count = (iterations: number, what: 'densify' | 'resetOpacity') => {
      const s = shortRunDensifySchedule(iterations);
      let n = 0;
      for (let step = 1; step <= iterations; step++) if (actionsAt(step, s)[what]) n++;
      return n;
    };
    for (const iterations of [500, 1000, 2000]) {
      expect(count(iterations, 'densify')).toBeGreaterThanOrEqual(9);
      // The scaled schedule (resets >= 200 steps apart, as the trainer used) densified 2-9 times
      // and reset 1-4 times in these runs.
      expect(count(iterations, 'resetOpacity')).toBe(0);
    }
    expect(count(10_000, 'resetOpacity')).toBe(1); // at 3000; the window ends at 5000
    expect(lastDensifyStep(500, shortRunDensifySchedule(500))).toBe(225);
  });

  it('raises the SH degree every interval, capped', () => {
    expect([1, 999, 1000, 2500, 3000, 9000].map((t) => shDegreeAt(t, 3))).toEqual([0, 0, 1, 2, 3, 3]);
    expect(shDegreeAt(5000, 1)).toBe(1);
    expect(shDegreeAt(5000, 0)).toBe(0);
  });
});

describe('lastDensifyStep', () => {
  it('is the last step actionsAt densifies at, for short and long runs', () => {
    for (const iterations of [150, 300, 500, 1000, 3000, 30_000]) {
      const s = scaledDensifySchedule(iterations);
      let last: number | null = null;
      for (let step = 1; step <= iterations; step++) if (actionsAt(step, s).densify) last = step;
      expect(lastDensifyStep(iterations, s)).toBe(last);
    }
    expect(lastDensifyStep(300, scaledDensifySchedule(300))).toBe(100);
  });

  it('is null when the run is too short to densify at all', () => {
    expect(lastDensifyStep(50, scaledDensifySchedule(50))).toBeNull();
    expect(lastDensifyStep(99, { ...scaledDensifySchedule(3000), from: 5 })).toBeNull();
  });
});

describe('dropoutRateAt', () => {
  it('is --dropout at every step, or with the ramp grows linearly to it at the last step', () => {
    const o = { dropout: 0.2, dropoutRamp: false, iterations: 500 };
    expect([1, 250, 500].map((s) => dropoutRateAt(s, o))).toEqual([0.2, 0.2, 0.2]);
    const ramp = { ...o, dropoutRamp: true };
    expect(dropoutRateAt(1, ramp)).toBeCloseTo(0.2 / 500, 12);
    expect(dropoutRateAt(250, ramp)).toBeCloseTo(0.1, 12);
    expect(dropoutRateAt(500, ramp)).toBeCloseTo(0.2, 12);
    // Past the end (a resumed run given fewer steps) it stays at --dropout; no steps: no dropout.
    expect(dropoutRateAt(600, ramp)).toBeCloseTo(0.2, 12);
    expect(dropoutRateAt(0, { ...ramp, iterations: 0 })).toBe(0);
  });
});
