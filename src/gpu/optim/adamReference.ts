/**
 * Adam on plain arrays, float32 at every operation in the kernel's order: the ground truth the
 * GPU optimiser is tested against (and a fallback for tiny CPU-only runs).
 */
import { CLOUD_ARRAY_KEYS, shCoeffCount, type CloudArrayKey, type CloudArrays } from '../../core/gaussianCloud.ts';
import { adamStepConstants, DEFAULT_ADAM_HYPER, type AdamHyperParams, type AdamLearningRates, type AdamMoments, type NonFinitePolicy } from './adamCore.ts';

export interface AdamReferenceResult {
  /** Non-finite gradient values seen. */
  nonFinite: number;
  /** True when the policy made the whole step a no-op. */
  skipped: boolean;
}

const isBad = (g: number) => !Number.isFinite(g);

/** One Adam step in place on `params` and `moments`; `step` counts from 1. */
export function adamStepReference(
  params: CloudArrays,
  grads: CloudArrays,
  moments: AdamMoments,
  shDegree: number,
  lr: AdamLearningRates,
  step: number,
  hyper: AdamHyperParams = DEFAULT_ADAM_HYPER,
  policy: NonFinitePolicy = 'skip-step',
): AdamReferenceResult {
  const c = adamStepConstants(lr, step, hyper);
  const K3 = 3 * shCoeffCount(shDegree);
  let nonFinite = 0;
  for (const key of CLOUD_ARRAY_KEYS) for (const g of grads[key]) if (isBad(g)) nonFinite++;
  if (nonFinite > 0 && policy === 'skip-step') return { nonFinite, skipped: true };
  const f = Math.fround;
  const groupOf = (key: CloudArrayKey, j: number): number =>
    key === 'means' ? 0 : key === 'logScales' ? 1 : key === 'quats' ? 2 : key === 'opacityLogits' ? 3 : j % K3 < 3 ? 4 : 5;
  for (const key of CLOUD_ARRAY_KEYS) {
    const p = params[key], g = grads[key], m = moments.m[key], v = moments.v[key];
    for (let j = 0; j < p.length; j++) {
      const gj = g[j];
      if (isBad(gj)) continue;
      const mj = f(f(c.beta1 * m[j]) + f(c.oneMinusBeta1 * gj));
      const vj = f(f(c.beta2 * v[j]) + f(c.oneMinusBeta2 * f(gj * gj)));
      m[j] = mj;
      v[j] = vj;
      const denom = f(f(f(Math.sqrt(vj)) * c.invSqrtBc2) + c.eps);
      p[j] = f(p[j] - f(c.stepSizes[groupOf(key, j)] * f(mj / denom)));
    }
  }
  return { nonFinite, skipped: false };
}
