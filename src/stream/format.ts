/**
 * The container of the progressive splat stream: a fixed header, a chunk table and the chunks.
 * Everything is little-endian; the full description (fields, byte order, versioning) is in
 * src/stream/README.md. This file only reads and writes the header and table and checks them:
 * anything a damaged or hostile header could make a reader allocate is bounded here, before any
 * chunk is touched.
 */
import { crc32 } from './crc32.ts';

/** "GSRQ": Gaussian splats, residual-quantised. */
export const STREAM_MAGIC = 0x51525347;
/** Version 2: rotations with per-splat precision (version 1, never released, packed 10 bits each). */
export const STREAM_VERSION = 2;
/** Bytes of the fixed part of the header, before the chunk table. */
export const HEADER_FIXED_BYTES = 72;
export const CHUNK_ENTRY_BYTES = 28;
/** A stream holds at most 2^24 splats and 65536 chunks; more is a damaged header. */
export const MAX_STREAM_SPLATS = 1 << 24;
export const MAX_STREAM_CHUNKS = 65536;
export const MAX_STAGES = 8;
export const MAX_CODEBOOK_ENTRIES = 256;
/** Deflate's largest possible expansion (258 bytes from a 2-bit code). */
export const MAX_INFLATE_RATIO = 1032;
export const FLAG_ANTIALIASED = 0x1;
const KNOWN_FLAGS = FLAG_ANTIALIASED;

/**
 * The byte planes of a base chunk, after its position varints: plane p holds byte p of every
 * splat. Rotation head: bits 0-1 the largest component, bits 2-5 bits-per-component minus 1.
 */
export const BasePlane = { rotationHead: 0, rotation: 1, logScale: 4, opacity: 7, colour: 8 } as const;
/** Plane bytes per splat of a base chunk before deflate: rotation head 1 + 3, scales 3, opacity 1, stage-0 colour index 1. */
export const BASE_FIXED_BYTES_PER_SPLAT = 9;
/**
 * Morton-code deltas take 1 to 7 varint bytes a splat, and rotations of more than 8 bits 3 more:
 * a base chunk's raw size is 10n..19n.
 */
export const MIN_BASE_BYTES_PER_SPLAT = BASE_FIXED_BYTES_PER_SPLAT + 1;
export const MAX_BASE_BYTES_PER_SPLAT = BASE_FIXED_BYTES_PER_SPLAT + 7 + 3;

export const ChunkKind = { codebook: 0, base: 1, refine: 2 } as const;
export type ChunkKind = (typeof ChunkKind)[keyof typeof ChunkKind];

export interface ChunkEntry {
  kind: ChunkKind;
  /** Residual-VQ stage (codebook and refine chunks; 0 for base chunks). */
  stage: number;
  /** First splat (in stream order) and how many (0 and 0 for codebooks). */
  splatStart: number;
  splatCount: number;
  /** Byte range of the deflated chunk in the file. */
  offset: number;
  byteLength: number;
  /** Bytes after inflating. */
  rawLength: number;
  /** CRC-32 of the stored (deflated) bytes. */
  crc: number;
}

export interface StreamHeader {
  version: number;
  flags: number;
  splatCount: number;
  shDegree: number;
  positionBits: number;
  stageCount: number;
  /** Bytes of header + chunk table + header CRC: where the first chunk may start. */
  headerBytes: number;
  boundsMin: [number, number, number];
  boundsMax: [number, number, number];
  logScaleMin: [number, number, number];
  logScaleMax: [number, number, number];
  chunks: ChunkEntry[];
}

/** The stream is not one this decoder can read (bad magic, unknown version, damaged header). */
export class StreamFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StreamFormatError';
  }
}

/** Colour vector length: 3 per SH coefficient. */
export function colourDims(shDegree: number): number {
  return 3 * (shDegree + 1) * (shDegree + 1);
}

/** Raw (inflated) bytes of a codebook chunk of `entries` vectors of `dims` values. */
export function codebookRawBytes(entries: number, dims: number): number {
  return 4 + 8 * dims + entries * dims;
}

export function totalStreamBytes(h: Pick<StreamHeader, 'chunks' | 'headerBytes'>): number {
  let end = h.headerBytes;
  for (const c of h.chunks) end = Math.max(end, c.offset + c.byteLength);
  return end;
}

