/**
 * CPU reference of the splat rasterizer, forward and backward: per pixel, all visible splats in
 * depth order (ties by index), front-to-back alpha blending. Slow and obvious on purpose: the
 * tile-based WGSL kernels must reproduce its images and gradients.
 *
 * Blending contract (as 3DGS):
 * - pixel (px, py) is sampled at its centre (px + 0.5, py + 0.5);
 * - alpha = min(ALPHA_MAX, opacity * exp(power)), power = -0.5 (A dx^2 + C dy^2) - B dx dy;
 *   skipped when power > 0 or alpha < ALPHA_MIN;
 * - blending stops before a splat that would bring transmittance below T_MIN;
 * - out = sum_i c_i alpha_i T_i + T_final * background; alpha_out = 1 - T_final;
 * - expected depth D = sum_i z_i alpha_i T_i, z_i the splat's camera-space depth (the blend's
 *   weights over the splats' depths, with nothing for the background: not divided by alpha_out,
 *   so a pixel the splats half cover has half the depth). Its gradient reaches z_i exactly as a
 *   colour channel's reaches c_i, and alpha_i through the same weights; z_i then flows to the
 *   3D mean (and the camera) through xc = R m + t in projectSplatBackward.
 * Because alpha < 1/255 is skipped, a splat only touches pixels within the ellipse of
 * Mahalanobis radius sqrt(2 ln(255 opacity)): the GPU's tile culling uses that bound and is exact.
 */
import type { Camera } from '../../core/camera.ts';
import { ALPHA_MAX, ALPHA_MIN, T_MIN } from '../../core/gaussianCloud.ts';
import type { ReferenceCloud } from './referenceCloud.ts';
import {
  DEFAULT_PROJECT_OPTIONS,
  projectSplat,
  projectSplatBackward,
  zeroGrads,
  type CloudGrads,
  type ProjectOptions,
  type ProjectedGrad,
  type ProjectedSplat,
} from './projectReference.ts';


export interface RasterOptions extends ProjectOptions {
  background: [number, number, number];
}
export const DEFAULT_RASTER_OPTIONS: RasterOptions = { ...DEFAULT_PROJECT_OPTIONS, background: [0, 0, 0] };

export interface RasterImage {
  width: number;
  height: number;
  /** width*height*3, linear in [0, 1+] (not clamped). */
  rgb: Float64Array;
  /** width*height, 1 - final transmittance. */
  alpha: Float64Array;
  /** width*height, expected depth sum_i z_i alpha_i T_i (camera-space z, 0 where nothing is blended). */
  depth: Float64Array;
}

function projectAll(cloud: ReferenceCloud, cam: Camera, opts: ProjectOptions): ProjectedSplat[] {
  const list: ProjectedSplat[] = [];
  for (let i = 0; i < cloud.count; i++) {
    const p = projectSplat(cloud, i, cam, opts);
    if (p) list.push(p);
  }
  list.sort((a, b) => a.depth - b.depth || a.index - b.index);
  return list;
}

function splatAlpha(p: ProjectedSplat, x: number, y: number): { alpha: number; g: number; dx: number; dy: number; clamped: boolean } | null {
  const dx = x - p.u;
  const dy = y - p.v;
  const power = -0.5 * (p.conicA * dx * dx + p.conicC * dy * dy) - p.conicB * dx * dy;
  if (power > 0) return null;
  const g = Math.exp(power);
  const raw = p.opacity * g;
  const alpha = Math.min(ALPHA_MAX, raw);
  if (alpha < ALPHA_MIN) return null;
  return { alpha, g, dx, dy, clamped: raw > ALPHA_MAX };
}

export function renderReference(cloud: ReferenceCloud, cam: Camera, opts: RasterOptions = DEFAULT_RASTER_OPTIONS): RasterImage {
  const { width, height } = cam;
  const rgb = new Float64Array(width * height * 3);
  const alphaOut = new Float64Array(width * height);
  const depth = new Float64Array(width * height);
  const list = projectAll(cloud, cam, opts);
  for (let py = 0; py < height; py++)
    for (let px = 0; px < width; px++) {
      let T = 1;
      let d = 0;
      const c = [0, 0, 0];
      for (const p of list) {
        const a = splatAlpha(p, px + 0.5, py + 0.5);
        if (!a) continue;
        const Tn = T * (1 - a.alpha);
        if (Tn < T_MIN) break;
        for (let ch = 0; ch < 3; ch++) c[ch] += p.color[ch] * a.alpha * T;
        d += p.depth * a.alpha * T;
        T = Tn;
      }
      const o = py * width + px;
      for (let ch = 0; ch < 3; ch++) rgb[o * 3 + ch] = c[ch] + T * opts.background[ch];
      alphaOut[o] = 1 - T;
      depth[o] = d;
    }
  return { width, height, rgb, alpha: alphaOut, depth };
}

