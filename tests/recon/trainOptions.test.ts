/**
 * The training options' one table: defaults, bounds and the CLI flags derived from it.
 */
import { describe, expect, it } from 'vitest';
import { isInputError } from '../../src/core/errors.ts';
import { DEFAULT_TRAIN_OPTIONS, TRAIN_OPTION_SPECS, resolveTrainOptions, trainOptionSpec, type TrainOptionKey } from '../../src/recon/train/trainOptions.ts';
import { parseArgs } from '../../scripts/lib/args.ts';
import { ALL_TRAIN_OPTIONS, parseTrainFlags, trainFlagNames, trainFlagsUsage } from '../../scripts/lib/trainFlags.ts';

const keys = Object.keys(TRAIN_OPTION_SPECS) as TrainOptionKey[];

describe('TRAIN_OPTION_SPECS', () => {
  it('gives every option a default inside its bounds or choices, a flag of its own and a doc', () => {
    for (const k of keys) {
      const s = trainOptionSpec(k);
      expect(DEFAULT_TRAIN_OPTIONS[k], k).toBe(s.default);
      expect(s.doc.length, k).toBeGreaterThan(5);
      if (s.kind === 'int' || s.kind === 'number') {
        expect(s.min, k).toBeLessThanOrEqual(s.default);
        expect(s.default, k).toBeLessThanOrEqual(s.max);
        if (s.kind === 'int') expect(Number.isInteger(s.default), k).toBe(true);
      } else if (s.kind === 'choice') expect(s.choices, k).toContain(s.default);
      else expect(typeof s.default, k).toBe('boolean');
    }
    expect(new Set(trainFlagNames(keys)).size).toBe(keys.length);
  });


  it('resolves given options over the defaults, undefined keeping the default', () => {
    const o = resolveTrainOptions({ iterations: 5, seed: undefined, densify: false });
    expect(o).toEqual({ ...DEFAULT_TRAIN_OPTIONS, iterations: 5, densify: false });
    expect(resolveTrainOptions()).toEqual(DEFAULT_TRAIN_OPTIONS);
  });
});

describe('training options as CLI flags', () => {
  const parse = (argv: string[], defaults = {}) => parseTrainFlags(parseArgs(argv, trainFlagNames(ALL_TRAIN_OPTIONS)), ALL_TRAIN_OPTIONS, defaults);

  it('parses each kind, leaves absent flags out and keeps a script\'s own defaults', () => {
    expect(parse([])).toEqual({});
    expect(parse(['--iters', '300', '--init', 'random', '--ssim-weight', '0.1', '--densify', 'false'])).toEqual({ iterations: 300, init: 'random', ssimWeight: 0.1, densify: false });
    expect(parse([], { iterations: 2000 })).toEqual({ iterations: 2000 });
    expect(parse(['--iters', '7'], { iterations: 2000 })).toEqual({ iterations: 7 });
  });

  it('refuses values outside the table\'s bounds and choices with InputError', () => {
    for (const bad of [['--iters', '-1'], ['--iters', '30001'], ['--iters', '1.5'], ['--sh', '4'], ['--init', 'box'], ['--densify', 'yes'], ['--ssim-weight', 'x']])
      expect(() => parse(bad), bad.join(' ')).toThrow(expect.toSatisfy((e: unknown) => isInputError(e) && (e as Error).message.startsWith(bad[0]!)));
  });

  it('lists every flag with its default and range in the usage text', () => {
    const usage = trainFlagsUsage(ALL_TRAIN_OPTIONS);
    for (const k of keys) expect(usage).toContain(`--${TRAIN_OPTION_SPECS[k].flag} `);
    expect(usage).toContain('default 20000, 100..200000'); // --init-splats
    expect(usage).toContain(`default ${TRAIN_OPTION_SPECS.iterations.defaultDoc}, 0..30000`);
    expect(trainFlagsUsage(['iterations'], { iterations: 2000 })).toContain('default 2000');
  });
});
