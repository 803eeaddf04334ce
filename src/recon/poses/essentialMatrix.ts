/**
 * Two-view relative pose from calibrated correspondences: the normalised 8-point essential
 * matrix inside seeded RANSAC (Sampson error, threshold in pixels), its decomposition into the four
 * (R, t) and the cheirality test that picks the one placing most points in front of both cameras.
 *
 * All coordinates are normalised image coordinates x = (u - cx) / fx, y = (v - cy) / fy, given as
 * interleaved arrays [x0, y0, x1, y1, ...]. The convention: x2^T E x1 = 0 with E = [t]x R, where
 * (R, t) takes view-1 camera coordinates to view-2 camera coordinates (view 1 is [I | 0]).
 */
import type { Mat3, Vec3 } from '../../core/camera.ts';
import { cross, mat3Det, mat3Mul, mat3Transpose, normalize, rotationFromAxisAngle } from '../../core/camera.ts';
import { mulberry32 } from '../../core/random.ts';
import { luSolve, minimalSampleNullVector, nullVector, svd } from './linalg.ts';
import { drawSample, ransacIterations } from './ransac.ts';
import { triangulateNormalized, type Pose } from './triangulate.ts';

/** Isotropic (Hartley) normalisation: centroid to the origin, mean distance sqrt(2). Returns T row-major. */
function hartley(p: ArrayLike<number>, idx: readonly number[]): Mat3 {
  let mx = 0, my = 0;
  for (const i of idx) { mx += p[2 * i]; my += p[2 * i + 1]; }
  mx /= idx.length; my /= idx.length;
  let d = 0;
  for (const i of idx) d += Math.hypot(p[2 * i] - mx, p[2 * i + 1] - my);
  const s = d > 0 ? (Math.SQRT2 * idx.length) / d : 1;
  return [s, 0, -s * mx, 0, s, -s * my, 0, 0, 1];
}

/**
 * Essential matrix from >= 8 correspondences (indices `idx` into x1/x2) by the normalised 8-point
 * algorithm, with the singular values forced to (1, 1, 0). Least squares when given more than 8.
 */
export function essentialEightPoint(x1: ArrayLike<number>, x2: ArrayLike<number>, idx: readonly number[]): Mat3 {
  const T1 = hartley(x1, idx), T2 = hartley(x2, idx);
  const rows = Math.max(idx.length, 9);
  const A = new Float64Array(rows * 9);
  idx.forEach((i, r) => {
    const a = T1[0] * x1[2 * i] + T1[2], b = T1[4] * x1[2 * i + 1] + T1[5];
    const c = T2[0] * x2[2 * i] + T2[2], d = T2[4] * x2[2 * i + 1] + T2[5];
    A.set([c * a, c * b, c, d * a, d * b, d, a, b, 1], r * 9);
  });
  // A minimal sample (RANSAC's hypotheses) takes the fast solver; a least-squares fit the SVD.
  const e = idx.length === 8 ? minimalSampleNullVector(A, rows, 9) : nullVector(A, rows, 9);
  const En = mat3Mul(mat3Mul(mat3Transpose(T2), Array.from(e)), T1);
  return enforceEssential(En);
}

/** The nearest essential matrix: singular values (1, 1, 0), so |E|_F = sqrt(2). */
export function enforceEssential(E: ArrayLike<number>): Mat3 {
  const { U, V } = svd(E, 3, 3);
  const out = new Array(9).fill(0) as Mat3;
  for (let r = 0; r < 3; r++)
    for (let c = 0; c < 3; c++) out[r * 3 + c] = U[r * 3] * V[c * 3] + U[r * 3 + 1] * V[c * 3 + 1];
  return out;
}

/** Squared Sampson distance of a correspondence to E, in normalised units (times focal^2 -> px^2). */
export function sampsonErrorSq(E: ArrayLike<number>, x1: number, y1: number, x2: number, y2: number): number {
  const e0 = E[0] * x1 + E[1] * y1 + E[2], e1 = E[3] * x1 + E[4] * y1 + E[5], e2 = E[6] * x1 + E[7] * y1 + E[8];
  const f0 = E[0] * x2 + E[3] * y2 + E[6], f1 = E[1] * x2 + E[4] * y2 + E[7];
  const num = x2 * e0 + y2 * e1 + e2;
  const den = e0 * e0 + e1 * e1 + f0 * f0 + f1 * f1;
  return den > 0 ? (num * num) / den : Infinity;
}

export interface EssentialRansacOptions {
  /** Inlier threshold on the Sampson distance, in pixels. */
  thresholdPx: number;
  /** Focal length in pixels that converts the threshold to normalised units. */
  focal: number;
  seed: number;
  maxIterations?: number;
  /** Probability of drawing at least one all-inlier sample, for the adaptive stop. */
  confidence?: number;
}

export interface EssentialResult {
  E: Mat3;
  inliers: Uint8Array;
  inlierCount: number;
  iterations: number;
}

