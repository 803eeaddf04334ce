/**
 * The region of a photo that features are detected in when the photo has an object mask: the
 * mask's bounding box grown by a margin, clamped to the photo.
 *
 * Why: learned detectors (ALIKE, XFeat) are not scale invariant. In a photo where the object is
 * small (DTU's view 040, taken from farther away), its corners are at a finer scale than in the
 * other photos, and the upright search found at most 17 matches with any of them. Detecting on
 * the crop, resized like a whole photo (estimatePoses: the longest side between detectMinSide and
 * detectMaxSide), brings the object to about the same size in every photo, and spends the
 * keypoint budget on the object instead of the background the mask would drop anyway.
 */
import { createImage, type RGBAImage } from '../../../core/image.ts';

export interface CropRect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Below this many mask pixels the mask says nothing about where the object is: no crop. */
const MIN_MASK_PIXELS = 64;

/**
 * The mask's bounding box grown by `margin` of its longest side on every side, clamped to the
 * image; null when the mask is (nearly) empty or the box is (nearly) the whole image.
 */
export function maskCropRect(mask: Uint8Array, width: number, height: number, margin = 0.15): CropRect | null {
  let x0 = width, y0 = height, x1 = -1, y1 = -1, count = 0;
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      if (mask[y * width + x]) {
        count++;
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
  if (count < MIN_MASK_PIXELS) return null;
  const grow = Math.ceil(margin * Math.max(x1 - x0 + 1, y1 - y0 + 1));
  const x = Math.max(0, x0 - grow), y = Math.max(0, y0 - grow);
  const rect = { x, y, width: Math.min(width, x1 + 1 + grow) - x, height: Math.min(height, y1 + 1 + grow) - y };
  // A crop that keeps nearly everything would only cost a copy.
  if (rect.width * rect.height > 0.9 * width * height) return null;
  return rect;
}

export function cropImage(img: RGBAImage, r: CropRect): RGBAImage {
  const out = createImage(r.width, r.height);
  for (let y = 0; y < r.height; y++) {
    const src = ((r.y + y) * img.width + r.x) * 4;
    out.data.set(img.data.subarray(src, src + r.width * 4), y * r.width * 4);
  }
  return out;
}

export function cropMask(mask: Uint8Array, width: number, r: CropRect): Uint8Array {
  const out = new Uint8Array(r.width * r.height);
  for (let y = 0; y < r.height; y++) out.set(mask.subarray((r.y + y) * width + r.x, (r.y + y) * width + r.x + r.width), y * r.width);
  return out;
}
