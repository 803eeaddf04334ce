/**
 * Adaptive density control of 3DGS (densify_and_prune), on the host over plain arrays, plus the
 * pruning rules sparse views need (outside the visual hull, lone floaters).
 *
 * Every few hundred steps the trainer reads back the cloud, Adam's moments and the statistics it
 * gathered since the last call, calls densifyAndPrune, uploads the result, and zeroes its
 * statistics (3DGS zeroes xyz_gradient_accum, denom and max_radii2D at this point).
 *
 * Gradient units. 3DGS accumulates, per view where a splat is visible, the norm of the loss
 * gradient with respect to its projected mean in NDC units (d/dx_ndc = W/2 * d/dx_pixel; its
 * CUDA backward multiplies by 0.5*W and 0.5*H), with the loss a mean over pixels. Its threshold
 * 0.0002 is for those units. Our rasterizer's projected-mean gradients are per pixel, so the
 * trainer should accumulate viewspaceGradNorm(gu, gv, width, height), which converts them; then
 * the 3DGS default applies unchanged at any image size.
 */
import { unitQuatToRotation } from '../../core/camera.ts';
import { logit, type GaussianCloud } from '../../core/gaussianCloud.ts';
import type { AdamMoments } from '../../gpu/optim/adamCore.ts';
import { hullContains, type VisualHull } from '../hull/index.ts';
import { floaterMask, type FloaterOptions } from './densifyFloaters.ts';
import { checkCloudShapes, gatherSplats } from './densifyGather.ts';
import { createRng, type Rng } from '../../core/random.ts';

export interface DensifyInput {
  cloud: GaussianCloud;
  moments: AdamMoments;
  /** Per splat: sum over views of viewspaceGradNorm (3DGS xyz_gradient_accum). */
  gradAccum: Float32Array;
  /** Per splat: views it was visible in (3DGS denom). */
  gradCount: Float32Array | Uint32Array;
  /** Per splat: largest projected radius in pixels seen (3DGS max_radii2D); needed for maxScreenSize. */
  maxScreenRadius?: Float32Array;
}

export interface DensifyOptions {
  /** World size of the scene (schedule.ts sceneExtent); size thresholds are fractions of it. */
  sceneExtent: number;
  /** Mean view-space gradient that triggers densification (3DGS 0.0002, NDC units; see above). */
  gradThreshold?: number;
  /** Splats with max scale <= this * extent are cloned, larger ones split (3DGS 0.01). */
  percentDense?: number;
  /** Samples per split (3DGS 2); their scales are divided by 0.8 * samples (1.6 for 2). */
  splitSamples?: number;
  /** Opacity below which a splat is pruned (3DGS 0.005). */
  minOpacity?: number;
  /** Splats with a world scale above this * extent are pruned (3DGS 0.1). */
  maxWorldScale?: number;
  /** Splats whose maxScreenRadius exceeds this many pixels are pruned (3DGS 20, after the first opacity reset); null = off. */
  maxScreenSize?: number | null;
  /** Prune splats whose mean is outside the hull dilated by `dilate` voxels. */
  hull?: { hull: VisualHull; dilate?: number } | null;
  /** Prune lone splats by neighbour distance; null = off. */
  floaters?: FloaterOptions | null;
  /** Hard cap on the splat count after this call. */
  maxSplats?: number;
  /** Seed of the split samples. */
  seed?: number;
}

export const PRUNE_REASONS = ['opacity', 'worldSize', 'screenSize', 'hull', 'floater', 'cap'] as const;
export type PruneReason = (typeof PRUNE_REASONS)[number];

export const SplatOrigin = { Kept: 0, Cloned: 1, SplitChild: 2 } as const;

export interface DensifyResult {
  cloud: GaussianCloud;
  moments: AdamMoments;
  /** Per output splat, the input splat it comes from (for carrying any other per-splat state). */
  source: Int32Array;
  /** Per output splat, a SplatOrigin value. */
  origin: Uint8Array;
  cloned: number;
  split: number;
  pruned: Record<PruneReason, number>;
  /** Densification candidates dropped to respect maxSplats. */
  deferred: number;
}

/** 3DGS's per-view statistic from our pixel-unit gradient of a projected mean (see the file comment). */
export function viewspaceGradNorm(gradU: number, gradV: number, width: number, height: number): number {
  return Math.hypot(gradU * 0.5 * width, gradV * 0.5 * height);
}

