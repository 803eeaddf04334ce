/**
 * What the GPU Adam and its CPU reference share: the parameter groups, the host-side constants
 * of one step, and the plain-array shape of parameters and moments. No WebGPU here, so the
 * trainer's host code and densification can use these types without touching the GPU.
 */
import type { CloudArrays } from '../../core/gaussianCloud.ts';

export interface AdamMoments {
  m: CloudArrays;
  v: CloudArrays;
}

/** One learning rate per group, as 3DGS's optimiser param_groups (SH split into DC and rest). */
export interface AdamLearningRates {
  means: number;
  logScales: number;
  quats: number;
  opacityLogits: number;
  shDc: number;
  shRest: number;
}

/** Group order in the kernel's uniform. */
export const ADAM_GROUPS = ['means', 'logScales', 'quats', 'opacityLogits', 'shDc', 'shRest'] as const;

export interface AdamHyperParams {
  beta1: number;
  beta2: number;
  /** 3DGS uses 1e-15: gradients of far-off splats are tiny and a larger eps would freeze them. */
  eps: number;
}

export const DEFAULT_ADAM_HYPER: AdamHyperParams = { beta1: 0.9, beta2: 0.999, eps: 1e-15 };

/**
 * How a step treats non-finite gradients. 'skip-step': if any gradient is NaN/Inf nothing moves
 * (no parameter, no moment), so there is nothing to roll back. 'skip-values': only the affected
 * values are left alone and the rest of the step is applied.
 */
export type NonFinitePolicy = 'skip-step' | 'skip-values';

/** Per-step scalars in float32, exactly as the kernel receives them (torch.optim.Adam's form). */
export interface AdamStepConstants {
  /** lr / (1 - beta1^t) per group, in ADAM_GROUPS order. */
  stepSizes: number[];
  /** 1 / sqrt(1 - beta2^t). */
  invSqrtBc2: number;
  beta1: number;
  beta2: number;
  oneMinusBeta1: number;
  oneMinusBeta2: number;
  eps: number;
}

/** `step` counts from 1 (the first update), as torch's state['step'] after increment. */
export function adamStepConstants(lr: AdamLearningRates, step: number, hyper: AdamHyperParams = DEFAULT_ADAM_HYPER): AdamStepConstants {
  if (!(Number.isInteger(step) && step >= 1)) throw new Error(`Adam step must be an integer >= 1, got ${step}`);
  for (const g of ADAM_GROUPS) if (!(Number.isFinite(lr[g]) && lr[g] >= 0)) throw new Error(`Adam learning rate for ${g} must be finite and >= 0, got ${lr[g]}`);
  // Bias corrections in double precision: 1 - 0.999^t loses digits in float32 for small t.
  const bc1 = 1 - Math.pow(hyper.beta1, step);
  const bc2 = 1 - Math.pow(hyper.beta2, step);
  const f = Math.fround;
  return {
    stepSizes: ADAM_GROUPS.map((g) => f(lr[g] / bc1)),
    invSqrtBc2: f(1 / Math.sqrt(bc2)),
    beta1: f(hyper.beta1),
    beta2: f(hyper.beta2),
    oneMinusBeta1: f(1 - hyper.beta1),
    oneMinusBeta2: f(1 - hyper.beta2),
    eps: f(hyper.eps),
  };
}
