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
import { assertCloudShape, type GaussianCloud } from '../core/gaussianCloud.ts';
import { crc32 } from './crc32.ts';
import { BASE_FIXED_BYTES_PER_SPLAT, CHUNK_ENTRY_BYTES, ChunkKind, HEADER_FIXED_BYTES, colourDims, FLAG_ANTIALIASED, MAX_STAGES, MAX_STREAM_SPLATS, writeStreamHeader, type ChunkEntry } from './format.ts';
import { importanceOrder, splatImportance } from './importance.ts';
import { mortonCode, packSmallestThree, positionBitsFor, positionStep, quantiseLogScale, quantiseOpacity, quantisePosition, writeVarint } from './quantize.ts';
import { codebookToBytes, residualVq } from './rvq.ts';

export interface EncodeStreamOptions {
  /** Largest position error wanted, in world units (default: defaultPositionError, from the splats' sizes). */
  positionError?: number;
  /** Residual-VQ stages of colour + SH (1..8, default 4): stage 0 plus stages - 1 refinement layers. */
  stages?: number;
  /** Entries per stage codebook (1..256, default 128; bench:codec: 4 x 128 beats 3 x 256 at every prefix). */
  codebookEntries?: number;
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
 * 1/20 of the smallest axis of the 1st-percentile thinnest splat: a shift no render can see
 * (at least extent / 2^17, which gives the finest, 16-bit, grid).
 */
export function defaultPositionError(cloud: GaussianCloud): number {
  const n = cloud.count;
  if (n === 0) return 1;
  const thin = new Float64Array(n);
  for (let i = 0; i < n; i++) thin[i] = Math.exp(Math.min(cloud.logScales[3 * i], cloud.logScales[3 * i + 1], cloud.logScales[3 * i + 2]));
  thin.sort();
  const v = thin[Math.floor(0.01 * (n - 1))] / 20;
  return Number.isFinite(v) && v > 0 ? v : 1e-9;
}

export function encodeStream(cloud: GaussianCloud, opts: EncodeStreamOptions = {}): Uint8Array {
  return encodeStreamWithOrder(cloud, opts).bytes;
}

/** The stream, and `order`: the decoded cloud's splat j is the input's splat order[j]. */
export function encodeStreamWithOrder(cloud: GaussianCloud, opts: EncodeStreamOptions = {}): { bytes: Uint8Array; order: Uint32Array } {
  assertCloudShape(cloud, 'encodeStream');
  const n = cloud.count;
  if (n > MAX_STREAM_SPLATS) throw new Error(`encodeStream: ${n} splats, more than the ${MAX_STREAM_SPLATS} a stream holds`);
  const stages = opts.stages ?? 4;
  if (!(Number.isInteger(stages) && stages >= 1 && stages <= MAX_STAGES)) throw new Error(`encodeStream: stages must be 1..${MAX_STAGES}, got ${stages}`);
  const entries = Math.max(1, Math.min(256, Math.floor(opts.codebookEntries ?? 128)));
  const level = (opts.level ?? 9) as 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9;
  const progress = opts.onProgress ?? (() => {});
  const dims = colourDims(cloud.shDegree);
  const K3 = dims;

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
    smin[a] = Math.fround(Math.max(smin[a], smax[a] - 16));
    bmin[a] = Math.fround(bmin[a]);
    bmax[a] = Math.fround(bmax[a]);
    smax[a] = Math.fround(smax[a]);
  }
  const extent = Math.max(bmax[0] - bmin[0], bmax[1] - bmin[1], bmax[2] - bmin[2]);
  const bits = positionBitsFor(extent, opts.positionError ?? defaultPositionError(cloud));
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
    onStage: (s) => progress('colour', s / stages),
  });
  progress('colour', 1);

  // Chunks.
  const payloads: { entry: Omit<ChunkEntry, 'offset' | 'byteLength' | 'crc'>; raw: Uint8Array }[] = [];
  const addCodebook = (s: number) => payloads.push({ entry: { kind: ChunkKind.codebook, stage: s, splatStart: 0, splatCount: 0, rawLength: 0 }, raw: codebookToBytes(rvq.codebooks[s]) });
  addCodebook(0);
  let start = 0;
  for (const size of sizes) {
    // Positions: the deltas of the group's sorted Morton codes, as varints; then fixed planes.
    const varints: number[] = [];
    let prev = 0;
    for (let j = 0; j < size; j++) {
      const code = morton[order[start + j]];
      writeVarint(code - prev, varints);
      prev = code;
    }
    const raw = new Uint8Array(varints.length + BASE_FIXED_BYTES_PER_SPLAT * size);
    raw.set(varints);
    const plane = (p: number) => varints.length + (p - 6) * size;
    for (let j = 0; j < size; j++) {
      const i = order[start + j];
      const rot = packSmallestThree(cloud.quats[4 * i], cloud.quats[4 * i + 1], cloud.quats[4 * i + 2], cloud.quats[4 * i + 3]);
      for (let b = 0; b < 4; b++) raw[plane(6 + b) + j] = (rot >>> (24 - 8 * b)) & 0xff;
      for (let a = 0; a < 3; a++) raw[plane(10 + a) + j] = quantiseLogScale(cloud.logScales[3 * i + a], smin[a], smax[a]);
      raw[plane(13) + j] = quantiseOpacity(cloud.opacityLogits[i]);
      raw[plane(14) + j] = rvq.indices[0][start + j];
    }
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
  return { bytes: out, order };
}
