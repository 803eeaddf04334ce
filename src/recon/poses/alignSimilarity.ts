/**
 * Similarity alignment (Umeyama 1991) of an estimated reconstruction to a reference: the scale,
 * rotation and translation taking estimated camera centres onto reference ones in least squares.
 * Pose-free evaluation needs it too: a reconstruction from photos has its own frame and scale.
 */
import type { Camera, Mat3, Vec3 } from '../../core/camera.ts';
import { cameraCenter, mat3MulVec, transformCameraPose } from '../../core/camera.ts';
import { nearestRotation } from './linalg.ts';

/** dst ~ s R src + t. */
export interface Similarity {
  s: number;
  R: Mat3;
  t: Vec3;
}

/**
 * Least-squares similarity taking src[i] to dst[i] (withScale false: rigid, s = 1). Null under 3
 * points or when src is degenerate (all points coincide; collinear points leave the roll about their
 * line undetermined and get an arbitrary one).
 */
export function umeyama(src: readonly ArrayLike<number>[], dst: readonly ArrayLike<number>[], withScale = true): Similarity | null {
  const n = src.length;
  if (n < 3 || dst.length !== n) return null;
  const ms = [0, 0, 0], md = [0, 0, 0];
  for (let i = 0; i < n; i++) for (let k = 0; k < 3; k++) { ms[k] += src[i][k] / n; md[k] += dst[i][k] / n; }
  const cov = new Float64Array(9);
  let varS = 0;
  for (let i = 0; i < n; i++) {
    const a = [src[i][0] - ms[0], src[i][1] - ms[1], src[i][2] - ms[2]];
    const b = [dst[i][0] - md[0], dst[i][1] - md[1], dst[i][2] - md[2]];
    varS += (a[0] ** 2 + a[1] ** 2 + a[2] ** 2) / n;
    for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) cov[r * 3 + c] += (b[r] * a[c]) / n;
  }
  if (!(varS > 0)) return null;
  // The rotation of the cross-covariance (coplanar points: rank 2, handled there), and the sign it flipped.
  const { R, S, d } = nearestRotation(cov);
  const s = withScale ? (S[0] + S[1] + d * S[2]) / varS : 1;
  const rm = mat3MulVec(R, ms);
  return { s, R, t: [md[0] - s * rm[0], md[1] - s * rm[1], md[2] - s * rm[2]] };
}

/** Applies a similarity to a point: s R X + t. */
export function applySimilarity(sim: Similarity, X: ArrayLike<number>): Vec3 {
  const r = mat3MulVec(sim.R, X);
  return [sim.s * r[0] + sim.t[0], sim.s * r[1] + sim.t[1], sim.s * r[2] + sim.t[2]];
}

/**
 * Aligns estimated cameras to reference cameras (same order) by Umeyama on their centres and
 * returns the similarity and the estimated cameras moved into the reference frame. Null under 3 cameras.
 */
export function alignCamerasToReference<T extends Camera>(estimated: readonly T[], reference: readonly Pick<Camera, 'R' | 't'>[]): { similarity: Similarity; cameras: T[] } | null {
  const sim = umeyama(estimated.map((c) => cameraCenter(c)), reference.map((c) => cameraCenter(c)));
  if (!sim) return null;
  return { similarity: sim, cameras: estimated.map((c) => transformCameraPose(c, sim.s, sim.R, sim.t)) };
}
