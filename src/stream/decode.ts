/**
 * The decoder: chunks in, a GaussianCloud out, at any point of the download.
 *
 * `createStreamDecoder(header)` takes chunks one at a time, in any order (as they arrive, or as
 * HTTP Range requests return them); `cloud()` gives the scene the chunks so far describe: every
 * group whose base chunk decoded, coloured with the consecutive VQ stages it has. A chunk that
 * fails its checksum, does not inflate to its stated size, or whose codebook is missing is
 * skipped with a warning; nothing before or after it is lost. `decodeStream(bytes)` does all of
 * that for a whole (possibly truncated) file.
 *
 * Memory: a chunk inflates into a buffer of exactly the size the (checked) table gives, at most
 * 1032 times its stored size, and the cloud holds only splats whose chunks arrived, so what a
 * hostile file can make the decoder allocate is bounded by the bytes it actually sends.
 */
import { inflateSync } from 'fflate';
import { allocateCloud, type GaussianCloud } from '../core/gaussianCloud.ts';
import { crc32 } from './crc32.ts';
import { BASE_FIXED_BYTES_PER_SPLAT, BasePlane, ChunkKind, colourDims, FLAG_ANTIALIASED, parseStreamHeader, totalStreamBytes, type ChunkEntry, type StreamHeader } from './format.ts';
import { dequantiseLogScale, dequantiseOpacity, dequantisePosition, MAX_ROTATION_BITS, mortonDecode, positionStep, readVarintPrefix, unpackRotation } from './quantize.ts';
import { codebookFromBytes, dequantiseCodebook } from './rvq.ts';

export interface StreamWarning {
  chunk: number;
  message: string;
}

interface DecodedGroup {
  start: number;
  count: number;
  means: Float32Array;
  logScales: Float32Array;
  quats: Float32Array;
  opacityLogits: Float32Array;
  /** indices[s]: this group's stage-s colour indices, once that chunk decoded. */
  indices: (Uint8Array | undefined)[];
}

export interface CloudOptions {
  /** Use colour stages 0..maxStage only (default: all that arrived). */
  maxStage?: number;
}

export interface StreamDecoder {
  readonly header: StreamHeader;
  readonly warnings: readonly StreamWarning[];
  /** Decodes chunk `index` of the table from its stored bytes; false (and a warning) when skipped. */
  addChunk(index: number, bytes: Uint8Array): boolean;
  /** Whether chunk `index` decoded. */
  has(index: number): boolean;
  /** Splats in the decoded base chunks. */
  decodedSplats(): number;
  /** The scene so far (a fresh cloud each call). */
  cloud(opts?: CloudOptions): GaussianCloud;
}

function inflateExactly(stored: Uint8Array, rawLength: number): Uint8Array | string {
  try {
    // One byte of room past the stated size: a chunk that inflates to more is caught, and no
    // more than rawLength + 1 bytes are ever written.
    const out = inflateSync(stored, { out: new Uint8Array(rawLength + 1) });
    if (out.length !== rawLength) return `inflates to ${out.length > rawLength ? 'more than' : out.length} bytes, not the ${rawLength} its table entry gives`;
    return out;
  } catch (e) {
    return `does not inflate (${e instanceof Error ? e.message : String(e)})`;
  }
}