/** Robust essential matrix: seeded RANSAC over 8-point samples, then least-squares refits on the inliers. Null under 8 points. */
export function ransacEssential(x1: ArrayLike<number>, x2: ArrayLike<number>, opts: EssentialRansacOptions): EssentialResult | null {
  const n = x1.length / 2;
  if (n < 8) return null;
  const rng = mulberry32(opts.seed);
  const thr = (opts.thresholdPx / opts.focal) ** 2;
  const maxIter = opts.maxIterations ?? 2000;
  const confidence = opts.confidence ?? 0.9999;
  const score = (E: Mat3, mask: Uint8Array): number => {
    let count = 0;
    for (let i = 0; i < n; i++) {
      const ok = sampsonErrorSq(E, x1[2 * i], x1[2 * i + 1], x2[2 * i], x2[2 * i + 1]) < thr;
      mask[i] = ok ? 1 : 0;
      count += ok ? 1 : 0;
    }
    return count;
  };
  let best: EssentialResult | null = null;
  const mask = new Uint8Array(n);
  let needed = maxIter, it = 0;
  for (; it < Math.min(needed, maxIter); it++) {
    const E = essentialEightPoint(x1, x2, drawSample(rng, n, 8));
    const count = score(E, mask);
    if (best && count <= best.inlierCount) continue;
    // Local optimisation (LO-RANSAC): a minimal sample's E is noisy, so each new best is refit
    // on its inliers by least squares, which finds the consensus a noise-free sample would.
    best = refitOnInliers({ E, inliers: mask.slice(), inlierCount: count, iterations: 0 });
    const w = best.inlierCount / n;
    needed = ransacIterations(w, 8, confidence, maxIter);
  }
  if (!best || best.inlierCount < 8) return null;
  best.iterations = it;
  return best;

  function refitOnInliers(start: EssentialResult): EssentialResult {
    let cur = start;
    for (let k = 0; k < 4 && cur.inlierCount >= 8; k++) {
      const idx: number[] = [];
      cur.inliers.forEach((m, i) => { if (m) idx.push(i); });
      // The linear fit minimises an algebraic error that, over a narrow field of view (an object
      // in the middle of the frame), lands degrees from the Sampson optimum: measured on DTU
      // scan37's 025-022 pair, the 8-point E of all 173 true matches fitted none of them within
      // 2 px. Refining (R, t) on the Sampson error puts it back.
      const E = refineEssential(essentialEightPoint(x1, x2, idx), x1, x2, idx);
      const count = score(E, mask);
      if (count < cur.inlierCount) break;
      const grew = count > cur.inlierCount;
      cur = { E, inliers: mask.slice(), inlierCount: count, iterations: 0 };
      if (!grew) break;
    }
    return cur;
  }
}

/** Signed Sampson distance (normalised units) of correspondence i to E. */
function sampsonSigned(E: ArrayLike<number>, x1: ArrayLike<number>, x2: ArrayLike<number>, i: number): number {
  const a = x1[2 * i], b = x1[2 * i + 1], c = x2[2 * i], d = x2[2 * i + 1];
  const e0 = E[0] * a + E[1] * b + E[2], e1 = E[3] * a + E[4] * b + E[5], e2 = E[6] * a + E[7] * b + E[8];
  const f0 = E[0] * c + E[3] * d + E[6], f1 = E[1] * c + E[4] * d + E[7];
  const den = e0 * e0 + e1 * e1 + f0 * f0 + f1 * f1;
  return den > 0 ? (c * e0 + d * e1 + e2) / Math.sqrt(den) : 0;
}

const essentialOf = (R: Mat3, t: Vec3): Mat3 => mat3Mul([0, -t[2], t[1], t[2], 0, -t[0], -t[1], t[0], 0], R);

/**
 * Levenberg-Marquardt on the Sampson distances of correspondences `idx` over (R, t) (5 degrees of
 * freedom: a rotation step and a step of the unit t in its tangent plane; numeric Jacobian), from
 * the decomposition of E that puts most of them in front. Returns [t]x R.
 */
