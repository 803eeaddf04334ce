/**
 * Niantic's `.spz` (nianticlabs/spz, the format of Scaniverse and of glTF KHR_spz_compression):
 * about 10x smaller than a 3DGS PLY. Written here from the public spec and reference library:
 * of the npm packages, spz-js pulls in the whole PlayCanvas engine and @spz-loader/core is an
 * Emscripten WASM loader (reading only); neither is a small, well-kept reader and writer for both
 * browser and Node. gzip comes from fflate (sync, already a dependency).
 *
 * A gzip stream of a 16-byte little-endian header
 *   u32 magic 0x5053474e ("NGSP")  u32 version (2 or 3)  u32 numPoints
 *   u8 shDegree (0..4)  u8 fractionalBits  u8 flags (1 = antialiased, 2 = extensions)  u8 reserved
 * then one array per attribute, all splats of one attribute together:
 *   positions  9 B/splat: x, y, z as 24-bit two's complement, value * 2^fractionalBits
 *   alphas     1 B: sigmoid(opacity) * 255
 *   colours    3 B: f_dc * 0.15 * 255 + 127.5 (0.15, not SH_C0, leaves room for DC beyond [0, 1])
 *   scales     3 B: (log scale + 10) * 16
 *   rotations  v2: 3 B, x, y, z of the unit quaternion with w >= 0, q * 127.5 + 127.5;
 *              v3: 4 B, "smallest three": u32 = index of the largest |component| (2 bits, order
 *              x, y, z, w), then for each other component in that order a sign bit and a 9-bit
 *              magnitude |q| / sqrt(1/2) * 511, the first one in the highest bits
 *   sh         (K-1)*3 B: per coefficient k >= 1, r g b, each round(v * 128) + 128, rounded to a
 *              multiple of 8 (degree-1) or 16 (higher) as the reference encoder does for gzip's sake
 * Version 4 (a new ZSTD container without gzip), version 1 (unreleased float16 positions),
 * vendor extensions (flag 2), SH degree 4, and more than 24 fractional bits (positions finer than
 * the 24 bits that hold them: a damaged header) are refused with an InputError saying so; the
 * antialiased flag (the Mip-Splatting 2D filter) is carried as cloud.antialiased both ways; the
 * reserved byte is read past.
 *
 * Coordinates: the spec stores SPZ in RUB (right, up, back: OpenGL/three.js) and treats PLY as
 * RDF (right, down, front: OpenCV/COLMAP, what 3DGS writes), and the reference library converts
 * between them when told the source is a PLY (spz.ply_to_spz(..., coordinate_system="RDF")):
 * RDF -> RUB is a half turn about x, so it negates y and z of positions and of the quaternions'
 * vector parts, and the SH coefficients whose basis function changes sign under (x, -y, -z)
 * (SH_FLIP_RDF_RUB below). Our clouds are in the PLY frame, so writeSpz applies that conversion
 * and readSpz undoes it: PLY -> SPZ -> PLY keeps the frame, and our files agree with what the
 * reference library makes from the same PLY. Beware that the
 * reference C++ ply_to_spz tool with default options, and files made before the library had
 * coordinate systems, store the PLY frame unconverted; `convertCoordinates: false` reads (and
 * writes) such files as they are.
 *
 * Safety: numPoints is capped at 10M (the reference reader's limit) and checked against what the
 * compressed size can possibly inflate to (deflate never exceeds 1032:1) before anything is
 * allocated; the stream is inflated in 16 KiB steps into a buffer of exactly the size the header
 * implies, and a stream longer or shorter than that is refused.
 */
import { Gunzip, gzipSync } from 'fflate';
import { InputError } from '../core/errors.ts';
import { allocateCloud, assertCloudShape, shCoeffCount, type GaussianCloud } from '../core/gaussianCloud.ts';
import { alphaByteToLogit, logitToAlphaByte, roundHalfAway, toByte } from './splatBytes.ts';

export const SPZ_MAGIC = 0x5053474e;
export const SPZ_HEADER_BYTES = 16;
/** The reference reader's own limit (deserializePackedGaussians). */
export const MAX_SPZ_POINTS = 10_000_000;
/** Deflate's largest possible expansion: 258 bytes from a 2-bit code, 1032:1. */
const MAX_INFLATE_RATIO = 1032;
const INFLATE_STEP = 16 * 1024;
const FLAG_ANTIALIASED = 0x1;
const FLAG_EXTENSIONS = 0x2;
/** Colours are stored as f_dc * COLOR_SCALE, not f_dc * SH_C0. */
const COLOR_SCALE = 0.15;
const SQRT1_2 = Math.SQRT1_2;
/** The fractional bits the reference encoder uses (1/4096 unit); fewer only if positions need it. */
const DEFAULT_FRACTIONAL_BITS = 12;
const MAX_FIXED = 0x7fffff;
const PROGRESS_EVERY = 1 << 16;

