/**
 * PSNR, as the NeRF / 3DGS / sparse-view papers compute it:
 *   PSNR = 10 * log10(R^2 / MSE), data range R = 1, values = sRGB bytes / 255, RGB only
 *   (alpha ignored), MSE = mean over all pixels AND all three channels.
 * This is skimage.metrics.peak_signal_noise_ratio(gt, pred, data_range=1.0) on float RGB in
 * [0, 1], and the papers' `-10 * log10(mse)` (RegNeRF, FreeNeRF, SparseGS, SpaRe, 3DGS).
 * Checked against skimage 0.19 in tests/core/metrics.test.ts (fixtures from
 * scripts/metrics/skimage_fixtures.py).
 *
 * Masks (DTU and object-centric benchmarks): two conventions exist and both are provided.
 * - `applyMaskBlack` + `psnr`: background of BOTH images set to black, then the full-image metric
 *   (the DTU protocol of RegNeRF / FreeNeRF / SpaRe: background pixels then count as perfect
 *   matches, so the score depends on how much of the frame the object fills).
 * - `psnrInMask`: MSE over the mask's pixels only (object pixels, all three channels).
 */
import type { RGBAImage } from '../image.ts';
import { assertMaskSize, assertSameSize } from './common.ts';
import { portableLog10 } from './portableLog10.ts';

/**
 * PSNR in dB from a mean squared error on values in [0, 1]. MSE 0 gives Infinity. The log is
 * engine-independent, so the app and the command line print the same digits.
 */
export function psnrFromMse(mse: number): number {
  return mse === 0 ? Infinity : -10 * portableLog10(mse);
}

/**
 * Mean squared error over RGB of all pixels, values scaled to [0, 1]. Sums squared byte
 * differences as integers (exact) and scales once at the end.
 */
export function mse(a: RGBAImage, b: RGBAImage): number {
  assertSameSize(a, b, 'mse');
  const da = a.data, db = b.data;
  const n = a.width * a.height;
  let sum = 0;
  for (let i = 0, p = 0; i < n; i++, p += 4) {
    const dr = da[p] - db[p], dg = da[p + 1] - db[p + 1], dbl = da[p + 2] - db[p + 2];
    sum += dr * dr + dg * dg + dbl * dbl;
  }
  return sum / (255 * 255 * 3 * n);
}

/**
 * Full-image PSNR in dB (RGB, data range 1). Identical images have MSE 0 and give Infinity
 * (as skimage, which returns inf); averaging over views then gives Infinity too, so callers that
 * average should decide how to cap it. Throws RangeError when the sizes differ.
 */
export function psnr(a: RGBAImage, b: RGBAImage): number {
  return psnrFromMse(mse(a, b));
}

/**
 * MSE over the mask's pixels only (nonzero = object), RGB, values in [0, 1].
 * Empty mask: NaN (the mean of nothing). NaN rather than a throw so a batch evaluation keeps
 * going, while the NaN still poisons any average it enters, so a missing object cannot be
 * silently scored as perfect or as zero. Test with Number.isNaN when that matters.
 */
export function mseInMask(a: RGBAImage, b: RGBAImage, mask: Uint8Array): number {
  assertSameSize(a, b, 'mseInMask');
  assertMaskSize(a, mask, 'mseInMask');
  const da = a.data, db = b.data;
  const n = a.width * a.height;
  let sum = 0, count = 0;
  for (let i = 0, p = 0; i < n; i++, p += 4) {
    if (mask[i] === 0) continue;
    const dr = da[p] - db[p], dg = da[p + 1] - db[p + 1], dbl = da[p + 2] - db[p + 2];
    sum += dr * dr + dg * dg + dbl * dbl;
    count++;
  }
  return count === 0 ? NaN : sum / (255 * 255 * 3 * count);
}

/**
 * PSNR in dB over the mask's pixels only (see mseInMask). Empty mask: NaN (documented there);
 * identical inside the mask: Infinity.
 */
export function psnrInMask(a: RGBAImage, b: RGBAImage, mask: Uint8Array): number {
  const m = mseInMask(a, b, mask);
  return Number.isNaN(m) ? NaN : psnrFromMse(m);
}

/**
 * A copy of `img` with RGB set to 0 where the mask is 0 (alpha is copied unchanged; metrics
 * ignore it). Apply to BOTH the render and the ground truth, then use the full-image metrics:
 * that is the DTU protocol (RegNeRF, FreeNeRF, SpaRe).
 */
export function applyMaskBlack(img: RGBAImage, mask: Uint8Array): RGBAImage {
  assertMaskSize(img, mask, 'applyMaskBlack');
  const data = new Uint8ClampedArray(img.data);
  const n = img.width * img.height;
  for (let i = 0, p = 0; i < n; i++, p += 4)
    if (mask[i] === 0) {
      data[p] = 0;
      data[p + 1] = 0;
      data[p + 2] = 0;
    }
  return { width: img.width, height: img.height, data };
}
