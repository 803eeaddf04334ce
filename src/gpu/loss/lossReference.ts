/**
 * The photometric training loss of sparse-view 3DGS, in plain float64 TypeScript: the ground
 * truth that finite differences check and that the WGSL kernels (loss.ts) are checked against.
 *
 *   L = w * [(1 - lambda) * L1(rgb, t') + lambda * (1 - SSIM(rgb, t')) + maskWeight * mean((alpha - m)^2)]
 *
 * - w: the view's weight (1 for the input photos; the repair prior's pseudo views carry theirs).
 *
 * - rgb: the render, already composited over `background` by the rasterizer (width*height*3,
 *   interleaved per pixel, like the rasterizer's rgbFromPixel); alpha = 1 - final transmittance.
 * - target: RGBA8 sRGB bytes / 255 as they are (alpha byte ignored), like the metrics.
 * - mask (optional, one byte per pixel, nonzero = object, as in the metrics): t' is the target
 *   with its background replaced by this step's background colour, t' = t*m + bg*(1 - m). A new
 *   random colour each step means the only way to match the target everywhere is for alpha to
 *   be 1 on the object and 0 off it, which is what carves the silhouette in sparse views.
 *   Without a mask t' = t and the alpha term is 0 (there is nothing to match alpha against).
 * - Alpha term: MSE, not BCE. alpha comes out of a product of (1 - a_i) and reaches exactly 0
 *   and 1; BCE's log blows up there and its gradient 1/(alpha(1 - alpha)) would need clamping,
 *   while MSE is bounded and is what the sparse-view 3DGS works use.
 * - L1 is the mean over pixels and channels; its gradient at rgb == t' is 0 (torch.sign).
 * - SSIM is the mean of the SSIM map over every pixel and channel with 'same'-size Gaussian
 *   filtering (11 taps, sigma 1.5, the kernel of src/core/metrics/ssim.ts) and ZERO padding, as
 *   3DGS's training loss (conv2d with padding 5) and fused-ssim do. Zero padding is chosen
 *   because the transpose of a zero-padded 'same' correlation with a symmetric kernel is the
 *   same correlation, so the backward is just more of the same blur; with reflect padding the
 *   transpose would fold border taps back in. Only the 5-pixel border differs from skimage's
 *   map (the interior, which skimage's cropped mean reads, is identical).
 *
 * SSIM backward, per channel. With raw moments m_x = G*x, m_xx = G*x^2, m_xy = G*(x y)
 * (G = 'same' zero-padded correlation) and mu_x = m_x, s_xx = m_xx - mu_x^2, s_xy = m_xy - mu_x mu_y:
 *   S = A1 A2 / (B1 B2), A1 = 2 mu_x mu_y + C1, A2 = 2 s_xy + C2, B1 = mu_x^2 + mu_y^2 + C1,
 *   B2 = s_xx + s_yy + C2.
 *   dS/dmu_x (s fixed) = 2 mu_y A2 / (B1 B2) - 2 mu_x S / B1,  dS/ds_xx = -S / B2,
 *   dS/ds_xy = 2 A1 / (B1 B2),
 *   a = dS/dm_x = dS/dmu_x - 2 mu_x dS/ds_xx - mu_y dS/ds_xy,  b = dS/dm_xx,  c = dS/dm_xy.
 *   d(sum_p S_p)/dx_q = (G^T a)_q + 2 x_q (G^T b)_q + y_q (G^T c)_q,  and G^T = G (see above).
 */
import { gaussianKernel1d, SSIM_K1, SSIM_K2, SSIM_RADIUS } from '../../core/metrics/ssim.ts';

export interface LossWeights {
  /** lambda: weight of the D-SSIM term; (1 - lambda) weighs L1. */
  ssimWeight: number;
  /** Weight of mean((alpha - mask)^2); ignored without a mask. */
  maskWeight: number;
  /**
   * Weight of this view's whole loss (default 1): scales `loss` and both gradients, not the
   * measured terms (l1, ssim, maskMse, mse). The repair prior's pseudo views train with the
   * weight of their distance from the inputs (src/recon/prior/novelViews.ts).
   */
  viewWeight?: number;
}