/**
 * Sign of each SH coefficient k = 1..15 (index k-1) under (x, y, z) -> (x, -y, -z), in the
 * 3DGS basis of src/core/sh.ts: Y_k(x, -y, -z) = sign * Y_k(x, y, z). Its own inverse.
 */
export const SH_FLIP_RDF_RUB = [-1, -1, 1, -1, 1, 1, -1, 1, -1, 1, -1, -1, 1, -1, 1] as const;

export interface SpzHeader {
  version: number;
  numPoints: number;
  shDegree: number;
  fractionalBits: number;
  flags: number;
}

export interface ReadSpzOptions {
  /** Name used in error messages. */
  file?: string;
  /** Undo SPZ's RUB frame into the PLY frame (default true); false copies values as stored. */
  convertCoordinates?: boolean;
  /** Splats decoded so far of the total; called every 64k splats and at the end. */
  onProgress?: (done: number, total: number) => void;
}

export interface WriteSpzOptions {
  /** 3 (default, smallest-three rotations) or 2 (for readers older than 2025). */
  version?: 2 | 3;
  /** Convert the PLY frame to SPZ's RUB (default true); false stores values as they are. */
  convertCoordinates?: boolean;
  /** Bits kept of each degree-1 SH byte (1..8, default 5) and of higher degrees (default 4). */
  sh1Bits?: number;
  shRestBits?: number;
  onProgress?: (done: number, total: number) => void;
}

const rotationBytes = (version: number) => (version >= 3 ? 4 : 3);

/** Bytes after the header that a stream with this header holds. */
export function spzPayloadBytes(h: SpzHeader): number {
  const shBytes = 3 * (shCoeffCount(h.shDegree) - 1);
  return h.numPoints * (9 + 1 + 3 + 3 + rotationBytes(h.version) + shBytes);
}

/** Reads and checks the 16 decompressed header bytes. */
export function parseSpzHeader(head: Uint8Array, fail: (msg: string) => never): SpzHeader {
  const dv = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const magic = dv.getUint32(0, true);
  if (magic !== SPZ_MAGIC) fail(`the decompressed data does not start with the SPZ magic "NGSP" (found 0x${magic.toString(16).padStart(8, '0')}): not an SPZ file`);
  const h: SpzHeader = {
    version: dv.getUint32(4, true),
    numPoints: dv.getUint32(8, true),
    shDegree: head[12],
    fractionalBits: head[13],
    flags: head[14],
  };
  if (h.version === 1) fail('SPZ version 1 (an unreleased draft with float16 positions) is not supported; re-save the file with a current SPZ tool');
  if (h.version !== 2 && h.version !== 3) fail(`unknown SPZ version ${h.version}; this app reads versions 2 and 3`);
  if (h.numPoints > MAX_SPZ_POINTS) fail(`the header claims ${h.numPoints} splats, more than the ${MAX_SPZ_POINTS} an SPZ file may hold; the file is damaged`);
  if (h.shDegree === 4) fail('SH degree 4 is not supported (this app handles degrees 0 to 3); re-export the scene with SH degree 3 or lower');
  if (h.shDegree > 4) fail(`the header gives SH degree ${h.shDegree}; SPZ allows 0 to 4, so the file is damaged`);
  if (h.fractionalBits > 24) fail(`the header gives ${h.fractionalBits} fractional bits for 24-bit positions; the file is damaged`);
  if (h.flags & FLAG_EXTENSIONS) fail('the file carries SPZ vendor extensions (flag 0x2), which this app does not read; save it again without extensions, or as PLY');
  return h;
}

