/** bench:quality's rows with a repair-prior model: "+ repair prior" is the defaults' levers with the prior on. */
import { describe, expect, it } from 'vitest';
import { qualityMethods } from '../../bench/qualityMethods.ts';
import { DEFAULT_QUALITY, QUALITY_PRESETS } from '../../src/recon/train/qualityPresets.ts';

describe('qualityMethods with --prior', () => {
  it('adds one "+ repair prior" row on top of the default levers, and none without a model', () => {
    const without = qualityMethods('levers');
    const withPrior = qualityMethods('levers', { prior: true });
    expect(withPrior.length).toBe(without.length + 1);
    expect(without.some((m) => m.options.repairPrior)).toBe(false);
    const row = withPrior.at(-1)!;
    expect(row.name).toBe('+ repair prior');
    expect(row.options).toEqual({ ...QUALITY_PRESETS[DEFAULT_QUALITY].levers, repairPrior: true });
    expect(qualityMethods('ablation', { prior: true }).some((m) => m.options.repairPrior)).toBe(false);
  });
});
