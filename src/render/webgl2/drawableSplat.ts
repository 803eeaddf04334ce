/**
 * Which splats the WebGL2 renderer may draw at all, decided once per cloud on the CPU, so the
 * texture packer and the sort worker agree: every parameter finite and a non-zero quaternion (the
 * trainer's reference treats |q| = 0 as invisible). NaN comparisons in shaders are not reliable
 * enough to leave this to the GPU.
 */
import type { GaussianCloud } from '../../core/gaussianCloud.ts';

function allFinite(a: Float32Array, from: number, n: number): boolean {
  for (let k = 0; k < n; k++) if (!Number.isFinite(a[from + k])) return false;
  return true;
}

export function isDrawableSplat(cloud: GaussianCloud, i: number): boolean {
  const K3 = 3 * (cloud.shDegree + 1) ** 2;
  const q = cloud.quats;
  return (
    allFinite(cloud.means, 3 * i, 3) &&
    allFinite(cloud.logScales, 3 * i, 3) &&
    allFinite(q, 4 * i, 4) &&
    allFinite(cloud.opacityLogits, i, 1) &&
    allFinite(cloud.sh, i * K3, K3) &&
    Math.hypot(q[4 * i], q[4 * i + 1], q[4 * i + 2], q[4 * i + 3]) > 0
  );
}
