import { describe, expect, it } from 'vitest';
import { defaultSteps, STEPS_BY_VIEWS } from '../../src/recon/train/stepCount.ts';
import { DEFAULT_TRAIN_OPTIONS, TRAIN_OPTION_SPECS } from '../../src/recon/train/trainOptions.ts';
import { ALL_TRAIN_OPTIONS, parseTrainFlags, trainFlagNames, trainFlagsUsage } from '../../scripts/lib/trainFlags.ts';
import { parseArgs } from '../../scripts/lib/args.ts';
import { reconTrainOptions } from '../../scripts/lib/reconOptions.ts';

describe('defaultSteps', () => {
  it('gives the measured steps at the measured view counts, interpolates between and holds outside', () => {
    for (const p of STEPS_BY_VIEWS) expect(defaultSteps(p.views)).toBe(p.steps);
    const first = STEPS_BY_VIEWS[0], last = STEPS_BY_VIEWS[STEPS_BY_VIEWS.length - 1];
    expect(defaultSteps(1)).toBe(first.steps);
    expect(defaultSteps(12)).toBe(last.steps);
    // Never fewer steps for more views, every value a multiple of 100 within the ends.
    let prev = 0;
    for (let n = 1; n <= 12; n++) {
      const s = defaultSteps(n);
      expect(s).toBeGreaterThanOrEqual(prev);
      expect(s % 100).toBe(0);
      expect(s).toBeGreaterThanOrEqual(first.steps);
      expect(s).toBeLessThanOrEqual(last.steps);
      prev = s;
    }
    // Strictly between the first two measured counts, strictly between their steps.
    if (STEPS_BY_VIEWS.length > 1 && STEPS_BY_VIEWS[1].views - first.views > 1 && STEPS_BY_VIEWS[1].steps - first.steps > 200) {
      const mid = defaultSteps(first.views + 1);
      expect(mid).toBeGreaterThan(first.steps);
      expect(mid).toBeLessThan(STEPS_BY_VIEWS[1].steps);
    }
  });

  it('is what the option table and the usage text say', () => {
    expect(DEFAULT_TRAIN_OPTIONS.iterations).toBe(STEPS_BY_VIEWS[0].steps);
    const usage = trainFlagsUsage(['iterations']);
    expect(usage).toContain(TRAIN_OPTION_SPECS.iterations.defaultDoc);
    for (const p of STEPS_BY_VIEWS) expect(usage).toContain(`${p.views} views ${p.steps}`);
    // A script's own default (a benchmark's) is shown instead.
    expect(trainFlagsUsage(['iterations'], { iterations: 2000 })).toContain('default 2000');
  });
});

describe('npm run recon\'s training options', () => {
  const options = (argv: string[], ctx = { unmasked: false, refineGuesses: false, prior: false }) =>
    reconTrainOptions(parseTrainFlags(parseArgs(argv, trainFlagNames(ALL_TRAIN_OPTIONS)), ALL_TRAIN_OPTIONS), ctx);

  it('leaves the step count to the trainer\'s steps by views without --iters, and keeps a given one', () => {
    // The trainer runs `iterations ?? defaultSteps(views)`: a filled-in 1000 trained 8 views 1000 steps.
    expect(options([]).iterations).toBeUndefined();
    expect(options(['--iters', '50']).iterations).toBe(50);
    // Every other option is resolved to its default.
    expect(options([]).photoConsistencyWeight).toBe(DEFAULT_TRAIN_OPTIONS.photoConsistencyWeight);
  });

  it('starts unmasked views from stereo points and refines guessed cameras unless the flags say otherwise', () => {
    const ctx = { unmasked: true, refineGuesses: true, prior: true };
    expect(options([], ctx)).toMatchObject({ init: 'stereo', refineCameras: true, repairPrior: true });
    expect(options(['--init', 'random'], ctx).init).toBe('random');
    expect(options([]).init).toBe(DEFAULT_TRAIN_OPTIONS.init);
  });
});
