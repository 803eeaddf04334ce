/**
 * A GaussianCloud's SH truncated to the degree the viewer renders, for the trainer's flat
 * parameter layout (src/core/cloud/flatLayout.ts): the projection chunk walks K coefficients with
 * stride K, so a lower degree needs its own packing, not just a smaller loop.
 */
import { shCoeffCount, type GaussianCloud } from '../../core/gaussianCloud.ts';

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
