/**
 * The cloud's five parameter arrays, declared once: GaussianCloud, gradients, optimiser moments,
 * float64 references, lengths and flat-layout offsets are all CloudArrays of some element type.
 */

/** The five per-splat parameter arrays, generic over their type (Float32Array, Float64Array, lengths, offsets). */
export interface CloudArrays<T = Float32Array> {
  /** N*3 world positions. */
  means: T;
  /** N*3 natural-log scales. */
  logScales: T;
  /** N*4 unit quaternions, (w, x, y, z). */
  quats: T;
  /** N opacity logits (opacity = sigmoid). */
  opacityLogits: T;
  /** N*K*3 SH coefficients, coefficient-major within a splat: [k][rgb]. */
  sh: T;
}

export type CloudArrayKey = keyof CloudArrays;

/** The arrays in flat-layout order (means | logScales | quats | opacityLogits | sh). */
export const CLOUD_ARRAY_KEYS = ['means', 'logScales', 'quats', 'opacityLogits', 'sh'] as const satisfies readonly CloudArrayKey[];

export function shCoeffCount(degree: number): number {
  return (degree + 1) * (degree + 1);
}

/** Values per splat in each array for SH degree `shDegree`. */
export function cloudArrayStrides(shDegree: number): CloudArrays<number> {
  return { means: 3, logScales: 3, quats: 4, opacityLogits: 1, sh: 3 * shCoeffCount(shDegree) };
}

/** The length each array must have for `count` splats of SH degree `shDegree`. */
export function cloudArrayLengths(count: number, shDegree: number): CloudArrays<number> {
  const s = cloudArrayStrides(shDegree);
  return { means: s.means * count, logScales: s.logScales * count, quats: s.quats * count, opacityLogits: count, sh: s.sh * count };
}
