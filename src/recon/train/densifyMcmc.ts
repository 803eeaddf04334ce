/**
 * Density control of 3DGS-MCMC (Kheradmand et al. 2024) instead of clone/split/prune: the
 * splat count only grows by a fixed ratio up to a cap, and dead splats (opacity <= 0.005) are
 * moved onto live ones sampled in proportion to opacity. A splat that receives N-1 copies has
 * its opacity and scale changed so that the N coincident copies render like the original did
 * (their eq. 9), which keeps a relocation from changing the image.
 *
 * The noise MCMC adds to the means every step and its opacity/scale regularisers belong to the
 * trainer; these are the host-side steps, run where 3DGS would densify.
 */
import { logit, sigmoid, type GaussianCloud } from '../../core/gaussianCloud.ts';
import type { AdamMoments } from '../../gpu/optim/adamCore.ts';
import { checkCloudShapes, gatherSplats } from './densifyGather.ts';
import { createRng, type Rng } from '../../core/random.ts';

export interface McmcOptions {
  /** Dead at or below this opacity (default 0.005). */
  minOpacity?: number;
  /** Cap on N in the correction, as the reference's binomial table (default 51). */
  nMax?: number;
  seed?: number;
}

export interface McmcResult {
  cloud: GaussianCloud;
  moments: AdamMoments;
  /** Per output splat, the input splat whose parameters it copies. */
  source: Int32Array;
  /** Splats relocated or added. */
  moved: number;
}

/**
 * Opacity and scale factor for each of N copies of a splat of opacity `o`: the new opacity
 * composites N times to `o`, and the scale factor keeps the summed density of the copies equal
 * to the original's (3DGS-MCMC eq. 9, as their compute_relocation kernel).
 */
export function relocationCorrection(o: number, N: number): { opacity: number; scaleFactor: number } {
  const opacity = 1 - Math.pow(1 - o, 1 / N);
  let denom = 0;
  for (let i = 1; i <= N; i++) {
    let binom = 1; // C(i-1, k), built up along k
    for (let k = 0; k <= i - 1; k++) {
      denom += binom * ((k % 2 ? -1 : 1) / Math.sqrt(k + 1)) * Math.pow(opacity, k + 1);
      binom = (binom * (i - 1 - k)) / (k + 1);
    }
  }
  return { opacity, scaleFactor: o / denom };
}

/** Moves every dead splat onto a live one (relocate_gs). The count does not change. */
export function mcmcRelocate(cloud: GaussianCloud, moments: AdamMoments, opts: McmcOptions = {}): McmcResult {
  checkCloudShapes(cloud, moments, {});
  const n = cloud.count;
  const minOpacity = opts.minOpacity ?? 0.005;
  const opacity = Float64Array.from(cloud.opacityLogits, sigmoid);
  const dead: number[] = [];
  const alive: number[] = [];
  for (let i = 0; i < n; i++) (opacity[i] <= minOpacity ? dead : alive).push(i);
  const source = Int32Array.from({ length: n }, (_, i) => i);
  if (dead.length === 0 || alive.length === 0) return { ...gatherSplats(cloud, moments, source, new Uint8Array(n).fill(1)), source, moved: 0 };
  const rng = createRng(opts.seed ?? 0);
  const picked = sampleByWeight(alive, opacity, dead.length, rng);
  dead.forEach((d, j) => (source[d] = picked[j]));
  // Both the copies and their sources get new parameters, so both start Adam afresh.
  const keep = new Uint8Array(n).fill(1);
  for (const d of dead) keep[d] = 0;
  for (const s of picked) keep[s] = 0;
  const out = gatherSplats(cloud, moments, source, keep);
  const touched = [...dead, ...new Set(picked)];
  applyCorrection(out.cloud, cloud, opacity, touched, source, countOf(picked), minOpacity, opts.nMax ?? 51);
  return { ...out, source, moved: dead.length };
}

/**
 * Adds min(maxSplats, floor((1 + growth) * N)) - N splats (add_new_gs): copies of splats sampled
 * by opacity, appended after the existing ones, with the same correction.
 */
export function mcmcGrow(cloud: GaussianCloud, moments: AdamMoments, opts: McmcOptions & { maxSplats: number; growth?: number }): McmcResult {
  checkCloudShapes(cloud, moments, {});
  const n = cloud.count;
  const add = Math.max(0, Math.min(opts.maxSplats, Math.floor((1 + (opts.growth ?? 0.05)) * n)) - n);
  const opacity = Float64Array.from(cloud.opacityLogits, sigmoid);
  const all = Array.from({ length: n }, (_, i) => i);
  const picked = add > 0 ? sampleByWeight(all, opacity, add, createRng(opts.seed ?? 0)) : [];
  const source = Int32Array.from([...all, ...picked]);
  const keep = new Uint8Array(n + picked.length);
  keep.fill(1, 0, n);
  for (const s of picked) keep[s] = 0;
  const out = gatherSplats(cloud, moments, source, keep);
  const touched = [...new Set(picked), ...Array.from({ length: picked.length }, (_, j) => n + j)];
  applyCorrection(out.cloud, cloud, opacity, touched, source, countOf(picked), opts.minOpacity ?? 0.005, opts.nMax ?? 51);
  return { ...out, source, moved: picked.length };
}

function applyCorrection(
  out: GaussianCloud,
  input: GaussianCloud,
  opacity: Float64Array,
  touched: number[],
  source: Int32Array,
  timesPicked: Map<number, number>,
  minOpacity: number,
  nMax: number,
): void {
  for (const j of touched) {
    const s = source[j];
    const N = Math.min(nMax, (timesPicked.get(s) ?? 0) + 1);
    const c = relocationCorrection(opacity[s], N);
    // The reference clamps after computing the scale with the unclamped opacity.
    out.opacityLogits[j] = logit(Math.min(Math.max(c.opacity, minOpacity), 1 - 1e-6));
    for (let a = 0; a < 3; a++) out.logScales[3 * j + a] = input.logScales[3 * s + a] + Math.log(c.scaleFactor);
  }
}

/** `count` draws with replacement from `pool`, with probability proportional to weight[pool[i]]. */
function sampleByWeight(pool: number[], weight: Float64Array, count: number, rng: Rng): number[] {
  const cdf = new Float64Array(pool.length);
  let sum = 0;
  pool.forEach((i, j) => (cdf[j] = sum += weight[i]));
  const out: number[] = [];
  for (let c = 0; c < count; c++) {
    const u = rng.uniform() * sum;
    let lo = 0, hi = pool.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid] > u) hi = mid;
      else lo = mid + 1;
    }
    out.push(pool[lo]);
  }
  return out;
}

function countOf(xs: number[]): Map<number, number> {
  const m = new Map<number, number>();
  for (const x of xs) m.set(x, (m.get(x) ?? 0) + 1);
  return m;
}