/** The header's size from its first 24 bytes (to know how much to fetch), or an error. */
export function headerByteLength(head: Uint8Array): number {
  if (head.length < 24) throw new StreamFormatError(`a stream header needs at least 24 bytes to tell its size, got ${head.length}`);
  const dv = new DataView(head.buffer, head.byteOffset, head.byteLength);
  if (dv.getUint32(0, true) !== STREAM_MAGIC) throw new StreamFormatError('not a splat stream (the file does not start with "GSRQ")');
  const version = dv.getUint16(4, true);
  if (version !== STREAM_VERSION) throw new StreamFormatError(`stream version ${version} is not one this decoder reads (it reads version ${STREAM_VERSION})`);
  const chunkCount = dv.getUint32(16, true);
  if (chunkCount > MAX_STREAM_CHUNKS) throw new StreamFormatError(`the header claims ${chunkCount} chunks, more than the ${MAX_STREAM_CHUNKS} a stream may hold; the header is damaged`);
  const headerBytes = dv.getUint32(20, true);
  const want = HEADER_FIXED_BYTES + CHUNK_ENTRY_BYTES * chunkCount + 4;
  if (headerBytes !== want) throw new StreamFormatError(`the header gives its size as ${headerBytes} bytes, but ${chunkCount} chunks need ${want}; the header is damaged`);
  return headerBytes;
}

/** Reads and checks header and chunk table; throws StreamFormatError, never allocates more than the header's own bytes imply. */
export function parseStreamHeader(bytes: Uint8Array): StreamHeader {
  const headerBytes = headerByteLength(bytes);
  if (bytes.length < headerBytes) throw new StreamFormatError(`the stream is cut off inside its header (${bytes.length} of ${headerBytes} bytes)`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, headerBytes);
  const storedCrc = dv.getUint32(headerBytes - 4, true);
  if (crc32(bytes.subarray(0, headerBytes - 4)) !== storedCrc) throw new StreamFormatError('the stream header fails its checksum; the file is damaged');
  const f32x3 = (at: number): [number, number, number] => [dv.getFloat32(at, true), dv.getFloat32(at + 4, true), dv.getFloat32(at + 8, true)];
  const h: StreamHeader = {
    version: dv.getUint16(4, true),
    flags: dv.getUint16(6, true),
    splatCount: dv.getUint32(8, true),
    shDegree: dv.getUint8(12),
    positionBits: dv.getUint8(13),
    stageCount: dv.getUint8(14),
    headerBytes,
    boundsMin: f32x3(24),
    boundsMax: f32x3(36),
    logScaleMin: f32x3(48),
    logScaleMax: f32x3(60),
    chunks: [],
  };
  const bad = (msg: string): never => {
    throw new StreamFormatError(`${msg}; the header is damaged`);
  };
  if (h.flags & ~KNOWN_FLAGS) bad(`unknown flags 0x${h.flags.toString(16)}`);
  if (h.splatCount > MAX_STREAM_SPLATS) bad(`the header claims ${h.splatCount} splats, more than the ${MAX_STREAM_SPLATS} a stream may hold`);
  if (h.shDegree > 3) bad(`SH degree ${h.shDegree} (0 to 3 allowed)`);
  if (h.positionBits < 1 || h.positionBits > 16) bad(`${h.positionBits} position bits (1 to 16 allowed)`);
  if (h.stageCount < 1 || h.stageCount > MAX_STAGES) bad(`${h.stageCount} colour stages (1 to ${MAX_STAGES} allowed)`);
  for (const v of [...h.boundsMin, ...h.boundsMax, ...h.logScaleMin, ...h.logScaleMax]) if (!Number.isFinite(v)) bad('a non-finite bound');
  const dims = colourDims(h.shDegree);
  const chunkCount = (headerBytes - HEADER_FIXED_BYTES - 4) / CHUNK_ENTRY_BYTES;
  let nextBase = 0;
  const baseRanges = new Set<string>();
  const codebooks = new Set<number>();
  for (let i = 0; i < chunkCount; i++) {
    const at = HEADER_FIXED_BYTES + CHUNK_ENTRY_BYTES * i;
    const c: ChunkEntry = {
      kind: dv.getUint8(at) as ChunkKind,
      stage: dv.getUint8(at + 1),
      splatStart: dv.getUint32(at + 4, true),
      splatCount: dv.getUint32(at + 8, true),
      offset: dv.getUint32(at + 12, true),
      byteLength: dv.getUint32(at + 16, true),
      rawLength: dv.getUint32(at + 20, true),
      crc: dv.getUint32(at + 24, true),
    };
    const where = `chunk ${i}`;
    if (c.offset < headerBytes) bad(`${where} starts inside the header`);
    if (c.offset + c.byteLength > 0xffffffff) bad(`${where} ends past 4 GiB`);
    if (c.rawLength > c.byteLength * MAX_INFLATE_RATIO + 64) bad(`${where} claims ${c.rawLength} bytes from ${c.byteLength} deflated bytes`);
    if (c.stage >= h.stageCount) bad(`${where} names colour stage ${c.stage} of ${h.stageCount}`);
    if (c.kind === ChunkKind.codebook) {
      const entries = (c.rawLength - 4 - 8 * dims) / dims;
      if (c.splatStart !== 0 || c.splatCount !== 0 || !Number.isInteger(entries) || entries < 1 || entries > MAX_CODEBOOK_ENTRIES) bad(`${where} is a codebook of a wrong size`);
      if (codebooks.has(c.stage)) bad(`${where} repeats the codebook of stage ${c.stage}`);
      codebooks.add(c.stage);
    } else if (c.kind === ChunkKind.base) {
      if (c.stage !== 0) bad(`${where} is a base chunk with a stage`);
      if (c.splatStart !== nextBase || c.splatCount < 1 || c.splatStart + c.splatCount > h.splatCount) bad(`${where} covers splats ${c.splatStart}..${c.splatStart + c.splatCount} out of order`);
      if (c.rawLength < MIN_BASE_BYTES_PER_SPLAT * c.splatCount || c.rawLength > MAX_BASE_BYTES_PER_SPLAT * c.splatCount) bad(`${where} has ${c.rawLength} bytes for ${c.splatCount} splats`);
      nextBase += c.splatCount;
      baseRanges.add(`${c.splatStart}:${c.splatCount}`);
    } else if (c.kind === ChunkKind.refine) {
      if (c.stage < 1) bad(`${where} refines stage 0`);
      if (!baseRanges.has(`${c.splatStart}:${c.splatCount}`)) bad(`${where} refines splats no earlier base chunk holds`);
      if (c.rawLength !== c.splatCount) bad(`${where} has ${c.rawLength} bytes for ${c.splatCount} splats`);
    } else {
      bad(`${where} is of unknown kind ${c.kind as number}`);
    }
    h.chunks.push(c);
  }
  if (nextBase !== h.splatCount) bad(`the base chunks hold ${nextBase} splats, the header ${h.splatCount}`);
  for (let s = 0; s < h.stageCount; s++) if (!codebooks.has(s)) bad(`no codebook for colour stage ${s}`);
  return h;
}