/** lambda = 0.2 as in 3DGS; the alpha weight is a starting point for the trainer to tune. */
export const DEFAULT_LOSS_WEIGHTS: Readonly<LossWeights> = { ssimWeight: 0.2, maskWeight: 0.1 };

export const LOSS_C1 = (SSIM_K1 * 1) ** 2;
export const LOSS_C2 = (SSIM_K2 * 1) ** 2;

export type Rgb = readonly [number, number, number];

export interface LossInputs {
  width: number;
  height: number;
  /** width*height*3, interleaved RGB. */
  rgb: Float32Array | Float64Array;
  /** width*height. */
  alpha: Float32Array | Float64Array;
  /** width*height*4 RGBA8 bytes (alpha byte ignored). */
  target: Uint8Array | Uint8ClampedArray;
  /** width*height bytes, nonzero = object; null = no mask. */
  mask: Uint8Array | null;
  background: Rgb;
}

/** The loss terms, in the same order as the GPU's lossTerms buffer (see loss.ts). */
export interface LossTerms {
  loss: number;
  /** mean |rgb - t'| over pixels and channels. */
  l1: number;
  /** mean SSIM map (zero-padded), over pixels and channels. */
  ssim: number;
  /** mean (alpha - mask)^2, 0 without a mask. */
  maskMse: number;
  /** mean (rgb - t')^2, for a training PSNR in the progress display (not part of the loss). */
  mse: number;
}

export interface LossReferenceResult extends LossTerms {
  /** width*height*3, interleaved like rgb. */
  dLdRgb: Float64Array;
  /** width*height. */
  dLdAlpha: Float64Array;
  /** Per channel SSIM map (zero padding), width*height each. */
  ssimMaps: [Float64Array, Float64Array, Float64Array];
}

const KERNEL = gaussianKernel1d();
const R = SSIM_RADIUS;

/** t' = t*m + bg*(1 - m), as float64 planes (one per channel). */
export function targetPrimePlanes(
  target: Uint8Array | Uint8ClampedArray,
  mask: Uint8Array | null,
  background: Rgb,
  pixels: number,
): [Float64Array, Float64Array, Float64Array] {
  const out: [Float64Array, Float64Array, Float64Array] = [new Float64Array(pixels), new Float64Array(pixels), new Float64Array(pixels)];
  for (let p = 0; p < pixels; p++)
    for (let c = 0; c < 3; c++) out[c][p] = !mask || mask[p] !== 0 ? target[4 * p + c] / 255 : background[c];
  return out;
}

/** 'same'-size separable Gaussian correlation with zero padding (G, which is also G^T). */
export function blurZeroPad(src: Float64Array, width: number, height: number, out = new Float64Array(src.length)): Float64Array {
  const tmp = new Float64Array(src.length);
  for (let r = 0; r < height; r++)
    for (let c = 0; c < width; c++) {
      let s = 0;
      for (let k = -R; k <= R; k++) {
        const cc = c + k;
        if (cc >= 0 && cc < width) s += KERNEL[k + R] * src[r * width + cc];
      }
      tmp[r * width + c] = s;
    }
  for (let r = 0; r < height; r++)
    for (let c = 0; c < width; c++) {
      let s = 0;
      for (let k = -R; k <= R; k++) {
        const rr = r + k;
        if (rr >= 0 && rr < height) s += KERNEL[k + R] * tmp[rr * width + c];
      }
      out[r * width + c] = s;
    }
  return out;
}

function checkInputs(i: LossInputs): number {
  const n = i.width * i.height;
  if (!(Number.isInteger(i.width) && Number.isInteger(i.height) && n > 0)) throw new RangeError(`loss: bad size ${i.width}x${i.height}`);
  if (i.rgb.length !== 3 * n) throw new RangeError(`loss: rgb has ${i.rgb.length} values, expected ${3 * n}`);
  if (i.alpha.length !== n) throw new RangeError(`loss: alpha has ${i.alpha.length} values, expected ${n}`);
  if (i.target.length !== 4 * n) throw new RangeError(`loss: target has ${i.target.length} bytes, expected ${4 * n}`);
  if (i.mask && i.mask.length !== n) throw new RangeError(`loss: mask has ${i.mask.length} bytes, expected ${n}`);
  return n;
}

