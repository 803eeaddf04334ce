/**
 * npm run bench:readers
 *
 * How fast the splat readers refuse damaged and lying input, against reading the same files
 * undamaged (the baseline, measured in the same run). The suite checks that damaged input only
 * ever fails with an InputError and allocates no more than the input justifies; how long that
 * takes is measured here, never asserted in a test (timings on a shared 2-core machine vary).
 *
 * Rows:
 * - fuzz rows: the same seeded mutations as the suite's fuzz tests (truncation, flips, inserts,
 *   deletes, special 32-bit values, half of them in the header), ms per input;
 * - lying-header rows: a PLY / SPZ / .splat whose header claims ~10^8 splats over a few bytes,
 *   which must be refused before anything that size is allocated.
 */
import { gzipSync } from 'fflate';
import { InputError } from '../src/core/errors.ts';
import { mulberry32 } from '../src/core/random.ts';
import { readPly, writePly } from '../src/io/ply.ts';
import { readSplat, writeSplat } from '../src/io/splatFormat.ts';
import { readSplatFile } from '../src/io/splatFile.ts';
import { readSpz, writeSpz } from '../src/io/spz.ts';
import { mutate, randomCloud } from '../tests/io/splatTestKit.ts';

type Reader = (bytes: Uint8Array) => unknown;

/** Median of `rounds` timings of `fn` over all inputs, in ms per input. */
function msPerInput(inputs: Uint8Array[], read: Reader, rounds = 5): { ms: number; refused: number } {
  const times: number[] = [];
  let refused = 0;
  for (let round = 0; round < rounds; round++) {
    refused = 0;
    const t0 = performance.now();
    for (const bytes of inputs) {
      try {
        read(bytes);
      } catch (e) {
        if (!(e instanceof InputError)) throw e;
        refused++;
      }
    }
    times.push((performance.now() - t0) / inputs.length);
  }
  times.sort((a, b) => a - b);
  return { ms: times[rounds >> 1], refused };
}

function damaged(sources: Uint8Array[], count: number, seed: number, hotLen: number, specials: number[]): Uint8Array[] {
  const r = mulberry32(seed);
  return Array.from({ length: count }, (_, i) => mutate(sources[i % sources.length], r, hotLen, specials).bytes);
}

const plySources = [writePly(randomCloud(4, 0, 1)), writePly(randomCloud(6, 3, 2)), writePly(randomCloud(5, 1, 3), { format: 'ascii' })];
const spzSources = [writeSpz(randomCloud(30, 0, 50)), writeSpz(randomCloud(8, 3, 51)), writeSpz(randomCloud(20, 1, 52), { version: 2 })];
const splatSources = [writeSplat(randomCloud(12, 0, 5)), writeSplat(randomCloud(40, 3, 6))];
const anySources = [plySources[0], spzSources[0], splatSources[0]];
const specials = [1e9, 0xffffffff, 0x80000000, 0, 1, 0x7fc00000, 0x7f800000, 0x5053474e, 0x0a796c70];

function lyingPly(): Uint8Array {
  const text = new TextDecoder('latin1').decode(plySources[0]).replace('element vertex 4', 'element vertex 99000000');
  return Uint8Array.from(text, (c) => c.charCodeAt(0));
}
function lyingSpz(): Uint8Array {
  // Header: magic, version, count (u32 at byte 8), ...: claim 10^8 points over 30 points of data.
  const raw = new Uint8Array(16 + 30 * 64);
  const v = new DataView(raw.buffer);
  v.setUint32(0, 0x5053474e, true);
  v.setUint32(4, 2, true);
  v.setUint32(8, 100_000_000, true);
  raw[12] = 0; raw[13] = 12;
  return gzipSync(raw, { level: 1, mtime: 0 });
}

const rows: { what: string; inputs: number; ms: number; baseMs: number; refused: number }[] = [];
function row(what: string, inputs: Uint8Array[], read: Reader, baseline: Uint8Array[]): void {
  const { ms, refused } = msPerInput(inputs, read);
  const base = msPerInput(baseline, read);
  if (base.refused) throw new Error(`${what}: the undamaged baseline files were refused`);
  rows.push({ what, inputs: inputs.length, ms, baseMs: base.ms, refused });
}

row('PLY fuzz (damaged)', damaged(plySources, 2000, 7, 200, specials), (b) => readPly(b), plySources);
row('SPZ fuzz (damaged)', damaged(spzSources, 3000, 99, 24, specials), (b) => readSpz(b), spzSources);
row('.splat fuzz (damaged)', damaged(splatSources, 3000, 5, 32, specials), (b) => readSplat(b), splatSources);
row('any format by name (damaged)', damaged(anySources, 1500, 123, 16, specials), (b) => readSplatFile(b, ['a.ply', 'a.spz', 'a.splat'][b.length % 3]), [plySources[0]].map((b) => b));
row('PLY header claiming 99,000,000 splats', [lyingPly()], (b) => readPly(b), [plySources[0]]);
row('SPZ header claiming 100,000,000 splats', [lyingSpz()], (b) => readSpz(b), [spzSources[0]]);
row('.splat of 10^8 splats cut to 32 bytes', [splatSources[0].subarray(0, 33)], (b) => readSplat(b), [splatSources[0]]);

console.log('| input | inputs | refused | ms per input | baseline: undamaged file, ms | ratio |');
console.log('|---|---:|---:|---:|---:|---:|');
for (const r of rows)
  console.log(`| ${r.what} | ${r.inputs} | ${r.refused} | ${r.ms.toFixed(4)} | ${r.baseMs.toFixed(4)} | ${(r.ms / r.baseMs).toFixed(2)} |`);
console.log('\nEvery refusal above was an InputError (anything else stops the bench). Timings: median of 5 rounds.');
