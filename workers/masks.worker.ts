/**
 * Masks worker: runs the masks stage (src/recon/masks, the same function the bench and tests
 * run) off the page's main thread. A thin wrapper (src/worker/workerHost.ts); the page talks to
 * it through src/ui/masksClient.ts.
 *
 * - Photos arrive copied (the page keeps its own); masks and probability maps come back transferred.
 * - OpenCV.js loads on the first 'auto' or 'model' run (the model's map seeds the same graph
 *   cut) and stays; a model (bytes of a picked or dropped
 *   file) is loaded once and kept while the same file is asked for again.
 * - `estimate` is a job: the page cancels it by job id. Bad input (InputError) is rethrown as it
 *   is for the page to show.
 */
import type { RGBAImage } from '../src/core/image.ts';
import { estimateMasks, loadSalientModel, type EstimateMasksOptions, type MasksResult, type SalientModel } from '../src/recon/masks/index.ts';
import { hostWorker, transferring } from '../src/worker/workerHost.ts';

export interface MasksRequest extends Pick<EstimateMasksOptions, 'method' | 'threshold' | 'names' | 'maxPixels' | 'cameras' | 'bounds'> {
  images: RGBAImage[];
  /** The salient-object model file, for method 'model'. */
  model?: { bytes: Uint8Array; name: string } | null;
}

export interface MasksCallbacks {
  onProgress(done: number, total: number): void;
}

let cached: { key: string; model: SalientModel } | null = null;

async function modelFor(src: MasksRequest['model']): Promise<SalientModel | undefined> {
  if (!src) return undefined;
  const key = `${src.name}:${src.bytes.byteLength}`;
  if (cached?.key === key) return cached.model;
  const model = await loadSalientModel(src.bytes, { label: src.name });
  await cached?.model.dispose();
  cached = { key, model };
  return model;
}

const api = hostWorker(
  {},
  {
    async estimate(signal: AbortSignal, req: MasksRequest, cb: MasksCallbacks): Promise<MasksResult> {
      const model = req.method === 'model' ? await modelFor(req.model) : undefined;
      const res = await estimateMasks(req.images, {
        method: req.method,
        threshold: req.threshold,
        names: req.names,
        maxPixels: req.maxPixels,
        cameras: req.cameras,
        bounds: req.bounds,
        model,
        signal,
        onProgress: (done, total) => void cb.onProgress(done, total),
      });
      return transferring(res, res.masks.flatMap((m) => [m.mask, m.probability]));
    },
  },
);

export type MasksWorkerApi = typeof api;
