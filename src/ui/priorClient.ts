/**
 * The page's side of workers/prior.worker.ts: one worker, started when a run with the repair
 * prior begins (it holds onnxruntime-web and the model). The train worker asks the page for each
 * repair round (TrainCallbacks.repair) and the page passes it on here, so the model runs beside
 * the training, not in its way. A worker that dies fails the call in flight with a message (the
 * run then stops with it), and the next call starts a new one.
 */
import type { RGBAImage } from '../core/image.ts';
import type { RepairRequest } from '../recon/prior/repair.ts';
import { workerClient } from '../worker/workerClient.ts';
import type { PriorModelInfo, PriorRepairOptions, PriorRepairResult, PriorWorkerApi } from '../../workers/prior.worker.ts';
import type { PickedModel } from './models/fetchModel.ts';
import type { ModelManifest } from '../models/modelManifest.ts';

export type { PriorModelInfo, PriorRepairResult } from '../../workers/prior.worker.ts';

export interface PriorClient {
  /**
   * Loads and checks the model (sha256 and contract against models/repair-prior.json, or against
   * `manifest`: another model dropped in with its own); the same file again is kept.
   */
  load(model: PickedModel, manifest?: ModelManifest | null): Promise<PriorModelInfo>;
  repair(requests: RepairRequest[], o: PriorRepairOptions): Promise<PriorRepairResult>;
}

const worker = workerClient<PriorWorkerApi>({
  start: () => new Worker(new URL('../../workers/prior.worker.ts', import.meta.url), { type: 'module', name: 'prior' }),
  name: 'the repair-prior worker',
  advice: 'Try a smaller training size, or turn the repair prior off.',
});

const client: PriorClient = {
  // Copied, not transferred: the page keeps the bytes for the next run.
  load: (model, manifest) => worker.call((r) => r.load({ bytes: model.bytes, name: model.name, ...(manifest ? { manifest } : {}) }) as Promise<PriorModelInfo>),
  repair: (requests, o) => worker.call((r) => r.repair(requests, o) as Promise<PriorRepairResult>),
};

/** The app's one client (its worker starts on the first call). */
export function getPriorClient(): PriorClient {
  return client;
}

/** Just the images, for TrainCallbacks.repair; `onCost` hears each round's time (ms). */
export function priorRepairCallback(onCost: (ms: number) => void) {
  return async (requests: RepairRequest[], o: PriorRepairOptions): Promise<RGBAImage[]> => {
    const res = await client.repair(requests, o);
    onCost(res.ms);
    return res.images;
  };
}
