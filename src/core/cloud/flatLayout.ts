/**
 * The one flat parameter layout, shared by the trainer's rasterizer, the optimiser and the viewer
 * (rasterUniforms.wgsl): means 3C | logScales 3C | quats 4C | opacityLogits C | sh 3KC, each section
 * sized by the capacity C >= count, so a kernel can walk all parameters as one array. Within the
 * sh section splat i's coefficient k, channel c is at sh + (i*K + k)*3 + c.
 */
import { CLOUD_ARRAY_KEYS, cloudArrayLengths, cloudArrayStrides, type CloudArrays } from './arrays.ts';

/** Offsets (in floats) of each section, the capacity they are sized for and the total length. */
export interface FlatParamLayout extends CloudArrays<number> {
  capacity: number;
  length: number;
}

export function flatParamLayout(capacity: number, shDegree: number): FlatParamLayout {
  const s = cloudArrayStrides(shDegree);
  const L = { capacity, length: 0 } as FlatParamLayout;
  for (const key of CLOUD_ARRAY_KEYS) {
    L[key] = L.length;
    L.length += s[key] * capacity;
  }
  return L;
}

/** The first `count` splats of each section of `flat`, as cloud-shaped arrays (copies). */
export function unflattenCloudArrays(flat: Float32Array, L: FlatParamLayout, count: number, shDegree: number): CloudArrays<Float32Array> {
  const n = cloudArrayLengths(count, shDegree);
  const out = {} as CloudArrays<Float32Array>;
  for (const key of CLOUD_ARRAY_KEYS) out[key] = flat.slice(L[key], L[key] + n[key]);
  return out;
}