export function refineEssential(E: Mat3, x1: ArrayLike<number>, x2: ArrayLike<number>, idx: readonly number[], iterations = 10): Mat3 {
  if (idx.length < 6) return E;
  const mask = new Uint8Array(x1.length / 2);
  for (const i of idx) mask[i] = 1;
  const start = recoverPose(E, x1, x2, mask);
  let R = start.R, t = normalize(start.t);
  const cost = (Rc: Mat3, tc: Vec3) => {
    const Ec = essentialOf(Rc, tc);
    let c = 0;
    for (const i of idx) c += sampsonSigned(Ec, x1, x2, i) ** 2;
    return c;
  };
  const step = (p: ArrayLike<number>, R0: Mat3, t0: Vec3): [Mat3, Vec3] => {
    const b1 = normalize(cross(t0, Math.abs(t0[0]) < 0.9 ? [1, 0, 0] : [0, 1, 0]));
    const b2 = cross(t0, b1);
    const Rn = mat3Mul(rotationFromAxisAngle([p[0], p[1], p[2]]), R0);
    const tn = normalize([t0[0] + p[3] * b1[0] + p[4] * b2[0], t0[1] + p[3] * b1[1] + p[4] * b2[1], t0[2] + p[3] * b1[2] + p[4] * b2[2]]);
    return [Rn, tn];
  };
  let current = cost(R, t);
  let lambda = 1e-3;
  const h = 1e-6;
  for (let it = 0; it < iterations; it++) {
    const E0 = essentialOf(R, t);
    const r0 = idx.map((i) => sampsonSigned(E0, x1, x2, i));
    const J: number[][] = [];
    for (let k = 0; k < 5; k++) {
      const p = [0, 0, 0, 0, 0];
      p[k] = h;
      const [Rk, tk] = step(p, R, t);
      const Ek = essentialOf(Rk, tk);
      J.push(idx.map((i, j) => (sampsonSigned(Ek, x1, x2, i) - r0[j]) / h));
    }
    const A = new Float64Array(25), g = new Float64Array(5);
    for (let a = 0; a < 5; a++) {
      for (let b = 0; b < 5; b++) { let sum = 0; for (let j = 0; j < idx.length; j++) sum += J[a][j] * J[b][j]; A[a * 5 + b] = sum; }
      let sum = 0; for (let j = 0; j < idx.length; j++) sum += J[a][j] * r0[j]; g[a] = -sum;
    }
    // One damped step, raising the damping until the cost falls; stop when none does, or when the
    // fall is negligible.
    let accepted = false, negligible = false;
    for (let tries = 0; tries < 6 && !accepted; tries++) {
      const M = Float64Array.from(A);
      for (let a = 0; a < 5; a++) M[a * 5 + a] += lambda * (A[a * 5 + a] + 1e-12);
      const p = luSolve(M, g, 5);
      if (!p) { lambda *= 10; continue; }
      const [Rn, tn] = step(p, R, t);
      const c = cost(Rn, tn);
      if (c < current) {
        negligible = current - c <= 1e-12 * current;
        R = Rn; t = tn; current = c; lambda = Math.max(1e-7, lambda / 10); accepted = true;
      } else lambda *= 10;
    }
    if (!accepted || negligible) break;
  }
  return essentialOf(R, t);
}

/** The four (R, t) with [t]x R ~ E: R in {U W V^T, U W^T V^T}, t = +-u3 (unit length). */
export function decomposeEssential(E: ArrayLike<number>): Pose[] {
  const { U, V } = svd(E, 3, 3);
  const u1: Vec3 = [U[0], U[3], U[6]], u2: Vec3 = [U[1], U[4], U[7]];
  const v1: Vec3 = [V[0], V[3], V[6]], v2: Vec3 = [V[1], V[4], V[7]];
  // Third columns from cross products: right-handed bases (det +1) whatever the SVD's signs.
  const u3 = cross(u1, u2), v3 = cross(v1, v2);
  const Um = [u1[0], u2[0], u3[0], u1[1], u2[1], u3[1], u1[2], u2[2], u3[2]];
  const Vt = [...v1, ...v2, ...v3];
  const W = [0, -1, 0, 1, 0, 0, 0, 0, 1];
  const Ra = mat3Mul(mat3Mul(Um, W), Vt);
  const Rb = mat3Mul(mat3Mul(Um, mat3Transpose(W)), Vt);
  const neg: Vec3 = [-u3[0], -u3[1], -u3[2]];
  return [
    { R: Ra, t: u3 }, { R: Ra, t: neg },
    { R: Rb, t: u3 }, { R: Rb, t: neg },
  ].filter((p) => mat3Det(p.R) > 0);
}

export interface RecoveredPose extends Pose {
  /** 1 where the correspondence was used and triangulates in front of both cameras. */
  inFront: Uint8Array;
  inFrontCount: number;
  /** Triangulated points (view-1 camera frame) of the correspondences in front; null elsewhere. */
  points: (Vec3 | null)[];
}

/**
 * Picks the decomposition of E that puts the most correspondences (those with mask[i] = 1, or
 * all) in front of both cameras; points farther than `maxDepth` baselines count as at infinity.
 */
export function recoverPose(E: ArrayLike<number>, x1: ArrayLike<number>, x2: ArrayLike<number>, mask?: ArrayLike<number>, maxDepth = 100): RecoveredPose {
  const n = x1.length / 2;
  const identity: Pose = { R: [1, 0, 0, 0, 1, 0, 0, 0, 1], t: [0, 0, 0] };
  let best: RecoveredPose | null = null;
  for (const cand of decomposeEssential(E)) {
    const inFront = new Uint8Array(n);
    const points: (Vec3 | null)[] = new Array(n).fill(null);
    let count = 0;
    for (let i = 0; i < n; i++) {
      if (mask && !mask[i]) continue;
      const X = triangulateNormalized([identity, cand], [x1[2 * i], x1[2 * i + 1], x2[2 * i], x2[2 * i + 1]]);
      if (!X) continue;
      const z2 = cand.R[6] * X[0] + cand.R[7] * X[1] + cand.R[8] * X[2] + cand.t[2];
      if (X[2] > 0 && z2 > 0 && X[2] < maxDepth) {
        inFront[i] = 1;
        points[i] = X;
        count++;
      }
    }
    if (!best || count > best.inFrontCount) best = { ...cand, inFront, inFrontCount: count, points };
  }
  return best!;
}
