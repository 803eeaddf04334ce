/**
 * How far points are from a generated object's true surface: for each point, along the ray from
 * each given camera centre through it, the distance from the point to where the ray meets the
 * object (the scene generator's ray tracer), the smallest over the cameras; Infinity when no ray
 * meets it. Shared by the tests of the starts that place splats on surfaces.
 */
import type { Camera } from '../../src/core/camera.ts';
import { cameraCenter } from '../../src/core/camera.ts';
import { buildObject } from '../../src/scenegen/objects/index.ts';
import { createHit, createRay } from '../../src/scenegen/ray.ts';
import { traceObject } from '../../src/scenegen/render.ts';

export function surfaceDistances(objectName: string, cameras: readonly Camera[], positions: ArrayLike<number>, count: number): number[] {
  const obj = buildObject(objectName);
  const centres = cameras.map(cameraCenter);
  const ray = createRay(), hit = createHit();
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    let best = Infinity;
    for (const C of centres) {
      const d = [positions[i * 3] - C[0], positions[i * 3 + 1] - C[1], positions[i * 3 + 2] - C[2]];
      const L = Math.hypot(d[0], d[1], d[2]);
      Object.assign(ray, { ox: C[0], oy: C[1], oz: C[2], dx: d[0] / L, dy: d[1] / L, dz: d[2] / L });
      if (traceObject(obj, ray, hit) >= 0) best = Math.min(best, Math.abs(hit.t - L));
    }
    out.push(best);
  }
  return out;
}
