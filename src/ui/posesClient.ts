/**
 * The page's side of workers/poses.worker.ts: one worker, started on the first run (it keeps
 * OpenCV.js or onnxruntime-web loaded). Photos are copied to it (the page keeps them); the SfM
 * points come back transferred. A worker that dies fails the call in flight with a message, and
 * the next call starts a new one.
 */
import { proxy, workerClient } from '../worker/workerClient.ts';
import type { PosesRequest, PosesWorkerApi } from '../../workers/poses.worker.ts';
import type { EstimatePosesResult, PosesProgress } from '../recon/poses/estimatePoses.ts';

export type { PosesRequest } from '../../workers/poses.worker.ts';
export type { EstimatePosesResult, FeatureSource, PoseOutcome, PosesProgress } from '../recon/poses/estimatePoses.ts';

export interface PosesClient {
  estimate(req: PosesRequest, signal: AbortSignal, onProgress: (p: PosesProgress) => void): Promise<EstimatePosesResult>;
}

const worker = workerClient<PosesWorkerApi>({
  start: () => new Worker(new URL('../../workers/poses.worker.ts', import.meta.url), { type: 'module', name: 'poses' }),
  name: 'the poses worker',
  advice: 'Try fewer or smaller photos, or reload the page.',
});
const client: PosesClient = {
  estimate: (req, signal, onProgress) => worker.job(signal, (r, id) => r.estimate(id, req, proxy({ onProgress })) as Promise<EstimatePosesResult>),
};

/** The app's one client (its worker starts on the first call). */
export function getPosesClient(): PosesClient {
  return client;
}
