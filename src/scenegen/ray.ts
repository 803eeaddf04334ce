/**
 * Rays and hit records for the CPU ray tracer, and the camera ray through a pixel position in the
 * one camera convention (OpenCV axes, world-to-camera R and t, pixel centres at i + 0.5).
 * Plain mutable records so the inner loops allocate nothing.
 */
import { cameraCenter, pixelDirection, type Camera } from '../core/camera.ts';

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
  const [ox, oy, oz] = cameraCenter(cam);
  return { cam, ox, oy, oz };
}

const dir = new Float64Array(3);

/**
 * The ray from the camera centre through continuous pixel position (u, v), written into `ray`.
 * (u, v) = (i + 0.5, j + 0.5) is the centre of pixel (i, j); projectPoint() of any point on the
 * ray gives back (u, v).
 */
export function pixelRay(rc: RayCamera, u: number, v: number, ray: Ray): void {
  pixelDirection(rc.cam, u, v, dir);
  let dx = dir[0], dy = dir[1], dz = dir[2];
  const inv = 1 / Math.sqrt(dx * dx + dy * dy + dz * dz);
  dx *= inv; dy *= inv; dz *= inv;
  ray.ox = rc.ox; ray.oy = rc.oy; ray.oz = rc.oz;
  ray.dx = dx; ray.dy = dy; ray.dz = dz;
}
