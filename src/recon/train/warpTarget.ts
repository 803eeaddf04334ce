/**
 * The warp target of a pseudo view (issue 14, item 4: "consistent in colour with the nearest
 * input, warped"): what the pseudo view should show if the cloud's surface there is right and
 * its colours are the photos'.
 *
 * For each pseudo pixel the cloud covers (alpha >= alphaMin), the surface point is the pixel's ray
 * at the rendered surface depth D / A (the expected depth over the coverage, as the depth
 * smoothness). It is projected into the input views in the order given (nearest first); the first
 * that sees it gives the target:
 * - it must fall inside that view's image, in front of its camera;
 * - not behind that view's own rendered surface by more than `occlusion` (relative): a point hidden
 *   from the input has no colour there (the cloud's surface stands in for the true one);
 * - inside its mask when it has one: then the photo's colour, bilinear; outside the mask, the
 *   background (the point lies where that photo shows no object, so nothing should be there).
 * Any other pixel (uncovered, or seen by no input) keeps the render's own colour: the loss there is
 * (nearly) zero and pulls nothing.
 *
 * A fixed point of the warp is a cloud whose surface, seen from the pseudo view, carries the same
 * colour each input photo shows at that surface point: a splat at the wrong depth that reproduces
 * one input's pixel is warped back onto that same pixel only from that input, and the pseudo views
 * nearer other inputs then ask for those inputs' colours.
 *
 * Platform-agnostic (no GPU): the trainer reads the renders back and uploads the target.
 */
import { cameraCenter, pixelDirection, projectPoint, type Camera } from '../../core/camera.ts';
import type { RGBAImage } from '../../core/image.ts';

export type Rgb = [number, number, number];

/** A render of the current cloud: RGB composited on the background, coverage, expected depth. */
export interface WarpRender {
  camera: Camera;
  /** width*height*3, composited on the background. */
  rgb: Float32Array;
  /** width*height coverage. */
  alpha: Float32Array;
  /** width*height expected camera depth (sum of weight x depth; surface depth = depth / alpha). */
  depth: Float32Array;
}

/** An input view: its photo (and mask) and the cloud's render from it (for occlusion). */
export interface WarpSource {
  camera: Camera;
  photo: RGBAImage;
  /** width*height bytes, nonzero = object; null: no mask. */
  mask: Uint8Array | null;
  alpha: Float32Array;
  depth: Float32Array;
}

export interface WarpOptions {
  background: Rgb;
  /** Pixels with less coverage are not warped (default 0.5). */
  alphaMin?: number;
  /** A point farther than the input's own surface by more than this share of it is hidden (default 0.05). */
  occlusion?: number;
}

export interface WarpTarget {
  /** width*height*4 RGBA8 (A 255). */
  rgba: Uint8ClampedArray;
  /** Pixels that took an input photo's colour. */
  warped: number;
  /** Pixels that took the background (outside an input's mask). */
  outside: number;
}

const toByte = (x: number): number => Math.round(Math.min(1, Math.max(0, x)) * 255);

/** Bilinear sample of the photo's RGB (0..1) at continuous pixel position (u, v), pixel centres at i + 0.5. */
function samplePhoto(photo: RGBAImage, u: number, v: number, out: number[]): void {
  const { width: w, height: h, data } = photo;
  const x = Math.min(w - 1, Math.max(0, u - 0.5)), y = Math.min(h - 1, Math.max(0, v - 0.5));
  const x0 = Math.floor(x), y0 = Math.floor(y);
  const x1 = Math.min(w - 1, x0 + 1), y1 = Math.min(h - 1, y0 + 1);
  const fx = x - x0, fy = y - y0;
  for (let c = 0; c < 3; c++) {
    const a = data[4 * (y0 * w + x0) + c] * (1 - fx) + data[4 * (y0 * w + x1) + c] * fx;
    const b = data[4 * (y1 * w + x0) + c] * (1 - fx) + data[4 * (y1 * w + x1) + c] * fx;
    out[c] = (a * (1 - fy) + b * fy) / 255;
  }
}

/** Bilinear share of mask pixels that are object at (u, v). */
function sampleMask(mask: Uint8Array, w: number, h: number, u: number, v: number): number {
  const x = Math.min(w - 1, Math.max(0, u - 0.5)), y = Math.min(h - 1, Math.max(0, v - 0.5));
  const x0 = Math.floor(x), y0 = Math.floor(y);
  const x1 = Math.min(w - 1, x0 + 1), y1 = Math.min(h - 1, y0 + 1);
  const fx = x - x0, fy = y - y0;
  const m = (xx: number, yy: number) => (mask[yy * w + xx] !== 0 ? 1 : 0);
  return (m(x0, y0) * (1 - fx) + m(x1, y0) * fx) * (1 - fy) + (m(x0, y1) * (1 - fx) + m(x1, y1) * fx) * fy;
}

export function warpTarget(render: WarpRender, sources: readonly WarpSource[], o: WarpOptions): WarpTarget {
  const { camera } = render;
  const { width, height } = camera;
  const n = width * height;
  if (render.rgb.length !== 3 * n || render.alpha.length !== n || render.depth.length !== n)
    throw new RangeError(`warpTarget: the render's planes do not match its ${width}x${height} camera`);
  for (const s of sources)
    if (s.photo.width * s.photo.height !== s.camera.width * s.camera.height || s.alpha.length !== s.camera.width * s.camera.height)
      throw new RangeError('warpTarget: a source\'s photo or render does not match its camera');
  const alphaMin = o.alphaMin ?? 0.5;
  const occlusion = o.occlusion ?? 0.05;
  const centre = cameraCenter(camera);
  const rgba = new Uint8ClampedArray(4 * n);
  const dir: number[] = [0, 0, 0];
  const point: number[] = [0, 0, 0];
  const colour: number[] = [0, 0, 0];
  let warped = 0, outside = 0;
  for (let py = 0; py < height; py++) {
    for (let px = 0; px < width; px++) {
      const p = py * width + px;
      rgba[4 * p + 3] = 255;
      let done = false;
      const a = render.alpha[p];
      if (a >= alphaMin) {
        const s = render.depth[p] / a;
        pixelDirection(camera, px + 0.5, py + 0.5, dir);
        for (let k = 0; k < 3; k++) point[k] = centre[k] + s * dir[k];
        for (const src of sources) {
          const [u, v, z] = projectPoint(src.camera, point);
          const sw = src.camera.width, sh = src.camera.height;
          if (!(z > 0) || u < 0 || v < 0 || u >= sw || v >= sh) continue;
          const q = Math.floor(v) * sw + Math.floor(u);
          // Hidden behind the input's own surface: that input cannot say what colour it is.
          if (src.alpha[q] >= alphaMin && z > (src.depth[q] / src.alpha[q]) * (1 + occlusion)) continue;
          if (src.mask && sampleMask(src.mask, sw, sh, u, v) < 0.5) {
            for (let c = 0; c < 3; c++) rgba[4 * p + c] = toByte(o.background[c]);
            outside++;
          } else {
            samplePhoto(src.photo, u, v, colour);
            for (let c = 0; c < 3; c++) rgba[4 * p + c] = toByte(colour[c]);
            warped++;
          }
          done = true;
          break;
        }
      }
      if (!done) for (let c = 0; c < 3; c++) rgba[4 * p + c] = toByte(render.rgb[3 * p + c]);
    }
  }
  return { rgba, warped, outside };
}
