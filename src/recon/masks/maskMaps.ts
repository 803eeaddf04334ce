/**
 * Plain helpers over masks and probability maps (no OpenCV): thresholding a kept probability
 * map (what the UI re-thresholds with), bilinear resizing of float maps (pixel-centre aligned,
 * as core/image.ts resizeImage), the sanity checks behind each mask's warning, and IoU.
 *
 * Conventions: a mask is width*height bytes, 1 = object, 0 = background (LoadedView.maskData,
 * HullView.mask). A probability map is width*height bytes, 0..255 = foreground probability
 * 0..1; the mask at threshold t is `probability >= t * 255`.
 */

/** The mask of a probability map at `threshold` (0..1): 1 where probability >= threshold. */
export function thresholdProbability(probability: Uint8Array, threshold = 0.5): Uint8Array {
  if (!(threshold >= 0 && threshold <= 1)) throw new RangeError(`mask threshold must be between 0 and 1, got ${threshold}`);
  const cut = threshold * 255;
  const out = new Uint8Array(probability.length);
  for (let i = 0; i < probability.length; i++) out[i] = probability[i] >= cut ? 1 : 0;
  return out;
}

/** A float map in [0, 1] as bytes 0..255 (rounded, clamped; NaN counts as 0). */
export function quantizeProbability(p: Float32Array): Uint8Array {
  const out = new Uint8Array(p.length);
  for (let i = 0; i < p.length; i++) {
    const v = p[i];
    out[i] = v > 0 ? (v >= 1 ? 255 : Math.round(v * 255)) : 0;
  }
  return out;
}

/**
 * Bilinear resize of a one-channel float map, pixel-centre aligned: output pixel x samples the
 * input at (x + 0.5) * w / W - 0.5, clamped to the edge pixels (the same rule as resizeImage).
 */
export function resizeFloatMap(src: Float32Array, w: number, h: number, W: number, H: number): Float32Array {
  if (src.length !== w * h) throw new RangeError(`map has ${src.length} values, expected ${w}x${h}`);
  if (w === W && h === H) return src.slice();
  const out = new Float32Array(W * H);
  const sx = w / W, sy = h / H;
  const x0s = new Int32Array(W), x1s = new Int32Array(W), wxs = new Float32Array(W);
  for (let x = 0; x < W; x++) {
    const fx = Math.min(Math.max((x + 0.5) * sx - 0.5, 0), w - 1);
    const x0 = Math.floor(fx);
    x0s[x] = x0;
    x1s[x] = Math.min(x0 + 1, w - 1);
    wxs[x] = fx - x0;
  }
  for (let y = 0; y < H; y++) {
    const fy = Math.min(Math.max((y + 0.5) * sy - 0.5, 0), h - 1);
    const y0 = Math.floor(fy), y1 = Math.min(y0 + 1, h - 1), wy = fy - y0;
    const r0 = y0 * w, r1 = y1 * w, o = y * W;
    for (let x = 0; x < W; x++) {
      const a = src[r0 + x0s[x]] * (1 - wxs[x]) + src[r0 + x1s[x]] * wxs[x];
      const b = src[r1 + x0s[x]] * (1 - wxs[x]) + src[r1 + x1s[x]] * wxs[x];
      out[o + x] = a * (1 - wy) + b * wy;
    }
  }
  return out;
}

/** Intersection over union of two masks (non-zero = object); 1 when both are empty. */
export function maskIoU(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) throw new RangeError(`masks differ in size (${a.length} vs ${b.length} pixels)`);
  let inter = 0, union = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] !== 0, y = b[i] !== 0;
    if (x && y) inter++;
    if (x || y) union++;
  }
  return union === 0 ? 1 : inter / union;
}

/** Fraction of the frame a mask covers. */
export function maskArea(mask: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < mask.length; i++) if (mask[i] !== 0) n++;
  return mask.length ? n / mask.length : 0;
}

/** How decisive a probability map is: mean |2p - 1| over the frame (0 = all 0.5, 1 = all 0 or 1). */
export function probabilityConfidence(probability: Uint8Array): number {
  if (probability.length === 0) return 0;
  let s = 0;
  for (let i = 0; i < probability.length; i++) s += Math.abs(2 * probability[i] - 255);
  return s / (255 * probability.length);
}

/** Which image borders (top, bottom, left, right) the mask touches. */
export function bordersTouched(mask: Uint8Array, W: number, H: number): { top: boolean; bottom: boolean; left: boolean; right: boolean } {
  let top = false, bottom = false, left = false, right = false;
  for (let x = 0; x < W; x++) {
    if (mask[x]) top = true;
    if (mask[(H - 1) * W + x]) bottom = true;
  }
  for (let y = 0; y < H; y++) {
    if (mask[y * W]) left = true;
    if (mask[y * W + W - 1]) right = true;
  }
  return { top, bottom, left, right };
}

/** Below this fraction of the frame a mask is called empty. */
export const MIN_OBJECT_AREA = 0.002;
/** Above this fraction of the frame a mask is called full frame. */
export const MAX_OBJECT_AREA = 0.95;

/**
 * Why a mask looks wrong, or null: empty, (nearly) the full frame, or touching all four borders
 * (the object fills the picture or the background was taken for it). `label` names the photo.
 */
export function maskWarning(mask: Uint8Array, W: number, H: number, label: string): string | null {
  const area = maskArea(mask);
  if (area < MIN_OBJECT_AREA)
    return `${label}: no object found (the mask is empty). Use a photo with the object in the middle on a plain background, or draw the mask by hand.`;
  if (area > MAX_OBJECT_AREA)
    return `${label}: the mask covers ${(area * 100).toFixed(0)}% of the frame, so the object and the background were not told apart. Use a plainer background or a salient-object model.`;
  const b = bordersTouched(mask, W, H);
  if (b.top && b.bottom && b.left && b.right)
    return `${label}: the mask touches all four borders of the photo; part of the background was probably taken for the object. Check it, or step back so the whole object is in the frame.`;
  return null;
}
