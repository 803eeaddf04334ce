/**
 * Images to the repair contract's tensors and back (README.md): RGB bytes to [-1, 1] planes
 * (NCHW), the render's alpha to [0, 1], at a size the model takes (multiples of `sizeMultiple`,
 * the longer side near `maxSide`: a fully convolutional model runs at any such size, and the
 * training images need not be multiples of 16). Bilinear both ways (core/image resizeImage).
 */
import { createImage, resizeImage, type RGBAImage } from '../../core/image.ts';

/**
 * The model's H x W for an image of `width` x `height`: scaled so the longer side is at most
 * `maxSide`, each side then rounded to the nearest multiple of `multiple` (at least one).
 */
export function modelSize(width: number, height: number, maxSide: number, multiple: number): { width: number; height: number } {
  const s = Math.min(1, maxSide / Math.max(width, height));
  const round = (v: number) => Math.max(multiple, Math.round((v * s) / multiple) * multiple);
  return { width: round(width), height: round(height) };
}

/** RGB bytes of `img` as 3 planes in [-1, 1], written at `out[offset..]`. */
export function writeRgbPlanes(img: RGBAImage, out: Float32Array, offset: number): void {
  const n = img.width * img.height;
  const d = img.data;
  for (let p = 0; p < n; p++) for (let c = 0; c < 3; c++) out[offset + c * n + p] = (d[4 * p + c] / 255) * 2 - 1;
}

/** The A bytes of `img` as one plane in [0, 1], written at `out[offset..]`. */
export function writeAlphaPlane(img: RGBAImage, out: Float32Array, offset: number): void {
  const n = img.width * img.height;
  for (let p = 0; p < n; p++) out[offset + p] = img.data[4 * p + 3] / 255;
}

/** 3 planes in [-1, 1] from `planes[offset..]` to an opaque RGBA image ([0, 1] -> bytes, rounded). */
export function planesToImage(planes: Float32Array, offset: number, width: number, height: number): RGBAImage {
  const n = width * height;
  const img = createImage(width, height);
  for (let p = 0; p < n; p++) {
    for (let c = 0; c < 3; c++) {
      const v = (Math.min(1, Math.max(-1, planes[offset + c * n + p])) + 1) / 2;
      img.data[4 * p + c] = Math.round(v * 255);
    }
    img.data[4 * p + 3] = 255;
  }
  return img;
}

export interface RepairTensors {
  /** N*3*H*W: the renders, the x the SDEdit start noises. */
  render: Float32Array;
  /** N*7*H*W: render RGB, render alpha, nearest photo RGB. */
  cond: Float32Array;
}

/**
 * The batch's tensors at W x H: `renders` carry the render's RGB and its alpha in A; `photos` are
 * the nearest input photos (any size; resized like the renders).
 */
export function repairTensors(renders: readonly RGBAImage[], photos: readonly RGBAImage[], width: number, height: number): RepairTensors {
  const n = width * height;
  const render = new Float32Array(renders.length * 3 * n);
  const cond = new Float32Array(renders.length * 7 * n);
  renders.forEach((r, i) => {
    const rs = resizeImage(r, width, height);
    const ps = resizeImage(photos[i], width, height);
    writeRgbPlanes(rs, render, i * 3 * n);
    writeRgbPlanes(rs, cond, i * 7 * n);
    writeAlphaPlane(rs, cond, i * 7 * n + 3 * n);
    writeRgbPlanes(ps, cond, i * 7 * n + 4 * n);
  });
  return { render, cond };
}
