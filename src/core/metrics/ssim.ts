/**
 * SSIM as in Wang et al. 2004 ("Image quality assessment: from error visibility to structural
 * similarity") and exactly as scikit-image computes it with
 *   skimage.metrics.structural_similarity(gt, pred, gaussian_weights=True, sigma=1.5,
 *     use_sample_covariance=False, data_range=1.0, channel_axis=-1)
 * which is what RegNeRF / FreeNeRF / SpaRe / 3DGS-style evaluation scripts report:
 * - values = sRGB bytes / 255 (data range 1), RGB only (alpha ignored), float64 throughout;
 * - local statistics with a Gaussian window, sigma 1.5, truncate 3.5 -> radius int(3.5*1.5+0.5)
 *   = 5, i.e. 11 taps, normalised to sum 1 (scipy.ndimage._gaussian_kernel1d); separable;
 * - borders: skimage calls skimage._shared.filters.gaussian(..., mode='reflect') which is
 *   scipy.ndimage.gaussian_filter(mode='reflect'): half-sample symmetric extension
 *   (d c b a | a b c d | d c b a), the edge pixel repeated. Because the crop below (5 px) equals
 *   the window radius, the scalar SSIM never reads the extension; only the map's border does;
 * - population covariances (use_sample_covariance=False), C1 = (0.01 R)^2, C2 = (0.03 R)^2;
 * - S = (2 ux uy + C1)(2 vxy + C2) / ((ux^2 + uy^2 + C1)(vx + vy + C2)) per pixel;
 * - mean of S after cropping (win_size - 1) / 2 = 5 pixels from every border, per channel, then
 *   the mean over the three channels (channel_axis=-1).
 * Like skimage, images smaller than 11 pixels on a side are refused (RangeError).
 * Checked against skimage 0.19.3 / scipy 1.10 in tests/core/metrics.test.ts.
 */
import type { RGBAImage } from '../image.ts';
import { assertMaskSize, assertSameSize, cropImage, cropMask, maskBoundingBox } from './common.ts';
import { applyMaskBlack } from './psnr.ts';

export const SSIM_SIGMA = 1.5;
export const SSIM_TRUNCATE = 3.5;
/** int(truncate * sigma + 0.5), as scipy.ndimage and skimage compute it. */
export const SSIM_RADIUS = Math.floor(SSIM_TRUNCATE * SSIM_SIGMA + 0.5);
/** 11: the window side; also the smallest image side SSIM accepts. */
export const SSIM_WIN_SIZE = 2 * SSIM_RADIUS + 1;
export const SSIM_K1 = 0.01;
export const SSIM_K2 = 0.03;

/** A channel plane of width*height values (row-major), nominally in [0, 1]. */
export type Plane = Float64Array | Float32Array;

/** scipy.ndimage._gaussian_kernel1d(sigma, 0, radius): exp(-x^2 / (2 sigma^2)), normalised. */
export function gaussianKernel1d(sigma = SSIM_SIGMA, radius = SSIM_RADIUS): Float64Array {
  const k = new Float64Array(2 * radius + 1);
  let s = 0;
  for (let i = -radius; i <= radius; i++) s += k[i + radius] = Math.exp((-0.5 / (sigma * sigma)) * i * i);
  for (let i = 0; i < k.length; i++) k[i] /= s;
  return k;
}

const KERNEL = gaussianKernel1d();

/** scipy.ndimage 'reflect' index for offsets of at most one length beyond either end. */
function reflectIndex(i: number, n: number): number {
  if (i < 0) return -i - 1;
  if (i >= n) return 2 * n - i - 1;
  return i;
}

/** Scratch buffers reused across the channels of one call (no per-pixel allocation). */
interface Scratch {
  px: Float64Array;
  py: Float64Array;
  hx: Float64Array;
  hy: Float64Array;
  hxx: Float64Array;
  hyy: Float64Array;
  hxy: Float64Array;
  rowOff: Int32Array;
}

