/**
 * Shared helpers of the image metrics: size checks, mask bounding box, crops.
 * Metrics read RGB only (alpha is ignored) and scale bytes to [0, 1] (data range 1).
 */
import type { RGBAImage } from '../image.ts';

/** Throws when two images differ in size (comparing them is a bug in the caller, not bad input). */
export function assertSameSize(a: RGBAImage, b: RGBAImage, what = 'metric'): void {
  if (a.width !== b.width || a.height !== b.height)
    throw new RangeError(`${what}: images differ in size (${a.width}x${a.height} vs ${b.width}x${b.height})`);
}

/** Throws when a mask is not one byte per pixel of the image. */
export function assertMaskSize(img: RGBAImage, mask: Uint8Array, what = 'metric'): void {
  if (mask.length !== img.width * img.height)
    throw new RangeError(
      `${what}: mask has ${mask.length} entries, the image ${img.width}x${img.height} has ${img.width * img.height} pixels`,
    );
}

/** Inclusive-exclusive pixel rectangle: columns [x0, x1), rows [y0, y1). */
export interface PixelBox {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** Bounding box of the nonzero pixels of a mask, or null when the mask is empty. */
export function maskBoundingBox(mask: Uint8Array, width: number, height: number): PixelBox | null {
  let x0 = width, y0 = height, x1 = -1, y1 = -1;
  for (let y = 0; y < height; y++) {
    const row = y * width;
    let first = -1, last = -1;
    for (let x = 0; x < width; x++)
      if (mask[row + x] !== 0) {
        if (first < 0) first = x;
        last = x;
      }
    if (first < 0) continue;
    if (y < y0) y0 = y;
    y1 = y;
    if (first < x0) x0 = first;
    if (last > x1) x1 = last;
  }
  return x1 < 0 ? null : { x0, y0, x1: x1 + 1, y1: y1 + 1 };
}

/** A copy of the rectangle `box` of an image. */
export function cropImage(img: RGBAImage, box: PixelBox): RGBAImage {
  const w = box.x1 - box.x0, h = box.y1 - box.y0;
  if (!(w > 0 && h > 0 && box.x0 >= 0 && box.y0 >= 0 && box.x1 <= img.width && box.y1 <= img.height))
    throw new RangeError(`crop box ${JSON.stringify(box)} is not inside the ${img.width}x${img.height} image`);
  const data = new Uint8ClampedArray(w * h * 4);
  for (let y = 0; y < h; y++) {
    const src = ((box.y0 + y) * img.width + box.x0) * 4;
    data.set(img.data.subarray(src, src + w * 4), y * w * 4);
  }
  return { width: w, height: h, data };
}

/** A copy of a mask's rectangle `box` (mask is width*height, row-major). */
export function cropMask(mask: Uint8Array, width: number, box: PixelBox): Uint8Array {
  const w = box.x1 - box.x0, h = box.y1 - box.y0;
  const out = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    const src = (box.y0 + y) * width + box.x0;
    out.set(mask.subarray(src, src + w), y * w);
  }
  return out;
}
