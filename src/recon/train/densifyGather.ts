/**
 * Builds a new cloud (and Adam moments) from a list of source splats: the one step every
 * densification rule ends in. Kept splats carry their moments; new ones start at zero, as in
 * 3DGS's densification_postfix.
 */
import { assertCloudArrays, CLOUD_ARRAY_KEYS, cloudArrayStrides, type CloudArrays, type GaussianCloud } from '../../core/gaussianCloud.ts';
import type { AdamMoments } from '../../gpu/optim/adamCore.ts';

/** `sources[j]` is the input splat output splat j copies; its moments too when keepMoments[j]. */
export function gatherSplats(
  cloud: GaussianCloud,
  moments: AdamMoments,
  sources: Int32Array,
  keepMoments: Uint8Array,
): { cloud: GaussianCloud; moments: AdamMoments } {
  const n = sources.length;
  const strides = cloudArrayStrides(cloud.shDegree);
  const out = {} as CloudArrays;
  const m = {} as CloudArrays;
  const v = {} as CloudArrays;
  for (const key of CLOUD_ARRAY_KEYS) {
    const per = strides[key];
    const src = cloud[key], srcM = moments.m[key], srcV = moments.v[key];
    const dst = (out[key] = new Float32Array(per * n));
    const dstM = (m[key] = new Float32Array(per * n));
    const dstV = (v[key] = new Float32Array(per * n));
    // Element loops: subarray() per splat allocates, which dominates at 10^5-10^6 splats.
    for (let j = 0; j < n; j++) {
      const from = per * sources[j], to = per * j;
      for (let k = 0; k < per; k++) dst[to + k] = src[from + k];
      if (keepMoments[j]) {
        for (let k = 0; k < per; k++) {
          dstM[to + k] = srcM[from + k];
          dstV[to + k] = srcV[from + k];
        }
      }
    }
  }
  return { cloud: { count: n, shDegree: cloud.shDegree, ...out }, moments: { m, v } };
}

/** Throws (a bug, not bad input) unless every array has the length `count` splats need. */
export function checkCloudShapes(cloud: GaussianCloud, moments: AdamMoments | null, perSplat: Record<string, ArrayLike<number> | undefined>): void {
  const n = cloud.count;
  assertCloudArrays(cloud, n, cloud.shDegree, 'cloud');
  if (moments) {
    assertCloudArrays(moments.m, n, cloud.shDegree, 'm');
    assertCloudArrays(moments.v, n, cloud.shDegree, 'v');
  }
  for (const [name, arr] of Object.entries(perSplat)) {
    if (arr && arr.length !== n) throw new Error(`${name} has ${arr.length} values, expected one per splat (${n})`);
  }
}
