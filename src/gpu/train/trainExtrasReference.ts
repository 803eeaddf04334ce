/**
 * The TypeScript reference of the trainer's small kernels (regularizers.wgsl, densifyStats.wgsl):
 * the same formulas in float64, with the losses the regulariser gradients come from, so tests can
 * check the gradients by finite differences and the kernels against these.
 */
import { expScale, sigmoid } from '../../core/gaussianCloud.ts';
import { PROJECTED_GRAD_STRIDE as G } from '../rasterUniforms.ts';
import type { RegularizerWeights } from './trainExtras.ts';

export interface RegularizerInput {
  count: number;
  /** count * 3 log-scales. */
  logScales: ArrayLike<number>;
  /** count opacity logits. */
  opacityLogits: ArrayLike<number>;
}


/** First index of the largest and of the smallest of splat i's three log-scales. */
function extremes(l: ArrayLike<number>, i: number): [number, number] {
  let kMax = 0, kMin = 0;
  for (let k = 1; k < 3; k++) {
    if (l[3 * i + k] > l[3 * i + kMax]) kMax = k;
    if (l[3 * i + k] < l[3 * i + kMin]) kMin = k;
  }
  return [kMax, kMin];
}

/** The regularisers' total loss (regularizers.wgsl's contract). */
export function regularizerLoss(p: RegularizerInput, w: RegularizerWeights): number {
  const inv = 1 / p.count;
  const r = w.anisoMaxRatio ?? 10;
  let loss = 0;
  for (let i = 0; i < p.count; i++) {
    for (let k = 0; k < 3; k++) loss += w.scale * inv * expScale(p.logScales[3 * i + k]);
    loss += w.opacity * inv * sigmoid(p.opacityLogits[i]);
    if (w.aniso) {
      const [kMax, kMin] = extremes(p.logScales, i);
      loss += w.aniso * inv * Math.max(0, Math.exp(p.logScales[3 * i + kMax] - p.logScales[3 * i + kMin]) - r);
    }
  }
  return loss;
}

/** d regularizerLoss / d(logScales, opacityLogits). */
export function regularizerGradients(p: RegularizerInput, w: RegularizerWeights): { logScales: Float64Array; opacityLogits: Float64Array } {
  const inv = 1 / p.count;
  const r = w.anisoMaxRatio ?? 10;
  const gl = new Float64Array(3 * p.count);
  const go = new Float64Array(p.count);
  for (let i = 0; i < p.count; i++) {
    for (let k = 0; k < 3; k++) gl[3 * i + k] += w.scale * inv * expScale(p.logScales[3 * i + k]);
    const s = sigmoid(p.opacityLogits[i]);
    go[i] += w.opacity * inv * s * (1 - s);
    if (w.aniso) {
      const [kMax, kMin] = extremes(p.logScales, i);
      const ratio = Math.exp(p.logScales[3 * i + kMax] - p.logScales[3 * i + kMin]);
      if (ratio > r) {
        gl[3 * i + kMax] += w.aniso * inv * ratio;
        gl[3 * i + kMin] -= w.aniso * inv * ratio;
      }
    }
  }
  return { logScales: gl, opacityLogits: go };
}

/**
 * densifyStats.wgsl for one step: a splat with any non-zero projected gradient (PROJECTED_GRAD_STRIDE
 * per splat: u, v, conic A, B, C, opacity, r, g, b, depth z) is seen, and adds |(dL/du W/2, dL/dv H/2)|.
 */
export function densifyStatsStep(gradProjected: ArrayLike<number>, count: number, width: number, height: number, gradNormSum: Float64Array, seenCount: Float64Array): void {
  for (let i = 0; i < count; i++) {
    let seen = false;
    for (let k = 0; k < G; k++) if (gradProjected[G * i + k] !== 0) seen = true;
    if (!seen) continue;
    gradNormSum[i] += Math.hypot(gradProjected[G * i] * (width / 2), gradProjected[G * i + 1] * (height / 2));
    seenCount[i] += 1;
  }
}
