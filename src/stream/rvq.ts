/**
 * Residual vector quantisation of colour + SH (the Compact3D / QUEEN idea): stage 0 k-means-codes
 * each splat's whole colour vector (3 values per SH coefficient, DC first), each later stage codes
 * what the stages before it left over. Every stage's codebook is stored in 8 bits per value
 * (a per-dimension minimum and step in float32), and the residuals are taken against the stored,
 * dequantised entries, so the encoder's and decoder's sums agree exactly.
 */
import { kMeans, nearestCentre } from './kmeans.ts';

/** One stage's codebook as stored: per dimension min and step, entries x dims bytes. */
export interface StoredCodebook {
  entries: number;
  dims: number;
  min: Float32Array;
  step: Float32Array;
  values: Uint8Array;
}

export function dequantiseCodebook(cb: StoredCodebook): Float32Array {
  const out = new Float32Array(cb.entries * cb.dims);
  for (let e = 0; e < cb.entries; e++) for (let j = 0; j < cb.dims; j++) out[e * cb.dims + j] = cb.min[j] + cb.values[e * cb.dims + j] * cb.step[j];
  return out;
}

/**
 * 8-bit storage of a codebook. With `zeroOnGrid`, a dimension whose range holds 0 gets a grid
 * with 0 on it (255 steps over a range one step wider), so an entry of zeros is stored exactly.
 */
function storeCodebook(centres: Float32Array, entries: number, dims: number, zeroOnGrid = false): StoredCodebook {
  const min = new Float32Array(dims);
  const step = new Float32Array(dims);
  const values = new Uint8Array(entries * dims);
  for (let j = 0; j < dims; j++) {
    let lo = Infinity;
    let hi = -Infinity;
    for (let e = 0; e < entries; e++) {
      lo = Math.min(lo, centres[e * dims + j]);
      hi = Math.max(hi, centres[e * dims + j]);
    }
    min[j] = lo;
    step[j] = hi > lo ? (hi - lo) / 255 : 0;
    if (zeroOnGrid && lo <= 0 && hi >= 0 && hi > lo) {
      step[j] = Math.fround((hi - lo) / 254);
      min[j] = Math.fround(step[j] * Math.floor(lo / step[j]));
    }
    for (let e = 0; e < entries; e++) values[e * dims + j] = step[j] > 0 ? Math.min(255, Math.max(0, Math.round((centres[e * dims + j] - min[j]) / step[j]))) : 0;
  }
  return { entries, dims, min, step, values };
}

export function codebookToBytes(cb: StoredCodebook): Uint8Array {
  const out = new Uint8Array(4 + 8 * cb.dims + cb.values.length);
  const dv = new DataView(out.buffer);
  dv.setUint16(0, cb.entries, true);
  for (let j = 0; j < cb.dims; j++) {
    dv.setFloat32(4 + 4 * j, cb.min[j], true);
    dv.setFloat32(4 + 4 * cb.dims + 4 * j, cb.step[j], true);
  }
  out.set(cb.values, 4 + 8 * cb.dims);
  return out;
}

/** Reads a codebook chunk's raw bytes; null when they do not describe `dims`-value entries. */
export function codebookFromBytes(raw: Uint8Array, dims: number): StoredCodebook | null {
  if (raw.length < 4 + 8 * dims) return null;
  const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const entries = dv.getUint16(0, true);
  if (entries < 1 || raw.length !== 4 + 8 * dims + entries * dims) return null;
  const min = new Float32Array(dims);
  const step = new Float32Array(dims);
  for (let j = 0; j < dims; j++) {
    min[j] = dv.getFloat32(4 + 4 * j, true);
    step[j] = dv.getFloat32(4 + 4 * dims + 4 * j, true);
    if (!Number.isFinite(min[j]) || !Number.isFinite(step[j])) return null;
  }
  return { entries, dims, min, step, values: raw.slice(4 + 8 * dims) };
}

