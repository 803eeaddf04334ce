/**
 * The element's orbit camera: azimuth and elevation about a target at a distance, with an up
 * axis, turned into the project's one OpenCV camera (src/core/camera.ts).
 */
import { lookAtCamera, type Camera, type Vec3 } from '../core/camera.ts';
import type { GaussianCloud } from '../core/gaussianCloud.ts';

export interface Orbit {
  target: Vec3;
  /** World up (default -y: the 3DGS PLY frame is right-down-front). */
  up: Vec3;
  azimuthDeg: number;
  elevationDeg: number;
  distance: number;
  fovDeg: number;
}

/** Centre (per-axis median) and a radius (90th percentile distance) of a cloud's splats. */
export function frameCloud(cloud: GaussianCloud): { target: Vec3; radius: number } {
  const n = cloud.count;
  if (n === 0) return { target: [0, 0, 0], radius: 1 };
  const target = [0, 1, 2].map((a) => {
    const v = Array.from({ length: n }, (_, i) => cloud.means[3 * i + a]).sort((x, y) => x - y);
    return v[n >> 1];
  }) as Vec3;
  const d = Array.from({ length: n }, (_, i) => Math.hypot(cloud.means[3 * i] - target[0], cloud.means[3 * i + 1] - target[1], cloud.means[3 * i + 2] - target[2])).sort((x, y) => x - y);
  return { target, radius: Math.max(1e-6, d[Math.floor(0.9 * (n - 1))]) };
}

function perpendicular(up: Vec3): [Vec3, Vec3] {
  const n = Math.hypot(...up) || 1;
  const u: Vec3 = [up[0] / n, up[1] / n, up[2] / n];
  const seed: Vec3 = Math.abs(u[0]) < 0.9 ? [1, 0, 0] : [0, 1, 0];
  const dot = seed[0] * u[0] + seed[1] * u[1] + seed[2] * u[2];
  const a: Vec3 = [seed[0] - dot * u[0], seed[1] - dot * u[1], seed[2] - dot * u[2]];
  const an = Math.hypot(...a);
  const e1: Vec3 = [a[0] / an, a[1] / an, a[2] / an];
  const e2: Vec3 = [u[1] * e1[2] - u[2] * e1[1], u[2] * e1[0] - u[0] * e1[2], u[0] * e1[1] - u[1] * e1[0]];
  return [e1, e2];
}

export function orbitCamera(o: Orbit, width: number, height: number): Camera {
  const [e1, e2] = perpendicular(o.up);
  const n = Math.hypot(...o.up) || 1;
  const u = o.up.map((v) => v / n);
  const az = (o.azimuthDeg * Math.PI) / 180;
  const el = (Math.max(-89, Math.min(89, o.elevationDeg)) * Math.PI) / 180;
  const dir = [0, 1, 2].map((a) => Math.cos(el) * (Math.cos(az) * e1[a] + Math.sin(az) * e2[a]) + Math.sin(el) * u[a]);
  const eye = [0, 1, 2].map((a) => o.target[a] + o.distance * dir[a]) as Vec3;
  const f = height / 2 / Math.tan((o.fovDeg * Math.PI) / 360);
  return lookAtCamera(eye, o.target, o.up, { fx: f, fy: f, cx: width / 2, cy: height / 2, width, height });
}
