/**
 * The scalar quantisers of the base chunk: positions on a grid whose bits come from the cloud's
 * extent and a target error, rotations as "smallest three", log-scales and opacity in 8 bits.
 * Each has a `quantise` and a `dequantise`; the round-trip errors are bounded (tests check them).
 */
import { logit, sigmoid } from '../core/gaussianCloud.ts';

export const MAX_POSITION_BITS = 16;

/** Bits per axis so that the grid step over `extent` is at most 2 x `targetError` (1..16). */
export function positionBitsFor(extent: number, targetError: number): number {
  if (!(extent > 0) || !(targetError > 0)) return 1;
  const cells = extent / (2 * targetError);
  return Math.min(MAX_POSITION_BITS, Math.max(1, Math.ceil(Math.log2(cells + 1))));
}

/** The grid step of one axis: extent / (2^bits - 1) (0 for a flat axis). */
export function positionStep(min: number, max: number, bits: number): number {
  return max > min ? (max - min) / ((1 << bits) - 1) : 0;
}

export function quantisePosition(v: number, min: number, step: number, bits: number): number {
  if (step === 0) return 0;
  return Math.min((1 << bits) - 1, Math.max(0, Math.round((v - min) / step)));
}

export function dequantisePosition(q: number, min: number, step: number): number {
  return min + q * step;
}

/** Spreads the low 10 bits of v so that there are two zero bits between each (for 30-bit Morton codes). */
function spread10(v: number): number {
  let x = v & 0x3ff;
  x = (x | (x << 16)) & 0x030000ff;
  x = (x | (x << 8)) & 0x0300f00f;
  x = (x | (x << 4)) & 0x030c30c3;
  x = (x | (x << 2)) & 0x09249249;
  return x;
}

/** 30-bit Morton (Z-order) code of grid cell (x, y, z) from the top 10 of `bits` bits of each. */
export function mortonCode(x: number, y: number, z: number, bits: number): number {
  const shift = Math.max(0, bits - 10);
  return ((spread10(x >>> shift) << 2) | (spread10(y >>> shift) << 1) | spread10(z >>> shift)) >>> 0;
}

const SQRT1_2 = Math.SQRT1_2;

/**
 * Unit quaternion (w, x, y, z) -> u32: index of the largest |component| in the top 2 bits
 * (0 = w .. 3 = z), then the other three in order, 10 bits each, mapped from [-1/sqrt2, 1/sqrt2];
 * the largest is made positive (q and -q are the same rotation). Max error per component 7e-4.
 */
export function packSmallestThree(w: number, x: number, y: number, z: number): number {
  const q = [w, x, y, z];
  const n = Math.hypot(w, x, y, z);
  if (!(n > 0) || !Number.isFinite(n)) return 0 << 30 | (512 << 20) | (512 << 10) | 512; // identity-ish
  let big = 0;
  for (let i = 1; i < 4; i++) if (Math.abs(q[i]) > Math.abs(q[big])) big = i;
  const sign = q[big] < 0 ? -1 : 1;
  let out = big << 30;
  let shift = 20;
  for (let i = 0; i < 4; i++) {
    if (i === big) continue;
    const v = (sign * q[i]) / n;
    const code = Math.min(1023, Math.max(0, Math.round(((v / SQRT1_2) * 0.5 + 0.5) * 1023)));
    out |= code << shift;
    shift -= 10;
  }
  return out >>> 0;
}

export function unpackSmallestThree(packed: number, out: Float32Array, at: number): void {
  const big = packed >>> 30;
  let shift = 20;
  let sum = 0;
  const q = [0, 0, 0, 0];
  for (let i = 0; i < 4; i++) {
    if (i === big) continue;
    const code = (packed >>> shift) & 0x3ff;
    const v = ((code / 1023) * 2 - 1) * SQRT1_2;
    q[i] = v;
    sum += v * v;
    shift -= 10;
  }
  q[big] = Math.sqrt(Math.max(0, 1 - sum));
  const n = Math.hypot(q[0], q[1], q[2], q[3]);
  for (let i = 0; i < 4; i++) out[at + i] = q[i] / n;
}

/** Log-scale in [min, max] -> 0..255 (clamped). */
export function quantiseLogScale(v: number, min: number, max: number): number {
  if (!(max > min)) return 0;
  return Math.min(255, Math.max(0, Math.round(((v - min) / (max - min)) * 255)));
}

export function dequantiseLogScale(q: number, min: number, max: number): number {
  return max > min ? min + (q / 255) * (max - min) : min;
}

/** Opacity logit -> sigmoid in 0..255. */
export function quantiseOpacity(logitValue: number): number {
  const a = sigmoid(logitValue);
  return Math.min(255, Math.max(0, Math.round((Number.isFinite(a) ? a : 0) * 255)));
}

/** 0..255 -> logit, with the ends pulled in by half a step so that the logit stays finite. */
export function dequantiseOpacity(q: number): number {
  return logit(Math.min(254.5, Math.max(0.5, q)) / 255);
}
