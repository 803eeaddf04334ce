/**
 * The float64 reference of splat dropout with opacity compensation (DropGaussian, Park et al.
 * 2025): at each training step every splat is dropped with probability `rate`, and the kept ones
 * have their opacity scaled by k = 1/(1 - rate), so the expected opacity a pixel sees is
 * unchanged. With few views, the splats behind the front ones then also get gradient (they show
 * through wherever the front ones were dropped), which stops a thin front layer from explaining
 * each view on its own. Test renders use every splat, uncompensated.
 *
 * The trainer applies it without touching the rasterizer: dropout.wgsl swaps the opacity logits
 * for l' = logit(min(k sigmoid(l), OPACITY_CAP)) (dropped splats: DROPPED_LOGIT, under the
 * rasterizer's cull threshold, so they get zero gradient) before the forward, and after the
 * backward puts the logits back and chains the gradient: dl'/dl = (1 - s)/(1 - k s), 0 where the
 * cap holds (s = sigmoid(l)).
 */

/** Largest compensated opacity (the rasterizer clamps alpha at 0.99 anyway). */
export const OPACITY_CAP = 0.999;
/** A logit whose opacity (about 1e-13) is far under the rasterizer's ALPHA_MIN: culled. */
export const DROPPED_LOGIT = -30;

/** 32-bit PCG hash (O'Neill's pcg_hash), the same integer steps as dropout.wgsl's. */
export function pcgHash(x: number): number {
  const state = (Math.imul(x >>> 0, 747796405) + 2891336453) >>> 0;
  const word = Math.imul(((state >>> ((state >>> 28) + 4)) ^ state) >>> 0, 277803737) >>> 0;
  return ((word >>> 22) ^ word) >>> 0;
}

/** The u32 a splat's hash must be under to be dropped: floor(rate * 2^32), clamped to u32. */
export function dropThreshold(rate: number): number {
  return Math.min(0xffffffff, Math.max(0, Math.floor(rate * 2 ** 32)));
}

/** Whether splat i is dropped at a step with this seed (dropout.wgsl's test, exactly). */
export function isDropped(i: number, seed: number, threshold: number): boolean {
  return pcgHash((i + pcgHash(seed >>> 0)) >>> 0) < threshold;
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** The logit the forward sees for a kept splat of logit l (compensated, capped). */
export function compensatedLogit(l: number, rate: number): number {
  const o = Math.min(sigmoid(l) / (1 - rate), OPACITY_CAP);
  return Math.log(o / (1 - o));
}

/** d compensatedLogit / dl: what the kept splat's logit gradient is multiplied by. */
export function compensatedLogitGrad(l: number, rate: number): number {
  const s = sigmoid(l);
  const ks = s / (1 - rate);
  return ks < OPACITY_CAP ? (1 - s) / (1 - ks) : 0;
}

/** dropout.wgsl's apply pass over `count` logits: the logits the forward sees. */
export function dropoutLogits(logits: ArrayLike<number>, count: number, rate: number, seed: number): Float64Array {
  const t = dropThreshold(rate);
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) out[i] = isDropped(i, seed, t) ? DROPPED_LOGIT : compensatedLogit(logits[i], rate);
  return out;
}

/** dropout.wgsl's restore pass: the gradient of the original logits from that of the swapped ones. */
export function dropoutLogitGrads(logits: ArrayLike<number>, grads: ArrayLike<number>, count: number, rate: number, seed: number): Float64Array {
  const t = dropThreshold(rate);
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) out[i] = isDropped(i, seed, t) ? 0 : grads[i] * compensatedLogitGrad(logits[i], rate);
  return out;
}