export function densifyAndPrune(input: DensifyInput, options: DensifyOptions): DensifyResult {
  const { cloud, moments, gradAccum, gradCount, maxScreenRadius } = input;
  checkCloudShapes(cloud, moments, { gradAccum, gradCount, maxScreenRadius });
  const o = {
    sceneExtent: options.sceneExtent,
    gradThreshold: options.gradThreshold ?? 0.0002,
    percentDense: options.percentDense ?? 0.01,
    splitSamples: options.splitSamples ?? 2,
    minOpacity: options.minOpacity ?? 0.005,
    maxWorldScale: options.maxWorldScale ?? 0.1,
    maxScreenSize: options.maxScreenSize ?? null,
    hull: options.hull ?? null,
    // Explicit null turns the floater rule off; absent means the defaults.
    floaters: options.floaters === null ? null : { k: 3, stdMultiplier: 3, ...options.floaters },
    maxSplats: options.maxSplats ?? Infinity,
    seed: options.seed ?? 0,
  };
  if (!(o.sceneExtent > 0)) throw new Error(`densifyAndPrune: sceneExtent must be > 0, got ${o.sceneExtent}`);
  if (o.maxScreenSize !== null && !maxScreenRadius) throw new Error('densifyAndPrune: maxScreenSize needs input.maxScreenRadius');
  const n = cloud.count;
  const maxScale = new Float64Array(n);
  for (let i = 0; i < n; i++) maxScale[i] = Math.exp(Math.max(cloud.logScales[3 * i], cloud.logScales[3 * i + 1], cloud.logScales[3 * i + 2]));

  // 1. Pruning, on the input splats. A code per splat: 0 = kept, r + 1 = PRUNE_REASONS[r].
  const reason = new Uint8Array(n);
  const minLogit = logit(o.minOpacity);
  for (let i = 0; i < n; i++) {
    if (cloud.opacityLogits[i] < minLogit) reason[i] = 1;
    else if (maxScale[i] > o.maxWorldScale * o.sceneExtent) reason[i] = 2;
    else if (o.maxScreenSize !== null && maxScreenRadius![i] > o.maxScreenSize) reason[i] = 3;
    else if (o.hull && !hullContains(o.hull.hull, cloud.means[3 * i], cloud.means[3 * i + 1], cloud.means[3 * i + 2], o.hull.dilate ?? 1)) reason[i] = 4;
  }
  if (o.floaters) {
    // Among the splats that survive the other rules only: pruned ones must not count as neighbours.
    const alive = indicesWhere(reason, 0);
    const pts = new Float32Array(3 * alive.length);
    alive.forEach((i, j) => pts.set(cloud.means.subarray(3 * i, 3 * i + 3), 3 * j));
    const lone = floaterMask(pts, o.floaters);
    alive.forEach((i, j) => {
      if (lone[j]) reason[i] = 5;
    });
  }
  let survivors = indicesWhere(reason, 0);
  if (survivors.length > o.maxSplats) {
    // Over the cap before growing: keep the most opaque.
    const byOpacity = survivors.slice().sort((a, b) => cloud.opacityLogits[b] - cloud.opacityLogits[a] || a - b);
    for (const i of byOpacity.slice(o.maxSplats)) reason[i] = 6;
    survivors = indicesWhere(reason, 0);
  }

  // 2. Densification candidates among the survivors, highest gradient first when over budget.
  const meanGrad = (i: number) => (gradCount[i] > 0 ? gradAccum[i] / gradCount[i] : 0);
  let candidates = survivors.filter((i) => meanGrad(i) >= o.gradThreshold);
  const budget = Math.max(0, o.maxSplats - survivors.length);
  const growth = (i: number) => (maxScale[i] <= o.percentDense * o.sceneExtent ? 1 : o.splitSamples - 1);
  let deferred = 0;
  if (candidates.reduce((s, i) => s + growth(i), 0) > budget) {
    const ranked = candidates.slice().sort((a, b) => meanGrad(b) - meanGrad(a) || a - b);
    const chosen: number[] = [];
    let used = 0;
    for (const i of ranked) {
      if (used + growth(i) <= budget) {
        chosen.push(i);
        used += growth(i);
      }
    }
    deferred = candidates.length - chosen.length;
    candidates = chosen.sort((a, b) => a - b);
  }
  const isSplit = new Uint8Array(n);
  const clones: number[] = [];
  const splits: number[] = [];
  for (const i of candidates) {
    if (maxScale[i] <= o.percentDense * o.sceneExtent) clones.push(i);
    else {
      splits.push(i);
      isSplit[i] = 1;
    }
  }

  // 3. Output order, as 3DGS: survivors (minus split parents), then clones, then split children.
  const kept = survivors.filter((i) => !isSplit[i]);
  const total = kept.length + clones.length + splits.length * o.splitSamples;
  const source = new Int32Array(total);
  const origin = new Uint8Array(total);
  let j = 0;
  for (const i of kept) source[j++] = i;
  for (const i of clones) {
    origin[j] = SplatOrigin.Cloned;
    source[j++] = i;
  }
  const firstChild = j;
  for (const i of splits)
    for (let s = 0; s < o.splitSamples; s++) {
      origin[j] = SplatOrigin.SplitChild;
      source[j++] = i;
    }
  const keepMoments = origin.map((x) => (x === SplatOrigin.Kept ? 1 : 0));
  const out = gatherSplats(cloud, moments, source, keepMoments);
  placeSplitChildren(out.cloud, firstChild, o.splitSamples, createRng(o.seed));

  const pruned = Object.fromEntries(PRUNE_REASONS.map((r) => [r, 0])) as Record<PruneReason, number>;
  for (let i = 0; i < n; i++) if (reason[i]) pruned[PRUNE_REASONS[reason[i] - 1]]++;
  return { ...out, source, origin, cloned: clones.length, split: splits.length, pruned, deferred };
}

/**
 * 3DGS densify_and_split: each child's mean is drawn from the parent's Gaussian
 * (mean + R diag(scale) z, z ~ N(0, I)) and its scale is the parent's / (0.8 * samples).
 */
function placeSplitChildren(c: GaussianCloud, first: number, samples: number, rng: Rng): void {
  const shrink = Math.log(0.8 * samples);
  const R = new Float64Array(9);
  for (let j = first; j < c.count; j++) {
    unitQuatToRotation(c.quats, 4 * j, R);
    const sx = Math.exp(c.logScales[3 * j]) * rng.normal();
    const sy = Math.exp(c.logScales[3 * j + 1]) * rng.normal();
    const sz = Math.exp(c.logScales[3 * j + 2]) * rng.normal();
    for (let a = 0; a < 3; a++) c.means[3 * j + a] += R[3 * a] * sx + R[3 * a + 1] * sy + R[3 * a + 2] * sz;
    for (let a = 0; a < 3; a++) c.logScales[3 * j + a] -= shrink;
  }
}

function indicesWhere(codes: Uint8Array, value: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < codes.length; i++) if (codes[i] === value) out.push(i);
  return out;
}
