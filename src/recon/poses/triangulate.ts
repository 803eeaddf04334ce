/**
 * Triangulation of 3D points from two or more calibrated views (linear DLT), and the two numbers
 * that decide whether a triangulated point is kept: reprojection error and triangulation angle.
 */
import type { Camera, Mat3, Vec3 } from '../../core/camera.ts';
import { cameraCenter, dot, projectPoint, radToDeg, sub } from '../../core/camera.ts';
import { nullVector } from './linalg.ts';

/** A camera pose without intrinsics: Xc = R X + t. */
export interface Pose {
  R: Mat3;
  t: Vec3;
}

/**
 * Linear (DLT) triangulation from normalised image coordinates: xy[2k], xy[2k+1] is the point's
 * (x/z, y/z) in view k. Each view gives the rows x P3 - P1 and y P3 - P2 of P = [R | t]; the point
 * is the nullvector. Null for a point at infinity (homogeneous w ~ 0).
 */
export function triangulateNormalized(poses: readonly Pose[], xy: ArrayLike<number>): Vec3 | null {
  const n = poses.length;
  const A = new Float64Array(2 * n * 4);
  for (let k = 0; k < n; k++) {
    const { R, t } = poses[k];
    const x = xy[2 * k], y = xy[2 * k + 1];
    for (let c = 0; c < 3; c++) {
      A[(2 * k) * 4 + c] = x * R[6 + c] - R[c];
      A[(2 * k + 1) * 4 + c] = y * R[6 + c] - R[3 + c];
    }
    A[(2 * k) * 4 + 3] = x * t[2] - t[0];
    A[(2 * k + 1) * 4 + 3] = y * t[2] - t[1];
  }
  const h = nullVector(A, 2 * n, 4);
  if (Math.abs(h[3]) < 1e-12 * Math.hypot(h[0], h[1], h[2])) return null;
  return [h[0] / h[3], h[1] / h[3], h[2] / h[3]];
}

/** Multi-view DLT triangulation from pixel observations pixels[k] = [u, v] in cams[k]. */
export function triangulatePixels(cams: readonly Camera[], pixels: readonly (readonly [number, number])[]): Vec3 | null {
  const xy = new Float64Array(2 * cams.length);
  cams.forEach((c, k) => {
    xy[2 * k] = (pixels[k][0] - c.cx) / c.fx;
    xy[2 * k + 1] = (pixels[k][1] - c.cy) / c.fy;
  });
  return triangulateNormalized(cams, xy);
}

/** Distance in pixels between the projection of X in cam and the observation (u, v); Infinity behind the camera. */
export function reprojectionError(cam: Camera, X: ArrayLike<number>, u: number, v: number): number {
  const [pu, pv, z] = projectPoint(cam, X);
  return z > 0 ? Math.hypot(pu - u, pv - v) : Infinity;
}

/**
 * Triangulation angle in degrees at X: the largest angle between the rays from any two of the
 * camera centres. Small angles mean depth is poorly determined.
 */
export function triangulationAngleDeg(centres: readonly ArrayLike<number>[], X: ArrayLike<number>): number {
  let best = 0;
  for (let i = 0; i < centres.length; i++) {
    const a = sub(X, centres[i]);
    for (let j = i + 1; j < centres.length; j++) {
      const b = sub(X, centres[j]);
      const c = dot(a, b) / (Math.hypot(...a) * Math.hypot(...b));
      best = Math.max(best, Math.acos(Math.min(1, Math.max(-1, c))));
    }
  }
  return radToDeg(best);
}

/** Camera centres of poses (convenience for triangulationAngleDeg). */
export function poseCentres(poses: readonly Pose[]): Vec3[] {
  return poses.map((p) => cameraCenter(p));
}
