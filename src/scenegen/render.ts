/**
 * CPU ray tracer for procedural objects: one camera in, an anti-aliased RGBA image and an exact
 * mask out. Deterministic: a fixed 3x3 grid of subsamples per pixel, no randomness.
 *
 * Mask rule: a pixel is object (1) when at least half of its 9 subsamples hit the object, i.e.
 * 5 or more of the rays through (i + (a + 0.5) / 3, j + (b + 0.5) / 3), a, b in {0, 1, 2}. The
 * centre subsample is the pixel centre (i + 0.5, j + 0.5). This is the image's coverage
 * thresholded at 0.5, as masks of photos are thresholded at 128.
 *
 * Background is black (0, 0, 0), like DTU's masked evaluation. Images are opaque (alpha 255).
 */
import type { Camera } from '../core/camera.ts';
import { createImage, type RGBAImage } from '../core/image.ts';
import { createHit, createRay, pixelRay, rayCamera, type Hit, type Ray } from './ray.ts';
import { traceShapes } from './trace.ts';
import { shadeLambert } from './shading.ts';
import type { SceneObject } from './sceneObject.ts';

/** Subsamples per pixel along each axis. */
export const SUBSAMPLES_PER_AXIS = 3;

export interface RenderedView {
  image: RGBAImage;
  /** width * height, 1 = object, 0 = background. */
  mask: Uint8Array;
}

/** Nearest hit of a world ray with the object: the index of the shape hit (filling `hit`), or -1. */
export function traceObject(obj: SceneObject, ray: Ray, hit: Hit, scratch: Hit = createHit()): number {
  return traceShapes(obj.shapes, ray, hit, scratch);
}

/** True when the ray passes within `r` of point (cx, cy, cz) in front of its origin. */
function raySphere(ray: Ray, cx: number, cy: number, cz: number, r: number): boolean {
  const ocx = ray.ox - cx, ocy = ray.oy - cy, ocz = ray.oz - cz;
  const b = ocx * ray.dx + ocy * ray.dy + ocz * ray.dz;
  const c = ocx * ocx + ocy * ocy + ocz * ocz - r * r;
  return b * b - c >= 0 && (b < 0 || c < 0);
}

export function renderView(obj: SceneObject, cam: Camera): RenderedView {
  const { width: W, height: H } = cam;
  const image = createImage(W, H);
  const mask = new Uint8Array(W * H);
  const rc = rayCamera(cam);
  const ray = createRay();
  const hit = createHit();
  const scratch = createHit();
  const albedo = new Float64Array(3);
  const rgb = new Float64Array(3);
  const n = SUBSAMPLES_PER_AXIS;
  const nn = n * n;
  const [ocx, ocy, ocz] = obj.center;
  // A pixel's subsample rays stay within ~1 pixel of its centre ray; inflate the bounding
  // sphere by 3 pixels' worth at its far side before skipping a whole pixel.
  const dist = Math.hypot(rc.ox - ocx, rc.oy - ocy, rc.oz - ocz);
  const margin = (3 * (dist + obj.radius)) / Math.min(cam.fx, cam.fy);
  const skipRadius = obj.radius + margin;
  const d = image.data;
  for (let j = 0; j < H; j++) {
    for (let i = 0; i < W; i++) {
      const p = j * W + i;
      d[p * 4 + 3] = 255;
      pixelRay(rc, i + 0.5, j + 0.5, ray);
      if (!raySphere(ray, ocx, ocy, ocz, skipRadius)) continue;
      let r = 0, g = 0, b = 0, hits = 0;
      for (let sy = 0; sy < n; sy++)
        for (let sx = 0; sx < n; sx++) {
          pixelRay(rc, i + (sx + 0.5) / n, j + (sy + 0.5) / n, ray);
          const s = traceObject(obj, ray, hit, scratch);
          if (s < 0) continue;
          hits++;
          obj.shapes[s].albedo(hit, albedo);
          shadeLambert(obj.light, albedo, hit.nx, hit.ny, hit.nz, rgb);
          r += rgb[0]; g += rgb[1]; b += rgb[2];
        }
      if (hits === 0) continue;
      d[p * 4] = Math.round((r / nn) * 255);
      d[p * 4 + 1] = Math.round((g / nn) * 255);
      d[p * 4 + 2] = Math.round((b / nn) * 255);
      mask[p] = hits * 2 >= nn ? 1 : 0;
    }
  }
  return { image, mask };
}
