import { describe, expect, it } from 'vitest';
import { portableLn, portableLog10 } from '../../src/core/metrics/portableLog10.ts';
import { mulberry32 } from '../../src/core/random.ts';

/** Distance in units in the last place between two doubles of the same sign. */
function ulps(a: number, b: number): number {
  const v = new DataView(new ArrayBuffer(16));
  v.setFloat64(0, a);
  v.setFloat64(8, b);
  return Number(v.getBigInt64(0) - v.getBigInt64(8));
}

describe('portableLog10 (engine-independent log for PSNR)', () => {
  it('agrees with Math.log10 to 4 ulps over MSEs from 1e-12 to 1 and beyond', () => {
    const rnd = mulberry32(3);
    let worst = 0;
    for (let i = 0; i < 20000; i++) {
      const x = Math.pow(10, -12 + 14 * rnd());
      const got = portableLog10(x);
      const want = Math.log10(x);
      // Near log10 = 0 the ulp scale collapses: compare absolutely there.
      if (Math.abs(want) < 1e-3) expect(Math.abs(got - want)).toBeLessThan(1e-18);
      else worst = Math.max(worst, Math.abs(ulps(got, want)));
    }
    expect(worst).toBeLessThanOrEqual(4);
  });

  it('is exact at powers of ten and two where the answer is representable', () => {
    expect(portableLog10(1)).toBe(0);
    expect(portableLog10(100)).toBeCloseTo(2, 15);
    expect(portableLog10(1e-5)).toBeCloseTo(-5, 14);
    expect(portableLn(2)).toBeCloseTo(Math.LN2, 16);
    expect(portableLn(0.5)).toBeCloseTo(-Math.LN2, 16);
  });

  it('handles the edges: zero, negatives, infinity, NaN and subnormals', () => {
    expect(portableLog10(0)).toBe(-Infinity);
    expect(portableLog10(-1)).toBeNaN();
    expect(portableLog10(NaN)).toBeNaN();
    expect(portableLog10(Infinity)).toBe(Infinity);
    expect(portableLn(5e-324)).toBeCloseTo(Math.log(5e-324), 10);
    expect(portableLn(1e-310)).toBeCloseTo(Math.log(1e-310), 10);
  });
});
