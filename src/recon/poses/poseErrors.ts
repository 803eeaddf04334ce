/**
 * Pose-accuracy metrics against reference cameras, for tests and the bench:poses table.
 * Relative errors over all view pairs need no alignment (they are invariant to the similarity
 * a reconstruction from photos is defined up to); absolute errors need alignCamerasToReference first.
 */
import type { Camera } from '../../core/camera.ts';
import { cameraCenter, dot, mat3Mul, mat3MulVec, mat3Transpose, radToDeg, rotationAngleBetween } from '../../core/camera.ts';

type Pose = Pick<Camera, 'R' | 't'>;

export interface ErrorStats {
  median: number;
  max: number;
  mean: number;
}

export function stats(values: readonly number[]): ErrorStats {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (!v.length) return { median: NaN, max: NaN, mean: NaN };
  const mid = v.length >> 1;
  return { median: v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2, max: v[v.length - 1], mean: v.reduce((s, x) => s + x, 0) / v.length };
}

/** Relative pose of view j with respect to view i: R_ij = R_j R_i^T, t_ij = t_j - R_ij t_i. */
function relative(a: Pose, b: Pose) {
  const R = mat3Mul(b.R, mat3Transpose(a.R));
  const rt = mat3MulVec(R, a.t);
  return { R, t: [b.t[0] - rt[0], b.t[1] - rt[1], b.t[2] - rt[2]] };
}

function angleDeg(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const na = Math.hypot(a[0], a[1], a[2]), nb = Math.hypot(b[0], b[1], b[2]);
  if (!(na > 0 && nb > 0)) return NaN;
  return radToDeg(Math.acos(Math.max(-1, Math.min(1, dot(a, b) / (na * nb)))));
}

export interface PairwisePoseErrors {
  pairs: number;
  /** Angle of R_ij,est R_ij,ref^T per pair, degrees. */
  rotationDeg: ErrorStats;
  /** Angle between the estimated and reference relative translation directions per pair, degrees. */
  translationDeg: ErrorStats;
}

/** Relative rotation and translation-direction errors over all pairs of views (same order in both lists). */
export function pairwisePoseErrors(estimated: readonly Pose[], reference: readonly Pose[]): PairwisePoseErrors {
  const rot: number[] = [], trans: number[] = [];
  for (let i = 0; i < estimated.length; i++)
    for (let j = i + 1; j < estimated.length; j++) {
      const e = relative(estimated[i], estimated[j]), r = relative(reference[i], reference[j]);
      rot.push(radToDeg(rotationAngleBetween(e.R, r.R)));
      trans.push(angleDeg(e.t, r.t));
    }
  return { pairs: rot.length, rotationDeg: stats(rot), translationDeg: stats(trans) };
}

/** Per-view rotation error (degrees) and centre distance of cameras already aligned to the reference. */
export function absolutePoseErrors(aligned: readonly Pose[], reference: readonly Pose[]): { rotationDeg: ErrorStats; centre: ErrorStats } {
  const rot = aligned.map((c, i) => radToDeg(rotationAngleBetween(c.R, reference[i].R)));
  const cen = aligned.map((c, i) => {
    const a = cameraCenter(c), b = cameraCenter(reference[i]);
    return Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
  });
  return { rotationDeg: stats(rot), centre: stats(cen) };
}
