/**
 * Rays and hit records for the CPU ray tracer, and the camera ray through a pixel position in the
 * one camera convention (OpenCV axes, world-to-camera R and t, pixel centres at i + 0.5).
 * Plain mutable records so the inner loops allocate nothing.
 */
import type { Camera } from '../core/camera.ts';

/** Origin o and unit direction d. */
export interface Ray {
  ox: number; oy: number; oz: number;
  dx: number; dy: number; dz: number;
}

/** What a shape reports about its nearest hit. */
export interface Hit {
  /** Distance along the (unit) ray. */
  t: number;
  /** Unit surface normal in world space, facing out of the shape. */
  nx: number; ny: number; nz: number;
  /** Hit point in the shape's own frame (what textures are painted in). */
  lx: number; ly: number; lz: number;
  /** Which part of the primitive was hit (box face, cylinder side/cap...). */
  part: number;
}

export function createRay(): Ray {
  return { ox: 0, oy: 0, oz: 0, dx: 0, dy: 0, dz: 1 };
}

export function createHit(): Hit {
  return { t: Infinity, nx: 0, ny: 0, nz: 1, lx: 0, ly: 0, lz: 0, part: 0 };
}

export function copyHit(from: Hit, to: Hit): void {
  to.t = from.t;
  to.nx = from.nx; to.ny = from.ny; to.nz = from.nz;
  to.lx = from.lx; to.ly = from.ly; to.lz = from.lz;
  to.part = from.part;
}

/** Precomputed per-camera values for generating rays quickly. */
export interface RayCamera {
  cam: Camera;
  /** Camera centre in world coordinates. */
  ox: number; oy: number; oz: number;
}

export function rayCamera(cam: Camera): RayCamera {
  const R = cam.R, t = cam.t;
  // C = -R^T t
  return {
    cam,
    ox: -(R[0] * t[0] + R[3] * t[1] + R[6] * t[2]),
    oy: -(R[1] * t[0] + R[4] * t[1] + R[7] * t[2]),
    oz: -(R[2] * t[0] + R[5] * t[1] + R[8] * t[2]),
  };
}

/**
 * The ray from the camera centre through continuous pixel position (u, v), written into `ray`.
 * (u, v) = (i + 0.5, j + 0.5) is the centre of pixel (i, j); projectPoint() of any point on the
 * ray gives back (u, v).
 */
export function pixelRay(rc: RayCamera, u: number, v: number, ray: Ray): void {
  const c = rc.cam, R = c.R;
  const xc = (u - c.cx) / c.fx, yc = (v - c.cy) / c.fy;
  // world direction = R^T [xc, yc, 1]
  let dx = R[0] * xc + R[3] * yc + R[6];
  let dy = R[1] * xc + R[4] * yc + R[7];
  let dz = R[2] * xc + R[5] * yc + R[8];
  const inv = 1 / Math.sqrt(dx * dx + dy * dy + dz * dz);
  dx *= inv; dy *= inv; dz *= inv;
  ray.ox = rc.ox; ray.oy = rc.oy; ray.oz = rc.oz;
  ray.dx = dx; ray.dy = dy; ray.dz = dz;
}
