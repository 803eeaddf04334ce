/**
 * npm run bench:coders -- <cloud.ply|.spz|.splat> [more clouds...]
 *
 * Would another lossless stage pay for itself? Encodes each cloud as a stream (the default
 * encoder; no cameras, so splats are ordered by cross-section, which moves bytes by well under 1%), inflates every chunk back to its raw bytes, and stores those raw bytes again with
 * DEFLATE (fflate level 9, what the format uses), Brotli (quality 11, Node's zlib) and, when the
 * `zstd` command is installed (Debian's zstd), zstd -19 --ultra -22: each chunk on its own, as
 * the format needs (chunks decode independently). Prints one table: bytes per chunk kind and in
 * all, and each coder's total against DEFLATE's. A measurement only: the format stays DEFLATE.
 * Then where the bytes go: each part of the base chunks (positions, each byte plane, the wide
 * rotation bytes), the codebooks and each stage's refine chunks, DEFLATE'd part by part (so the
 * parts add up to a little more than the chunks), in bytes per splat.
 */
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { brotliCompressSync, constants } from 'node:zlib';
import { deflateSync, inflateSync } from 'fflate';
import { readSplatFile } from '../../src/io/splatFile.ts';
import { BASE_FIXED_BYTES_PER_SPLAT, ChunkKind } from '../../src/stream/format.ts';
import { encodeStream, parseStreamHeader } from '../../src/stream/index.ts';
import { readVarintPrefix } from '../../src/stream/quantize.ts';

function zstdAvailable(): boolean {
  try {
    execFileSync('zstd', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const coders: Record<string, (raw: Uint8Array) => number> = {
  'DEFLATE 9': (raw) => deflateSync(raw, { level: 9 }).length,
  'Brotli 11': (raw) => brotliCompressSync(raw, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: raw.length } }).length,
};
if (zstdAvailable()) coders['zstd 22'] = (raw) => execFileSync('zstd', ['-q', '-c', '--ultra', '-22', '--no-check'], { input: raw, maxBuffer: 1 << 28 }).length;

const kindName = ['codebook', 'base', 'refine'];
// One name per byte plane, in format.ts BasePlane's order (BASE_FIXED_BYTES_PER_SPLAT of them).
const PLANE_NAMES = ['rotation head', 'rotation 1', 'rotation 2', 'rotation 3', 'log-scale x', 'log-scale y', 'log-scale z', 'opacity', 'colour index, stage 0'];

/** A base chunk's parts (src/stream/README.md, "Base chunk"): n varints, the byte planes of n bytes, the rest. */
function baseParts(raw: Uint8Array, n: number): [string, Uint8Array][] {
  const end = readVarintPrefix(raw, n, new Float64Array(n));
  if (end < 0) throw new Error('a base chunk whose position codes do not read');
  const parts: [string, Uint8Array][] = [['positions (Morton deltas)', raw.subarray(0, end)]];
  PLANE_NAMES.forEach((name, p) => parts.push([name, raw.subarray(end + p * n, end + (p + 1) * n)]));
  parts.push(['wide rotation bytes', raw.subarray(end + BASE_FIXED_BYTES_PER_SPLAT * n)]);
  return parts;
}

async function main(): Promise<void> {
  const files = process.argv.slice(2);
  if (files.length === 0) throw new Error('usage: npm run bench:coders -- <cloud.ply|.spz|.splat> [...]');
  const names = Object.keys(coders);
  const partTables: string[] = [];
  console.log(`| cloud | splats | SH | chunk kind | raw bytes | ${names.join(' | ')} |`);
  console.log(`|---|---|---|---|---|${names.map(() => '---|').join('')}`);
  for (const file of files) {
    const cloud = readSplatFile(new Uint8Array(await readFile(file)), file);
    const bytes = encodeStream(cloud);
    const header = parseStreamHeader(bytes);
    const totals = new Map<string, number[]>();
    const parts = new Map<string, number>();
    const addPart = (name: string, raw: Uint8Array) => parts.set(name, (parts.get(name) ?? 0) + deflateSync(raw, { level: 9 }).length);
    for (const c of header.chunks) {
      const raw = inflateSync(bytes.subarray(c.offset, c.offset + c.byteLength));
      if (c.kind === ChunkKind.base) for (const [name, part] of baseParts(raw, c.splatCount)) addPart(name, part);
      else addPart(c.kind === ChunkKind.codebook ? 'codebooks' : `colour index, stage ${c.stage}`, raw);
      for (const key of [kindName[c.kind], 'all chunks']) {
        const row = totals.get(key) ?? [0, ...names.map(() => 0)];
        row[0] += raw.length;
        names.forEach((n, k) => (row[k + 1] += coders[n](raw)));
        totals.set(key, row);
      }
    }
    for (const [kind, row] of totals) {
      const cells = row.slice(1).map((b, k) => (k === 0 ? `${b}` : `${b} (${((b / row[1] - 1) * 100).toFixed(1)}%)`));
      console.log(`| ${file.split('/').pop()} | ${header.splatCount} | ${header.shDegree} | ${kind} | ${row[0]} | ${cells.join(' | ')} |`);
    }
    console.log(`| ${file.split('/').pop()} | | | header + table | ${header.headerBytes} | ${names.map(() => header.headerBytes).join(' | ')} |`);
    partTables.push(`${file.split('/').pop()} (${header.splatCount} splats, SH ${header.shDegree}, ${header.positionBits}-bit positions): ` + [...parts].map(([name, b]) => `${name} ${(b / header.splatCount).toFixed(2)}`).join(', '));
  }
  console.log('');
  console.log('where the bytes go (DEFLATE 9, bytes per splat):');
  for (const line of partTables) console.log(line);
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
