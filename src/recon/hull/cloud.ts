/**
 * Initial Gaussian clouds: one splat per hull surface voxel (the sparse-view initialisation),
 * and uniform random splats in the bounds (the 3DGS random-init baseline it is compared with).
 *
 * Both start as 3DGS starts: isotropic, identity rotation, low opacity (0.1) so the optimiser
 * can still move and prune them, view-independent colour (higher SH bands zero).
 */
import { colorToShDC } from '../../core/sh.ts';
import { logit, shCoeffCount, type GaussianCloud } from '../../core/gaussianCloud.ts';
import { knnRmsDistance } from './knn.ts';
import { mulberry32 } from '../../core/random.ts';
import type { Bounds, VisualHull } from './types.ts';

export interface HullCloudOptions {
  /** hull.count * 3 RGB in 0..1 (colourHull's `colors`); mid grey when absent. */
  colors?: Float32Array;
  /** Default 3 (the bands above 0 start at zero). */
  shDegree?: number;
  /** Default 50 000; more candidate voxels than this are subsampled with `seed`. */
  maxSplats?: number;
  /** Which voxels become splats. Default 'surface': the Gaussians should start on the surface. */
  voxels?: 'surface' | 'all';
  /**
   * 'voxel' (default): sigma = voxelScale voxel sizes, widened when subsampling so the kept
   * splats still cover the surface; 'knn': sqrt of the mean squared distance to the 3 nearest
   * splats, as 3DGS.
   */
  scale?: 'voxel' | 'knn';
  /** Default 0.6: neighbours one voxel apart overlap at about 1.7 sigma, leaving no gaps. */
  voxelScale?: number;
  /** Initial opacity in (0, 1). Default 0.1. */
  opacity?: number;
  /** Seed of the subsampling. Default 0. */
  seed?: number;
}

export function cloudFromHull(hull: VisualHull, opts: HullCloudOptions = {}): GaussianCloud {
  const which = opts.voxels ?? 'surface';
  const maxSplats = opts.maxSplats ?? 50_000;
  if (opts.colors && opts.colors.length !== hull.count * 3)
    throw new Error(`cloudFromHull: colors has ${opts.colors.length} values, expected ${hull.count * 3}`);
  const candidates: number[] = [];
  for (let n = 0; n < hull.count; n++) if (which === 'all' || hull.surface[n]) candidates.push(n);
  const chosen = subsample(candidates, maxSplats, opts.seed ?? 0);
  const count = chosen.length;
  const cloud = emptyCloud(count, opts.shDegree ?? 3, opts.opacity ?? 0.1);
  for (let s = 0; s < count; s++) {
    const n = chosen[s];
    for (let a = 0; a < 3; a++) cloud.means[s * 3 + a] = hull.centers[n * 3 + a];
    setColour(cloud, s, opts.colors ? opts.colors[n * 3] : 0.5, opts.colors ? opts.colors[n * 3 + 1] : 0.5, opts.colors ? opts.colors[n * 3 + 2] : 0.5);
  }
  if ((opts.scale ?? 'voxel') === 'knn') setKnnScales(cloud);
  else {
    // Spacing of kept splats grows as the square root (surface) or cube root (volume) of the thinning.
    const thin = candidates.length / Math.max(count, 1);
    const widen = which === 'surface' ? Math.sqrt(thin) : Math.cbrt(thin);
    cloud.logScales.fill(Math.log((opts.voxelScale ?? 0.6) * hull.voxelSize * widen));
  }
  return cloud;
}

export interface PointCloudOptions {
  /** Default 3. */
  shDegree?: number;
  /** Default 0.1. */
  opacity?: number;
  /** More points than this are subsampled with `seed`. Default 50 000. */
  maxSplats?: number;
  seed?: number;
}

/** Splats at given points with given colours (e.g. photoConsistentPoints), k-NN scales as 3DGS. */
export function cloudFromPoints(positions: Float32Array, colors: Float32Array, opts: PointCloudOptions = {}): GaussianCloud {
  const n = positions.length / 3;
  if (colors.length !== positions.length) throw new Error(`cloudFromPoints: ${colors.length / 3} colours for ${n} points`);
  const chosen = subsample(Array.from({ length: n }, (_, i) => i), opts.maxSplats ?? 50_000, opts.seed ?? 0);
  const cloud = emptyCloud(chosen.length, opts.shDegree ?? 3, opts.opacity ?? 0.1);
  chosen.forEach((p, s) => {
    for (let a = 0; a < 3; a++) cloud.means[s * 3 + a] = positions[p * 3 + a];
    setColour(cloud, s, colors[p * 3], colors[p * 3 + 1], colors[p * 3 + 2]);
  });
  setKnnScales(cloud);
  return cloud;
}

