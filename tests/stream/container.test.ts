/**
 * The stream container: damaged and truncated chunks are skipped with a warning and everything
 * else still decodes; damaged or hostile headers are a clear StreamFormatError; fuzzed streams
 * never crash, hang or allocate beyond what their bytes justify.
 */
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../src/core/random.ts';
import { crc32 } from '../../src/stream/crc32.ts';
import { MIN_BASE_BYTES_PER_SPLAT, CHUNK_ENTRY_BYTES, HEADER_FIXED_BYTES, MAX_INFLATE_RATIO } from '../../src/stream/format.ts';
import { ChunkKind, decodeStream, encodeStream, headerByteLength, parseStreamHeader, StreamFormatError } from '../../src/stream/index.ts';
import { mutate, randomCloud, watchAllocations } from '../io/splatTestKit.ts';

const cloud = randomCloud(800, 1, 41);
const stream = encodeStream(cloud, { firstChunkSplats: 50, stages: 2, codebookEntries: 32, kMeansIterations: 4, minOpacity: 0 });
const header = parseStreamHeader(stream);
const bases = header.chunks.map((c, i) => ({ c, i })).filter(({ c }) => c.kind === ChunkKind.base);

/** The header with its checksum recomputed after `edit` (a hostile file, not a damaged one). */
function forgeHeader(edit: (dv: DataView) => void): Uint8Array {
  const bytes = stream.slice();
  const dv = new DataView(bytes.buffer);
  edit(dv);
  const len = header.headerBytes;
  dv.setUint32(len - 4, crc32(bytes.subarray(0, len - 4)), true);
  return bytes;
}

function formatError(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(StreamFormatError);
    return (e as Error).message;
  }
  throw new Error('expected a StreamFormatError');
}