export function readSpz(data: Uint8Array | ArrayBuffer, opts: ReadSpzOptions = {}): GaussianCloud {
  const bytes = data instanceof Uint8Array ? data : new Uint8Array(data);
  const file = opts.file ?? 'file.spz';
  const fail = (msg: string): never => {
    throw new InputError(msg, { file });
  };
  if (bytes.length >= 8 && new DataView(bytes.buffer, bytes.byteOffset, 8).getUint32(0, true) === SPZ_MAGIC) {
    const version = new DataView(bytes.buffer, bytes.byteOffset, 8).getUint32(4, true);
    fail(
      version >= 4
        ? `this is an SPZ version ${version} file (ZSTD-compressed streams), which this app does not read yet; save it as SPZ version 3 or as PLY`
        : 'this SPZ data is not gzip-compressed; an .spz file is a gzip stream (it starts with the bytes 1f 8b)',
    );
  }
  if (bytes.length < 2 || bytes[0] !== 0x1f || bytes[1] !== 0x8b) fail('not an SPZ file: an .spz file is a gzip stream and starts with the bytes 1f 8b');

  let header: SpzHeader | undefined;
  const raw = gunzipExactly(bytes, fail, (head) => {
    header = parseSpzHeader(head, fail);
    const total = SPZ_HEADER_BYTES + spzPayloadBytes(header);
    if (total > bytes.length * MAX_INFLATE_RATIO) {
      fail(`the header claims ${header.numPoints} splats (${total} bytes of data), more than a ${bytes.length}-byte gzip file can hold; the file is truncated or damaged`);
    }
    return total;
  });
  return decodeSpz(raw, header!, opts.convertCoordinates ?? true, opts.onProgress);
}

function decodeSpz(raw: Uint8Array, h: SpzHeader, convert: boolean, onProgress?: (done: number, total: number) => void): GaussianCloud {
  const n = h.numPoints;
  const K = shCoeffCount(h.shDegree);
  const shPer = 3 * (K - 1);
  const rotPer = rotationBytes(h.version);
  const posAt = SPZ_HEADER_BYTES;
  const alphaAt = posAt + 9 * n;
  const colorAt = alphaAt + n;
  const scaleAt = colorAt + 3 * n;
  const rotAt = scaleAt + 3 * n;
  const shAt = rotAt + rotPer * n;
  const cloud = allocateCloud(n, h.shDegree);
  if (h.flags & FLAG_ANTIALIASED) cloud.antialiased = true;
  const step = 2 ** -h.fractionalBits;
  const flip = (v: number, negate: boolean) => (negate ? 0 - v : v);
  const xyzw = new Float64Array(4);
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < 3; a++) {
      const p = posAt + 9 * i + 3 * a;
      const fixed = ((raw[p] | (raw[p + 1] << 8) | (raw[p + 2] << 16)) << 8) >> 8;
      cloud.means[3 * i + a] = flip(fixed * step, convert && a > 0);
      cloud.logScales[3 * i + a] = raw[scaleAt + 3 * i + a] / 16 - 10;
      cloud.sh[3 * K * i + a] = (raw[colorAt + 3 * i + a] / 255 - 0.5) / COLOR_SCALE;
    }
    cloud.opacityLogits[i] = alphaByteToLogit(raw[alphaAt + i]);
    if (rotPer === 4) unpackSmallestThree(raw, rotAt + 4 * i, xyzw);
    else unpackFirstThree(raw, rotAt + 3 * i, xyzw);
    const norm = Math.hypot(xyzw[0], xyzw[1], xyzw[2], xyzw[3]);
    cloud.quats[4 * i] = xyzw[3] / norm;
    cloud.quats[4 * i + 1] = xyzw[0] / norm;
    cloud.quats[4 * i + 2] = flip(xyzw[1] / norm, convert);
    cloud.quats[4 * i + 3] = flip(xyzw[2] / norm, convert);
    for (let j = 0; j < shPer; j++) {
      const v = (raw[shAt + shPer * i + j] - 128) / 128;
      cloud.sh[3 * K * i + 3 + j] = flip(v, convert && SH_FLIP_RDF_RUB[Math.floor(j / 3)] < 0);
    }
    if ((i + 1) % PROGRESS_EVERY === 0) onProgress?.(i + 1, n);
  }
  onProgress?.(n, n);
  return cloud;
}

/** v2: x, y, z bytes; w >= 0 follows from unit length. Never all zero, so the norm is > 0. */
function unpackFirstThree(raw: Uint8Array, at: number, xyzw: Float64Array): void {
  let sq = 0;
  for (let c = 0; c < 3; c++) {
    xyzw[c] = raw[at + c] / 127.5 - 1;
    sq += xyzw[c] * xyzw[c];
  }
  xyzw[3] = Math.sqrt(Math.max(0, 1 - sq));
}

/** v3: see the header comment. The largest component is clamped at 0 so damage cannot give NaN. */
function unpackSmallestThree(raw: Uint8Array, at: number, xyzw: Float64Array): void {
  let comp = (raw[at] | (raw[at + 1] << 8) | (raw[at + 2] << 16) | (raw[at + 3] << 24)) >>> 0;
  const largest = comp >>> 30;
  let sq = 0;
  for (let c = 3; c >= 0; c--) {
    if (c === largest) continue;
    const mag = comp & 0x1ff;
    const negative = (comp >>> 9) & 1;
    comp >>>= 10;
    const v = (SQRT1_2 * mag) / 0x1ff;
    xyzw[c] = negative ? -v : v;
    sq += v * v;
  }
  xyzw[largest] = Math.sqrt(Math.max(0, 1 - sq));
}

