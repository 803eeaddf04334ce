/**
 * The one splat type spoken by the trainer, renderer, codec and every importer/exporter, and the
 * one home of everything about its shape: the five parameter arrays (declared once, in
 * CloudArrays; gradients, optimiser moments and float64 references are CloudArrays of another
 * element type), their lengths, the validator, the activations (./cloud/activations.ts), the flat
 * parameter layout of the trainer, optimiser and viewer (./cloud/flatLayout.ts) and the projection
 * constants (./cloud/projection.ts).
 * Structure of arrays; N splats, K = (shDegree + 1)^2 SH coefficients per colour channel.
 */

import { CLOUD_ARRAY_KEYS, cloudArrayLengths, cloudArrayStrides, type CloudArrays } from './cloud/arrays.ts';
import { sigmoid } from './cloud/activations.ts';

export interface GaussianCloud extends CloudArrays<Float32Array> {
  count: number;
  shDegree: number;
  /**
   * Trained with the Mip-Splatting 2D filter (opacity compensation for the low-pass): renderers
   * must draw it the same way. Carried by SPZ's flag and a PLY header comment.
   */
  antialiased?: boolean;
}

/** A cloud of `count` splats with every array allocated and zero (readers and generators fill it). */
export function allocateCloud(count: number, shDegree: number): GaussianCloud {
  const L = cloudArrayLengths(count, shDegree);
  return {
    count,
    shDegree,
    means: new Float32Array(L.means),
    logScales: new Float32Array(L.logScales),
    quats: new Float32Array(L.quats),
    opacityLogits: new Float32Array(L.opacityLogits),
    sh: new Float32Array(L.sh),
  };
}

/** The splats `indices` of `cloud`, in that order, as a new cloud (its flags kept). */
export function selectSplats(cloud: GaussianCloud, indices: ArrayLike<number>): GaussianCloud {
  const n = indices.length;
  const out = allocateCloud(n, cloud.shDegree);
  if (cloud.antialiased) out.antialiased = true;
  const strides = cloudArrayStrides(cloud.shDegree);
  for (const key of CLOUD_ARRAY_KEYS) {
    const per = strides[key], src = cloud[key], dst = out[key];
    // Element loops: subarray() per splat allocates, which dominates at 10^5-10^6 splats.
    for (let j = 0; j < n; j++) for (let k = 0, from = per * indices[j], to = per * j; k < per; k++) dst[to + k] = src[from + k];
  }
  return out;
}

/** Indices of the splats at least `minOpacity` opaque (sigmoid of the logit; NaN counts as kept). */
export function splatsAtLeastOpaque(cloud: GaussianCloud, minOpacity: number): Uint32Array {
  const keep: number[] = [];
  for (let i = 0; i < cloud.count; i++) if (!(sigmoid(cloud.opacityLogits[i]) < minOpacity)) keep.push(i);
  return Uint32Array.from(keep);
}

/**
 * Throws unless every array of `arrays` has exactly the length `count` splats of SH degree
 * `shDegree` imply. The message names the field: `${who}: ${label}.${field} has G values,
 * expected E for N splats` (no `who: ` without `who`).
 */
export function assertCloudArrays(arrays: CloudArrays<ArrayLike<number>>, count: number, shDegree: number, label = 'cloud', who?: string): void {
  const want = cloudArrayLengths(count, shDegree);
  for (const key of CLOUD_ARRAY_KEYS) {
    const got = arrays[key].length;
    if (got !== want[key]) throw new Error(`${who ? `${who}: ` : ''}${label}.${key} has ${got} values, expected ${want[key]} for ${count} splats`);
  }
}

/**
 * The precondition of every writer, uploader and renderer: a well-formed GaussianCloud (integer
 * count >= 0, integer SH degree 0..3, every array exactly the length the count implies). A
 * failure is a bug in the caller, not bad user input, so it is a plain Error; `who` (e.g.
 * 'writePly') prefixes the message.
 */
export function assertCloudShape(cloud: GaussianCloud, who?: string): void {
  const prefix = who ? `${who}: ` : '';
  const { count: n, shDegree } = cloud;
  if (!(Number.isInteger(n) && n >= 0)) throw new Error(`${prefix}cloud.count must be a non-negative integer, got ${n}`);
  if (!(Number.isInteger(shDegree) && shDegree >= 0 && shDegree <= 3)) throw new Error(`${prefix}cloud.shDegree must be 0..3, got ${shDegree}`);
  assertCloudArrays(cloud, n, shDegree, 'cloud', who);
}

export { CLOUD_ARRAY_KEYS, cloudArrayLengths, cloudArrayStrides, shCoeffCount, type CloudArrayKey, type CloudArrays } from './cloud/arrays.ts';
export { expScale, logit, sigmoid } from './cloud/activations.ts';
export { flatParamLayout, unflattenCloudArrays, type FlatParamLayout } from './cloud/flatLayout.ts';
export {
  ALPHA_MAX,
  ALPHA_MAX_F32,
  ALPHA_MIN,
  clipLimits,
  DEFAULT_PROJECTION,
  FRUSTUM_MARGIN,
  LOW_PASS,
  NEAR_PLANE,
  T_MIN,
  type ProjectionSettings,
} from './cloud/projection.ts';
