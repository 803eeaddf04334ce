/**
 * The page's side of workers/masks.worker.ts: one worker, started on the first run (it holds
 * OpenCV.js and, with a model, onnxruntime-web). Photos are copied to it (the page keeps them);
 * masks and probability maps come back transferred. A worker that dies fails the call in flight
 * with a message, and the next call starts a new one.
 *
 * Re-thresholding a result needs no worker: `thresholdProbability(mask.probability, t)`.
 */
import { proxy, workerClient } from '../worker/workerClient.ts';
import type { MasksRequest, MasksWorkerApi } from '../../workers/masks.worker.ts';
import type { MasksResult } from '../recon/masks/index.ts';

export type { MasksRequest } from '../../workers/masks.worker.ts';
export type { MaskMethod, MasksResult, PhotoMask } from '../recon/masks/index.ts';
export { maskWarning, thresholdProbability } from '../recon/masks/maskMaps.ts';

export interface MasksClient {
  estimate(req: MasksRequest, signal: AbortSignal, onProgress: (done: number, total: number) => void): Promise<MasksResult>;
}

const worker = workerClient<MasksWorkerApi>({
  start: () => new Worker(new URL('../../workers/masks.worker.ts', import.meta.url), { type: 'module', name: 'masks' }),
  name: 'the masks worker',
  advice: 'Try fewer or smaller photos, or reload the page.',
});
const client: MasksClient = {
  estimate: (req, signal, onProgress) => worker.job(signal, (r, id) => r.estimate(id, req, proxy({ onProgress })) as Promise<MasksResult>),
};

/** The app's one client (its worker starts on the first call). */
export function getMasksClient(): MasksClient {
  return client;
}