/** Concatenation of clouds of one SH degree (e.g. photo-consistent points plus hull fill). */
export function concatClouds(a: GaussianCloud, b: GaussianCloud): GaussianCloud {
  if (a.shDegree !== b.shDegree) throw new Error(`concatClouds: SH degrees ${a.shDegree} and ${b.shDegree}`);
  const cat = (x: Float32Array, y: Float32Array) => {
    const out = new Float32Array(x.length + y.length);
    out.set(x);
    out.set(y, x.length);
    return out;
  };
  return {
    count: a.count + b.count, shDegree: a.shDegree, means: cat(a.means, b.means), logScales: cat(a.logScales, b.logScales),
    quats: cat(a.quats, b.quats), opacityLogits: cat(a.opacityLogits, b.opacityLogits), sh: cat(a.sh, b.sh),
  };
}

export interface RandomCloudOptions {
  /** Default 3. */
  shDegree?: number;
  /** 'grey' (default, mid grey) or 'random' (uniform RGB). */
  color?: 'grey' | 'random';
  /** Default 0.1. */
  opacity?: number;
}

/** 3DGS-style random initialisation: uniform means in the bounds, k-NN scales. Deterministic per seed. */
export function randomCloud(bounds: Bounds, count: number, seed: number, opts: RandomCloudOptions = {}): GaussianCloud {
  if (!(Number.isInteger(count) && count >= 0)) throw new Error(`randomCloud: count must be a non-negative integer, got ${count}`);
  const rand = mulberry32(seed);
  const cloud = emptyCloud(count, opts.shDegree ?? 3, opts.opacity ?? 0.1);
  for (let s = 0; s < count; s++) {
    for (let a = 0; a < 3; a++) cloud.means[s * 3 + a] = bounds.min[a] + (bounds.max[a] - bounds.min[a]) * rand();
    if (opts.color === 'random') setColour(cloud, s, rand(), rand(), rand());
    else setColour(cloud, s, 0.5, 0.5, 0.5);
  }
  setKnnScales(cloud);
  return cloud;
}

function emptyCloud(count: number, shDegree: number, opacity: number): GaussianCloud {
  if (!(Number.isInteger(shDegree) && shDegree >= 0 && shDegree <= 3)) throw new Error(`SH degree must be 0..3, got ${shDegree}`);
  if (!(opacity > 0 && opacity < 1)) throw new Error(`initial opacity must be in (0, 1), got ${opacity}`);
  const K = shCoeffCount(shDegree);
  const quats = new Float32Array(count * 4);
  for (let s = 0; s < count; s++) quats[s * 4] = 1;
  return {
    count,
    shDegree,
    means: new Float32Array(count * 3),
    logScales: new Float32Array(count * 3),
    quats,
    opacityLogits: new Float32Array(count).fill(logit(opacity)),
    sh: new Float32Array(count * K * 3),
  };
}

function setColour(cloud: GaussianCloud, s: number, r: number, g: number, b: number): void {
  const o = s * shCoeffCount(cloud.shDegree) * 3;
  cloud.sh[o] = colorToShDC(r);
  cloud.sh[o + 1] = colorToShDC(g);
  cloud.sh[o + 2] = colorToShDC(b);
}

function setKnnScales(cloud: GaussianCloud): void {
  const d = knnRmsDistance(cloud.means, 3);
  for (let s = 0; s < cloud.count; s++) cloud.logScales.fill(Math.log(d[s]), s * 3, s * 3 + 3);
}

/** A seeded uniform subset of at most `max` items, kept in their original order (memory locality). */
function subsample(items: number[], max: number, seed: number): number[] {
  if (items.length <= max) return items;
  const rand = mulberry32(seed);
  const a = items.slice();
  for (let i = 0; i < max; i++) {
    const j = i + Math.floor(rand() * (a.length - i));
    const tmp = a[i];
    a[i] = a[j];
    a[j] = tmp;
  }
  return a.slice(0, max).sort((x, y) => x - y);
}