function makeScratch(width: number, height: number): Scratch {
  const n = width * height;
  return {
    px: new Float64Array(width + 2 * SSIM_RADIUS),
    py: new Float64Array(width + 2 * SSIM_RADIUS),
    hx: new Float64Array(n),
    hy: new Float64Array(n),
    hxx: new Float64Array(n),
    hyy: new Float64Array(n),
    hxy: new Float64Array(n),
    rowOff: new Int32Array(SSIM_WIN_SIZE),
  };
}

function checkSsimSize(width: number, height: number): void {
  if (width < SSIM_WIN_SIZE || height < SSIM_WIN_SIZE)
    throw new RangeError(
      `SSIM needs images of at least ${SSIM_WIN_SIZE}x${SSIM_WIN_SIZE} pixels (the Gaussian window); got ${width}x${height}`,
    );
}

const [K0, K1, K2, K3, K4, K5] = KERNEL;

/** One vertical 11-tap sum at column c of rows r0..r10 (row offsets), kernel symmetry used. */
function vsum(
  h: Float64Array, c: number,
  r0: number, r1: number, r2: number, r3: number, r4: number, r5: number,
  r6: number, r7: number, r8: number, r9: number, r10: number,
): number {
  return (
    K0 * (h[r0 + c] + h[r10 + c]) + K1 * (h[r1 + c] + h[r9 + c]) + K2 * (h[r2 + c] + h[r8 + c]) +
    K3 * (h[r3 + c] + h[r7 + c]) + K4 * (h[r4 + c] + h[r6 + c]) + K5 * h[r5 + c]
  );
}

/**
 * SSIM of one channel. Returns the mean of the SSIM map over the interior (5-pixel border
 * cropped); when `mapOut` is given, adds `mapWeight * S` to it at every pixel (border included,
 * computed with the reflected extension).
 */
