/**
 * Stream worker of <splat-viewer> and <SplatStream>: fetches a splat stream (by HTTP Range when
 * the server allows, else one streamed GET: src/embed/streamLoader.ts) and decodes its chunks
 * here, off the page's main thread, so a large file neither freezes the page nor delays its
 * frames. A thin wrapper (src/worker/workerHost.ts); the page side is src/embed/streamWorkerClient.ts.
 *
 * The page gets the scene so far as a cloud (its arrays transferred, not copied). While the page
 * is still taking one cloud, newer chunks only mark the scene as changed: the next cloud sent
 * holds all of them, so a slow page is never sent clouds it has no time to draw.
 */
import type { GaussianCloud } from '../src/core/gaussianCloud.ts';
import { loadStream, type StreamProgress } from '../src/embed/streamLoader.ts';
import type { StreamDecoder } from '../src/stream/index.ts';
import { cloudArrays, hostWorker, transferring } from '../src/worker/workerHost.ts';

export interface StreamUpdate {
  /** The scene so far (absent in updates that only report bytes or a warning). */
  cloud?: GaussianCloud;
  progress: StreamProgress;
  warning?: string;
  mode?: 'range' | 'whole';
}

export type StreamUpdateHandler = (update: StreamUpdate) => Promise<void> | void;

const api = hostWorker(
  {},
  {
    async load(signal: AbortSignal, url: string, onUpdate: StreamUpdateHandler): Promise<{ splats: number; warnings: string[] }> {
      const warnings: string[] = [];
      let progress: StreamProgress = { bytesLoaded: 0, bytesTotal: 0, chunksDecoded: 0, chunksTotal: 0 };
      let decoder: StreamDecoder | null = null;
      let changed = false;
      let sending: Promise<void> | null = null;
      const send = () => {
        if (sending || !changed || !decoder || signal.aborted) return;
        changed = false;
        const cloud = decoder.cloud();
        sending = Promise.resolve(onUpdate(transferring({ cloud, progress }, cloudArrays(cloud)))).finally(() => {
          sending = null;
          send();
        });
      };
      const dec = await loadStream(url, {
        signal,
        onMode: (mode) => void onUpdate({ progress, mode }),
        onBytes: (loaded, total) => (progress = { ...progress, bytesLoaded: loaded, bytesTotal: total }),
        onWarning: (message) => {
          warnings.push(message);
          void onUpdate({ progress, warning: message });
        },
        onChunk: (d, p) => {
          decoder = d;
          progress = p;
          changed = true;
          send();
        },
      });
      // The last cloud holds every chunk: wait for the one in flight, then send it.
      decoder = dec;
      progress = { ...progress, bytesLoaded: progress.bytesTotal };
      while (sending) await sending;
      changed = true;
      send();
      while (sending) await sending;
      return { splats: dec.decodedSplats(), warnings };
    },
  },
);

export type StreamWorkerApi = typeof api;