export function createStreamDecoder(header: StreamHeader): StreamDecoder {
  const dims = colourDims(header.shDegree);
  const bits = header.positionBits;
  const steps = [0, 1, 2].map((a) => positionStep(header.boundsMin[a], header.boundsMax[a], bits));
  const warnings: StreamWarning[] = [];
  const done = new Set<number>();
  const codebooks: (Float32Array | undefined)[] = [];
  const codebookEntries: number[] = [];
  const groups = new Map<number, DecodedGroup>();
  // Refinement chunks that arrived before their group's base chunk.
  const pending = new Map<number, Map<number, Uint8Array>>();

  const warn = (chunk: number, message: string): false => {
    warnings.push({ chunk, message: `chunk ${chunk}: ${message}; skipped` });
    return false;
  };

  const cellLimit = 2 ** (3 * bits);

  function decodeBase(c: ChunkEntry, raw: Uint8Array): DecodedGroup | string {
    const n = c.splatCount;
    const codes = new Float64Array(n);
    const planesAt = readVarintPrefix(raw, n, codes);
    if (planesAt < 0) return 'has position codes that do not fit its bytes';
    const plane = (p: number) => planesAt + p * n;
    if (plane(BASE_FIXED_BYTES_PER_SPLAT) > raw.length) return 'is too short for its splats';
    // Rotations of more than 8 bits a component keep their high bytes after the planes.
    let wide = 0;
    for (let j = 0; j < n; j++) if ((raw[plane(BasePlane.rotationHead) + j] >> 2) + 1 > 8) wide++;
    const extraAt = plane(BASE_FIXED_BYTES_PER_SPLAT);
    if (extraAt + 3 * wide !== raw.length) return `has ${raw.length - extraAt} bytes of wide rotations where its splats need ${3 * wide}`;
    const g: DecodedGroup = {
      start: c.splatStart,
      count: n,
      means: new Float32Array(3 * n),
      logScales: new Float32Array(3 * n),
      quats: new Float32Array(4 * n),
      opacityLogits: new Float32Array(n),
      indices: new Array(header.stageCount).fill(undefined),
    };
    const cell = [0, 0, 0];
    let code = 0;
    let extra = extraAt;
    const rot = [0, 0, 0];
    for (let j = 0; j < n; j++) {
      code += codes[j];
      if (code >= cellLimit) return `has a position code past the ${bits}-bit grid`;
      mortonDecode(code, cell, 0);
      for (let a = 0; a < 3; a++) {
        g.means[3 * j + a] = dequantisePosition(cell[a], header.boundsMin[a], steps[a]);
        g.logScales[3 * j + a] = dequantiseLogScale(raw[plane(BasePlane.logScale + a) + j], header.logScaleMin[a], header.logScaleMax[a]);
      }
      const head = raw[plane(BasePlane.rotationHead) + j];
      const rotBits = ((head >> 2) & 15) + 1;
      if (head >> 6 || rotBits > MAX_ROTATION_BITS) return `has a rotation of ${rotBits} bits (at most ${MAX_ROTATION_BITS})`;
      for (let k = 0; k < 3; k++) rot[k] = raw[plane(BasePlane.rotation + k) + j] | (rotBits > 8 ? raw[extra++] << 8 : 0);
      if (!unpackRotation(head & 3, rotBits, rot[0], rot[1], rot[2], g.quats, 4 * j)) return 'has a rotation code out of its range';
      g.opacityLogits[j] = dequantiseOpacity(raw[plane(BasePlane.opacity) + j]);
    }
    g.indices[0] = raw.slice(plane(BasePlane.colour), plane(BasePlane.colour + 1));
    return g;
  }

  return {
    header,
    warnings,
    has: (index) => done.has(index),
    addChunk(index, bytes) {
      const c = header.chunks[index];
      if (!c) return warn(index, `there is no such chunk (the table has ${header.chunks.length})`);
      if (done.has(index)) return false;
      if (bytes.length !== c.byteLength) return warn(index, `is cut off (${bytes.length} of ${c.byteLength} bytes)`);
      if (crc32(bytes) !== c.crc) return warn(index, 'fails its checksum (damaged in transit or on disk)');
      const raw = inflateExactly(bytes, c.rawLength);
      if (typeof raw === 'string') return warn(index, raw);
      if (c.kind === ChunkKind.codebook) {
        const cb = codebookFromBytes(raw, dims);
        if (!cb) return warn(index, 'is not a codebook of this stream');
        codebooks[c.stage] = dequantiseCodebook(cb);
        codebookEntries[c.stage] = cb.entries;
      } else if (c.kind === ChunkKind.base) {
        const g = decodeBase(c, raw);
        if (typeof g === 'string') return warn(index, g);
        const waiting = pending.get(c.splatStart);
        if (waiting) for (const [s, idx] of waiting) g.indices[s] = idx;
        pending.delete(c.splatStart);
        groups.set(c.splatStart, g);
      } else {
        const g = groups.get(c.splatStart);
        if (g) g.indices[c.stage] = raw;
        else {
          const m = pending.get(c.splatStart) ?? new Map<number, Uint8Array>();
          m.set(c.stage, raw);
          pending.set(c.splatStart, m);
        }
      }
      done.add(index);
      return true;
    },
    decodedSplats() {
      let n = 0;
      for (const g of groups.values()) n += g.count;
      return n;
    },
    cloud(opts = {}) {
      const list = [...groups.values()].sort((a, b) => a.start - b.start);
      let n = 0;
      for (const g of list) n += g.count;
      const cloud = allocateCloud(n, header.shDegree);
      if (header.flags & FLAG_ANTIALIASED) cloud.antialiased = true;
      const maxStage = Math.min(header.stageCount - 1, opts.maxStage ?? header.stageCount - 1);
      let at = 0;
      for (const g of list) {
        cloud.means.set(g.means, 3 * at);
        cloud.logScales.set(g.logScales, 3 * at);
        cloud.quats.set(g.quats, 4 * at);
        cloud.opacityLogits.set(g.opacityLogits, at);
        for (let s = 0; s <= maxStage; s++) {
          const cb = codebooks[s];
          const idx = g.indices[s];
          if (!cb || !idx) break;
          const entries = codebookEntries[s];
          for (let j = 0; j < g.count; j++) {
            const e = idx[j] < entries ? idx[j] : 0;
            const o = (at + j) * dims;
            for (let d = 0; d < dims; d++) cloud.sh[o + d] += cb[e * dims + d];
          }
        }
        at += g.count;
      }
      return cloud;
    },
  };
}

export interface DecodeStreamOptions extends CloudOptions {
  onWarning?: (message: string) => void;
}

export interface DecodedStream {
  header: StreamHeader;
  cloud: GaussianCloud;
  warnings: StreamWarning[];
  /** Chunks decoded of the table's total. */
  chunksDecoded: number;
}

/**
 * Decodes a whole stream, or as much of a truncated one as arrived: chunks past the end, or
 * damaged, are skipped with a warning. Throws StreamFormatError only when the header itself is
 * missing or damaged (nothing can be placed without it).
 */
export function decodeStream(bytes: Uint8Array, opts: DecodeStreamOptions = {}): DecodedStream {
  const header = parseStreamHeader(bytes);
  const dec = createStreamDecoder(header);
  const total = totalStreamBytes(header);
  let chunksDecoded = 0;
  header.chunks.forEach((c, i) => {
    if (c.offset + c.byteLength > bytes.length) {
      (dec.warnings as StreamWarning[]).push({ chunk: i, message: `chunk ${i}: the stream ends at byte ${bytes.length} of ${total}, before this chunk is complete; skipped` });
      return;
    }
    if (dec.addChunk(i, bytes.subarray(c.offset, c.offset + c.byteLength))) chunksDecoded++;
  });
  const warnings = [...dec.warnings];
  for (const w of warnings) opts.onWarning?.(w.message);
  return { header, cloud: dec.cloud(opts), warnings, chunksDecoded };
}
