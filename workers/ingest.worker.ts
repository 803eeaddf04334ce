/**
 * Ingest worker: decodes dropped files and bundled scenes off the page's main thread.
 * A thin comlink wrapper around src/recon/ingest.ts and src/io/sceneFolder.ts; the page talks
 * to it through src/ui/ingestClient.ts.
 *
 * AbortSignals cannot cross a worker boundary, so each call takes a job id and `abort(jobId)`
 * aborts it. Decoded pixel buffers are transferred back, not copied.
 */
import * as Comlink from 'comlink';
import { urlSource } from '../src/io/fileSource.ts';
import { loadScene, type LoadedScene } from '../src/io/sceneFolder.ts';
import { ingest, type DroppedFile, type IngestResult } from '../src/recon/ingest.ts';

type Progress = (done: number, total: number) => void;

const jobs = new Map<number, AbortController>();

async function runJob<T>(jobId: number, onProgress: Progress | undefined, work: (signal: AbortSignal, progress: Progress) => Promise<T>): Promise<T> {
  const ac = new AbortController();
  jobs.set(jobId, ac);
  try {
    return await work(ac.signal, (done, total) => void onProgress?.(done, total));
  } finally {
    jobs.delete(jobId);
    // The callback arrives as a comlink proxy of the page's function: release its port.
    if (onProgress) (onProgress as unknown as Comlink.Remote<Progress>)[Comlink.releaseProxy]();
  }
}

function pixelBuffers(scene: LoadedScene): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  for (const v of scene.views) {
    if (v.rgba.data.buffer instanceof ArrayBuffer) out.add(v.rgba.data.buffer);
    if (v.maskData?.buffer instanceof ArrayBuffer) out.add(v.maskData.buffer);
  }
  return [...out];
}

const api = {
  /** Ingests dropped files (see src/recon/ingest.ts). Throws InputError for bad input. */
  async ingestFiles(jobId: number, files: DroppedFile[], onProgress?: Progress): Promise<IngestResult> {
    const res = await runJob(jobId, onProgress, (signal, progress) => ingest(files, { signal, onProgress: progress }));
    return Comlink.transfer(res, pixelBuffers(res.scene));
  },

  /** Loads a scene folder served at `baseUrl` (an absolute URL, e.g. the app's /scenes/lego/). */
  async loadSceneUrl(jobId: number, baseUrl: string, onProgress?: Progress): Promise<LoadedScene> {
    const scene = await runJob(jobId, onProgress, (signal, progress) => loadScene(urlSource(baseUrl), { signal, onProgress: progress }));
    return Comlink.transfer(scene, pixelBuffers(scene));
  },

  abort(jobId: number): void {
    jobs.get(jobId)?.abort();
  },
};

export type IngestWorkerApi = typeof api;

Comlink.expose(api);
