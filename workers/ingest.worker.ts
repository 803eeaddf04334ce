/**
 * Ingest worker: decodes dropped files and bundled scenes off the page's main thread.
 * A thin wrapper (src/worker/workerHost.ts) around src/recon/ingest.ts and src/io/sceneFolder.ts;
 * the page talks to it through src/ui/ingestClient.ts.
 *
 * Both are jobs: the page cancels them by job id. Decoded pixel buffers are transferred back,
 * not copied.
 */
import { urlSource } from '../src/io/fileSource.ts';
import { loadScene, type LoadedScene } from '../src/io/sceneFolder.ts';
import { ingest, type DroppedFile } from '../src/recon/ingest.ts';
import { hostWorker, transferring } from '../src/worker/workerHost.ts';

type Progress = (done: number, total: number) => void;

/** `value`, with the scene's pixel buffers marked to be transferred. */
const withPixels = <T>(value: T, scene: LoadedScene): T => transferring(value, scene.views.flatMap((v) => [v.rgba.data, v.maskData]));

const api = hostWorker(
  {},
  {
    /** Ingests dropped files (see src/recon/ingest.ts). Throws InputError for bad input. */
    async ingestFiles(signal: AbortSignal, files: DroppedFile[], onProgress?: Progress) {
      const res = await ingest(files, { signal, onProgress: (done, total) => void onProgress?.(done, total) });
      return withPixels(res, res.scene);
    },

    /** Loads a scene folder served at `baseUrl` (an absolute URL, e.g. the app's /scenes/lego/). */
    async loadSceneUrl(signal: AbortSignal, baseUrl: string, onProgress?: Progress) {
      const scene = await loadScene(urlSource(baseUrl), { signal, onProgress: (done, total) => void onProgress?.(done, total) });
      return withPixels(scene, scene);
    },
  },
);

export type IngestWorkerApi = typeof api;
