/**
 * The bounded share of `npm run fuzz`: every reader and importer of untrusted bytes gets a few
 * hundred seeded, damaged inputs. Each must either read or fail with the project's InputError
 * (never a TypeError, RangeError or stack overflow), and never allocate more at once than its
 * bound for the input's size (tests/fuzz/targets.ts says which bound and why). A hang shows as
 * this test's timeout. The long run is the script; its last result is in the README.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { uninstallAllocWatch } from './allocWatch.ts';
import { checkSeeds, fuzzOne, newStats } from './engine.ts';
import { FUZZ_TARGETS } from './targets.ts';

/** Inputs per target: ~17 targets x 150 inputs take a few seconds on one core. */
const COUNT = 150;
/** Another seed than the script's default, so the suite and a default script run differ. */
const SEED = 20240;

afterAll(uninstallAllocWatch);

describe('fuzz (bounded share of npm run fuzz)', () => {
  it('covers every reader the issue names', () => {
    const names = FUZZ_TARGETS.map((t) => t.name).join(' | ');
    for (const r of [/PNG/, /JPEG/, /scene\.json/, /transforms\.json/, /LLFF/, /IDR/, /COLMAP cameras/, /COLMAP images/, /zip/, /session zip/, /model manifest/, /stream/, /PLY/, /SPZ/, /\.splat/])
      expect(names).toMatch(r);
  });

  for (const t of FUZZ_TARGETS)
    it(`${t.name}: ${COUNT} damaged inputs read or fail with an InputError, within the memory bound`, async () => {
      const seeds = await checkSeeds(t);
      const stats = newStats(t.name);
      for (let i = 0; i < COUNT; i++) await fuzzOne(t, seeds, SEED, i, stats);
      expect(stats.failures.map((f) => `${f.what} at input ${f.index} (${f.kind}): ${f.message}`)).toEqual([]);
      expect(stats.tried).toBe(COUNT);
      // The mutations must reach past the first check sometimes, or the fuzzing proves little.
      expect(stats.read + stats.refused).toBe(COUNT);
      expect(stats.refused).toBeGreaterThan(0);
    });
});