/** Forward and backward of the loss (see the top of this file), float64. */
export function lossReference(inputs: LossInputs, weights: Partial<LossWeights> = {}): LossReferenceResult {
  const n = checkInputs(inputs);
  const { width, height, rgb, alpha, mask } = inputs;
  const lambda = weights.ssimWeight ?? DEFAULT_LOSS_WEIGHTS.ssimWeight;
  const maskWeight = weights.maskWeight ?? DEFAULT_LOSS_WEIGHTS.maskWeight;
  const viewWeight = weights.viewWeight ?? 1;
  const ys = targetPrimePlanes(inputs.target, mask, inputs.background, n);
  const dLdRgb = new Float64Array(3 * n);
  const dLdAlpha = new Float64Array(n);
  const ssimMaps: [Float64Array, Float64Array, Float64Array] = [new Float64Array(n), new Float64Array(n), new Float64Array(n)];

  let l1Sum = 0, sqSum = 0, ssimSum = 0;
  const l1Grad = (viewWeight * (1 - lambda)) / (3 * n);
  const ssimGrad = (-viewWeight * lambda) / (3 * n);
  const x = new Float64Array(n);
  const prod = new Float64Array(n);
  const a = new Float64Array(n), b = new Float64Array(n), cc = new Float64Array(n);
  for (let ch = 0; ch < 3; ch++) {
    const y = ys[ch];
    for (let p = 0; p < n; p++) {
      x[p] = rgb[3 * p + ch];
      const d = x[p] - y[p];
      l1Sum += Math.abs(d);
      sqSum += d * d;
      dLdRgb[3 * p + ch] = l1Grad * Math.sign(d);
    }
    const mx = blurZeroPad(x, width, height);
    const my = blurZeroPad(y, width, height);
    for (let p = 0; p < n; p++) prod[p] = x[p] * x[p];
    const mxx = blurZeroPad(prod, width, height);
    for (let p = 0; p < n; p++) prod[p] = y[p] * y[p];
    const myy = blurZeroPad(prod, width, height);
    for (let p = 0; p < n; p++) prod[p] = x[p] * y[p];
    const mxy = blurZeroPad(prod, width, height);
    const map = ssimMaps[ch];
    for (let p = 0; p < n; p++) {
      const ux = mx[p], uy = my[p];
      const sxx = mxx[p] - ux * ux, syy = myy[p] - uy * uy, sxy = mxy[p] - ux * uy;
      const A1 = 2 * ux * uy + LOSS_C1, A2 = 2 * sxy + LOSS_C2;
      const B1 = ux * ux + uy * uy + LOSS_C1, B2 = sxx + syy + LOSS_C2;
      const S = (A1 * A2) / (B1 * B2);
      map[p] = S;
      ssimSum += S;
      const dSdMu = (2 * uy * A2) / (B1 * B2) - (2 * ux * S) / B1;
      const dSdSxx = -S / B2;
      const dSdSxy = (2 * A1) / (B1 * B2);
      a[p] = dSdMu - 2 * ux * dSdSxx - uy * dSdSxy;
      b[p] = dSdSxx;
      cc[p] = dSdSxy;
    }
    const ga = blurZeroPad(a, width, height);
    const gb = blurZeroPad(b, width, height);
    const gc = blurZeroPad(cc, width, height);
    for (let p = 0; p < n; p++) dLdRgb[3 * p + ch] += ssimGrad * (ga[p] + 2 * x[p] * gb[p] + y[p] * gc[p]);
  }

  let maskSum = 0;
  if (mask) {
    const g = (2 * viewWeight * maskWeight) / n;
    for (let p = 0; p < n; p++) {
      const d = alpha[p] - (mask[p] !== 0 ? 1 : 0);
      maskSum += d * d;
      dLdAlpha[p] = g * d;
    }
  }
  const l1 = l1Sum / (3 * n);
  const ssim = ssimSum / (3 * n);
  const maskMse = maskSum / n;
  const loss = viewWeight * ((1 - lambda) * l1 + lambda * (1 - ssim) + (mask ? maskWeight * maskMse : 0));
  return { loss, l1, ssim, maskMse, mse: sqSum / (3 * n), dLdRgb, dLdAlpha, ssimMaps };
}
