/**
 * What may be wrong with the photos themselves, found while placing them, in words that say what
 * to do: two photos of the same shot (no parallax between them: they add nothing and can start
 * SfM from a zero baseline), a blurred photo (few and poor keypoints), and a photo that shares
 * almost no features with any other (another object, or taken from too far round the object).
 * Warnings, not refusals: the stage still places what it can.
 */
import { resizeImage, type RGBAImage } from '../../core/image.ts';
import type { Features } from './features/types.ts';
import type { SfmMatches } from './incrementalSfm.ts';

export type PhotoWarningKind = 'duplicate' | 'blurred' | 'unrelated';

export interface PhotoWarning {
  /** The photo the warning is about (index into the input). */
  view: number;
  kind: PhotoWarningKind;
  message: string;
}

/** Matched keypoints that moved less than this (fraction of the photo's diagonal, median): the same shot. */
export const DUPLICATE_SHIFT = 0.01;
/** At least this many matches before two photos can be called the same shot. */
const DUPLICATE_MIN_MATCHES = 30;
/** Sharpness below this fraction of the other photos' median: blurred. */
export const BLUR_RATIO = 0.35;
/**
 * A photo whose best pair has fewer geometric inliers than this, and under UNRELATED_RATIO of the
 * other photos' (median of their best pairs): unrelated. Inliers, not raw matches: repeated
 * textures and noise match by descriptor alone.
 */
export const UNRELATED_INLIERS = 20;
export const UNRELATED_RATIO = 0.4;

/** Side of the copy sharpness is measured on, so that photos of other sizes compare. */
const SHARPNESS_SIDE = 384;

/**
 * Variance of the Laplacian of the luminance (the usual focus measure) on a copy no longer than
 * 384 px, inside `mask` when given (the background is often plain and would read as blur).
 */
export function sharpness(img: RGBAImage, mask?: Uint8Array): number {
  const s = Math.min(1, SHARPNESS_SIDE / Math.max(img.width, img.height));
  const w = Math.max(3, Math.round(img.width * s)), h = Math.max(3, Math.round(img.height * s));
  const small = s < 1 ? resizeImage(img, w, h) : img;
  const lum = new Float32Array(w * h);
  for (let i = 0; i < w * h; i++) lum[i] = 0.299 * small.data[4 * i] + 0.587 * small.data[4 * i + 1] + 0.114 * small.data[4 * i + 2];
  let n = 0, sum = 0, sum2 = 0;
  for (let y = 1; y < h - 1; y++)
    for (let x = 1; x < w - 1; x++) {
      if (mask) {
        // Mask pixels of the full photo under this pixel of the copy.
        const mx = Math.min(img.width - 1, Math.floor(((x + 0.5) * img.width) / w)), my = Math.min(img.height - 1, Math.floor(((y + 0.5) * img.height) / h));
        if (!mask[my * img.width + mx]) continue;
      }
      const i = y * w + x;
      const l = lum[i - 1] + lum[i + 1] + lum[i - w] + lum[i + w] - 4 * lum[i];
      n++; sum += l; sum2 += l * l;
    }
  if (n < 16) return 0;
  const mean = sum / n;
  return sum2 / n - mean * mean;
}

function median(v: number[]): number {
  const s = [...v].sort((a, b) => a - b);
  return s.length ? s[Math.floor((s.length - 1) / 2)] : NaN;
}

/** Median shift of matched keypoints (flat [i0, j0, i1, j1, …]) as a fraction of the photo's diagonal. */
function medianShift(fa: Features, fb: Features, pairs: ArrayLike<number>): number {
  const d: number[] = [];
  for (let k = 0; k + 1 < pairs.length; k += 2) {
    const i = pairs[k], j = pairs[k + 1];
    // In each photo's own fractions of its size, so photos of other sizes compare.
    const du = (fa.keypoints[2 * i] / fa.width - fb.keypoints[2 * j] / fb.width) * fa.width;
    const dv = (fa.keypoints[2 * i + 1] / fa.height - fb.keypoints[2 * j + 1] / fb.height) * fa.height;
    d.push(Math.hypot(du, dv) / Math.hypot(fa.width, fa.height));
  }
  return median(d);
}

/**
 * The warnings for `images` (named `names` in the messages) from their features, matches and the
 * pairs' geometric inliers (SfM's two-view geometry); `masks` (optional, per photo) restrict the
 * sharpness measure to the object.
 */
export function photoWarnings(
  images: readonly RGBAImage[], names: readonly string[], features: readonly Features[], matches: readonly SfmMatches[],
  pairInliers: readonly { a: number; b: number; inliers: number }[], masks?: readonly (Uint8Array | undefined)[],
): PhotoWarning[] {
  const n = images.length;
  const out: PhotoWarning[] = [];

  // The same shot twice: many matches that hardly moved.
  const duplicateOf = new Map<number, number>();
  for (const m of matches) {
    const count = m.pairs.length >> 1;
    if (count < DUPLICATE_MIN_MATCHES || duplicateOf.has(m.b)) continue;
    if (medianShift(features[m.a], features[m.b], m.pairs) < DUPLICATE_SHIFT) duplicateOf.set(m.b, m.a);
  }
  for (const [b, a] of duplicateOf)
    out.push({ view: b, kind: 'duplicate', message: `${names[b]} looks like the same shot as ${names[a]}: it adds nothing. Remove it, or retake it from another side of the object.` });

  // Blur: sharpness far below the others'.
  if (n >= 3) {
    const sharp = images.map((img, v) => sharpness(img, masks?.[v]));
    sharp.forEach((s, v) => {
      const others = median(sharp.filter((_, u) => u !== v));
      if (others > 0 && s < BLUR_RATIO * others)
        out.push({ view: v, kind: 'blurred', message: `${names[v]} is blurred (${Math.round((100 * s) / others)}% of the other photos' sharpness): retake it holding the camera still, with the object in focus.` });
    });
  }

  // A photo that matches no other, while the others match each other.
  if (n >= 3) {
    const best = new Array<number>(n).fill(0);
    for (const p of pairInliers) {
      best[p.a] = Math.max(best[p.a], p.inliers);
      best[p.b] = Math.max(best[p.b], p.inliers);
    }
    // Blur and duplicates explain their own lack of matches, and say so already.
    const explained = new Set(out.map((w) => w.view));
    best.forEach((b, v) => {
      if (explained.has(v)) return;
      const others = median(best.filter((_, u) => u !== v && !explained.has(u)));
      if (b < UNRELATED_INLIERS && b <= UNRELATED_RATIO * others)
        out.push({ view: v, kind: 'unrelated', message: `${names[v]} shares almost no features with the other photos (${b} consistent matches at most, the others ${others}): if it shows another object, remove it; if it is taken from far round the object, add a photo between it and the others.` });
    });
  }
  return out.sort((p, q) => p.view - q.view);
}