/**
 * Inflates a gzip file whose first 16 output bytes say how long the output is. `sizeFromHeader`
 * sees those bytes (and may throw) before the output buffer is allocated; output beyond that size
 * stops the inflation. fflate's own errors become InputErrors; anything else propagates.
 */
function gunzipExactly(bytes: Uint8Array, fail: (msg: string) => never, sizeFromHeader: (head: Uint8Array) => number): Uint8Array {
  const head = new Uint8Array(SPZ_HEADER_BYTES);
  let headLen = 0;
  let out: Uint8Array | null = null;
  let outLen = 0;
  const gz = new Gunzip((chunk) => {
    let rest = chunk;
    if (!out) {
      const take = Math.min(SPZ_HEADER_BYTES - headLen, rest.length);
      head.set(rest.subarray(0, take), headLen);
      headLen += take;
      rest = rest.subarray(take);
      if (headLen < SPZ_HEADER_BYTES) return;
      out = new Uint8Array(sizeFromHeader(head));
      out.set(head);
      outLen = SPZ_HEADER_BYTES;
    }
    if (outLen + rest.length > out.length) {
      fail(`the stream holds more than the ${out.length} bytes its header calls for; the splat count in the header is damaged`);
    }
    out.set(rest, outLen);
    outLen += rest.length;
  });
  try {
    for (let p = 0; p < bytes.length; p += INFLATE_STEP) gz.push(bytes.subarray(p, p + INFLATE_STEP), p + INFLATE_STEP >= bytes.length);
  } catch (e) {
    if (e instanceof Error && typeof (e as Error & { code?: unknown }).code === 'number') {
      fail(`the gzip data is damaged or truncated (${e.message}); download or copy the file again`);
    }
    throw e;
  }
  if (!out) fail(`the data inflates to only ${headLen} bytes, less than the 16-byte SPZ header; the file is truncated or not an SPZ file`);
  const full = out as Uint8Array;
  if (outLen < full.length) {
    fail(`truncated: the stream holds ${outLen} of the ${full.length} bytes its header calls for`);
  }
  return full;
}

