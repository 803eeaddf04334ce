/**
 * A GaussianCloud as the trainer's flat parameter sections (rasterUniforms.wgsl: means 3C |
 * logScales 3C | quats 4C | opacityLogits C | sh 3KC, sections sized by the capacity C), with the
 * SH truncated to the degree the viewer renders: the projection chunk walks K coefficients with
 * stride K, so a lower degree needs its own packing, not just a smaller loop.
 */
import { shCoeffCount, type GaussianCloud } from '../../core/gaussianCloud.ts';

export interface FlatSections {
  means: Float32Array;
  logScales: Float32Array;
  quats: Float32Array;
  opacityLogits: Float32Array;
  sh: Float32Array;
}

/** Throws a message naming the field when an array does not hold `count` splats. */
export function checkCloud(cloud: GaussianCloud): void {
  const n = cloud.count;
  if (!(Number.isInteger(n) && n >= 0)) throw new Error(`cloud.count must be a non-negative integer, got ${n}`);
  if (!(Number.isInteger(cloud.shDegree) && cloud.shDegree >= 0 && cloud.shDegree <= 3)) throw new Error(`cloud.shDegree must be 0..3, got ${cloud.shDegree}`);
  const K = shCoeffCount(cloud.shDegree);
  const sizes: [keyof FlatSections, number][] = [['means', 3 * n], ['logScales', 3 * n], ['quats', 4 * n], ['opacityLogits', n], ['sh', 3 * K * n]];
  for (const [name, length] of sizes) {
    if (cloud[name].length !== length) throw new Error(`cloud.${name} has ${cloud[name].length} values, expected ${length} for ${n} splats`);
  }
}

/** The degree rendered: the cloud's, lowered to maxShDegree when given. */
export function renderedShDegree(cloud: GaussianCloud, maxShDegree?: number): number {
  if (maxShDegree === undefined) return cloud.shDegree;
  if (!(Number.isInteger(maxShDegree) && maxShDegree >= 0)) throw new Error(`maxShDegree must be a non-negative integer, got ${maxShDegree}`);
  return Math.min(cloud.shDegree, maxShDegree);
}

/** The first shCoeffCount(degree) coefficients of every splat (the cloud's own array when nothing is dropped). */
export function truncateSh(cloud: GaussianCloud, degree: number): Float32Array {
  const from = shCoeffCount(cloud.shDegree);
  const to = shCoeffCount(degree);
  if (to === from) return cloud.sh;
  const out = new Float32Array(3 * to * cloud.count);
  for (let i = 0; i < cloud.count; i++) out.set(cloud.sh.subarray(3 * from * i, 3 * (from * i + to)), 3 * to * i);
  return out;
}

/** Float offsets of the sections for `capacity` splats and K coefficients, and the total length. */
export function flatLayout(capacity: number, shDegree: number) {
  const K = shCoeffCount(shDegree);
  return { means: 0, logScales: 3 * capacity, quats: 6 * capacity, opacityLogits: 10 * capacity, sh: 11 * capacity, length: (11 + 3 * K) * capacity };
}
