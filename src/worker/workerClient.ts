/**
 * The page's side of a worker written with src/worker/workerHost.ts, through comlink: the worker
 * starts on the first call; a worker that dies ('error' or 'messageerror') fails every call in
 * flight with a message naming it (comlink alone would wait forever) and is terminated, and the
 * next call starts a new one (or, with `restart: false`, fails the same way). Jobs take a real
 * AbortSignal: aborting it cancels the job in the worker by its id.
 *
 * The Worker is made by the caller (`start`), so that each `new Worker(new URL(..., import.meta.url))`
 * stays where Vite can see it.
 */
import * as Comlink from 'comlink';
import { callsInFlight, type CallsInFlight } from '../core/callsInFlight.ts';
import type { Cancellable } from './workerHost.ts';

export { proxy } from 'comlink';
export { cloudArrays, transferring } from './transfer.ts';
export type { Remote } from 'comlink';

/** What a client needs of a Worker (a MessagePort with a terminate() stands in for one in tests). */
export interface WorkerEndpoint extends Comlink.Endpoint {
  terminate(): void;
}

export interface WorkerClientOptions {
  /** Starts the worker, e.g. `() => new Worker(new URL('../../workers/x.worker.ts', import.meta.url), { type: 'module' })`. */
  start: () => WorkerEndpoint;
  /** The worker in messages: 'the ingest worker' gives "the ingest worker stopped (why)". */
  name: string;
  /** What the message suggests after why it stopped ("Try ..."), if anything. */
  advice?: string;
  /** What it says when a crash comes without a message (default 'it crashed'). */
  crashed?: string;
  /** After the worker stopped, start a new one on the next call (default), or fail every later call the same way. */
  restart?: boolean;
}

export interface WorkerClient<Api extends Cancellable> {
  /** Runs `f` on the worker (started if needed); rejected if the worker dies first. */
  call<T>(f: (remote: Comlink.Remote<Api>) => Promise<T>): Promise<T>;
  /**
   * Runs a job: `f` gets a fresh job id to pass to the worker's job function; aborting `signal`
   * cancels that job in the worker. An already aborted signal throws its reason.
   */
  job<T>(signal: AbortSignal, f: (remote: Comlink.Remote<Api>, jobId: number) => Promise<T>): Promise<T>;
  /** Whether a worker is running now (calls that must not start one check this first). */
  running(): boolean;
  /** Releases the proxy and terminates the worker: calls in flight fail with "`name` stopped (`why`)". */
  stop(why: string): void;
}

let nextJob = 1;

interface Live<Api> {
  worker: WorkerEndpoint;
  remote: Comlink.Remote<Api>;
  calls: CallsInFlight;
}

export function workerClient<Api extends Cancellable>(options: WorkerClientOptions): WorkerClient<Api> {
  const restart = options.restart ?? true;
  let live: Live<Api> | null = null;
  /** Why every later call fails (restart: false, once the worker stopped). */
  let failure: Error | null = null;

  const stopped = (why: string) => new Error(`${options.name} stopped (${why})${options.advice ? `. ${options.advice}` : ''}`);

  const die = (l: Live<Api>, why: string) => {
    const err = stopped(why);
    l.calls.failAll(err);
    l.worker.terminate();
    if (live !== l) return;
    live = null;
    if (!restart) failure = err;
  };

  const start = (): Live<Api> => {
    if (failure) throw failure;
    if (live) return live;
    const worker = options.start();
    const l: Live<Api> = { worker, remote: Comlink.wrap<Api>(worker), calls: callsInFlight() };
    worker.addEventListener('error', (e) => die(l, (e as ErrorEvent).message || options.crashed || 'it crashed'));
    worker.addEventListener('messageerror', () => die(l, 'a message could not be read'));
    live = l;
    return l;
  };

  const call = async <T>(f: (remote: Comlink.Remote<Api>) => Promise<T>): Promise<T> => {
    const l = start();
    return l.calls.run(() => f(l.remote));
  };

  return {
    call,

    async job(signal, f) {
      signal.throwIfAborted();
      const l = start();
      const jobId = nextJob++;
      const onAbort = () => void (l.remote as unknown as Comlink.Remote<Cancellable>).cancel(jobId);
      signal.addEventListener('abort', onAbort, { once: true });
      try {
        return await l.calls.run(() => f(l.remote, jobId));
      } finally {
        signal.removeEventListener('abort', onAbort);
      }
    },

    running: () => live !== null,

    stop(why) {
      if (live) {
        live.remote[Comlink.releaseProxy]();
        die(live, why);
      } else if (!restart) {
        failure ??= stopped(why);
      }
    },
  };
}
