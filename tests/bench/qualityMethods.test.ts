/** bench:quality's extra rows: "+ repair prior" (with a repair-prior model), "+ depth (stereo)" and "+ depth (FastDepth)" (with the depth model), each the defaults' levers with its lever on. */
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

describe('qualityMethods with a depth model', () => {
  it('adds one "+ depth (FastDepth)" row: the default levers with the depth loss at the weight given, marked to get depth maps', () => {
    const without = qualityMethods('levers');
    const withDepth = qualityMethods('levers', { depth: 0.1 });
    expect(withDepth.length).toBe(without.length + 1);
    expect(without.some((m) => m.depth || m.options.depthWeight)).toBe(false);
    const row = withDepth.at(-1)!;
    expect(row.name).toBe('+ depth (FastDepth)');
    expect(row.depth).toBe('fastdepth');
    expect(row.options).toEqual({ ...QUALITY_PRESETS[DEFAULT_QUALITY].levers, depthWeight: 0.1 });
    expect(qualityMethods('ablation', { depth: 0.1 }).some((m) => m.depth)).toBe(false);
  });
});

describe('qualityMethods with stereo depth', () => {
  it('adds one "+ depth (stereo)" row at the weight given, marked to get the plane sweep\'s depth maps, and none at weight 0', () => {
    const without = qualityMethods('levers');
    const withStereo = qualityMethods('levers', { stereoDepth: 0.05 });
    expect(withStereo.length).toBe(without.length + 1);
    const row = withStereo.at(-1)!;
    expect(row.name).toBe('+ depth (stereo)');
    expect(row.depth).toBe('stereo');
    expect(row.options).toEqual({ ...QUALITY_PRESETS[DEFAULT_QUALITY].levers, depthWeight: 0.05 });
    expect(qualityMethods('levers', { stereoDepth: 0 }).length).toBe(without.length);
    expect(qualityMethods('ablation', { stereoDepth: 0.05 }).some((m) => m.depth)).toBe(false);
  });
});
