/**
 * The estimated masks' safety margin, and the photos that go without it. Small and free of
 * OpenCV so that the poses stage can apply the same margin (see estimatePoses).
 */
import { dilateMask } from '../../core/morphology.ts';
import type { RGBAImage } from '../../core/image.ts';

/**
 * Default EstimateMasksOptions.margin: 0.4% of the diagonal (2 px at 400x300). The estimated
 * masks err on the side of cutting the object (DTU scan37, 9 inputs, model-free: recall
 * 0.92-0.98 at precision 0.96-1.00), and a cut costs more than a rim of background: the hull
 * carves the object away where one view's mask misses it, and the alpha-vs-mask loss teaches
 * transparency there. Unposed DTU 9 (500 steps, half size), one set of estimated poses trained
 * three ways: 18.34 dB masked with the masks as cut, 19.34 grown by 2 px, 19.30 with DTU's own
 * masks; bench:recon's unposed row, poses estimated anew: 18.33 -> 18.79 (known poses 20.78).
 */
export const MASK_MARGIN = 0.004;

/** Luma levels (0..255) a flat border's 10th-90th percentile range may span (8-bit rounding of a smooth gradient). */
const FLAT_BORDER_LEVELS = 2;

/**
 * Whether the photo's outer ring (3 px) is one flat colour: its luma's 10th and 90th percentiles
 * at most FLAT_BORDER_LEVELS apart. Rendered scenes on a plain background (Blender lego, the
 * generated scenes) give 0; real photos, even of an object on a backdrop, have sensor noise and
 * shading (DTU scan37: 50-251 levels). On a flat background the cut lands on the object's edge
 * (lego without the margin: recall 0.998-1.000, precision 0.98-0.99 at 200x200), and the margin
 * only adds a rim of background that training takes for object. Lego 8, 500 steps at 200x200,
 * 8 of its test views (a diagnostic script, not in the repo): known cameras 22.02 dB with lego's
 * alpha, 20.56 with the estimated masks grown by the margin, 21.67 without it; with the estimated
 * cameras (2.20 deg) 19.88 and 20.89.
 */
export function flatBorder(img: RGBAImage): boolean {
  const { width: W, height: H, data } = img;
  const ring = 3;
  const luma: number[] = [];
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      // Inside rows: jump from the left ring to the right one.
      if (x >= ring && y >= ring && x < W - ring && y < H - ring) { x = W - ring - 1; continue; }
      const p = 4 * (y * W + x);
      luma.push(0.299 * data[p] + 0.587 * data[p + 1] + 0.114 * data[p + 2]);
    }
  if (!luma.length) return false;
  luma.sort((a, b) => a - b);
  return luma[Math.floor(0.9 * (luma.length - 1))] - luma[Math.floor(0.1 * (luma.length - 1))] <= FLAT_BORDER_LEVELS;
}

/** The margin the masks stage gives a photo by default: none on a flat border, else MASK_MARGIN. */
export function defaultMaskMargin(img: RGBAImage): number {
  return flatBorder(img) ? 0 : MASK_MARGIN;
}

/**
 * The masks the silhouette placement works with: each flat-border photo's mask grown by the
 * MASK_MARGIN the masks stage left off (others as they are). Why: the placement's search was
 * tuned on margined masks, and lego 8's five guessed views land worse on the exact ones (same
 * matches: median pairwise rotation error 4.42 deg against 2.20), while training gains from them.
 */
export function masksWithMargin(images: readonly RGBAImage[], masks: readonly (Uint8Array | null | undefined)[]): (Uint8Array | undefined)[] {
  return masks.map((m, v) => {
    const img = images[v];
    if (!m || !img || !flatBorder(img)) return m ?? undefined;
    return dilateMask(m, img.width, img.height, Math.round(MASK_MARGIN * Math.hypot(img.width, img.height)));
  });
}