export interface RvqOptions {
  stages: number;
  /** Entries per stage codebook (at most 256: one index byte per splat per stage). */
  entries: number;
  iterations?: number;
  maxSamples?: number;
  seed?: number;
  /** Per-vector weight for the k-means (e.g. each splat's importance). */
  weights?: Float32Array;
  /**
   * Rate-distortion choice in the refinement stages (>= 1): a vector whose weighted gain from its
   * nearest entry, over the entry nearest zero, is below `skipBelow` x the stage's mean gain takes
   * the entry nearest zero instead. Many splats then share one index, which deflate codes in a
   * few bits; they are the splats whose refinement the picture hardly shows. 0 (default): off.
   */
  skipBelow?: number;
  onStage?: (stage: number) => void;
}

export interface RvqResult {
  codebooks: StoredCodebook[];
  /** indices[s][i]: splat i's entry in stage s. */
  indices: Uint8Array[];
}

/** Residual VQ of `count` vectors of `dims` values. */
export function residualVq(vectors: Float32Array, count: number, dims: number, opts: RvqOptions): RvqResult {
  const residual = vectors.slice();
  const codebooks: StoredCodebook[] = [];
  const indices: Uint8Array[] = [];
  for (let s = 0; s < opts.stages; s++) {
    opts.onStage?.(s);
    const { centres, k } = kMeans(residual, count, dims, { k: Math.min(256, opts.entries), iterations: opts.iterations, maxSamples: opts.maxSamples, seed: (opts.seed ?? 1) + s * 7919, weights: opts.weights });
    // A refinement stage that skips splats gets an exact zero entry: a skipped splat's colour
    // then stays what the stages before it made, not moved by the entry nearest zero.
    const skip = s > 0 && (opts.skipBelow ?? 0) > 0;
    if (skip) {
      let zero = 0;
      let zeroNorm = Infinity;
      for (let e = 0; e < k; e++) {
        let n = 0;
        for (let j = 0; j < dims; j++) n += centres[e * dims + j] ** 2;
        if (n < zeroNorm) [zero, zeroNorm] = [e, n];
      }
      centres.fill(0, zero * dims, zero * dims + dims);
    }
    const cb = storeCodebook(centres, k, dims, skip);
    const stored = dequantiseCodebook(cb);
    const idx = new Uint8Array(count);
    for (let i = 0; i < count; i++) idx[i] = nearestCentre(stored, k, dims, residual, i * dims);
    if (skip) skipSmallGains(stored, k, dims, residual, idx, opts.weights, opts.skipBelow!);
    for (let i = 0; i < count; i++) {
      const c = idx[i];
      for (let j = 0; j < dims; j++) residual[i * dims + j] -= stored[c * dims + j];
    }
    codebooks.push(cb);
    indices.push(idx);
  }
  return { codebooks, indices };
}

/** The rate-distortion step of RvqOptions.skipBelow: small-gain vectors take the entry nearest zero. */
function skipSmallGains(stored: Float32Array, k: number, dims: number, residual: Float32Array, idx: Uint8Array, weights: Float32Array | undefined, skipBelow: number): void {
  let zero = 0;
  let zeroNorm = Infinity;
  for (let e = 0; e < k; e++) {
    let n = 0;
    for (let j = 0; j < dims; j++) n += stored[e * dims + j] ** 2;
    if (n < zeroNorm) {
      zeroNorm = n;
      zero = e;
    }
  }
  const count = idx.length;
  const gains = new Float64Array(count);
  let sum = 0;
  for (let i = 0; i < count; i++) {
    let dBest = 0;
    let dZero = 0;
    for (let j = 0; j < dims; j++) {
      const r = residual[i * dims + j];
      dBest += (r - stored[idx[i] * dims + j]) ** 2;
      dZero += (r - stored[zero * dims + j]) ** 2;
    }
    gains[i] = (weights ? weights[i] : 1) * (dZero - dBest);
    sum += gains[i];
  }
  const threshold = (skipBelow * sum) / Math.max(1, count);
  for (let i = 0; i < count; i++) if (gains[i] < threshold) idx[i] = zero;
}
