/**
 * The precondition every splat writer checks before encoding: a well-formed GaussianCloud
 * (integer count, SH degree 0..3, every array the length the count implies). A failure here is a
 * bug in the caller, not bad user input, so it is a plain Error.
 */
import { shCoeffCount, type GaussianCloud } from '../core/gaussianCloud.ts';

export function assertCloudShape(cloud: GaussianCloud, writer: string): void {
  const { count: n, shDegree } = cloud;
  if (!(Number.isInteger(n) && n >= 0)) throw new Error(`${writer}: count must be a non-negative integer, got ${n}`);
  if (!(Number.isInteger(shDegree) && shDegree >= 0 && shDegree <= 3)) throw new Error(`${writer}: SH degree must be 0..3, got ${shDegree}`);
  const K = shCoeffCount(shDegree);
  const expected: [keyof GaussianCloud, number][] = [['means', 3 * n], ['logScales', 3 * n], ['quats', 4 * n], ['opacityLogits', n], ['sh', 3 * K * n]];
  for (const [name, length] of expected) {
    const got = (cloud[name] as Float32Array).length;
    if (got !== length) throw new Error(`${writer}: cloud.${name} has ${got} values, expected ${length} for ${n} splats`);
  }
}