/**
 * Gradients of a loss with respect to every splat parameter, given dL/d(rgb) (width*height*3)
 * and optionally dL/d(alpha) and dL/d(depth) (width*height each). With `cameraGrad`
 * (CAMERA_GRAD_FLOATS numbers, projectReference.ts) it also adds the gradient with respect to
 * the camera's pose and focal increment.
 */
export function renderReferenceBackward(
  cloud: ReferenceCloud,
  cam: Camera,
  dLdRgb: ArrayLike<number>,
  dLdAlpha: ArrayLike<number> | null,
  opts: RasterOptions = DEFAULT_RASTER_OPTIONS,
  cameraGrad: Float64Array | null = null,
  dLdDepth: ArrayLike<number> | null = null,
): CloudGrads {
  const { width, height } = cam;
  const list = projectAll(cloud, cam, opts);
  const pg = new Map<number, ProjectedGrad>();
  for (const p of list) pg.set(p.index, { u: 0, v: 0, conicA: 0, conicB: 0, conicC: 0, opacity: 0, color: [0, 0, 0], depth: 0 });

  for (let py = 0; py < height; py++)
    for (let px = 0; px < width; px++) {
      const o = py * width + px;
      // Forward again, remembering the contributors.
      const hits: { p: ProjectedSplat; a: NonNullable<ReturnType<typeof splatAlpha>>; T: number }[] = [];
      let T = 1;
      for (const p of list) {
        const a = splatAlpha(p, px + 0.5, py + 0.5);
        if (!a) continue;
        const Tn = T * (1 - a.alpha);
        if (Tn < T_MIN) break;
        hits.push({ p, a, T });
        T = Tn;
      }
      const Tfinal = T;
      const gOut = [dLdRgb[o * 3], dLdRgb[o * 3 + 1], dLdRgb[o * 3 + 2]];
      const gAlphaOut = dLdAlpha ? dLdAlpha[o] : 0;
      const gDepthOut = dLdDepth ? dLdDepth[o] : 0;
      // Back to front: `behind` = colour contributed by everything behind splat i, incl. background;
      // `behindDepth` the same for depth (the background adds none).
      const behind = [Tfinal * opts.background[0], Tfinal * opts.background[1], Tfinal * opts.background[2]];
      let behindDepth = 0;
      for (let h = hits.length - 1; h >= 0; h--) {
        const { p, a, T: Ti } = hits[h];
        const g = pg.get(p.index)!;
        let dAlpha = 0;
        for (let ch = 0; ch < 3; ch++) {
          g.color[ch] += gOut[ch] * a.alpha * Ti;
          dAlpha += gOut[ch] * (p.color[ch] * Ti - behind[ch] / (1 - a.alpha));
        }
        dAlpha += (gAlphaOut * Tfinal) / (1 - a.alpha);
        g.depth += gDepthOut * a.alpha * Ti;
        dAlpha += gDepthOut * (p.depth * Ti - behindDepth / (1 - a.alpha));
        for (let ch = 0; ch < 3; ch++) behind[ch] += p.color[ch] * a.alpha * Ti;
        behindDepth += p.depth * a.alpha * Ti;
        if (a.clamped) continue; // alpha = ALPHA_MAX: no gradient to opacity or shape
        g.opacity += dAlpha * a.g;
        const dPower = dAlpha * p.opacity * a.g;
        g.conicA += dPower * -0.5 * a.dx * a.dx;
        g.conicC += dPower * -0.5 * a.dy * a.dy;
        g.conicB += dPower * -a.dx * a.dy;
        // dx = x - u: d power / d u = A dx + B dy.
        g.u += dPower * (p.conicA * a.dx + p.conicB * a.dy);
        g.v += dPower * (p.conicC * a.dy + p.conicB * a.dx);
      }
    }

  const grads = zeroGrads(cloud);
  for (const [i, g] of pg) projectSplatBackward(cloud, i, cam, g, grads, opts, cameraGrad);
  return grads;
}
