/**
 * The page's side of the stream worker (workers/streamLoad.worker.ts): fetches and decodes a
 * splat stream off the main thread and hands the page each newer scene as a cloud. Where no
 * worker can be started (no Worker, or a page whose policy forbids it), the same loader runs on
 * the main thread instead, so the element still works, only less smoothly.
 */
import type { GaussianCloud } from '../core/gaussianCloud.ts';
import { proxy, workerClient, type WorkerClient } from '../worker/workerClient.ts';
import type { StreamUpdate, StreamWorkerApi } from '../../workers/streamLoad.worker.ts';
import { loadStream, type StreamProgress } from './streamLoader.ts';

export interface StreamLoadHandlers {
  /** The scene so far: every chunk decoded until now (a new cloud each time). */
  onCloud?: (cloud: GaussianCloud, progress: StreamProgress) => void;
  onProgress?: (progress: StreamProgress) => void;
  onWarning?: (message: string) => void;
  /** Where decoding runs, and how the file is read. */
  onMode?: (mode: { thread: 'worker' | 'main'; read: 'range' | 'whole' }) => void;
  signal?: AbortSignal;
}

export interface StreamLoadResult {
  splats: number;
  warnings: string[];
}

let client: WorkerClient<StreamWorkerApi> | null = null;

function streamWorker(): WorkerClient<StreamWorkerApi> {
  client ??= workerClient<StreamWorkerApi>({
    start: () => new Worker(new URL('../../workers/streamLoad.worker.ts', import.meta.url), { type: 'module', name: 'splat-stream' }),
    name: 'the splat stream worker',
    crashed: 'it failed to load or crashed',
  });
  return client;
}

/** Decodes on the main thread: the fallback, and what a page without workers gets. */
async function loadOnMainThread(url: string, h: StreamLoadHandlers): Promise<StreamLoadResult> {
  const warnings: string[] = [];
  let progress: StreamProgress = { bytesLoaded: 0, bytesTotal: 0, chunksDecoded: 0, chunksTotal: 0 };
  const dec = await loadStream(url, {
    signal: h.signal,
    onMode: (read) => h.onMode?.({ thread: 'main', read }),
    onBytes: (loaded, total) => h.onProgress?.((progress = { ...progress, bytesLoaded: loaded, bytesTotal: total })),
    onWarning: (m) => {
      warnings.push(m);
      h.onWarning?.(m);
    },
    onChunk: (d, p) => h.onCloud?.(d.cloud(), (progress = p)),
  });
  h.onCloud?.(dec.cloud(), { ...progress, bytesLoaded: progress.bytesTotal });
  return { splats: dec.decodedSplats(), warnings };
}

/** Streams `url` (absolute) into clouds, decoding in a worker when the page can start one. */
export async function loadStreamInWorker(url: string, h: StreamLoadHandlers = {}): Promise<StreamLoadResult> {
  if (typeof Worker === 'undefined') return loadOnMainThread(url, h);
  const signal = h.signal ?? new AbortController().signal;
  let heard = false;
  const onUpdate = (u: StreamUpdate) => {
    heard = true;
    if (signal.aborted) return;
    if (u.mode) h.onMode?.({ thread: 'worker', read: u.mode });
    if (u.warning) h.onWarning?.(u.warning);
    if (u.cloud) h.onCloud?.(u.cloud, u.progress);
    else h.onProgress?.(u.progress);
  };
  try {
    return await streamWorker().job(signal, (remote, jobId) => remote.load(jobId, url, proxy(onUpdate)));
  } catch (e) {
    // A worker that never said anything (it could not start: blocked by the page's policy, or a
    // bundler that left it out): decode here instead. A file that fails here fails the same way.
    if (!heard && !signal.aborted) return loadOnMainThread(url, h);
    throw e;
  }
}