function channelSsim(
  x: Plane,
  y: Plane,
  width: number,
  height: number,
  s: Scratch,
  mapOut: Float32Array | null,
  mapWeight: number,
): number {
  const R = SSIM_RADIUS;
  const T = SSIM_WIN_SIZE;
  if (R !== 5) throw new Error('channelSsim is unrolled for an 11-tap window');
  const k0 = KERNEL[0], k1 = KERNEL[1], k2 = KERNEL[2], k3 = KERNEL[3], k4 = KERNEL[4], k5 = KERNEL[5];
  const { px, py, hx, hy, hxx, hyy, hxy, rowOff } = s;

  // Horizontal pass: the five products (x, y, xx, yy, xy) filtered along rows.
  for (let r = 0; r < height; r++) {
    const row = r * width;
    for (let j = 0; j < width + 2 * R; j++) {
      const src = row + reflectIndex(j - R, width);
      px[j] = x[src];
      py[j] = y[src];
    }
    // 11 taps unrolled, using the kernel's symmetry (k0 = k10, ..., k4 = k6).
    for (let c = 0; c < width; c++) {
      const a0 = px[c], a1 = px[c + 1], a2 = px[c + 2], a3 = px[c + 3], a4 = px[c + 4], a5 = px[c + 5];
      const a6 = px[c + 6], a7 = px[c + 7], a8 = px[c + 8], a9 = px[c + 9], a10 = px[c + 10];
      const b0 = py[c], b1 = py[c + 1], b2 = py[c + 2], b3 = py[c + 3], b4 = py[c + 4], b5 = py[c + 5];
      const b6 = py[c + 6], b7 = py[c + 7], b8 = py[c + 8], b9 = py[c + 9], b10 = py[c + 10];
      const o = row + c;
      hx[o] = k0 * (a0 + a10) + k1 * (a1 + a9) + k2 * (a2 + a8) + k3 * (a3 + a7) + k4 * (a4 + a6) + k5 * a5;
      hy[o] = k0 * (b0 + b10) + k1 * (b1 + b9) + k2 * (b2 + b8) + k3 * (b3 + b7) + k4 * (b4 + b6) + k5 * b5;
      hxx[o] =
        k0 * (a0 * a0 + a10 * a10) + k1 * (a1 * a1 + a9 * a9) + k2 * (a2 * a2 + a8 * a8) +
        k3 * (a3 * a3 + a7 * a7) + k4 * (a4 * a4 + a6 * a6) + k5 * a5 * a5;
      hyy[o] =
        k0 * (b0 * b0 + b10 * b10) + k1 * (b1 * b1 + b9 * b9) + k2 * (b2 * b2 + b8 * b8) +
        k3 * (b3 * b3 + b7 * b7) + k4 * (b4 * b4 + b6 * b6) + k5 * b5 * b5;
      hxy[o] =
        k0 * (a0 * b0 + a10 * b10) + k1 * (a1 * b1 + a9 * b9) + k2 * (a2 * b2 + a8 * b8) +
        k3 * (a3 * b3 + a7 * b7) + k4 * (a4 * b4 + a6 * b6) + k5 * a5 * b5;
    }
  }

  // Vertical pass, fused with the SSIM formula and the cropped mean.
  const C1 = (SSIM_K1 * 1) ** 2;
  const C2 = (SSIM_K2 * 1) ** 2;
  let sum = 0;
  for (let r = 0; r < height; r++) {
    for (let t = 0; t < T; t++) rowOff[t] = reflectIndex(r + t - R, height) * width;
    const inRows = r >= R && r < height - R;
    const row = r * width;
    const r0 = rowOff[0], r1 = rowOff[1], r2 = rowOff[2], r3 = rowOff[3], r4 = rowOff[4], r5 = rowOff[5];
    const r6 = rowOff[6], r7 = rowOff[7], r8 = rowOff[8], r9 = rowOff[9], r10 = rowOff[10];
    for (let c = 0; c < width; c++) {
      const ux = vsum(hx, c, r0, r1, r2, r3, r4, r5, r6, r7, r8, r9, r10);
      const uy = vsum(hy, c, r0, r1, r2, r3, r4, r5, r6, r7, r8, r9, r10);
      const uxx = vsum(hxx, c, r0, r1, r2, r3, r4, r5, r6, r7, r8, r9, r10);
      const uyy = vsum(hyy, c, r0, r1, r2, r3, r4, r5, r6, r7, r8, r9, r10);
      const uxy = vsum(hxy, c, r0, r1, r2, r3, r4, r5, r6, r7, r8, r9, r10);
      const vx = uxx - ux * ux;
      const vy = uyy - uy * uy;
      const vxy = uxy - ux * uy;
      const S = ((2 * ux * uy + C1) * (2 * vxy + C2)) / ((ux * ux + uy * uy + C1) * (vx + vy + C2));
      if (inRows && c >= R && c < width - R) sum += S;
      if (mapOut) mapOut[row + c] += mapWeight * S;
    }
  }
  return sum / ((width - 2 * R) * (height - 2 * R));
}

/**
 * SSIM over channel planes of values in [0, 1] (e.g. float renders that were never quantised):
 * per-channel SSIM, then the mean over channels. `mapOut` (width*height), when given, receives
 * the per-pixel SSIM averaged over the channels (it is overwritten).
 */
export function ssimPlanes(
  xs: readonly Plane[],
  ys: readonly Plane[],
  width: number,
  height: number,
  mapOut?: Float32Array,
): number {
  if (xs.length !== ys.length || xs.length === 0)
    throw new RangeError(`ssimPlanes: ${xs.length} vs ${ys.length} channels`);
  checkSsimSize(width, height);
  const n = width * height;
  for (const p of [...xs, ...ys])
    if (p.length !== n) throw new RangeError(`ssimPlanes: a plane has ${p.length} values, expected ${n}`);
  if (mapOut) {
    if (mapOut.length !== n) throw new RangeError(`ssimPlanes: map has ${mapOut.length} values, expected ${n}`);
    mapOut.fill(0);
  }
  const scratch = makeScratch(width, height);
  let total = 0;
  for (let ch = 0; ch < xs.length; ch++)
    total += channelSsim(xs[ch], ys[ch], width, height, scratch, mapOut ?? null, 1 / xs.length);
  return total / xs.length;
}

