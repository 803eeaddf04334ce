/**
 * Undoing OpenCV radial-tangential lens distortion (k1, k2, k3, p1, p2) on import, so that the
 * pinhole camera the scene keeps is true for its photos. Each pixel centre of the output is taken
 * through the distortion model to the spot of the photo it came from, and that spot is sampled
 * bilinearly (RGBA together, so an alpha mask follows the colours). Spots outside the photo take
 * the nearest edge pixel (an opaque photo stays opaque). The intrinsics stay as they are (the
 * same fx, fy, cx, cy, size).
 */
import type { Camera } from '../core/camera.ts';
import { createImage, type RGBAImage } from '../core/image.ts';
import type { Distortion } from './blenderTransforms.ts';

/** Where a pinhole pixel (u, v) comes from in the distorted photo. */
export function distortPixel(cam: Pick<Camera, 'fx' | 'fy' | 'cx' | 'cy'>, d: Distortion, u: number, v: number): [number, number] {
  const x = (u - cam.cx) / cam.fx;
  const y = (v - cam.cy) / cam.fy;
  const r2 = x * x + y * y;
  const radial = 1 + r2 * (d.k1 + r2 * (d.k2 + r2 * d.k3));
  const xd = x * radial + 2 * d.p1 * x * y + d.p2 * (r2 + 2 * x * x);
  const yd = y * radial + d.p1 * (r2 + 2 * y * y) + 2 * d.p2 * x * y;
  return [xd * cam.fx + cam.cx, yd * cam.fy + cam.cy];
}

/** The largest distance (pixels) the distortion moves a pixel of this image (checked along the border and on a grid). */
export function maxDistortionShift(cam: Camera, d: Distortion): number {
  let max = 0;
  const steps = 16;
  for (let i = 0; i <= steps; i++)
    for (let j = 0; j <= steps; j++) {
      const u = (i / steps) * cam.width, v = (j / steps) * cam.height;
      const [ud, vd] = distortPixel(cam, d, u, v);
      max = Math.max(max, Math.hypot(ud - u, vd - v));
    }
  return max;
}

export function undistortImage(img: RGBAImage, cam: Pick<Camera, 'fx' | 'fy' | 'cx' | 'cy'>, d: Distortion): RGBAImage {
  const { width: W, height: H, data } = img;
  const out = createImage(W, H);
  const o = out.data;
  for (let j = 0; j < H; j++)
    for (let i = 0; i < W; i++) {
      // Pixel centres are at (i + 0.5, j + 0.5) (DESIGN.md); sample at the distorted centre.
      const [u, v] = distortPixel(cam, d, i + 0.5, j + 0.5);
      const x = u - 0.5, y = v - 0.5;
      const x0 = Math.floor(x), y0 = Math.floor(y);
      const fx = x - x0, fy = y - y0;
      const k = (j * W + i) * 4;
      const xa = clamp(x0, W), xb = clamp(x0 + 1, W), ya = clamp(y0, H), yb = clamp(y0 + 1, H);
      const a = (ya * W + xa) * 4, b = (ya * W + xb) * 4, c0 = (yb * W + xa) * 4, e = (yb * W + xb) * 4;
      for (let c = 0; c < 4; c++)
        o[k + c] = Math.round((1 - fy) * ((1 - fx) * data[a + c] + fx * data[b + c]) + fy * ((1 - fx) * data[c0 + c] + fx * data[e + c]));
    }
  return out;
}

function clamp(i: number, n: number): number {
  return i < 0 ? 0 : i >= n ? n - 1 : i;
}
