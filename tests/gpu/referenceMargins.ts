/**
 * Which pixels of a reference render hinge on a knife-edge decision:
 * - a splat whose opacity * exp(power) is within a relative MARGIN of ALPHA_MIN (blended or
 *   skipped) or of ALPHA_MAX (gradient or none);
 * - a transmittance within MARGIN of T_MIN (blend or stop);
 * - two blended splats whose depths differ by less than DEPTH_MARGIN relative (float32 may order
 *   them the other way; exact ties are kept: both sides break them by index).
 * Float64 and float32 may legitimately decide these differently, and one flip moves a pixel by
 * up to ~1e-3, so the GPU tests leave these pixels out: excluded from the image comparison, and
 * given zero loss weight for the gradient comparison (gradients are linear in the per-pixel
 * loss weights, so both sides then sum over exactly the same pixels).
 *
 * This walks the reference's own projection (projectSplat) with the reference's constants; it
 * only classifies pixels, the expected values still come from renderReference(Backward).
 */
import type { Camera } from '../../src/core/camera.ts';
import { projectSplat, type ProjectedSplat } from '../../src/gpu/reference/projectReference.ts';
import { ALPHA_MAX, ALPHA_MIN, T_MIN } from '../../src/core/gaussianCloud.ts';
import type { RasterOptions } from '../../src/gpu/reference/rasterizeReference.ts';
import type { ReferenceCloud } from '../../src/gpu/reference/referenceCloud.ts';

/** Relative margin for the alpha and transmittance thresholds (float32 exp/products: ~1e-6). */
export const MARGIN = 1e-4;
/** Relative margin for depth order (float32 depth is good to a few ulp, ~3e-7 relative). */
export const DEPTH_MARGIN = 1e-6;

export interface PixelCoverage {
  /** 1 where the pixel hinges on a knife-edge decision. */
  ambiguous: Uint8Array;
  /** How often each rule was exercised, to prove the scenes test what they claim. */
  counts: { clampedAlpha: number; terminated: number; tiedPairs: number; blended: number; nearAlphaMin: number; nearAlphaMax: number; nearTMin: number; nearDepth: number };
}

const near = (a: number, b: number) => Math.abs(a / b - 1) < MARGIN;

export function classifyPixels(cloud: ReferenceCloud, cam: Camera, opts: RasterOptions): PixelCoverage {
  const list: ProjectedSplat[] = [];
  for (let i = 0; i < cloud.count; i++) {
    const p = projectSplat(cloud, i, cam, opts);
    if (p) list.push(p);
  }
  list.sort((a, b) => a.depth - b.depth || a.index - b.index);
  const ambiguous = new Uint8Array(cam.width * cam.height);
  const counts = { clampedAlpha: 0, terminated: 0, tiedPairs: 0, blended: 0, nearAlphaMin: 0, nearAlphaMax: 0, nearTMin: 0, nearDepth: 0 };
  for (let py = 0; py < cam.height; py++)
    for (let px = 0; px < cam.width; px++) {
      let T = 1;
      let flag = false;
      let previous: ProjectedSplat | null = null;
      for (const p of list) {
        const dx = px + 0.5 - p.u;
        const dy = py + 0.5 - p.v;
        const power = -0.5 * (p.conicA * dx * dx + p.conicC * dy * dy) - p.conicB * dx * dy;
        if (power > 0) continue;
        const raw = p.opacity * Math.exp(power);
        if (near(raw, ALPHA_MIN)) {
          counts.nearAlphaMin++;
          flag = true;
        }
        if (near(raw, ALPHA_MAX)) {
          counts.nearAlphaMax++;
          flag = true;
        }
        const alpha = Math.min(ALPHA_MAX, raw);
        if (alpha < ALPHA_MIN) continue;
        const Tn = T * (1 - alpha);
        if (near(Tn, T_MIN)) {
          counts.nearTMin++;
          flag = true;
        }
        if (Tn < T_MIN) {
          counts.terminated++;
          break;
        }
        if (previous) {
          const dz = Math.abs(p.depth - previous.depth);
          if (dz === 0) counts.tiedPairs++;
          else if (dz < DEPTH_MARGIN * p.depth) {
            counts.nearDepth++;
            flag = true;
          }
        }
        if (raw > ALPHA_MAX) counts.clampedAlpha++;
        counts.blended++;
        previous = p;
        T = Tn;
      }
      ambiguous[py * cam.width + px] = flag ? 1 : 0;
    }
  return { ambiguous, counts };
}
