/**
 * Plain k-means (Lloyd) over float vectors, seeded: the codebook trainer of the residual VQ.
 * Trains on at most `maxSamples` vectors (a seeded random subset) and assigns every vector to its
 * nearest centre afterwards, so the cost is samples x k x dims per iteration.
 */
import { mulberry32 } from '../core/random.ts';

export interface KMeansOptions {
  k: number;
  iterations?: number;
  maxSamples?: number;
  seed?: number;
  /** Per-vector weight (default 1): a centre is the weighted mean of its vectors. */
  weights?: Float32Array;
}

/** Index of the nearest of `k` centres (row-major, `dims` each) to vector `v` at `at`. */
export function nearestCentre(centres: Float32Array, k: number, dims: number, v: Float32Array, at: number): number {
  let best = 0;
  let bestD = Infinity;
  for (let c = 0; c < k; c++) {
    let d = 0;
    const o = c * dims;
    for (let j = 0; j < dims && d < bestD; j++) {
      const e = v[at + j] - centres[o + j];
      d += e * e;
    }
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return best;
}

/** k centres (k x dims, row-major) for `count` vectors of `dims` values in `data`; k is cut to count. */
export function kMeans(data: Float32Array, count: number, dims: number, opts: KMeansOptions): { centres: Float32Array; k: number } {
  const rand = mulberry32(opts.seed ?? 1);
  const maxSamples = opts.maxSamples ?? 8192;
  // A seeded subset (partial Fisher-Yates over indices).
  const m = Math.min(count, maxSamples);
  const idx = new Uint32Array(count);
  for (let i = 0; i < count; i++) idx[i] = i;
  for (let i = 0; i < m; i++) {
    const j = i + Math.floor(rand() * (count - i));
    const t = idx[i];
    idx[i] = idx[j];
    idx[j] = t;
  }
  const samples = new Float32Array(m * dims);
  const w = new Float32Array(m);
  for (let i = 0; i < m; i++) {
    samples.set(data.subarray(idx[i] * dims, idx[i] * dims + dims), i * dims);
    w[i] = opts.weights ? opts.weights[idx[i]] : 1;
  }
  const k = Math.max(1, Math.min(opts.k, m));
  const centres = new Float32Array(k * dims);
  if (m === 0) return { centres, k };
  // Initial centres: the first k samples of the shuffled subset (already random).
  centres.set(samples.subarray(0, k * dims));
  const assign = new Uint32Array(m);
  const sums = new Float64Array(k * dims);
  const counts = new Float64Array(k);
  const iterations = opts.iterations ?? 10;
  for (let it = 0; it < iterations; it++) {
    let changed = 0;
    for (let i = 0; i < m; i++) {
      const c = nearestCentre(centres, k, dims, samples, i * dims);
      if (c !== assign[i] || it === 0) changed++;
      assign[i] = c;
    }
    sums.fill(0);
    counts.fill(0);
    for (let i = 0; i < m; i++) {
      const c = assign[i];
      counts[c] += w[i];
      for (let j = 0; j < dims; j++) sums[c * dims + j] += w[i] * samples[i * dims + j];
    }
    for (let c = 0; c < k; c++) {
      if (!(counts[c] > 0)) {
        // An empty cluster takes a random sample, so no entry of the codebook is wasted.
        const s = Math.floor(rand() * m);
        centres.set(samples.subarray(s * dims, s * dims + dims), c * dims);
      } else {
        for (let j = 0; j < dims; j++) centres[c * dims + j] = sums[c * dims + j] / counts[c];
      }
    }
    if (changed === 0) break;
  }
  return { centres, k };
}
