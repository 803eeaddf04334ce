/**
 * An image turned in its own plane by any angle, on a canvas large enough to hold all of it, with
 * the map back to the source's pixels and a mask of the canvas pixels that came from the source.
 *
 * Why: learned descriptors (ALIKE, XFeat) are not rotation invariant. Two photos whose cameras
 * differ by 30 degrees or more of roll (DTU's robot arm; a phone held at a slant) match almost
 * nothing until one of them is turned upright (measured on DTU 025/022: 15 correct matches unturned,
 * 161 with 022 turned by 45 degrees). See ./uprightSearch.ts.
 */
import { createImage, type RGBAImage } from '../../../core/image.ts';

export interface RotatedImage {
  image: RGBAImage;
  /** 1 where the canvas pixel (and its neighbourhood, `border` px) lies inside the source. */
  valid: Uint8Array;
  /** Canvas pixel -> source pixel (pixel-centre convention of src/core/camera.ts). */
  toSource(u: number, v: number): [number, number];
  degrees: number;
}

/**
 * `img` turned by `degrees` (counter-clockwise as seen on screen, y down), bilinear. 0 returns the
 * image itself. `border`: the valid mask stays this many pixels away from the source's edges, so a
 * detector does not fire on the edge between the photo and the empty canvas.
 */
export function rotateImage(img: RGBAImage, degrees: number, border = 3): RotatedImage {
  const { width: w, height: h } = img;
  const th = (degrees * Math.PI) / 180;
  const c = Math.cos(th), s = Math.sin(th);
  if (Math.abs(s) < 1e-12 && c > 0) {
    const valid = new Uint8Array(w * h);
    for (let y = border; y < h - border; y++) valid.fill(1, y * w + border, (y + 1) * w - border);
    return { image: img, valid, toSource: (u, v) => [u, v], degrees: 0 };
  }
  const W = Math.ceil(Math.abs(w * c) + Math.abs(h * s) - 1e-9), H = Math.ceil(Math.abs(w * s) + Math.abs(h * c) - 1e-9);
  const cx = w / 2, cy = h / 2, CX = W / 2, CY = H / 2;
  // Canvas (u, v) = centre + Rot(-th) applied to the source offset; its inverse below.
  const toSource = (u: number, v: number): [number, number] => {
    const x = u - CX, y = v - CY;
    return [c * x - s * y + cx, s * x + c * y + cy];
  };
  const { image, valid } = resampleOnCanvas(img, W, H, toSource, border);
  return { image, valid, toSource, degrees };
}

/**
 * A W x H canvas drawn from `img` through `toSource` (canvas pixel -> source pixel, pixel-centre
 * convention), bilinear, averaged over `taps` (offsets in source pixels; default one, no offset),
 * and the canvas pixels whose source lies `border` pixels or more inside the source.
 */
export function resampleOnCanvas(
  img: RGBAImage, W: number, H: number, toSource: (u: number, v: number) => [number, number], border: number,
  taps: readonly (readonly [number, number])[] = [[0, 0]],
): { image: RGBAImage; valid: Uint8Array } {
  const { width: w, height: h } = img;
  const out = createImage(W, H);
  const valid = new Uint8Array(W * H);
  const acc = [0, 0, 0, 0];
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      const [su, sv] = toSource(x + 0.5, y + 0.5);
      if (su < 0 || sv < 0 || su > w || sv > h) continue;
      if (su >= border && sv >= border && su <= w - border && sv <= h - border) valid[y * W + x] = 1;
      acc.fill(0);
      for (const [dx, dy] of taps) {
        const fx = Math.min(Math.max(su + dx - 0.5, 0), w - 1), fy = Math.min(Math.max(sv + dy - 0.5, 0), h - 1);
        const x0 = Math.floor(fx), y0 = Math.floor(fy), x1 = Math.min(x0 + 1, w - 1), y1 = Math.min(y0 + 1, h - 1);
        const wx = fx - x0, wy = fy - y0;
        for (let k = 0; k < 4; k++) {
          const a = img.data[(y0 * w + x0) * 4 + k] * (1 - wx) + img.data[(y0 * w + x1) * 4 + k] * wx;
          const b = img.data[(y1 * w + x0) * 4 + k] * (1 - wx) + img.data[(y1 * w + x1) * 4 + k] * wx;
          acc[k] += a * (1 - wy) + b * wy;
        }
      }
      const d = (y * W + x) * 4;
      for (let k = 0; k < 4; k++) out.data[d + k] = Math.round(acc[k] / taps.length);
    }
  return { image: out, valid };
}

/** A 0/1 source mask carried onto the rotated canvas (nearest), and-ed with the canvas's valid mask. */
export function rotateMask(r: RotatedImage, mask: Uint8Array, width: number, height: number): Uint8Array {
  const { width: W, height: H } = r.image;
  const out = new Uint8Array(W * H);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      if (!r.valid[y * W + x]) continue;
      const [su, sv] = r.toSource(x + 0.5, y + 0.5);
      const i = Math.min(width - 1, Math.max(0, Math.floor(su))), j = Math.min(height - 1, Math.max(0, Math.floor(sv)));
      out[y * W + x] = mask[j * width + i] ? 1 : 0;
    }
  return out;
}

/** Keypoints detected on the canvas, moved (in place) to the source's pixels. */
export function keypointsToSource(keypoints: Float32Array, r: RotatedImage): void {
  if (r.degrees === 0) return;
  for (let k = 0; k < keypoints.length; k += 2) {
    const [u, v] = r.toSource(keypoints[k], keypoints[k + 1]);
    keypoints[k] = u;
    keypoints[k + 1] = v;
  }
}
