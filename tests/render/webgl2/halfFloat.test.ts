/**
 * float -> half conversion of the SH texture: every one of the 65,536 half bit patterns survives
 * the round trip, values between two halves go to the nearer one (ties to even), and the edges
 * (overflow to Inf, subnormals, underflow to signed zero, NaN) behave as a GPU conversion does.
 */
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../src/core/random.ts';
import { floatToHalfBits, halfBitsToFloat, packHalf2x16 } from '../../../src/render/webgl2/halfFloat.ts';

describe('half floats', () => {
  it('round-trips every half bit pattern (NaNs stay NaN)', () => {
    const wrong: number[] = [];
    for (let h = 0; h < 0x10000; h++) {
      const v = halfBitsToFloat(h);
      const ok = Number.isNaN(v) ? Number.isNaN(halfBitsToFloat(floatToHalfBits(v))) : floatToHalfBits(v) === h;
      if (!ok) wrong.push(h);
    }
    expect(wrong).toEqual([]);
  });

  it('rounds to the nearest half, ties to even, in normal and subnormal ranges', () => {
    const rnd = mulberry32(3);
    const notNearest: number[] = [];
    for (let n = 0; n < 20_000; n++) {
      const x = Math.fround((rnd() - 0.5) * 2 ** Math.floor(rnd() * 40 - 26));
      const h = floatToHalfBits(x);
      const err = Math.abs(halfBitsToFloat(h) - x);
      // Neither neighbouring half is nearer.
      for (const other of [h - 1, h + 1]) {
        const o = halfBitsToFloat(other & 0xffff);
        if (Number.isFinite(o) && Math.abs(o - x) < err) notNearest.push(x);
      }
    }
    expect(notNearest).toEqual([]);
    expect(floatToHalfBits(1 + 2 ** -11)).toBe(0x3c00); // tie between 1 and 1+2^-10: even (1)
    expect(floatToHalfBits(1 + 3 * 2 ** -11)).toBe(0x3c02); // tie: even (1 + 2^-9)
    expect(floatToHalfBits(2 ** -25)).toBe(0); // half the smallest subnormal: ties to 0
    expect(floatToHalfBits(1.5 * 2 ** -25)).toBe(1);
  });

  it('overflows to Inf, underflows to signed zero, keeps Inf and NaN', () => {
    expect(floatToHalfBits(65504)).toBe(0x7bff);
    expect(floatToHalfBits(65520)).toBe(0x7c00); // rounds up past the largest half
    expect(floatToHalfBits(1e10)).toBe(0x7c00);
    expect(floatToHalfBits(-1e10)).toBe(0xfc00);
    expect(floatToHalfBits(1e-10)).toBe(0);
    expect(floatToHalfBits(-1e-10)).toBe(0x8000);
    expect(floatToHalfBits(Infinity)).toBe(0x7c00);
    expect(Number.isNaN(halfBitsToFloat(floatToHalfBits(NaN)))).toBe(true);
  });

  it('packs the low half in bits 0-15, as GLSL unpackHalf2x16 reads .x', () => {
    expect(packHalf2x16(1, -2)).toBe(((0xc000 << 16) | 0x3c00) >>> 0);
  });
});
