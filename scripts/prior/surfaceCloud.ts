/**
 * A clean cloud straight from the ray tracer: one small round splat per surface point seen by a
 * set of cameras, coloured with the shaded colour there. It stands in for GaussianObject's "better
 * cloud" (a reconstruction from all views) at a fraction of the cost of training one, and is what
 * the 3D noise (noise3d.ts) perturbs.
 */
import { cameraCenter, type Camera } from '../../src/core/camera.ts';
import { allocateCloud, type GaussianCloud } from '../../src/core/gaussianCloud.ts';
import { SH_C0 } from '../../src/core/sh.ts';
import { createHit, createRay, pixelRay, rayCamera } from '../../src/scenegen/ray.ts';
import { traceObject } from '../../src/scenegen/render.ts';
import type { SceneObject } from '../../src/scenegen/sceneObject.ts';
import { shadeLambert } from '../../src/scenegen/shading.ts';

/** Casts one ray per `step` pixels from each camera; splat radius ~ the footprint of `step` pixels. */
export function surfaceCloud(obj: SceneObject, cams: readonly Camera[], step: number): GaussianCloud {
  const pts: number[] = [], cols: number[] = [], radii: number[] = [];
  const ray = createRay(), hit = createHit(), scratch = createHit();
  const albedo = new Float64Array(3), rgb = new Float64Array(3);
  for (const cam of cams) {
    const rc = rayCamera(cam);
    const [cx, cy, cz] = cameraCenter(cam);
    for (let v = step / 2; v < cam.height; v += step)
      for (let u = step / 2; u < cam.width; u += step) {
        pixelRay(rc, u, v, ray);
        const s = traceObject(obj, ray, hit, scratch);
        if (s < 0) continue;
        obj.shapes[s].albedo(hit, albedo);
        shadeLambert(obj.light, albedo, hit.nx, hit.ny, hit.nz, rgb);
        pts.push(cx + ray.dx * hit.t, cy + ray.dy * hit.t, cz + ray.dz * hit.t);
        cols.push(rgb[0], rgb[1], rgb[2]);
        radii.push((0.6 * step * hit.t) / cam.fx);
      }
  }
  const n = radii.length;
  const cloud = allocateCloud(n, 0);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < 3; k++) {
      cloud.means[i * 3 + k] = pts[i * 3 + k];
      cloud.logScales[i * 3 + k] = Math.log(radii[i]);
      cloud.sh[i * 3 + k] = (cols[i * 3 + k] - 0.5) / SH_C0;
    }
    cloud.quats[i * 4] = 1;
    cloud.opacityLogits[i] = 3;
  }
  return cloud;
}
