/**
 * The one splat type spoken by the trainer, renderer, codec and every importer/exporter.
 * Structure of arrays; N splats, K = (shDegree + 1)^2 SH coefficients per colour channel.
 */
export interface GaussianCloud {
  count: number;
  shDegree: number;
  /** N*3 world positions. */
  means: Float32Array;
  /** N*3 natural-log scales. */
  logScales: Float32Array;
  /** N*4 unit quaternions, (w, x, y, z). */
  quats: Float32Array;
  /** N opacity logits (opacity = sigmoid). */
  opacityLogits: Float32Array;
  /** N*K*3 SH coefficients, coefficient-major within a splat: [k][rgb]. */
  sh: Float32Array;
  /**
   * Trained with the Mip-Splatting 2D filter (opacity compensation for the low-pass): renderers
   * must draw it the same way. Carried by SPZ's flag and a PLY header comment.
   */
  antialiased?: boolean;
}

export function shCoeffCount(degree: number): number {
  return (degree + 1) * (degree + 1);
}

/** A cloud of `count` splats with every array allocated and zero (readers and generators fill it). */
export function allocateCloud(count: number, shDegree: number): GaussianCloud {
  return {
    count,
    shDegree,
    means: new Float32Array(3 * count),
    logScales: new Float32Array(3 * count),
    quats: new Float32Array(4 * count),
    opacityLogits: new Float32Array(count),
    sh: new Float32Array(3 * shCoeffCount(shDegree) * count),
  };
}
