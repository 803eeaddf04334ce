/**
 * npm run fuzz -- --minutes M [--seed S] [--target NAME] [--limit-ms T]
 *
 * Fuzzes every reader and importer of untrusted bytes (tests/fuzz/targets.ts) with seeded
 * mutations and truncations for M minutes in all, shared equally between the targets. Each target
 * runs in a worker thread; an input that takes longer than T ms (default 5000) is a hang: the
 * thread is stopped, the input saved, and fuzzing goes on from the next one. A crash is anything
 * thrown that is not the project's InputError; a memory failure is an allocation past the
 * target's bound (proportional to the input's size). Failing inputs are written to
 * fuzz-failures/. Prints one row per target and the peak memory of the process; exits 1 on any
 * crash, hang or memory failure. The unit suite runs a bounded share (tests/fuzz/fuzz.test.ts).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import type { FuzzStats } from '../tests/fuzz/engine.ts';
import { FUZZ_TARGETS, fuzzInput } from '../tests/fuzz/targets.ts';
import type { FuzzWorkerData, FuzzWorkerMessage } from './fuzzWorker.ts';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '1' },
    seed: { type: 'string', default: '1' },
    target: { type: 'string' },
    'limit-ms': { type: 'string', default: '5000' },
  },
});
const minutes = Number(values.minutes);
const seed = Number(values.seed) >>> 0;
const limitMs = Number(values['limit-ms']);
if (!(minutes > 0) || !(limitMs > 0)) throw new Error('--minutes and --limit-ms must be positive numbers');
const targets = FUZZ_TARGETS.filter((t) => !values.target || t.name.toLowerCase().includes(values.target.toLowerCase()));
if (targets.length === 0) throw new Error(`no target matches "${values.target}"; targets: ${FUZZ_TARGETS.map((t) => t.name).join(', ')}`);
const OUT = resolve(import.meta.dirname, '../fuzz-failures');

interface Row {
  stats: Omit<FuzzStats, 'failures'>;
  crashes: number;
  memory: number;
  hangs: number;
  messages: string[];
  /** Highest RSS of the process while this target ran. */
  peakRss: number;
}

let peakRss = 0;
let targetPeak = 0;
const sampleRss = () => {
  const rss = process.memoryUsage().rss;
  peakRss = Math.max(peakRss, rss);
  targetPeak = Math.max(targetPeak, rss);
};

function save(name: string, index: number, bytes: Uint8Array, what: string, message: string): void {
  mkdirSync(OUT, { recursive: true });
  const file = resolve(OUT, `${name.replace(/[^\w.-]+/g, '_')}-seed${seed}-${index}.bin`);
  writeFileSync(file, bytes);
  console.error(`  ${what}: ${name} input ${index} (${bytes.length} bytes): ${message}\n    saved as ${file}`);
}

/** Runs a target's share of the time, restarting its worker after each hang. */
async function runTarget(name: string, deadline: number): Promise<Row> {
  const row: Row = { stats: { target: name, tried: 0, read: 0, refused: 0, largestAlloc: 0, largestRatio: 0 }, crashes: 0, memory: 0, hangs: 0, messages: [], peakRss: 0 };
  let start = 0;
  targetPeak = process.memoryUsage().rss;
  while (Date.now() < deadline) {
    const shared = new SharedArrayBuffer(8);
    const cells = new Int32Array(shared);
    const data: FuzzWorkerData = { target: name, seed, startIndex: start, deadline, shared };
    const worker = new Worker(new URL('./fuzzWorkerBoot.mjs', import.meta.url), { workerData: data });
    const got: { last: Omit<FuzzStats, 'failures'> | null } = { last: null };
    const outcome = await new Promise<'done' | 'hang' | 'died'>((done) => {
      let beat = -1;
      let beatAt = Date.now();
      const timer = setInterval(() => {
        sampleRss();
        const b = Atomics.load(cells, 1);
        if (b !== beat) (beat = b), (beatAt = Date.now());
        else if (b > 0 && Date.now() - beatAt > limitMs) {
          clearInterval(timer);
          void worker.terminate();
          done('hang');
        }
      }, 50);
      worker.on('message', (m: FuzzWorkerMessage) => {
        if (m.type === 'failure') {
          const f = m.failure;
          if (f.what === 'crash') row.crashes++;
          else row.memory++;
          if (row.messages.length < 5) save(name, f.index, f.bytes, f.what, f.message);
          row.messages.push(`${f.what} at ${f.index}: ${f.message}`);
        } else got.last = m.stats;
        if (m.type === 'done') {
          clearInterval(timer);
          done('done');
        }
      });
      worker.on('error', (e: Error) => {
        clearInterval(timer);
        row.messages.push(`worker died: ${e.message}`);
        done('died');
      });
    });
    if (outcome === 'died' && Atomics.load(cells, 1) === 0) throw new Error(`${name}: the fuzz worker failed to start: ${row.messages.at(-1)}`);
    const index = Atomics.load(cells, 0);
    const last = got.last;
    if (last) merge(row.stats, last);
    if (outcome === 'done') break;
    // The input that hung (or killed the thread) is counted, saved, and skipped.
    row.stats.tried += index - start - (last?.tried ?? 0) + 1;
    const t = FUZZ_TARGETS.find((x) => x.name === name)!;
    const { bytes } = fuzzInput(t, t.seeds(), seed, index);
    if (outcome === 'hang') row.hangs++;
    else row.crashes++;
    save(name, index, bytes, outcome, outcome === 'hang' ? `no result after ${limitMs} ms` : row.messages.at(-1)!);
    start = index + 1;
  }
  row.peakRss = targetPeak;
  return row;
}

function merge(into: Omit<FuzzStats, 'failures'>, s: Omit<FuzzStats, 'failures'>): void {
  into.tried += s.tried;
  into.read += s.read;
  into.refused += s.refused;
  into.largestAlloc = Math.max(into.largestAlloc, s.largestAlloc);
  into.largestRatio = Math.max(into.largestRatio, s.largestRatio);
}

const mb = (n: number) => `${(n / 2 ** 20).toFixed(1)} MB`;
const share = (minutes * 60_000) / targets.length;
console.log(`fuzz: ${targets.length} targets, ${minutes} min in all (${(share / 1000).toFixed(0)} s each), seed ${seed}, hang limit ${limitMs} ms`);
const rows: Row[] = [];
for (const t of targets) {
  const row = await runTarget(t.name, Date.now() + share);
  rows.push(row);
  const s = row.stats;
  console.log(
    `${t.name.padEnd(24)} ${String(s.tried).padStart(8)} tried ${String(s.read).padStart(7)} read ${String(s.refused).padStart(8)} refused | crashes ${row.crashes} hangs ${row.hangs} memory ${row.memory} | largest allocation ${mb(s.largestAlloc)} (${s.largestRatio.toFixed(0)}x its input) | peak RSS ${mb(row.peakRss)}`,
  );
}
sampleRss();
const sum = (f: (r: Row) => number) => rows.reduce((a, r) => a + f(r), 0);
const maxRss = process.resourceUsage().maxRSS * 1024;
console.log(
  `total: ${sum((r) => r.stats.tried)} inputs tried, crashes ${sum((r) => r.crashes)}, hangs ${sum((r) => r.hangs)}, memory failures ${sum((r) => r.memory)}; peak memory (RSS of the whole process) ${mb(Math.max(maxRss, peakRss))}`,
);
if (sum((r) => r.crashes + r.hangs + r.memory) > 0) process.exitCode = 1;