export function writeSpz(cloud: GaussianCloud, opts: WriteSpzOptions = {}): Uint8Array {
  assertCloudShape(cloud, 'writeSpz');
  const version = opts.version ?? 3;
  if (version !== 2 && version !== 3) throw new Error(`writeSpz: version must be 2 or 3, got ${version}`);
  const sh1Bits = opts.sh1Bits ?? 5;
  const shRestBits = opts.shRestBits ?? 4;
  for (const bits of [sh1Bits, shRestBits]) if (!(Number.isInteger(bits) && bits >= 1 && bits <= 8)) throw new Error(`writeSpz: SH bits must be 1..8, got ${bits}`);
  const convert = opts.convertCoordinates ?? true;
  const n = cloud.count;
  if (n > MAX_SPZ_POINTS) throw new InputError(`${n} splats is more than the ${MAX_SPZ_POINTS} an SPZ file may hold; save as PLY instead`);
  for (const [name, arr] of [['position', cloud.means], ['log scale', cloud.logScales], ['rotation', cloud.quats], ['colour', cloud.sh]] as const) {
    const bad = arr.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) throw new Error(`writeSpz: splat ${Math.floor(bad / (arr.length / n))} has a non-finite ${name} (${arr[bad]})`);
  }
  const badOpacity = cloud.opacityLogits.findIndex((v) => Number.isNaN(v));
  if (badOpacity >= 0) throw new Error(`writeSpz: splat ${badOpacity} has a NaN opacity`);

  let maxAbs = 0;
  for (const v of cloud.means) maxAbs = Math.max(maxAbs, Math.abs(v));
  let fractionalBits = DEFAULT_FRACTIONAL_BITS;
  while (fractionalBits > 0 && roundHalfAway(maxAbs * 2 ** fractionalBits) > MAX_FIXED) fractionalBits--;
  if (roundHalfAway(maxAbs * 2 ** fractionalBits) > MAX_FIXED) {
    throw new InputError(`a splat lies ${maxAbs} units from the origin, beyond the +-${MAX_FIXED} that SPZ's 24-bit positions reach; save as PLY instead`);
  }

  const h: SpzHeader = { version, numPoints: n, shDegree: cloud.shDegree, fractionalBits, flags: cloud.antialiased ? FLAG_ANTIALIASED : 0 };
  const raw = new Uint8Array(SPZ_HEADER_BYTES + spzPayloadBytes(h));
  const dv = new DataView(raw.buffer);
  dv.setUint32(0, SPZ_MAGIC, true);
  dv.setUint32(4, version, true);
  dv.setUint32(8, n, true);
  raw[12] = h.shDegree;
  raw[13] = fractionalBits;
  raw[14] = h.flags;

  const K = shCoeffCount(h.shDegree);
  const shPer = 3 * (K - 1);
  const rotPer = rotationBytes(version);
  const alphaAt = SPZ_HEADER_BYTES + 9 * n;
  const colorAt = alphaAt + n;
  const scaleAt = colorAt + 3 * n;
  const rotAt = scaleAt + 3 * n;
  const shAt = rotAt + rotPer * n;
  const scale = 2 ** fractionalBits;
  const xyzw = new Float64Array(4);
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < 3; a++) {
      const p = cloud.means[3 * i + a] * (convert && a > 0 ? -1 : 1);
      const fixed = roundHalfAway(p * scale);
      const at = SPZ_HEADER_BYTES + 9 * i + 3 * a;
      raw[at] = fixed & 0xff;
      raw[at + 1] = (fixed >> 8) & 0xff;
      raw[at + 2] = (fixed >> 16) & 0xff;
      raw[scaleAt + 3 * i + a] = toByte((cloud.logScales[3 * i + a] + 10) * 16);
      raw[colorAt + 3 * i + a] = toByte(cloud.sh[3 * K * i + a] * COLOR_SCALE * 255 + 0.5 * 255);
    }
    raw[alphaAt + i] = logitToAlphaByte(cloud.opacityLogits[i]);
    const q = 4 * i;
    const norm = Math.hypot(cloud.quats[q], cloud.quats[q + 1], cloud.quats[q + 2], cloud.quats[q + 3]);
    if (norm === 0) xyzw.set([0, 0, 0, 1]);
    else {
      const s = convert ? -1 : 1;
      xyzw[0] = cloud.quats[q + 1] / norm;
      xyzw[1] = (s * cloud.quats[q + 2]) / norm;
      xyzw[2] = (s * cloud.quats[q + 3]) / norm;
      xyzw[3] = cloud.quats[q] / norm;
    }
    if (rotPer === 4) packSmallestThree(xyzw, raw, rotAt + 4 * i);
    else packFirstThree(xyzw, raw, rotAt + 3 * i);
    for (let j = 0; j < shPer; j++) {
      const k = Math.floor(j / 3);
      const v = cloud.sh[3 * K * i + 3 + j] * (convert ? SH_FLIP_RDF_RUB[k] : 1);
      raw[shAt + shPer * i + j] = quantizeSh(v, k < 3 ? sh1Bits : shRestBits);
    }
    if ((i + 1) % PROGRESS_EVERY === 0) opts.onProgress?.(i + 1, n);
  }
  opts.onProgress?.(n, n);
  // mtime 0 keeps the output a function of the cloud alone.
  return gzipSync(raw, { mtime: 0 });
}

/** The reference's legacy SH quantisation: round(v * 128) + 128, then to the nearest bucket. */
function quantizeSh(v: number, bits: number): number {
  const bucket = 1 << (8 - bits);
  const q = roundHalfAway(v * 128) + 128;
  return Math.min(255, Math.max(0, Math.floor((q + bucket / 2) / bucket) * bucket));
}

function packFirstThree(xyzw: Float64Array, raw: Uint8Array, at: number): void {
  const s = xyzw[3] < 0 ? -127.5 : 127.5;
  for (let c = 0; c < 3; c++) raw[at + c] = toByte(xyzw[c] * s + 127.5);
}

function packSmallestThree(xyzw: Float64Array, raw: Uint8Array, at: number): void {
  let largest = 0;
  for (let c = 1; c < 4; c++) if (Math.abs(xyzw[c]) > Math.abs(xyzw[largest])) largest = c;
  const negate = xyzw[largest] < 0;
  let comp = largest;
  for (let c = 0; c < 4; c++) {
    if (c === largest) continue;
    const negative = xyzw[c] < 0 !== negate ? 1 : 0;
    const mag = Math.min(0x1ff, Math.floor(0x1ff * (Math.abs(xyzw[c]) / SQRT1_2) + 0.5));
    comp = (comp << 10) | (negative << 9) | mag;
  }
  raw[at] = comp & 0xff;
  raw[at + 1] = (comp >>> 8) & 0xff;
  raw[at + 2] = (comp >>> 16) & 0xff;
  raw[at + 3] = (comp >>> 24) & 0xff;
}