/** Header + chunk table + CRC, for the encoder. */
export function writeStreamHeader(h: Omit<StreamHeader, 'headerBytes' | 'version'>): Uint8Array {
  const headerBytes = HEADER_FIXED_BYTES + CHUNK_ENTRY_BYTES * h.chunks.length + 4;
  const out = new Uint8Array(headerBytes);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, STREAM_MAGIC, true);
  dv.setUint16(4, STREAM_VERSION, true);
  dv.setUint16(6, h.flags, true);
  dv.setUint32(8, h.splatCount, true);
  dv.setUint8(12, h.shDegree);
  dv.setUint8(13, h.positionBits);
  dv.setUint8(14, h.stageCount);
  dv.setUint32(16, h.chunks.length, true);
  dv.setUint32(20, headerBytes, true);
  const set3 = (at: number, v: readonly number[]) => v.forEach((x, i) => dv.setFloat32(at + 4 * i, x, true));
  set3(24, h.boundsMin);
  set3(36, h.boundsMax);
  set3(48, h.logScaleMin);
  set3(60, h.logScaleMax);
  h.chunks.forEach((c, i) => {
    const at = HEADER_FIXED_BYTES + CHUNK_ENTRY_BYTES * i;
    dv.setUint8(at, c.kind);
    dv.setUint8(at + 1, c.stage);
    dv.setUint32(at + 4, c.splatStart, true);
    dv.setUint32(at + 8, c.splatCount, true);
    dv.setUint32(at + 12, c.offset, true);
    dv.setUint32(at + 16, c.byteLength, true);
    dv.setUint32(at + 20, c.rawLength, true);
    dv.setUint32(at + 24, c.crc, true);
  });
  dv.setUint32(headerBytes - 4, crc32(out.subarray(0, headerBytes - 4)), true);
  return out;
}
