/**
 * Runs one fuzz target over seeded inputs and classifies each outcome: read (the reader accepted
 * it), refused (an InputError: the only failure allowed), or a crash (anything else thrown, a
 * stack overflow included). Also records, per input, the largest allocation against the target's
 * bound. Hangs are the caller's business: the suite relies on its test timeout, the fuzz script
 * on a watchdog that can stop a worker thread stuck in a loop.
 */
import { isInputError } from '../../src/core/errors.ts';
import { measureAllocations } from './allocWatch.ts';
import { fuzzInput, type FuzzTarget } from './targets.ts';

export interface FuzzFailure {
  target: string;
  seed: number;
  index: number;
  kind: string;
  /** 'crash' (not an InputError) or 'memory' (allocated past the bound). */
  what: 'crash' | 'memory';
  message: string;
  bytes: Uint8Array;
}

export interface FuzzStats {
  target: string;
  tried: number;
  read: number;
  refused: number;
  failures: FuzzFailure[];
  /** Largest single allocation seen, in bytes, and the largest ratio of allocation to input size. */
  largestAlloc: number;
  largestRatio: number;
}

export function newStats(target: string): FuzzStats {
  return { target, tried: 0, read: 0, refused: 0, failures: [], largestAlloc: 0, largestRatio: 0 };
}

/** Reads input `index` of `seed` and adds its outcome to `stats`. */
export async function fuzzOne(t: FuzzTarget, seeds: Uint8Array[], seed: number, index: number, stats: FuzzStats): Promise<void> {
  const { bytes, kind } = fuzzInput(t, seeds, seed, index);
  const m = await measureAllocations(() => t.read(bytes));
  stats.tried++;
  stats.largestAlloc = Math.max(stats.largestAlloc, m.largest);
  stats.largestRatio = Math.max(stats.largestRatio, m.largest / Math.max(1, bytes.length));
  const fail = (what: FuzzFailure['what'], message: string) => stats.failures.push({ target: t.name, seed, index, kind, what, message, bytes });
  if (m.error === undefined) stats.read++;
  else if (isInputError(m.error)) stats.refused++;
  else fail('crash', m.error instanceof Error ? `${m.error.name}: ${m.error.message}`.slice(0, 300) : String(m.error));
  const bound = t.allocBound(bytes.length);
  if (m.largest > bound) fail('memory', `allocated ${m.largest} bytes at once for a ${bytes.length}-byte input (bound ${bound})`);
}

/** The seeds must read cleanly, or the fuzzer would only exercise the first error path. */
export async function checkSeeds(t: FuzzTarget): Promise<Uint8Array[]> {
  const seeds = t.seeds();
  for (const [i, s] of seeds.entries()) {
    try {
      await t.read(s);
    } catch (e) {
      throw new Error(`fuzz target ${t.name}: seed ${i} does not read (${(e as Error).message})`);
    }
  }
  return seeds;
}
