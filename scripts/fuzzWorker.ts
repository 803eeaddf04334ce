/**
 * One fuzz target in a worker thread (started by scripts/fuzz.ts): reads inputs index, index+1,
 * ... until its deadline, writing the index it is on and a heartbeat into shared memory before
 * each input, so the main thread can tell a hang (the heartbeat stops) and stop this thread even
 * inside a synchronous loop. Failures are posted as they happen; totals every quarter second.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { checkSeeds, fuzzOne, newStats, type FuzzStats } from '../tests/fuzz/engine.ts';
import { FUZZ_TARGETS } from '../tests/fuzz/targets.ts';

export interface FuzzWorkerData {
  target: string;
  seed: number;
  startIndex: number;
  deadline: number;
  /** [0]: index being read, [1]: heartbeat counter. */
  shared: SharedArrayBuffer;
}

export type FuzzWorkerMessage =
  | { type: 'stats'; stats: Omit<FuzzStats, 'failures'> }
  | { type: 'failure'; failure: FuzzStats['failures'][number] }
  | { type: 'done'; stats: Omit<FuzzStats, 'failures'> };

const data = workerData as FuzzWorkerData;
const cells = new Int32Array(data.shared);
const target = FUZZ_TARGETS.find((t) => t.name === data.target)!;
const seeds = await checkSeeds(target);
const stats = newStats(target.name);
const post = (m: FuzzWorkerMessage) => parentPort!.postMessage(m);
const totals = () => ({ ...stats, failures: undefined });
let lastPost = performance.now();
for (let index = data.startIndex; Date.now() < data.deadline; index++) {
  Atomics.store(cells, 0, index);
  Atomics.add(cells, 1, 1);
  const before = stats.failures.length;
  await fuzzOne(target, seeds, data.seed, index, stats);
  for (const failure of stats.failures.splice(before)) post({ type: 'failure', failure });
  if (performance.now() - lastPost > 250) {
    post({ type: 'stats', stats: totals() });
    lastPost = performance.now();
  }
}
post({ type: 'done', stats: totals() });
