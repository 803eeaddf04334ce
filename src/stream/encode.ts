/**
 * The encoder: a GaussianCloud -> one progressive stream (format.ts, README.md).
 *
 * 1. Splats are ordered by importance (importance.ts) and cut into groups that double in size, so
 *    the first group is a small, usable coarse scene and each group after it fills the scene in.
 *    Inside a group, splats are sorted by the Morton code of their grid cell (neighbours share
 *    high position bytes, which deflate then finds).
 * 2. Each group is one base chunk: quantised position, rotation, scales, opacity and its stage-0
 *    colour index (quantize.ts). Colour + SH of all splats are coded by residual VQ (rvq.ts);
 *    each later stage is a refinement layer: one chunk of indices per group.
 * 3. File order: header, codebook 0, the base chunks, then per later stage its codebook and its
 *    refinement chunks. Every prefix that ends on a chunk boundary is a valid coarse scene.
 * Each chunk is deflated (fflate, level 9) and carries a CRC-32.
 */
import { deflateSync } from 'fflate';
import type { Camera } from '../core/camera.ts';
import { assertCloudShape, selectSplats, splatsAtLeastOpaque, type GaussianCloud } from '../core/gaussianCloud.ts';
import { crc32 } from './crc32.ts';
import { BASE_FIXED_BYTES_PER_SPLAT, BasePlane, CHUNK_ENTRY_BYTES, ChunkKind, HEADER_FIXED_BYTES, colourDims, FLAG_ANTIALIASED, MAX_STAGES, MAX_STREAM_SPLATS, writeStreamHeader, type ChunkEntry } from './format.ts';
import { importanceOrder, splatImportance } from './importance.ts';
import { dequantiseLogScale, mortonCode, packRotation, positionBitsFor, positionStep, quantiseLogScale, quantiseOpacity, quantisePosition, rotationBitsFor, writeVarint } from './quantize.ts';
import { codebookToBytes, residualVq } from './rvq.ts';

export interface EncodeStreamOptions {
  /** Largest position error wanted, in world units (default: defaultPositionError, from the splats' sizes). */
  positionError?: number;
  /** With no positionError: the error as a fraction of the 1st-percentile thinnest splat's smallest axis (default POSITION_ERROR_FRACTION). */
  positionErrorFraction?: number;
  /**
   * Largest relative change of a splat's covariance its rotation's quantisation may cause
   * (default ROTATION_TOLERANCE): round splats get a few bits a component, needles up to 12.
   */
  rotationTolerance?: number;
  /** Log-scale step in e-folds (default LOG_SCALE_STEP; finer when 8 bits must span a wider range). */
  logScaleStep?: number;
  /**
   * Splats less opaque than this are left out (default MIN_OPACITY, 6/255; 1/255 leaves out only
   * what the renderers skip anyway; 0 keeps all).
   */
  minOpacity?: number;
  /** Residual-VQ stages of colour + SH (1..8, default defaultStages(shDegree)): stage 0 plus stages - 1 refinement layers. */
  stages?: number;
  /** Entries per stage codebook (1..256, default 128; bench:codec: 4 x 128 beats 3 x 256 at every prefix). */
  codebookEntries?: number;
  /** Refinement stages: splats whose gain is under this x the mean keep the entry nearest zero (rvq.ts; default REFINE_SKIP_BELOW). */
  refineSkipBelow?: number;
  /** k-means iterations per stage (default 10) and training sample size (default 16384). */
  kMeansIterations?: number;
  kMeansSamples?: number;
  /** Splats in the first (most important) chunk (default n / 32, at least 256). */
  firstChunkSplats?: number;
  /** Training cameras: importance is opacity x projected footprint over them. */
  cameras?: readonly Camera[];
  seed?: number;
  /** Deflate level 0..9 (default 9). */
  level?: number;
  /** Called with a phase name and its fraction done. */
  onProgress?: (phase: string, fraction: number) => void;
}

/** Largest-first group sizes: first, 2 first, 4 first, ... summing to n. */
export function groupSizes(n: number, first: number): number[] {
  const out: number[] = [];
  let size = Math.max(1, Math.min(n, first));
  for (let done = 0; done < n; ) {
    const s = Math.min(size, n - done);
    out.push(s);
    done += s;
    size *= 2;
  }
  return out;
}

/**
 * `fraction` of the smallest axis of the 1st-percentile thinnest splat: a shift small against
 * nearly every splat's own size (the grid is at most 16 bits, so extent / 2^17 at the finest).
 */
