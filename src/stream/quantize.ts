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

/** Spreads the low 8 bits of v so that there are two zero bits between each (24 bits). */
function spread8(v: number): number {
  let x = v & 0xff;
  x = (x | (x << 8)) & 0x00f00f;
  x = (x | (x << 4)) & 0x0c30c3;
  x = (x | (x << 2)) & 0x249249;
  return x;
}

/** The inverse of spread8: every third bit of a 24-bit value, packed. */
function compact8(v: number): number {
  let x = v & 0x249249;
  x = (x | (x >>> 2)) & 0x0c30c3;
  x = (x | (x >>> 4)) & 0x00f00f;
  x = (x | (x >>> 8)) & 0xff;
  return x;
}

const TWO_24 = 16777216;

/**
 * Morton (Z-order) code of grid cell (x, y, z), each < 2^16: bit k of x, y, z goes to bits
 * 3k + 2, 3k + 1, 3k. Up to 48 bits, held exactly in a double (high 24 bits x 2^24 + low 24 bits).
 */
export function mortonCode(x: number, y: number, z: number): number {
  const lo = (spread8(x) << 2) | (spread8(y) << 1) | spread8(z);
  const hi = (spread8(x >>> 8) << 2) | (spread8(y >>> 8) << 1) | spread8(z >>> 8);
  return hi * TWO_24 + (lo >>> 0);
}

/** The grid cell of a Morton code (the inverse of mortonCode), into out[at..at+2]. */
export function mortonDecode(code: number, out: Uint16Array | number[], at: number): void {
  const hi = Math.floor(code / TWO_24);
  const lo = code - hi * TWO_24;
  for (let a = 0; a < 3; a++) out[at + a] = (compact8(hi >>> (2 - a)) << 8) | compact8(lo >>> (2 - a));
}

/** Appends the LEB128 varint of a non-negative integer below 2^53 (7 bits a byte, low first). */
export function writeVarint(v: number, out: number[]): void {
  while (v >= 128) {
    out.push((v % 128) | 128);
    v = Math.floor(v / 128);
  }
  out.push(v);
}

/**
 * Reads `count` varints of at most 7 bytes each from the start of `bytes`; returns where they
 * end, or -1 when they run past its end or one is longer than 7 bytes.
 */
export function readVarintPrefix(bytes: Uint8Array, count: number, into: Float64Array): number {
  let p = 0;
  for (let i = 0; i < count; i++) {
    let v = 0;
    let mul = 1;
    for (let k = 0; ; k++) {
      if (p >= bytes.length || k >= 7) return -1;
      const b = bytes[p++];
      v += (b & 127) * mul;
      mul *= 128;
      if (b < 128) break;
    }
    into[i] = v;
  }
  return p;
}

/** Reads `count` varints of at most 7 bytes each from `bytes`; false unless they fill it exactly. */
export function readVarints(bytes: Uint8Array, count: number, into: Float64Array): boolean {
  return readVarintPrefix(bytes, count, into) === bytes.length;
}

const SQRT1_2 = Math.SQRT1_2;

/** Rotation components take 1 to 12 bits each (a code above 8 bits has a second byte). */
export const MAX_ROTATION_BITS = 12;

/**
 * Bits per rotation component for a splat with these log-scales, so that the rotation's error
 * moves its covariance by at most `tolerance` (relative). A rotation error of angle t changes a
 * Gaussian with axis ratio r = s_i / s_j by up to t |r - 1/r| relative to itself (the largest
 * over the axis pairs: 2 sinh of the log-scale spread), so a round splat needs almost no rotation
 * and a needle a fine one. Components off by at most d/2 (step d = (1/sqrt2) / h) give
 * t <= 2 sqrt3 d (the rebuilt largest component at most doubles the error; the angle is twice
 * the quaternion's). Past MAX_ROTATION_BITS the tolerance is not met (needles of 1:1000).
 */
export function rotationBitsFor(ls0: number, ls1: number, ls2: number, tolerance: number): number {
  const spread = Math.max(ls0, ls1, ls2) - Math.min(ls0, ls1, ls2);
  const sensitivity = 2 * Math.sinh(spread);
  if (!(tolerance > 0) || !Number.isFinite(sensitivity)) return MAX_ROTATION_BITS;
  const h = Math.ceil((2 * Math.sqrt(3) * SQRT1_2 * sensitivity) / tolerance);
  if (h <= 0) return 1;
  return Math.min(MAX_ROTATION_BITS, 1 + Math.ceil(Math.log2(h + 1)));
}

/** Half the code range of a component of `bits` bits: codes are 0..2h, h the zero. */
const halfRange = (bits: number) => (1 << (bits - 1)) - 1;

/**
 * Unit quaternion (w, x, y, z) -> "smallest three" with `bits` bits per component: `index` of
 * the largest |component| (0 = w .. 3 = z, made positive: q and -q are the same rotation), and
 * the other three in w, x, y, z order as codes 0..2h, h = 2^(bits-1) - 1, each
 * `(code - h) / h / sqrt2` (1 bit: every component 0). Writes codes into out[at..at+2].
 */
export function packRotation(w: number, x: number, y: number, z: number, bits: number, out: Uint16Array, at: number): number {
  const q = [w, x, y, z];
  const n = Math.hypot(w, x, y, z);
  const h = halfRange(bits);
  if (!(n > 0) || !Number.isFinite(n)) {
    out.fill(h, at, at + 3);
    return 0;
  }
  let big = 0;
  for (let i = 1; i < 4; i++) if (Math.abs(q[i]) > Math.abs(q[big])) big = i;
  const sign = q[big] < 0 ? -1 : 1;
  let k = 0;
  for (let i = 0; i < 4; i++) {
    if (i === big) continue;
    const v = (sign * q[i]) / n;
    out[at + k++] = h === 0 ? 0 : Math.min(2 * h, Math.max(0, Math.round((v / SQRT1_2) * h + h)));
  }
  return big;
}

/** The inverse of packRotation, into out[at..at+3] (w, x, y, z); false for a code past 2h. */
export function unpackRotation(index: number, bits: number, c0: number, c1: number, c2: number, out: Float32Array, at: number): boolean {
  const h = halfRange(bits);
  const codes = [c0, c1, c2];
  let sum = 0;
  let k = 0;
  const q = [0, 0, 0, 0];
  for (let i = 0; i < 4; i++) {
    if (i === index) continue;
    const c = codes[k++];
    if (c > 2 * h) return false;
    const v = h === 0 ? 0 : ((c - h) / h) * SQRT1_2;
    q[i] = v;
    sum += v * v;
  }
  q[index] = Math.sqrt(Math.max(0, 1 - sum));
  const n = Math.hypot(q[0], q[1], q[2], q[3]);
  for (let i = 0; i < 4; i++) out[at + i] = q[i] / n;
  return true;
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

/**
 * 0..255 -> logit, with the ends pulled in by a quarter step so that the logit stays finite. A
 * quarter, not a half: step 0 decoded at half a step rounds back up to step 1, so a stream opened
 * and encoded again would brighten its faintest splats (254.5 came back as 255 only because
 * Math.round takes halves up).
 */
export function dequantiseOpacity(q: number): number {
  return logit(Math.min(254.75, Math.max(0.25, q)) / 255);
}