/** The R, G and B planes of an image as float64 in [0, 1] (bytes / 255). */
export function rgbPlanes(img: RGBAImage): [Float64Array, Float64Array, Float64Array] {
  const n = img.width * img.height;
  const r = new Float64Array(n), g = new Float64Array(n), b = new Float64Array(n);
  const d = img.data;
  for (let i = 0, p = 0; i < n; i++, p += 4) {
    r[i] = d[p] / 255;
    g[i] = d[p + 1] / 255;
    b[i] = d[p + 2] / 255;
  }
  return [r, g, b];
}

/**
 * SSIM of two RGB images (alpha ignored), skimage convention (see the top of this file).
 * Identical images give exactly 1. Throws RangeError when the sizes differ or a side is < 11.
 */
export function ssim(a: RGBAImage, b: RGBAImage): number {
  assertSameSize(a, b, 'ssim');
  checkSsimSize(a.width, a.height);
  return ssimPlanes(rgbPlanes(a), rgbPlanes(b), a.width, a.height);
}

export interface SsimMap {
  /** Same value as ssim(a, b): the mean of the map over the interior, border cropped. */
  ssim: number;
  width: number;
  height: number;
  /**
   * Per-pixel SSIM (mean over R, G, B), row-major, width*height, for error heat maps: 1 where the
   * images agree, lower (down to -1) where they differ. The 5-pixel border is filled too
   * (reflected extension) even though the mean leaves it out.
   */
  map: Float32Array;
}

/** SSIM with its per-pixel map (skimage's `full=True`, averaged over the channels). */
export function ssimMap(a: RGBAImage, b: RGBAImage): SsimMap {
  assertSameSize(a, b, 'ssimMap');
  checkSsimSize(a.width, a.height);
  const map = new Float32Array(a.width * a.height);
  const value = ssimPlanes(rgbPlanes(a), rgbPlanes(b), a.width, a.height, map);
  return { ssim: value, width: a.width, height: a.height, map };
}

export interface MaskedSsimOptions {
  /**
   * Set the background (mask 0) of both crops to black before SSIM, as the DTU protocol does
   * (RegNeRF / FreeNeRF / SpaRe). Default true. False scores the raw pixels of the box.
   */
  blackBackground?: boolean;
}

/**
 * SSIM on the bounding box of the mask (nonzero = object): both images are cropped to the
 * smallest rectangle holding every mask pixel, the background inside it optionally set to black
 * (default), then `ssim` as above on the crop.
 * Returns NaN, rather than throwing, when the mask is empty or its box is smaller than 11 pixels
 * on a side (SSIM is undefined there; skimage would raise): a batch evaluation keeps going and the
 * NaN poisons any average it enters, so the broken view cannot go unnoticed.
 * Throws RangeError when the sizes of the images or the mask disagree.
 */
export function ssimInMaskBBox(
  a: RGBAImage,
  b: RGBAImage,
  mask: Uint8Array,
  options: MaskedSsimOptions = {},
): number {
  assertSameSize(a, b, 'ssimInMaskBBox');
  assertMaskSize(a, mask, 'ssimInMaskBBox');
  const box = maskBoundingBox(mask, a.width, a.height);
  if (!box || box.x1 - box.x0 < SSIM_WIN_SIZE || box.y1 - box.y0 < SSIM_WIN_SIZE) return NaN;
  let ca = cropImage(a, box), cb = cropImage(b, box);
  if (options.blackBackground ?? true) {
    const cm = cropMask(mask, a.width, box);
    ca = applyMaskBlack(ca, cm);
    cb = applyMaskBlack(cb, cm);
  }
  return ssim(ca, cb);
}
