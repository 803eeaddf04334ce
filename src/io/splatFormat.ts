/**
 * The antimatter15 `.splat` format (antimatter15/splat's convert.py and viewer, also read by
 * SuperSplat, gsplat.js and most web viewers): no header, 32 bytes per splat, little-endian:
 *   0  position x, y, z     3 x float32
 *   12 scale x, y, z        3 x float32, linear (exp of the 3DGS log scale)
 *   24 colour r, g, b, a    4 x uint8: rgb = (0.5 + SH_C0 * f_dc) * 255, a = sigmoid(opacity) * 255
 *   28 rotation w, x, y, z  4 x uint8: normalised q * 128 + 128
 * Same world frame as the 3DGS PLY (convert.py copies positions as they are), so no conversion.
 * Only the DC colour survives: writing a cloud with higher SH degrees drops those coefficients,
 * and reading gives SH degree 0. convert.py truncates bytes (astype uint8); we round, which the
 * same decoder reads with half the error. Splats are kept in cloud order (convert.py sorts them by
 * size and opacity for progressive loading; the order does not change the picture).
 */
import { InputError } from '../core/errors.ts';
import { allocateCloud, assertCloudShape, type GaussianCloud } from '../core/gaussianCloud.ts';
import { SH_C0 } from '../core/sh.ts';
import { alphaByteToLogit, logitToAlphaByte, toByte } from './splatBytes.ts';

export const SPLAT_RECORD_BYTES = 32;
/**
 * Largest scale (world units) a .splat may hold: a splat a million units across is a damaged
 * file, not a scene, and its log would still be a finite float.
 */
export const MAX_SPLAT_SCALE = 1e6;

const PROGRESS_EVERY = 1 << 16;
const AXES = 'xyz';

export interface ReadSplatOptions {
  /** Name used in error messages. */
  file?: string;
  /** Splats read so far of the total; called every 64k splats and at the end. */
  onProgress?: (done: number, total: number) => void;
}

export interface WriteSplatOptions {
  onProgress?: (done: number, total: number) => void;
}

export function readSplat(data: Uint8Array | ArrayBuffer, opts: ReadSplatOptions = {}): GaussianCloud {
  const bytes = data instanceof Uint8Array ? data : new Uint8Array(data);
  const file = opts.file ?? 'file.splat';
  const fail = (msg: string): never => {
    throw new InputError(msg, { file });
  };
  if (bytes.length === 0) fail('the file is empty; a .splat file holds 32 bytes per splat');
  if (bytes.length % SPLAT_RECORD_BYTES !== 0) {
    fail(
      `${bytes.length} bytes is not a whole number of 32-byte splats (${Math.floor(bytes.length / SPLAT_RECORD_BYTES)} splats and ${bytes.length % SPLAT_RECORD_BYTES} bytes over): the file is truncated or is not an antimatter15 .splat file`,
    );
  }
  // The byte length is the count: nothing here can ask for more than 2 bytes of floats per byte read.
  const n = bytes.length / SPLAT_RECORD_BYTES;
  const cloud = allocateCloud(n, 0);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < n; i++) {
    const o = i * SPLAT_RECORD_BYTES;
    for (let a = 0; a < 3; a++) {
      const p = dv.getFloat32(o + 4 * a, true);
      if (!Number.isFinite(p)) fail(`splat ${i}: position ${AXES[a]} is ${p}; NaN and infinite values are not allowed`);
      cloud.means[3 * i + a] = p;
      const s = dv.getFloat32(o + 12 + 4 * a, true);
      if (!(s > 0 && s <= MAX_SPLAT_SCALE)) {
        fail(`splat ${i}: scale ${AXES[a]} is ${s}; a .splat scale is a linear size, positive and at most ${MAX_SPLAT_SCALE}. The file is damaged or is not a .splat file`);
      }
      cloud.logScales[3 * i + a] = Math.log(s);
      cloud.sh[3 * i + a] = (bytes[o + 24 + a] / 255 - 0.5) / SH_C0;
    }
    cloud.opacityLogits[i] = alphaByteToLogit(bytes[o + 27]);
    let w = (bytes[o + 28] - 128) / 128, x = (bytes[o + 29] - 128) / 128, y = (bytes[o + 30] - 128) / 128, z = (bytes[o + 31] - 128) / 128;
    const norm = Math.hypot(w, x, y, z);
    // All four bytes 128 encode no rotation at all; the identity is the only sensible reading.
    if (norm === 0) w = 1;
    else (w /= norm), (x /= norm), (y /= norm), (z /= norm);
    cloud.quats[4 * i] = w;
    cloud.quats[4 * i + 1] = x;
    cloud.quats[4 * i + 2] = y;
    cloud.quats[4 * i + 3] = z;
    if ((i + 1) % PROGRESS_EVERY === 0) opts.onProgress?.(i + 1, n);
  }
  opts.onProgress?.(n, n);
  return cloud;
}

export function writeSplat(cloud: GaussianCloud, opts: WriteSplatOptions = {}): Uint8Array {
  assertCloudShape(cloud, 'writeSplat');
  const n = cloud.count;
  const K = (cloud.shDegree + 1) ** 2;
  const out = new Uint8Array(n * SPLAT_RECORD_BYTES);
  const dv = new DataView(out.buffer);
  for (let i = 0; i < n; i++) {
    const o = i * SPLAT_RECORD_BYTES;
    for (let a = 0; a < 3; a++) {
      const p = cloud.means[3 * i + a];
      const s = Math.fround(Math.exp(cloud.logScales[3 * i + a]));
      if (!Number.isFinite(p)) throw new Error(`writeSplat: splat ${i} has a non-finite position ${AXES[a]} (${p})`);
      if (!(s > 0 && s <= MAX_SPLAT_SCALE)) {
        throw new Error(`writeSplat: splat ${i} has log scale ${cloud.logScales[3 * i + a]} (scale ${s}), which a .splat reader would reject`);
      }
      dv.setFloat32(o + 4 * a, p, true);
      dv.setFloat32(o + 12 + 4 * a, s, true);
      const dc = cloud.sh[3 * K * i + a];
      if (!Number.isFinite(dc)) throw new Error(`writeSplat: splat ${i} has a non-finite colour (${dc})`);
      out[o + 24 + a] = toByte((0.5 + SH_C0 * dc) * 255);
    }
    const logit = cloud.opacityLogits[i];
    if (Number.isNaN(logit)) throw new Error(`writeSplat: splat ${i} has a NaN opacity`);
    out[o + 27] = logitToAlphaByte(logit);
    const q = cloud.quats.subarray(4 * i, 4 * i + 4);
    const norm = Math.hypot(q[0], q[1], q[2], q[3]);
    if (!Number.isFinite(norm)) throw new Error(`writeSplat: splat ${i} has a non-finite rotation (${Array.from(q).join(', ')})`);
    for (let c = 0; c < 4; c++) out[o + 28 + c] = norm === 0 ? (c === 0 ? 255 : 128) : toByte((q[c] / norm) * 128 + 128);
    if ((i + 1) % PROGRESS_EVERY === 0) opts.onProgress?.(i + 1, n);
  }
  opts.onProgress?.(n, n);
  return out;
}
