/**
 * Camera pose from 2D-3D correspondences with known intrinsics (perspective-n-point): a linear
 * DLT on normalised coordinates, orthonormalised to a rotation, inside seeded LO-RANSAC, then
 * Levenberg-Marquardt on the pixel reprojection error of the inliers. Used to register each new
 * view against the points already triangulated.
 *
 * Arrays are interleaved: points [X0, Y0, Z0, X1, ...] (world), pixels [u0, v0, u1, ...].
 */
import type { Camera, Mat3, Vec3 } from '../../core/camera.ts';
import { mat3MulVec, rotationFromAxisAngle, mat3Mul } from '../../core/camera.ts';
import { mulberry32 } from '../../core/random.ts';
import { drawSample, ransacIterations } from './ransac.ts';
import { choleskySolve, minimalSampleNullVector, nearestRotation, nullVector } from './linalg.ts';
import { JAC, projectWithJacobians } from './reprojection.ts';
import type { Pose } from './triangulate.ts';

/** Intrinsics only: what PnP knows about the camera before it has a pose. */
export type Intrinsics = Pick<Camera, 'fx' | 'fy' | 'cx' | 'cy'>;

/**
 * Linear pose from >= 6 correspondences (indices idx): DLT for the 3x4 matrix P ~ [R | t] on
 * normalised coordinates (both sides Hartley-normalised for conditioning), then R = the rotation
 * nearest to P's left 3x3 block and t = P's last column, both divided by that block's mean singular
 * value; the sign is chosen so det R = +1 (which also puts the points in front). Null if degenerate.
 */
export function pnpDlt(points: ArrayLike<number>, pixels: ArrayLike<number>, intr: Intrinsics, idx: readonly number[]): Pose | null {
  const m = idx.length;
  if (m < 6) return null;
  // 3D normalisation: centroid to the origin, mean distance sqrt(3).
  let mx = 0, my = 0, mz = 0;
  for (const i of idx) { mx += points[3 * i]; my += points[3 * i + 1]; mz += points[3 * i + 2]; }
  mx /= m; my /= m; mz /= m;
  let d3 = 0, ux = 0, uy = 0;
  const xs = new Float64Array(2 * m);
  idx.forEach((i, k) => {
    d3 += Math.hypot(points[3 * i] - mx, points[3 * i + 1] - my, points[3 * i + 2] - mz);
    xs[2 * k] = (pixels[2 * i] - intr.cx) / intr.fx;
    xs[2 * k + 1] = (pixels[2 * i + 1] - intr.cy) / intr.fy;
    ux += xs[2 * k]; uy += xs[2 * k + 1];
  });
  const s3 = (Math.sqrt(3) * m) / d3;
  ux /= m; uy /= m;
  let d2 = 0;
  for (let k = 0; k < m; k++) d2 += Math.hypot(xs[2 * k] - ux, xs[2 * k + 1] - uy);
  const s2 = (Math.SQRT2 * m) / d2;
  if (!isFinite(s3) || !isFinite(s2)) return null;
  const rows = Math.max(2 * m, 12);
  const A = new Float64Array(rows * 12);
  idx.forEach((i, k) => {
    const X = (points[3 * i] - mx) * s3, Y = (points[3 * i + 1] - my) * s3, Z = (points[3 * i + 2] - mz) * s3;
    const x = (xs[2 * k] - ux) * s2, y = (xs[2 * k + 1] - uy) * s2;
    A.set([-X, -Y, -Z, -1, 0, 0, 0, 0, x * X, x * Y, x * Z, x], 2 * k * 12);
    A.set([0, 0, 0, 0, -X, -Y, -Z, -1, y * X, y * Y, y * Z, y], (2 * k + 1) * 12);
  });
  // A minimal sample (RANSAC's hypotheses) takes the fast solver; a least-squares fit the SVD.
  const p = m === 6 ? minimalSampleNullVector(A, rows, 12) : nullVector(A, rows, 12);
  // Undo the normalisations: P = T2^-1 P' T3, T2^-1 = [1/s2, 0, ux; 0, 1/s2, uy; 0, 0, 1],
  // T3 = [s3 I, -s3 c; 0, 1].
  const P = new Float64Array(12);
  for (let r = 0; r < 3; r++) {
    for (let c = 0; c < 4; c++) {
      const row = r === 2 ? p[8 + c] : p[r * 4 + c] / s2 + (r === 0 ? ux : uy) * p[8 + c];
      P[r * 4 + c] = row;
    }
  }
  for (let r = 0; r < 3; r++) {
    const q = P[r * 4] * mx + P[r * 4 + 1] * my + P[r * 4 + 2] * mz;
    for (let c = 0; c < 3; c++) P[r * 4 + c] *= s3;
    P[r * 4 + 3] -= s3 * q;
  }
  const M = [P[0], P[1], P[2], P[4], P[5], P[6], P[8], P[9], P[10]];
  const det = M[0] * (M[4] * M[8] - M[5] * M[7]) - M[1] * (M[3] * M[8] - M[5] * M[6]) + M[2] * (M[3] * M[7] - M[4] * M[6]);
  const sign = det < 0 ? -1 : 1;
  const { R, S } = nearestRotation(M.map((v) => v * sign));
  const scale = (S[0] + S[1] + S[2]) / 3;
  if (!(scale > 0)) return null;
  return { R, t: [(sign * P[3]) / scale, (sign * P[7]) / scale, (sign * P[11]) / scale] };
}

