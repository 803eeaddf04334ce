/**
 * Shapes: a primitive placed in the world by a rigid frame, with a material (an albedo function
 * of the local hit point). Also the world bounds and bounding spheres the renderer uses to skip
 * rays early.
 */
import type { Mat3, Vec3 } from '../core/camera.ts';
import {
  intersectBox, intersectCapsule, intersectCylinder, intersectSphere, intersectSuperellipsoid,
} from './primitives.ts';
import { createRay, type Hit, type Ray } from './ray.ts';

/** Writes the surface colour (RGB in [0, 1]) at a hit into `out`. */
export type Albedo = (hit: Hit, out: Float64Array) => void;

export interface Bounds {
  min: Vec3;
  max: Vec3;
}

export interface Shape {
  /** World bounding sphere, for early rejection. */
  cx: number; cy: number; cz: number; radius: number;
  /** World axis-aligned bounds (exact or slightly conservative). */
  bounds: Bounds;
  /** Nearest hit of a world ray closer than tMax: fills `hit` (world normal) and returns true. */
  intersect(ray: Ray, tMax: number, hit: Hit): boolean;
  albedo: Albedo;
}

/** Rigid placement: world = M * local + origin, M a rotation (row-major). */
export interface Frame {
  M: Mat3;
  origin: Vec3;
}

export function rotationZ(angle: number): Mat3 {
  const c = Math.cos(angle), s = Math.sin(angle);
  return [c, -s, 0, s, c, 0, 0, 0, 1];
}

export function rotationX(angle: number): Mat3 {
  const c = Math.cos(angle), s = Math.sin(angle);
  return [1, 0, 0, 0, c, -s, 0, s, c];
}

export function frame(origin: Vec3, M: Mat3 = [1, 0, 0, 0, 1, 0, 0, 0, 1]): Frame {
  return { M, origin };
}

/** Wraps a local-frame intersector into a world-space one. */
function placed(f: Frame, localIntersect: (r: Ray, tMax: number, hit: Hit) => boolean) {
  const M = f.M, [px, py, pz] = f.origin;
  const local = createRay();
  return (ray: Ray, tMax: number, hit: Hit): boolean => {
    // local = M^T (world - origin)
    const wx = ray.ox - px, wy = ray.oy - py, wz = ray.oz - pz;
    local.ox = M[0] * wx + M[3] * wy + M[6] * wz;
    local.oy = M[1] * wx + M[4] * wy + M[7] * wz;
    local.oz = M[2] * wx + M[5] * wy + M[8] * wz;
    local.dx = M[0] * ray.dx + M[3] * ray.dy + M[6] * ray.dz;
    local.dy = M[1] * ray.dx + M[4] * ray.dy + M[7] * ray.dz;
    local.dz = M[2] * ray.dx + M[5] * ray.dy + M[8] * ray.dz;
    if (!localIntersect(local, tMax, hit)) return false;
    const nx = hit.nx, ny = hit.ny, nz = hit.nz;
    hit.nx = M[0] * nx + M[1] * ny + M[2] * nz;
    hit.ny = M[3] * nx + M[4] * ny + M[5] * nz;
    hit.nz = M[6] * nx + M[7] * ny + M[8] * nz;
    return true;
  };
}

/** Exact world bounds of a placed box with half sizes (hx, hy, hz). */
function boxBounds(f: Frame, hx: number, hy: number, hz: number): Bounds {
  const M = f.M;
  const ex = Math.abs(M[0]) * hx + Math.abs(M[1]) * hy + Math.abs(M[2]) * hz;
  const ey = Math.abs(M[3]) * hx + Math.abs(M[4]) * hy + Math.abs(M[5]) * hz;
  const ez = Math.abs(M[6]) * hx + Math.abs(M[7]) * hy + Math.abs(M[8]) * hz;
  const [x, y, z] = f.origin;
  return { min: [x - ex, y - ey, z - ez], max: [x + ex, y + ey, z + ez] };
}

function aroundOrigin(f: Frame, ext: Vec3): Bounds {
  const [x, y, z] = f.origin;
  return { min: [x - ext[0], y - ext[1], z - ext[2]], max: [x + ext[0], y + ext[1], z + ext[2]] };
}

/**
 * Exact world bounds of a placed superellipsoid: its support function along a direction w is
 * the dual norm ||diag(radii) w||_q with q = p / (p - 1); the extent along world axis k uses
 * w = M^T e_k, the k-th row of M.
 */
