/**
 * The cloud as the WebGL2 vertex shader reads it: three data textures, each `width` texels wide,
 * splat i's data at texel indices i * stride + k (row = index / width, column = index % width).
 *
 * - centers (RGBA32F, 1 texel): mean xyz, opacity = sigmoid(logit);
 * - covariances (RGBA32F, 2 texels): the world-space Sigma = R S S^T R^T, computed here in float64
 *   from the normalised quaternion exactly as src/gpu/reference/projectReference.ts, stored as
 *   (xx, xy, xz, yy), (yz, zz, 0, 0);
 * - sh (RGBA32UI, shTexels texels): the coefficients [k][rgb] up to the rendered degree as halves,
 *   two per 32-bit word (see halfFloat.ts).
 *
 * A splat that is not drawable (drawableSplat.ts) gets opacity 0, which the shader culls.
 */
import { expScale, sigmoid, type GaussianCloud } from '../../core/gaussianCloud.ts';
import { unitQuatToRotation } from '../../core/camera.ts';
import { isDrawableSplat } from './drawableSplat.ts';
import { packHalf2x16 } from './halfFloat.ts';

export const DATA_TEXTURE_WIDTH = 2048;
export const COVARIANCE_TEXELS = 2;

export interface SplatTextureData {
  count: number;
  /** Texture width in texels (all three textures). */
  width: number;
  /** SH degree the textures hold (the cloud's, or lower when asked). */
  shDegree: number;
  /** SH texels per splat. */
  shTexels: number;
  centers: Float32Array;
  covariances: Float32Array;
  sh: Uint32Array;
}

/** Rows a texture of `texels` texels needs at `width` (at least 1: WebGL has no empty textures). */
export function textureRows(texels: number, width: number): number {
  return Math.max(1, Math.ceil(texels / width));
}

export function shTexelsForDegree(degree: number): number {
  const halves = 3 * (degree + 1) ** 2;
  return Math.ceil(halves / 8); // 8 halves per RGBA32UI texel
}

export function packSplatTextures(cloud: GaussianCloud, shDegree = cloud.shDegree, width = DATA_TEXTURE_WIDTH): SplatTextureData {
  const n = cloud.count;
  const degree = Math.max(0, Math.min(cloud.shDegree, Math.floor(shDegree)));
  const Kcloud = (cloud.shDegree + 1) ** 2;
  const K = (degree + 1) ** 2;
  const shTexels = shTexelsForDegree(degree);
  const centers = new Float32Array(textureRows(n, width) * width * 4);
  const covariances = new Float32Array(textureRows(n * COVARIANCE_TEXELS, width) * width * 4);
  const sh = new Uint32Array(textureRows(n * shTexels, width) * width * 4);
  const halves = new Float64Array(shTexels * 8);

  for (let i = 0; i < n; i++) {
    if (!isDrawableSplat(cloud, i)) continue; // all zero: opacity 0, culled
    centers.set([cloud.means[3 * i], cloud.means[3 * i + 1], cloud.means[3 * i + 2], sigmoid(cloud.opacityLogits[i])], 4 * i);

    const R = unitQuatToRotation(cloud.quats, 4 * i);
    const s = [expScale(cloud.logScales[3 * i]), expScale(cloud.logScales[3 * i + 1]), expScale(cloud.logScales[3 * i + 2])];
    const sigma = (r: number, c: number) => R[r * 3] * R[c * 3] * s[0] ** 2 + R[r * 3 + 1] * R[c * 3 + 1] * s[1] ** 2 + R[r * 3 + 2] * R[c * 3 + 2] * s[2] ** 2;
    covariances.set([sigma(0, 0), sigma(0, 1), sigma(0, 2), sigma(1, 1), sigma(1, 2), sigma(2, 2)], 4 * COVARIANCE_TEXELS * i);

    halves.fill(0);
    for (let k = 0; k < K; k++) for (let ch = 0; ch < 3; ch++) halves[3 * k + ch] = cloud.sh[(i * Kcloud + k) * 3 + ch];
    const base = 4 * shTexels * i;
    for (let w = 0; w < shTexels * 4; w++) sh[base + w] = packHalf2x16(halves[2 * w], halves[2 * w + 1]);
  }
  return { count: n, width, shDegree: degree, shTexels, centers, covariances, sh };
}