/** Squared pixel reprojection error of correspondence i under (R, t); Infinity behind the camera. */
export function errorSq(pose: Pose, intr: Intrinsics, points: ArrayLike<number>, pixels: ArrayLike<number>, i: number): number {
  const q = mat3MulVec(pose.R, [points[3 * i], points[3 * i + 1], points[3 * i + 2]]);
  const z = q[2] + pose.t[2];
  if (!(z > 0)) return Infinity;
  const du = (intr.fx * (q[0] + pose.t[0])) / z + intr.cx - pixels[2 * i];
  const dv = (intr.fy * (q[1] + pose.t[1])) / z + intr.cy - pixels[2 * i + 1];
  return du * du + dv * dv;
}

/**
 * Levenberg-Marquardt on the pixel reprojection error of correspondences idx, over the rotation
 * (axis-angle increments on the left) and translation. Returns the refined pose and its RMS (px).
 */
export function refinePose(start: Pose, points: ArrayLike<number>, pixels: ArrayLike<number>, intr: Intrinsics, idx: readonly number[], maxIterations = 30): Pose & { rmsPx: number } {
  let pose: Pose = { R: [...start.R] as Mat3, t: [...start.t] as Vec3 };
  const cost = (p: Pose) => idx.reduce((s, i) => s + errorSq(p, intr, points, pixels, i), 0);
  let c0 = cost(pose);
  let lambda = 1e-3;
  const jac = new Float64Array(JAC.size);
  for (let it = 0; it < maxIterations; it++) {
    const H = new Float64Array(36), g = new Float64Array(6);
    const cam = { ...intr, R: pose.R, t: pose.t };
    for (const i of idx) {
      projectWithJacobians(cam, [points[3 * i], points[3 * i + 1], points[3 * i + 2]], pixels[2 * i], pixels[2 * i + 1], jac);
      for (let row = 0; row < 2; row++) {
        const J = [jac[JAC.dW + 3 * row], jac[JAC.dW + 3 * row + 1], jac[JAC.dW + 3 * row + 2], jac[JAC.dT + 3 * row], jac[JAC.dT + 3 * row + 1], jac[JAC.dT + 3 * row + 2]];
        const r = jac[row];
        for (let a = 0; a < 6; a++) {
          g[a] += J[a] * r;
          for (let b = 0; b < 6; b++) H[a * 6 + b] += J[a] * J[b];
        }
      }
    }
    let improved = false;
    for (let tries = 0; tries < 10 && !improved; tries++) {
      const Hd = H.slice();
      for (let a = 0; a < 6; a++) Hd[a * 6 + a] += lambda * Math.max(H[a * 6 + a], 1e-12);
      const delta = choleskySolve(Hd, g.map((v) => -v), 6);
      if (delta) {
        const cand: Pose = {
          R: mat3Mul(rotationFromAxisAngle([delta[0], delta[1], delta[2]]), pose.R),
          t: [pose.t[0] + delta[3], pose.t[1] + delta[4], pose.t[2] + delta[5]],
        };
        const c1 = cost(cand);
        if (c1 < c0) {
          improved = true;
          const converged = c0 - c1 < 1e-12 * c0;
          pose = cand;
          c0 = c1;
          lambda = Math.max(lambda / 3, 1e-9);
          if (converged) return { ...pose, rmsPx: Math.sqrt(c0 / Math.max(1, idx.length)) };
          continue;
        }
      }
      lambda *= 4;
    }
    if (!improved) break;
  }
  return { ...pose, rmsPx: Math.sqrt(c0 / Math.max(1, idx.length)) };
}