export function defaultPositionError(cloud: GaussianCloud, fraction = POSITION_ERROR_FRACTION): number {
  const n = cloud.count;
  if (n === 0) return 1;
  const thin = new Float64Array(n);
  for (let i = 0; i < n; i++) thin[i] = Math.exp(Math.min(cloud.logScales[3 * i], cloud.logScales[3 * i + 1], cloud.logScales[3 * i + 2]));
  thin.sort();
  const v = thin[Math.floor(0.01 * (n - 1))] * fraction;
  return Number.isFinite(v) && v > 0 ? v : 1e-9;
}

export function encodeStream(cloud: GaussianCloud, opts: EncodeStreamOptions = {}): Uint8Array {
  return encodeStreamWithOrder(cloud, opts).bytes;
}

/*
 * Defaults of the geometry quantisers, from bench:codec on pebbles SH3 (300-step cloud): against
 * the finest settings (12-bit rotations, 8 bits over the log-scale range, 1/20 of the thinnest
 * splat), these take the base chunks from 11.3 to 7.9 bytes a splat for 0.03 dB at the whole
 * file; coarser opacity (7 bits) cost 0.25 dB there, so opacity keeps 8 bits.
 */
/** Default rotationTolerance: at most a 10% covariance change from the rotation's quantisation (worst case; typically under half that). */
export const ROTATION_TOLERANCE = 0.1;
/** Default logScaleStep, e-folds: a 3% scale step (1.5% at most off; 5% cost pebbles SH1 0.007 dB). */
export const LOG_SCALE_STEP = 0.03;
/** Default refineSkipBelow (bench:codec, pebbles SH3: the whole file 11.5 -> 10.5 bytes a splat for 0.01 dB; 0: every splat takes its nearest entry). */
export const REFINE_SKIP_BELOW = 0.2;
/**
 * Default minOpacity: splats under 6/255 opacity are left out. Such a splat adds at most 2.4% of
 * its colour to any pixel; in a cloud trained on a few views the many faint splats (a third of
 * a 300-step bench cloud is under 10/255) are mostly haze and floaters the training views barely
 * constrain, and they cost held-out PSNR. bench:codec --explain-sog found that this is why
 * PlayCanvas SOG decodes above the uncompressed cloud: it stores opacity as floor(255 x opacity),
 * which dims every splat by half a step on average and fades the faintest out; swapping only its
 * opacities into the original cloud gives all of its gain. Leaving the faint splats out is the
 * deliberate form of that (and saves their bytes); 1/255 gives back the old encoder.
 */
export const MIN_OPACITY = 6 / 255;
/**
 * Default colour stages for a cloud of SH degree `shDegree`: 6 with view-dependent colour, 4 at
 * degree 0 (3 values). Measured on bench:codec's pebbles clouds (300 steps, final prune on) by
 * putting one attribute group of the decoded stream into the original at a time (as
 * bench/codec/explainSog.ts does for SOG): at 4 stages the SH bands cost SH3 0.096 of the stream's 0.107 dB and SH1 0.030 of 0.047;
 * 6 stages: SH3 -0.035 dB at 207 KB (SOG -0.041 at 524 KB), SH1 -0.022 at 179 KB (SOG -0.023 at
 * 289 KB).
 */
export function defaultStages(shDegree: number): number {
  return shDegree >= 1 ? 6 : 4;
}

/**
 * Default positionErrorFraction: 1/20 of the 1st-percentile thinnest splat's smallest axis. Chosen
 * by fidelity to the uncompressed cloud's renders (bench:codec's "vs PLY render", held-out views),
 * which it raises on every cloud measured for 2-4% more bytes: 1/10 -> 1/20, whole file, stop 46:
 * pebbles SH0 63.30 -> 64.75 dB, DTU scan37 SH3 53.22 -> 54.82 and SH1 54.59 -> 56.24, lego SH3
 * 53.47 -> 53.59 and SH1 57.81 -> 58.28 (positions were what the stream lost most on pebbles SH0,
 * `--explain-stream`). Earlier, 1/5 -> 1/10 with the finer scales took pebbles SH1 from -0.022 to
 * -0.009 dB for 6% more bytes.
 */
export const POSITION_ERROR_FRACTION = 0.05;

/** The splats at least `minOpacity` opaque: their indices, and the cloud of only them. */
function visibleSplats(cloud: GaussianCloud, minOpacity: number): { kept: Uint32Array; cloud: GaussianCloud } {
  const kept = splatsAtLeastOpaque(cloud, minOpacity);
  return { kept, cloud: kept.length === cloud.count ? cloud : selectSplats(cloud, kept) };
}

/**
 * The stream, and `order`: the decoded cloud's splat j is the input's splat order[j] (splats
 * below minOpacity are not in it).
 */
