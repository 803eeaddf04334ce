/** Nearest hit of a world ray against a list of shapes (the union of the shapes). */
import { copyHit, createHit, createRay, type Hit, type Ray } from './ray.ts';
import type { Shape } from './shapes.ts';
import type { Vec3 } from '../core/camera.ts';

/** Returns the index of the nearest shape hit (filling `hit`), or -1 when the ray misses. */
export function traceShapes(shapes: readonly Shape[], ray: Ray, hit: Hit, scratch: Hit = createHit()): number {
  let best = -1;
  let tBest = Infinity;
  for (let s = 0; s < shapes.length; s++) {
    const sh = shapes[s];
    // Bounding-sphere rejection (also skips shapes entirely behind the current nearest hit).
    const ocx = ray.ox - sh.cx, ocy = ray.oy - sh.cy, ocz = ray.oz - sh.cz;
    const b = ocx * ray.dx + ocy * ray.dy + ocz * ray.dz;
    const c = ocx * ocx + ocy * ocy + ocz * ocz - sh.radius * sh.radius;
    const h = b * b - c;
    if (h < 0 || -b - Math.sqrt(h) >= tBest) continue;
    if (sh.intersect(ray, tBest, scratch)) {
      tBest = scratch.t;
      best = s;
      copyHit(scratch, hit);
    }
  }
  return best;
}

/** The first surface point on the segment's ray from `from` towards `to` (throws on a miss). */
export function surfacePoint(shapes: readonly Shape[], from: Vec3, to: Vec3): Vec3 {
  const ray = createRay();
  const dx = to[0] - from[0], dy = to[1] - from[1], dz = to[2] - from[2];
  const n = Math.hypot(dx, dy, dz);
  ray.ox = from[0]; ray.oy = from[1]; ray.oz = from[2];
  ray.dx = dx / n; ray.dy = dy / n; ray.dz = dz / n;
  const hit = createHit();
  if (traceShapes(shapes, ray, hit) < 0) throw new Error('surfacePoint: ray misses the object');
  return [from[0] + hit.t * ray.dx, from[1] + hit.t * ray.dy, from[2] + hit.t * ray.dz];
}
