/**
 * Scores one render against its held-out photo as the sparse-view papers do:
 * full-image PSNR/SSIM, and with the object mask the DTU convention (background of both images
 * set to black, PSNR over the full frame; SSIM inside the mask's bounding box), plus PSNR over the
 * mask's pixels only. Without a mask the masked values are null ("n/a"), never made up.
 */
import type { RGBAImage } from '../../core/image.ts';
import { applyMaskBlack, psnr, psnrInMask, ssim, ssimInMaskBBox } from '../../core/metrics/index.ts';

export interface ViewScore {
  id: string;
  psnr: number;
  ssim: number;
  /** DTU convention: both images' background black, full-frame PSNR. */
  psnrMasked: number | null;
  /** SSIM inside the mask's bounding box, background black. */
  ssimMasked: number | null;
  /** MSE over object pixels only. */
  psnrInMask: number | null;
}

export function scoreView(id: string, render: RGBAImage, photo: RGBAImage, mask?: Uint8Array): ViewScore {
  const s: ViewScore = { id, psnr: psnr(render, photo), ssim: ssim(render, photo), psnrMasked: null, ssimMasked: null, psnrInMask: null };
  if (mask) {
    s.psnrMasked = psnr(applyMaskBlack(render, mask), applyMaskBlack(photo, mask));
    s.ssimMasked = ssimInMaskBBox(render, photo, mask);
    s.psnrInMask = psnrInMask(render, photo, mask);
  }
  return s;
}

export function meanScore(scores: readonly ViewScore[]): Omit<ViewScore, 'id'> {
  const mean = (k: keyof Omit<ViewScore, 'id'>) => {
    const v = scores.map((s) => s[k]).filter((x): x is number => x !== null);
    return v.length === scores.length && v.length > 0 ? v.reduce((a, b) => a + b, 0) / v.length : null;
  };
  return {
    psnr: mean('psnr') ?? NaN,
    ssim: mean('ssim') ?? NaN,
    psnrMasked: mean('psnrMasked'),
    ssimMasked: mean('ssimMasked'),
    psnrInMask: mean('psnrInMask'),
  };
}
