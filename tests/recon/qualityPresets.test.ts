/**
 * The app's Quality levels: valid options, distinct, and the defaults are one of them (so the app,
 * the CLI and the benchmarks run the same trainer by default).
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_QUALITY, LEVER_KEYS, QUALITY_LEVELS, QUALITY_PRESETS, qualityOf } from '../../src/recon/train/qualityPresets.ts';
import { DEFAULT_TRAIN_OPTIONS, resolveTrainOptions, trainOptionSpec } from '../../src/recon/train/trainOptions.ts';

describe('QUALITY_PRESETS', () => {
  it('set every lever to a value its spec allows, and no two levels alike', () => {
    for (const q of QUALITY_LEVELS) {
      for (const k of LEVER_KEYS) {
        const spec = trainOptionSpec(k);
        const v = QUALITY_PRESETS[q].levers[k];
        if (spec.kind === 'choice') expect(spec.choices).toContain(v);
        else if (spec.kind === 'number' || spec.kind === 'int') {
          expect(v).toBeGreaterThanOrEqual(spec.min);
          expect(v).toBeLessThanOrEqual(spec.max);
        }
      }
      expect(qualityOf(QUALITY_PRESETS[q].levers)).toBe(q);
      expect(QUALITY_PRESETS[q].costPerStep).toBeGreaterThan(0);
    }
    expect(new Set(QUALITY_LEVELS.map((q) => JSON.stringify(QUALITY_PRESETS[q].levers))).size).toBe(QUALITY_LEVELS.length);
  });

  it('the defaults are DEFAULT_QUALITY; a hand-set switch is no level', () => {
    const defaults = resolveTrainOptions();
    for (const k of LEVER_KEYS) expect(defaults[k]).toBe(QUALITY_PRESETS[DEFAULT_QUALITY].levers[k]);
    expect(qualityOf({ ...QUALITY_PRESETS[DEFAULT_QUALITY].levers, dropout: 0.37 })).toBeNull();
    expect(DEFAULT_TRAIN_OPTIONS.iterations).toBeGreaterThan(0);
  });
});
