/**
 * The worker's side of src/worker/workerClient.ts: exposes a worker's functions through comlink.
 *
 * - Calls: plain functions, exposed as they are.
 * - Jobs: functions that take an AbortSignal first. AbortSignals cannot cross the worker boundary,
 *   so the page calls a job with a job id in place of the signal, and `cancel(jobId)` aborts it.
 * - Arguments that arrived as comlink proxies (the page's callbacks) are released when the call
 *   or job settles, so their ports do not pile up.
 * - Results are sent back copied; wrap them in `transferring` (./transfer.ts) to move buffers.
 */
import * as Comlink from 'comlink';

export { cloudArrays, transferring } from './transfer.ts';

/** What every hosted worker answers besides its own functions. */
export interface Cancellable {
  /** Aborts the signal of job `jobId` (nothing when it has ended or never ran). */
  cancel(jobId: number): void;
}

/** A job as a worker writes it: the AbortSignal first. */
export type Job = (signal: AbortSignal, ...args: any[]) => unknown;

/** Jobs as the page calls them: a job id in place of the signal. */
export type JobsOnTheWire<J> = {
  [K in keyof J]: J[K] extends (signal: AbortSignal, ...args: infer A) => infer R ? (jobId: number, ...args: A) => Promise<Awaited<R>> : never;
};

export type HostedApi<C, J> = C & JobsOnTheWire<J> & Cancellable;

/** Releases every comlink proxy among `args` (its port closes; the page's object is freed). */
function releaseProxies(args: unknown[]): void {
  for (const a of args) {
    if ((typeof a === 'function' || (typeof a === 'object' && a !== null)) && typeof (a as Comlink.Remote<unknown>)[Comlink.releaseProxy] === 'function') {
      (a as Comlink.Remote<unknown>)[Comlink.releaseProxy]();
    }
  }
}

/**
 * Exposes `calls` and `jobs` (see above) on `endpoint` (the worker's own scope by default) and
 * returns the API as exposed, whose type the page's client is written against.
 */
export function hostWorker<C extends object, J extends Record<string, Job> = Record<never, Job>>(
  calls: C,
  jobs?: J,
  endpoint?: Comlink.Endpoint,
): HostedApi<C, J> {
  const running = new Map<number, AbortController>();
  const api: Record<string, unknown> = {};
  for (const [name, f] of Object.entries(calls)) {
    if (typeof f !== 'function') continue;
    api[name] = async (...args: unknown[]) => {
      try {
        return await f(...args);
      } finally {
        releaseProxies(args);
      }
    };
  }
  for (const [name, f] of Object.entries(jobs ?? {})) {
    api[name] = async (jobId: number, ...args: unknown[]) => {
      const ac = new AbortController();
      running.set(jobId, ac);
      try {
        return await f(ac.signal, ...args);
      } finally {
        running.delete(jobId);
        releaseProxies(args);
      }
    };
  }
  api.cancel = (jobId: number) => running.get(jobId)?.abort();
  Comlink.expose(api, endpoint);
  return api as HostedApi<C, J>;
}
