/**
 * Camera pose from 2D-3D correspondences when the rotation is already known well, from the
 * essential matrix between the new view and one already placed: only the translation is left,
 * and it is linear (2 correspondences give 4 equations in 3 unknowns).
 *
 * Why beside ./pnp.ts: the 6-point DLT there needs points spread in depth and many of them; objects
 * on a table give nearly planar structure and few points per new view (measured on DTU 025/022/028:
 * the third view saw 18 points and the DLT found 0 inliers). A 2-point sample with the rotation fixed
 * copes with both. The winner is refined in all six degrees of freedom (refinePose).
 */
import type { Mat3, Vec3 } from '../../core/camera.ts';
import { mat3MulVec } from '../../core/camera.ts';
import { mulberry32 } from '../../core/random.ts';
import { choleskySolve } from './linalg.ts';
import { errorSq, refinePose, type Intrinsics, type PnpResult } from './pnp.ts';
import { drawSample, ransacIterations } from './ransac.ts';

/**
 * Least-squares translation t with (R X_i + t) parallel to the normalised ray of pixel i, over
 * correspondences idx: per point, rows  t1 - x t3 = x q3 - q1  and  t2 - y t3 = y q3 - q2  (q = R X).
 */
export function translationFromRays(points: ArrayLike<number>, pixels: ArrayLike<number>, intr: Intrinsics, R: Mat3, idx: readonly number[]): Vec3 | null {
  const H = new Float64Array(9), g = new Float64Array(3);
  for (const i of idx) {
    const q = mat3MulVec(R, [points[3 * i], points[3 * i + 1], points[3 * i + 2]]);
    const x = (pixels[2 * i] - intr.cx) / intr.fx, y = (pixels[2 * i + 1] - intr.cy) / intr.fy;
    // Weighted by 1/depth-ish: rows are in normalised-image units times depth; fine for a seed.
    const rows: [number[], number][] = [[[1, 0, -x], x * q[2] - q[0]], [[0, 1, -y], y * q[2] - q[1]]];
    for (const [a, b] of rows) {
      for (let r = 0; r < 3; r++) {
        g[r] += a[r] * b;
        for (let c = 0; c < 3; c++) H[r * 3 + c] += a[r] * a[c];
      }
    }
  }
  const t = choleskySolve(H, g, 3);
  return t && t.every(Number.isFinite) ? [t[0], t[1], t[2]] : null;
}

export interface KnownRotationPnpOptions {
  thresholdPx: number;
  seed: number;
  maxIterations?: number;
}

/** Seeded RANSAC over 2-point samples for t with R fixed, local refits, then a 6-DOF refinement. Null under 3 correspondences. */
export function ransacPnpKnownRotation(points: ArrayLike<number>, pixels: ArrayLike<number>, intr: Intrinsics, R: Mat3, opts: KnownRotationPnpOptions): PnpResult | null {
  const n = pixels.length / 2;
  if (n < 3) return null;
  const rng = mulberry32(opts.seed);
  const thr2 = opts.thresholdPx ** 2;
  const maxIter = opts.maxIterations ?? 300;
  const mask = new Uint8Array(n);
  const score = (rot: Mat3, t: Vec3) => {
    let count = 0;
    for (let i = 0; i < n; i++) count += mask[i] = errorSq({ R: rot, t }, intr, points, pixels, i) < thr2 ? 1 : 0;
    return count;
  };
  const inlierIdx = (m: Uint8Array) => Array.from(m.keys()).filter((i) => m[i]);
  let best: { t: Vec3; inliers: Uint8Array; count: number } | null = null;
  let needed = maxIter, it = 0;
  for (; it < Math.min(needed, maxIter); it++) {
    const t = translationFromRays(points, pixels, intr, R, drawSample(rng, n, 2));
    if (!t) continue;
    const count = score(R, t);
    if (best && count <= best.count) continue;
    best = { t, inliers: mask.slice(), count };
    for (let k = 0; k < 3 && best.count >= 3; k++) {
      const refit = translationFromRays(points, pixels, intr, R, inlierIdx(best.inliers));
      if (!refit) break;
      const c = score(R, refit);
      if (c <= best.count) break;
      best = { t: refit, inliers: mask.slice(), count: c };
    }
    needed = ransacIterations(best.count / n, 2, 0.9999, maxIter);
  }
  if (!best || best.count < 3) return null;
  // Six degrees of freedom need more than the minimum of points to be better than the prior.
  let refined: { R: Mat3; t: Vec3; rmsPx: number } = { R, t: best.t, rmsPx: NaN };
  if (best.count >= 8) {
    refined = refinePose({ R, t: best.t }, points, pixels, intr, inlierIdx(best.inliers));
    if (score(refined.R, refined.t) >= 8) refined = refinePose(refined, points, pixels, intr, inlierIdx(mask));
  }
  const count = score(refined.R, refined.t);
  if (!Number.isFinite(refined.rmsPx)) {
    let s = 0;
    for (let i = 0; i < n; i++) if (mask[i]) s += errorSq(refined, intr, points, pixels, i);
    refined.rmsPx = Math.sqrt(s / Math.max(1, count));
  }
  const inliers = mask.slice();
  return { R: refined.R, t: refined.t, inliers, inlierCount: inliers.reduce((s, v) => s + v, 0), iterations: it, rmsPx: refined.rmsPx };
}
