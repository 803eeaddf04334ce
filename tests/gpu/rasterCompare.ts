/**
 * The comparisons the rasterizer tests make, in one place so the thresholds are stated once:
 * - image: max |gpu - reference| over rgb and alpha of the unambiguous pixels <= IMAGE_TOL;
 * - gradients, per parameter group (means, logScales, quats, opacityLogits, sh):
 *   ||gpu - ref||_2 / ||ref||_2 <= GRAD_NORM_TOL, and for every element
 *   |gpu - ref| <= GRAD_ELEM_TOL * max(|ref|, GRAD_FLOOR * max_group |ref|)
 *   (relative, with an absolute floor of 1e-5 times the group's largest gradient: an element
 *   that is a sum of many terms cancelling to ~0 carries the float32 rounding of those terms,
 *   which is relative to their size, not to the small sum).
 */
import type { CloudGrads } from '../../src/gpu/reference/projectReference.ts';
import type { RasterImage } from '../../src/gpu/reference/rasterizeReference.ts';
import type { CloudGradsF32, RasterImageF32 } from '../../src/gpu/rasterizer.ts';

export const IMAGE_TOL = 1e-4;
export const GRAD_NORM_TOL = 1e-3;
export const GRAD_ELEM_TOL = 1e-3;
export const GRAD_FLOOR = 1e-2;

export const GRAD_GROUPS = ['means', 'logScales', 'quats', 'opacityLogits', 'sh'] as const;

/** Expected depth: |gpu - ref| <= IMAGE_TOL * max(1, |ref|) (depths are a few units: float32 is relative). */
export function depthError(gpu: Float32Array, ref: RasterImage, skip: Uint8Array): { max: number; where: string } {
  let max = 0;
  let where = '';
  for (let p = 0; p < ref.depth.length; p++) {
    if (skip[p]) continue;
    const e = Math.abs(gpu[p] - ref.depth[p]) / Math.max(1, Math.abs(ref.depth[p]));
    if (e > max) {
      max = e;
      where = `pixel (${p % ref.width}, ${Math.floor(p / ref.width)}): gpu ${gpu[p]} vs reference ${ref.depth[p]}`;
    }
  }
  return { max, where };
}

export function imageError(gpu: RasterImageF32, ref: RasterImage, skip: Uint8Array): { max: number; where: string } {
  let max = 0;
  let where = '';
  for (let p = 0; p < ref.alpha.length; p++) {
    if (skip[p]) continue;
    const errs = [Math.abs(gpu.rgb[3 * p] - ref.rgb[3 * p]), Math.abs(gpu.rgb[3 * p + 1] - ref.rgb[3 * p + 1]), Math.abs(gpu.rgb[3 * p + 2] - ref.rgb[3 * p + 2]), Math.abs(gpu.alpha[p] - ref.alpha[p])];
    for (let c = 0; c < 4; c++)
      if (errs[c] > max) {
        max = errs[c];
        where = `pixel (${p % ref.width}, ${Math.floor(p / ref.width)}) ${c < 3 ? `rgb[${c}]` : 'alpha'}`;
      }
  }
  return { max, where };
}

export interface GroupError {
  group: (typeof GRAD_GROUPS)[number];
  normRel: number;
  /** Largest |gpu - ref| / max(|ref|, floor): must stay <= GRAD_ELEM_TOL. */
  elemRel: number;
  where: string;
  maxRef: number;
}

export function gradErrors(gpu: CloudGradsF32, ref: CloudGrads): GroupError[] {
  return GRAD_GROUPS.map((group) => {
    const g = gpu[group];
    const r = ref[group];
    let maxRef = 0;
    for (let i = 0; i < r.length; i++) maxRef = Math.max(maxRef, Math.abs(r[i]));
    let num = 0;
    let den = 0;
    let elemRel = 0;
    let where = '';
    for (let i = 0; i < r.length; i++) {
      const d = g[i] - r[i];
      num += d * d;
      den += r[i] * r[i];
      const rel = Math.abs(d) / Math.max(Math.abs(r[i]), GRAD_FLOOR * maxRef, Number.MIN_VALUE);
      if (rel > elemRel) {
        elemRel = rel;
        where = `${group}[${i}]: gpu ${g[i]} vs reference ${r[i]}`;
      }
    }
    return { group, normRel: den > 0 ? Math.sqrt(num / den) : Math.sqrt(num), elemRel, where, maxRef };
  });
}