function superellipsoidBounds(f: Frame, radii: Vec3, p: number): Bounds {
  const q = p / (p - 1);
  const ext = [0, 1, 2].map((k) => {
    let s = 0;
    for (let i = 0; i < 3; i++) s += Math.pow(Math.abs(radii[i] * f.M[k * 3 + i]), q);
    return Math.pow(s, 1 / q);
  }) as Vec3;
  return aroundOrigin(f, ext);
}

/** Exact world bounds of a capped cylinder along the frame's local z axis. */
function cylinderBounds(f: Frame, rad: number, halfHeight: number): Bounds {
  const ext = [0, 1, 2].map((k) => {
    const a = Math.abs(f.M[k * 3 + 2]);
    return rad * Math.sqrt(Math.max(0, 1 - a * a)) + halfHeight * a;
  }) as Vec3;
  return aroundOrigin(f, ext);
}

export function sphereShape(center: Vec3, rad: number, albedo: Albedo, M?: Mat3): Shape {
  const f = frame(center, M);
  return {
    cx: center[0], cy: center[1], cz: center[2], radius: rad,
    bounds: { min: [center[0] - rad, center[1] - rad, center[2] - rad], max: [center[0] + rad, center[1] + rad, center[2] + rad] },
    intersect: placed(f, (r, tMax, hit) => intersectSphere(r, rad, tMax, hit)),
    albedo,
  };
}

export function boxShape(f: Frame, half: Vec3, albedo: Albedo): Shape {
  const [hx, hy, hz] = half;
  return {
    cx: f.origin[0], cy: f.origin[1], cz: f.origin[2], radius: Math.hypot(hx, hy, hz),
    bounds: boxBounds(f, hx, hy, hz),
    intersect: placed(f, (r, tMax, hit) => intersectBox(r, hx, hy, hz, tMax, hit)),
    albedo,
  };
}

/** Capped cylinder along the frame's local z axis. */
export function cylinderShape(f: Frame, rad: number, halfHeight: number, albedo: Albedo): Shape {
  return {
    cx: f.origin[0], cy: f.origin[1], cz: f.origin[2], radius: Math.hypot(rad, halfHeight),
    bounds: cylinderBounds(f, rad, halfHeight),
    intersect: placed(f, (r, tMax, hit) => intersectCylinder(r, rad, halfHeight, tMax, hit)),
    albedo,
  };
}

export function superellipsoidShape(f: Frame, radii: Vec3, p: number, albedo: Albedo): Shape {
  if (!(p >= 2 && p % 2 === 0)) throw new Error(`superellipsoid exponent must be an even integer >= 2, got ${p}`);
  const [ax, ay, az] = radii;
  return {
    cx: f.origin[0], cy: f.origin[1], cz: f.origin[2], radius: Math.hypot(ax, ay, az),
    bounds: superellipsoidBounds(f, radii, p),
    intersect: placed(f, (r, tMax, hit) => intersectSuperellipsoid(r, ax, ay, az, p, tMax, hit)),
    albedo,
  };
}

/** Capsule between world points a and b. Local coordinates are world coordinates. */
export function capsuleShape(a: Vec3, b: Vec3, rad: number, albedo: Albedo): Shape {
  const [ax, ay, az] = a, [bx, by, bz] = b;
  return {
    cx: (ax + bx) / 2, cy: (ay + by) / 2, cz: (az + bz) / 2,
    radius: Math.hypot(bx - ax, by - ay, bz - az) / 2 + rad,
    bounds: {
      min: [Math.min(ax, bx) - rad, Math.min(ay, by) - rad, Math.min(az, bz) - rad],
      max: [Math.max(ax, bx) + rad, Math.max(ay, by) + rad, Math.max(az, bz) + rad],
    },
    intersect: (r, tMax, hit) => intersectCapsule(r, ax, ay, az, bx, by, bz, rad, tMax, hit),
    albedo,
  };
}

export function unionBounds(list: Bounds[]): Bounds {
  const min: Vec3 = [Infinity, Infinity, Infinity], max: Vec3 = [-Infinity, -Infinity, -Infinity];
  for (const b of list)
    for (let k = 0; k < 3; k++) {
      min[k] = Math.min(min[k], b.min[k]);
      max[k] = Math.max(max[k], b.max[k]);
    }
  return { min, max };
}