export interface PnpOptions {
  /** Inlier threshold on the reprojection error, in pixels. */
  thresholdPx: number;
  seed: number;
  maxIterations?: number;
  confidence?: number;
}

export interface PnpResult extends Pose {
  inliers: Uint8Array;
  inlierCount: number;
  iterations: number;
  /** RMS reprojection error of the inliers after refinement, pixels. */
  rmsPx: number;
}

/** Robust PnP: seeded RANSAC over 6-point DLT samples (each new best refit on its inliers), then LM refinement. Null under 6 correspondences. */
export function ransacPnp(points: ArrayLike<number>, pixels: ArrayLike<number>, intr: Intrinsics, opts: PnpOptions): PnpResult | null {
  const n = pixels.length / 2;
  if (n < 6) return null;
  const rng = mulberry32(opts.seed);
  const thr2 = opts.thresholdPx ** 2;
  const maxIter = opts.maxIterations ?? 1000;
  const confidence = opts.confidence ?? 0.9999;
  const mask = new Uint8Array(n);
  const score = (pose: Pose): number => {
    let count = 0;
    for (let i = 0; i < n; i++) {
      mask[i] = errorSq(pose, intr, points, pixels, i) < thr2 ? 1 : 0;
      count += mask[i];
    }
    return count;
  };
  const inlierIdx = (m: Uint8Array) => Array.from(m.keys()).filter((i) => m[i]);
  let best: { pose: Pose; inliers: Uint8Array; count: number } | null = null;
  let needed = maxIter, it = 0;
  for (; it < Math.min(needed, maxIter); it++) {
    const pose = pnpDlt(points, pixels, intr, drawSample(rng, n, 6));
    if (!pose) continue;
    const count = score(pose);
    if (best && count <= best.count) continue;
    best = { pose, inliers: mask.slice(), count };
    // Local optimisation: refit the DLT on the inliers while the consensus grows.
    for (let k = 0; k < 3 && best.count >= 6; k++) {
      const refit = pnpDlt(points, pixels, intr, inlierIdx(best.inliers));
      if (!refit) break;
      const c = score(refit);
      if (c <= best.count) break;
      best = { pose: refit, inliers: mask.slice(), count: c };
    }
    const w = best.count / n;
    needed = ransacIterations(w, 6, confidence, maxIter);
  }
  if (!best || best.count < 6) return null;
  // Refine on the inliers, re-select inliers with the better pose, refine once more.
  let refined = refinePose(best.pose, points, pixels, intr, inlierIdx(best.inliers));
  const count = score(refined);
  if (count >= 6) refined = refinePose(refined, points, pixels, intr, inlierIdx(mask));
  score(refined);
  const inliers = mask.slice();
  return { R: refined.R, t: refined.t, inliers, inlierCount: inliers.reduce((s, v) => s + v, 0), iterations: it, rmsPx: refined.rmsPx };
}
