/**
 * The page's side of workers/ingest.worker.ts: one long-lived worker, called through comlink,
 * with real AbortSignals and progress callbacks. File bytes are transferred, not copied. A worker
 * that dies (out of memory on huge photos, a failed load) fails the calls in flight with a
 * message, and the next call starts a new one.
 */
import type { LoadedScene } from '../io/sceneFolder.ts';
import type { DroppedFile, IngestResult } from '../recon/ingest.ts';
import { proxy, transferring, workerClient } from '../worker/workerClient.ts';
import type { IngestWorkerApi } from '../../workers/ingest.worker.ts';

export type Progress = (done: number, total: number) => void;

export interface IngestClient {
  ingestFiles(files: DroppedFile[], signal: AbortSignal, onProgress: Progress): Promise<IngestResult>;
  loadSceneUrl(baseUrl: string, signal: AbortSignal, onProgress: Progress): Promise<LoadedScene>;
}

let shared: IngestClient | null = null;

/** The app's one ingest worker, started on first use. */
export function getIngestClient(): IngestClient {
  return (shared ??= createIngestClient());
}

export function createIngestClient(): IngestClient {
  const worker = workerClient<IngestWorkerApi>({
    start: () => new Worker(new URL('../../workers/ingest.worker.ts', import.meta.url), { type: 'module', name: 'ingest' }),
    name: 'the ingest worker',
    advice: 'Try fewer or smaller photos, or reload the page.',
  });

  /** A job whose signal, once aborted, wins over a result that came anyway. */
  async function run<T>(signal: AbortSignal, call: Parameters<typeof worker.job<T>>[1]): Promise<T> {
    const res = await worker.job(signal, call);
    signal.throwIfAborted();
    return res;
  }

  return {
    ingestFiles(files, signal, onProgress) {
      const sent = transferring(files, files.map((f) => f.bytes));
      return run(signal, (r, id) => r.ingestFiles(id, sent, proxy(onProgress)) as Promise<IngestResult>);
    },
    loadSceneUrl(baseUrl, signal, onProgress) {
      return run(signal, (r, id) => r.loadSceneUrl(id, baseUrl, proxy(onProgress)) as Promise<LoadedScene>);
    },
  };
}
