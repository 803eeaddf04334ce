/**
 * The page's side of workers/ingest.worker.ts: one long-lived worker, called through comlink,
 * with real AbortSignals and progress callbacks. File bytes are transferred, not copied.
 */
import * as Comlink from 'comlink';
import type { LoadedScene } from '../io/sceneFolder.ts';
import type { DroppedFile, IngestResult } from '../recon/ingest.ts';
import type { IngestWorkerApi } from '../../workers/ingest.worker.ts';

export type Progress = (done: number, total: number) => void;

export interface IngestClient {
  ingestFiles(files: DroppedFile[], signal: AbortSignal, onProgress: Progress): Promise<IngestResult>;
  loadSceneUrl(baseUrl: string, signal: AbortSignal, onProgress: Progress): Promise<LoadedScene>;
}

let nextJob = 1;
let shared: IngestClient | null = null;

/** The app's one ingest worker, started on first use. */
export function getIngestClient(): IngestClient {
  return (shared ??= createIngestClient());
}

export function createIngestClient(): IngestClient {
  const worker = new Worker(new URL('../../workers/ingest.worker.ts', import.meta.url), {
    type: 'module',
    name: 'ingest',
  });
  const remote = Comlink.wrap<IngestWorkerApi>(worker);

  // If the worker dies (out of memory on huge photos, a failed load), comlink would wait
  // forever: fail the calls in flight instead, and start a new worker for the next call.
  const pending = new Set<(e: Error) => void>();
  let dead: Error | null = null;
  const die = (why: string) => {
    dead = new Error(`the ingest worker stopped (${why}). Try fewer or smaller photos, or reload the page.`);
    for (const reject of pending) reject(dead);
    pending.clear();
    worker.terminate();
    if (shared === client) shared = null;
  };
  worker.addEventListener('error', (e) => die(e.message || 'it crashed'));
  worker.addEventListener('messageerror', () => die('a message could not be read'));

  async function run<T>(signal: AbortSignal, call: (jobId: number) => Promise<T>): Promise<T> {
    signal.throwIfAborted();
    if (dead) throw dead;
    const jobId = nextJob++;
    const onAbort = () => void remote.abort(jobId);
    signal.addEventListener('abort', onAbort, { once: true });
    let reject: (e: Error) => void = () => {};
    const crashed = new Promise<never>((_, r) => (reject = r));
    pending.add(reject);
    try {
      const res = await Promise.race([call(jobId), crashed]);
      signal.throwIfAborted();
      return res;
    } finally {
      pending.delete(reject);
      signal.removeEventListener('abort', onAbort);
    }
  }

  const client: IngestClient = {
    ingestFiles(files, signal, onProgress) {
      const buffers = [...new Set(files.map((f) => f.bytes.buffer as ArrayBuffer))];
      return run(signal, (id) =>
        remote.ingestFiles(id, Comlink.transfer(files, buffers), Comlink.proxy(onProgress)) as Promise<IngestResult>,
      );
    },
    loadSceneUrl(baseUrl, signal, onProgress) {
      return run(signal, (id) => remote.loadSceneUrl(id, baseUrl, Comlink.proxy(onProgress)) as Promise<LoadedScene>);
    },
  };
  return client;
}