export function encodeStreamWithOrder(input: GaussianCloud, opts: EncodeStreamOptions = {}): { bytes: Uint8Array; order: Uint32Array } {
  assertCloudShape(input, 'encodeStream');
  const { kept, cloud } = visibleSplats(input, opts.minOpacity ?? MIN_OPACITY);
  const n = cloud.count;
  if (n > MAX_STREAM_SPLATS) throw new Error(`encodeStream: ${n} splats, more than the ${MAX_STREAM_SPLATS} a stream holds`);
  const stages = opts.stages ?? defaultStages(cloud.shDegree);
  if (!(Number.isInteger(stages) && stages >= 1 && stages <= MAX_STAGES)) throw new Error(`encodeStream: stages must be 1..${MAX_STAGES}, got ${stages}`);
  const entries = Math.max(1, Math.min(256, Math.floor(opts.codebookEntries ?? 128)));
  const level = (opts.level ?? 9) as 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9;
  const progress = opts.onProgress ?? (() => {});
  const dims = colourDims(cloud.shDegree);
  const K3 = dims;
  const rotationTolerance = opts.rotationTolerance ?? ROTATION_TOLERANCE;
  const logScaleStep = opts.logScaleStep ?? LOG_SCALE_STEP;

  // Bounds of positions and log-scales (non-finite values are clamped into them).
  const bmin = [Infinity, Infinity, Infinity];
  const bmax = [-Infinity, -Infinity, -Infinity];
  const smin = [Infinity, Infinity, Infinity];
  const smax = [-Infinity, -Infinity, -Infinity];
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < 3; a++) {
      const p = cloud.means[3 * i + a];
      if (Number.isFinite(p)) {
        bmin[a] = Math.min(bmin[a], p);
        bmax[a] = Math.max(bmax[a], p);
      }
      const s = cloud.logScales[3 * i + a];
      if (Number.isFinite(s)) {
        smin[a] = Math.min(smin[a], s);
        smax[a] = Math.max(smax[a], s);
      }
    }
  }
  for (let a = 0; a < 3; a++) {
    if (!(bmax[a] >= bmin[a])) bmin[a] = bmax[a] = 0;
    if (!(smax[a] >= smin[a])) smin[a] = smax[a] = 0;
    // 8 bits over at most 16 e-folds: smaller scales than e^-16 of the largest are drawn that size.
    smin[a] = Math.max(smin[a], smax[a] - 16);
    // Steps no finer than logScaleStep: a narrow range leaves the top codes unused, and the
    // codes that are used are fewer, which deflate turns into fewer bits.
    if (logScaleStep > 0) smax[a] = Math.max(smax[a], smin[a] + 255 * logScaleStep);
    smin[a] = Math.fround(smin[a]);
    smax[a] = Math.fround(smax[a]);
    bmin[a] = Math.fround(bmin[a]);
    bmax[a] = Math.fround(bmax[a]);
  }
  const extent = Math.max(bmax[0] - bmin[0], bmax[1] - bmin[1], bmax[2] - bmin[2]);
  const bits = positionBitsFor(extent, opts.positionError ?? defaultPositionError(cloud, opts.positionErrorFraction));
  const steps = [0, 1, 2].map((a) => positionStep(bmin[a], bmax[a], bits));

  // Quantised grid cells, importance order, groups, Morton order inside each group.
  progress('order', 0);
  const cell = new Uint16Array(3 * n);
  for (let i = 0; i < n; i++) for (let a = 0; a < 3; a++) cell[3 * i + a] = quantisePosition(Number.isFinite(cloud.means[3 * i + a]) ? cloud.means[3 * i + a] : bmin[a], bmin[a], steps[a], bits);
  const importance = splatImportance(cloud, opts.cameras);
  const byImportance = importanceOrder(importance);
  const sizes = groupSizes(n, opts.firstChunkSplats ?? Math.max(256, Math.ceil(n / 32)));
  const order = new Uint32Array(n);
  const morton = new Float64Array(n);
  for (let i = 0; i < n; i++) morton[i] = mortonCode(cell[3 * i], cell[3 * i + 1], cell[3 * i + 2]);
  {
    let start = 0;
    for (const size of sizes) {
      const group = Array.from(byImportance.subarray(start, start + size));
      group.sort((a, b) => morton[a] - morton[b] || a - b);
      order.set(group, start);
      start += size;
    }
  }

  // Residual VQ of colour + SH, in stream order.
  const colours = new Float32Array(n * dims);
  for (let j = 0; j < n; j++) {
    const i = order[j];
    for (let d = 0; d < dims; d++) {
      const v = cloud.sh[K3 * i + d];
      colours[j * dims + d] = Number.isFinite(v) ? v : 0;
    }
  }
  // k-means weighted by importance: codebook entries go where the picture is (bench:codec on
  // pebbles SH3: linear weights a little ahead of square-root ones, both well ahead of none).
  const weights = new Float32Array(n);
  for (let j = 0; j < n; j++) weights[j] = importance[order[j]] || 1e-12;
  const rvq = residualVq(colours, n, dims, {
    weights,
    stages,
    entries,
    iterations: opts.kMeansIterations ?? 10,
    maxSamples: opts.kMeansSamples ?? 16384,
    seed: opts.seed ?? 1,
    skipBelow: opts.refineSkipBelow ?? REFINE_SKIP_BELOW,
    onStage: (s) => progress('colour', s / stages),
  });
  progress('colour', 1);

  // Chunks.
  const payloads: { entry: Omit<ChunkEntry, 'offset' | 'byteLength' | 'crc'>; raw: Uint8Array }[] = [];
  const addCodebook = (s: number) => payloads.push({ entry: { kind: ChunkKind.codebook, stage: s, splatStart: 0, splatCount: 0, rawLength: 0 }, raw: codebookToBytes(rvq.codebooks[s]) });
  addCodebook(0);
  let start = 0;
  const rotCodes = new Uint16Array(3);
  for (const size of sizes) {
    // Positions: the deltas of the group's sorted Morton codes, as varints; then the planes
    // (README: base chunk); rotation codes past 8 bits put their high bits at the end.
    const varints: number[] = [];
    let prev = 0;
    for (let j = 0; j < size; j++) {
      const code = morton[order[start + j]];
      writeVarint(code - prev, varints);
      prev = code;
    }
    const planes = new Uint8Array(BASE_FIXED_BYTES_PER_SPLAT * size);
    const plane = (p: number) => p * size;
    const extra: number[] = [];
    for (let j = 0; j < size; j++) {
      const i = order[start + j];
      const ls = [0, 0, 0];
      for (let a = 0; a < 3; a++) {
        const q = quantiseLogScale(cloud.logScales[3 * i + a], smin[a], smax[a]);
        planes[plane(BasePlane.logScale + a) + j] = q;
        ls[a] = dequantiseLogScale(q, smin[a], smax[a]);
      }
      // Rotation precision from the scales the decoder will draw.
      const rotBits = rotationBitsFor(ls[0], ls[1], ls[2], rotationTolerance);
      const big = packRotation(cloud.quats[4 * i], cloud.quats[4 * i + 1], cloud.quats[4 * i + 2], cloud.quats[4 * i + 3], rotBits, rotCodes, 0);
      planes[plane(BasePlane.rotationHead) + j] = big | ((rotBits - 1) << 2);
      for (let k = 0; k < 3; k++) {
        planes[plane(BasePlane.rotation + k) + j] = rotCodes[k] & 0xff;
        if (rotBits > 8) extra.push(rotCodes[k] >>> 8);
      }
      planes[plane(BasePlane.opacity) + j] = quantiseOpacity(cloud.opacityLogits[i]);
      planes[plane(BasePlane.colour) + j] = rvq.indices[0][start + j];
    }
    const raw = new Uint8Array(varints.length + planes.length + extra.length);
    raw.set(varints);
    raw.set(planes, varints.length);
    raw.set(extra, varints.length + planes.length);
    payloads.push({ entry: { kind: ChunkKind.base, stage: 0, splatStart: start, splatCount: size, rawLength: 0 }, raw });
    start += size;
  }
  for (let s = 1; s < stages; s++) {
    addCodebook(s);
    start = 0;
    for (const size of sizes) {
      payloads.push({ entry: { kind: ChunkKind.refine, stage: s, splatStart: start, splatCount: size, rawLength: 0 }, raw: rvq.indices[s].slice(start, start + size) });
      start += size;
    }
  }

  progress('deflate', 0);
  const stored = payloads.map((p, i) => {
    const bytes = deflateSync(p.raw, { level });
    progress('deflate', (i + 1) / payloads.length);
    return bytes;
  });
  const headerBytes = HEADER_FIXED_BYTES + CHUNK_ENTRY_BYTES * payloads.length + 4;
  let offset = headerBytes;
  const chunks: ChunkEntry[] = payloads.map((p, i) => {
    const entry = { ...p.entry, rawLength: p.raw.length, offset, byteLength: stored[i].length, crc: crc32(stored[i]) };
    offset += stored[i].length;
    return entry;
  });
  const header = writeStreamHeader({
    flags: cloud.antialiased ? FLAG_ANTIALIASED : 0,
    splatCount: n,
    shDegree: cloud.shDegree,
    positionBits: bits,
    stageCount: stages,
    boundsMin: bmin as [number, number, number],
    boundsMax: bmax as [number, number, number],
    logScaleMin: smin as [number, number, number],
    logScaleMax: smax as [number, number, number],
    chunks,
  });
  const out = new Uint8Array(offset);
  out.set(header, 0);
  chunks.forEach((c, i) => out.set(stored[i], c.offset));
  progress('done', 1);
  return { bytes: out, order: order.map((j) => kept[j]) };
}