describe('stream container', () => {
  it('skips a damaged chunk with a warning and keeps every other group', () => {
    const { c, i } = bases[2];
    const bytes = stream.slice();
    bytes[c.offset + Math.floor(c.byteLength / 2)] ^= 0x5a;
    const warnings: string[] = [];
    const out = decodeStream(bytes, { onWarning: (w) => warnings.push(w) });
    expect(warnings).toEqual([`chunk ${i}: fails its checksum (damaged in transit or on disk); skipped`]);
    expect(out.cloud.count).toBe(800 - c.splatCount);
    // The groups before it are exactly what an undamaged stream decodes.
    const whole = decodeStream(stream).cloud;
    expect(out.cloud.means.subarray(0, 3 * c.splatStart)).toEqual(whole.means.subarray(0, 3 * c.splatStart));
    expect(out.cloud.sh.subarray(0, 12 * c.splatStart)).toEqual(whole.sh.subarray(0, 12 * c.splatStart));
  });

  it('keeps everything before a truncation and says where the stream ended', () => {
    const { c, i } = bases[3];
    const cut = stream.subarray(0, c.offset + 10);
    const out = decodeStream(cut);
    expect(out.cloud.count).toBe(c.splatStart);
    expect(out.warnings[0].chunk).toBe(i);
    expect(out.warnings[0].message).toMatch(`the stream ends at byte ${c.offset + 10} of ${stream.length}`);
    expect(out.warnings.length).toBe(header.chunks.length - i);
  });

  it('refuses a damaged or foreign header with a clear error', () => {
    expect(formatError(() => decodeStream(new TextEncoder().encode('ply\nformat binary_little_endian 1.0\n')))).toMatch('not a splat stream');
    expect(formatError(() => decodeStream(stream.subarray(0, 10)))).toMatch('at least 24 bytes');
    expect(formatError(() => decodeStream(stream.subarray(0, header.headerBytes - 1)))).toMatch('cut off inside its header');
    const flipped = stream.slice();
    flipped[30] ^= 1;
    expect(formatError(() => decodeStream(flipped))).toMatch('fails its checksum');
    expect(formatError(() => decodeStream(forgeHeader((dv) => dv.setUint16(4, 1, true))))).toMatch('stream version 1 is not one this decoder reads');
    expect(formatError(() => decodeStream(forgeHeader((dv) => dv.setUint16(4, 3, true))))).toMatch('stream version 3 is not one this decoder reads');
  });

  it('refuses absurd headers before allocating anything they claim', () => {
    const cases: [string, (dv: DataView) => void, RegExp][] = [
      ['4 billion splats', (dv) => dv.setUint32(8, 0xffffffff, true), /claims 4294967295 splats/],
      ['a million chunks', (dv) => dv.setUint32(16, 1 << 20, true), /claims 1048576 chunks/],
      ['a header size that disagrees', (dv) => dv.setUint32(20, 0xfffffff0, true), /gives its size/],
      ['a chunk that inflates 1e6:1', (dv) => dv.setUint32(HEADER_FIXED_BYTES + 20, 0xffffff00, true), /claims 4294967040 bytes from/],
      ['a base chunk of 2^31 splats', (dv) => {
        const at = HEADER_FIXED_BYTES + CHUNK_ENTRY_BYTES * bases[0].i;
        dv.setUint32(at + 8, 2 ** 31, true);
        dv.setUint32(at + 20, (2 ** 31 * MIN_BASE_BYTES_PER_SPLAT) >>> 0, true);
      }, /damaged/],
      ['SH degree 9', (dv) => dv.setUint8(12, 9), /SH degree 9/],
      ['a NaN bound', (dv) => dv.setFloat32(24, NaN, true), /non-finite/],
    ];
    for (const [what, edit, pattern] of cases) {
      const run = watchAllocations(() => decodeStream(forgeHeader(edit)));
      expect(run.error, what).toBeInstanceOf(StreamFormatError);
      expect((run.error as Error).message, what).toMatch(pattern);
      expect(run.maxFloatBytes, what).toBe(0);
      expect(run.maxByteBytes, what).toBeLessThanOrEqual(stream.length);
    }
  });

  it('survives 400 random mutations: a cloud with warnings or a StreamFormatError, memory bounded by the input', () => {
    const r = mulberry32(99);
    const specials = [0, 1, 0xffffffff, 0x7fffffff, 0x80000000, 1 << 24, 65536, stream.length, 0x51525347];
    const floatsPerSplat = 3 + 3 + 4 + 1 + 3 * 4;
    let decoded = 0;
    let refused = 0;
    for (let k = 0; k < 400; k++) {
      const { bytes, kind } = mutate(stream, r, header.headerBytes, specials);
      const run = watchAllocations(() => decodeStream(bytes));
      if (run.error) {
        expect(run.error, `${kind} #${k}: ${String(run.error)}`).toBeInstanceOf(StreamFormatError);
        refused++;
      } else {
        const out = run.result!;
        expect(out.cloud.count).toBeLessThanOrEqual(out.header.splatCount);
        for (const v of out.cloud.means) if (!Number.isFinite(v)) throw new Error(`${kind} #${k}: non-finite position`);
        for (const v of out.cloud.quats) if (!Number.isFinite(v)) throw new Error(`${kind} #${k}: non-finite rotation`);
        decoded++;
      }
      // Whatever the header says, what is allocated follows from the bytes that arrived.
      const maxSplats = (bytes.length * MAX_INFLATE_RATIO) / MIN_BASE_BYTES_PER_SPLAT + 1;
      expect(run.maxFloatBytes).toBeLessThanOrEqual(maxSplats * floatsPerSplat * 4);
      expect(run.maxByteBytes).toBeLessThanOrEqual(bytes.length * MAX_INFLATE_RATIO + 1);
    }
    // Both outcomes happen (the mutations reach headers and chunks alike).
    expect(decoded).toBeGreaterThan(50);
    expect(refused).toBeGreaterThan(50);
  });

  it('truncated at any byte: a prefix of the full cloud, or a header error', () => {
    const whole = decodeStream(stream).cloud;
    for (let len = 0; len <= stream.length; len += 97) {
      let out;
      try {
        out = decodeStream(stream.subarray(0, len));
      } catch (e) {
        expect(e).toBeInstanceOf(StreamFormatError);
        expect(len).toBeLessThan(header.headerBytes);
        continue;
      }
      const n = out.cloud.count;
      expect(out.cloud.means).toEqual(whole.means.subarray(0, 3 * n));
    }
    expect(headerByteLength(stream)).toBe(header.headerBytes);
  });
});
