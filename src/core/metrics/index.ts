/**
 * Image quality metrics as the sparse-view papers compute them (RGB, values in [0, 1], data
 * range 1): PSNR (full image, in a mask, or DTU-style black background) and SSIM (skimage's
 * Gaussian-window convention, full image, per-pixel map, or on the mask's bounding box).
 * Platform-agnostic: no DOM or Node APIs.
 */
export { psnr, psnrInMask, psnrFromMse, mse, mseInMask, applyMaskBlack } from './psnr.ts';
export {
  ssim,
  ssimMap,
  ssimPlanes,
  ssimInMaskBBox,
  rgbPlanes,
  gaussianKernel1d,
  SSIM_SIGMA,
  SSIM_TRUNCATE,
  SSIM_RADIUS,
  SSIM_WIN_SIZE,
  SSIM_K1,
  SSIM_K2,
} from './ssim.ts';
export type { Plane, SsimMap, MaskedSsimOptions } from './ssim.ts';
export { maskBoundingBox, cropImage, cropMask } from './common.ts';
export type { PixelBox } from './common.ts';
