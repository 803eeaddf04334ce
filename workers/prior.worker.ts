/**
 * Prior worker: runs the repair prior (src/recon/prior/priorService.ts: an ONNX repair model in
 * onnxruntime-web, WebGPU execution provider where the worker has WebGPU, wasm otherwise) off the
 * page's main thread, so repairs run while the train worker keeps the GPU training. A thin
 * wrapper (src/worker/workerHost.ts); the page talks to it through src/ui/priorClient.ts.
 *
 * - The model's bytes arrive copied (the page keeps them for the next run); renders and photos
 *   arrive copied; repaired images go back transferred.
 */
import { createPriorService, type PriorRepairOptions } from '../src/recon/prior/priorService.ts';
import type { RepairRequest } from '../src/recon/prior/repair.ts';
import { hostWorker, transferring } from '../src/worker/workerHost.ts';

export type { PriorLoadRequest, PriorModelInfo, PriorRepairOptions, PriorRepairResult } from '../src/recon/prior/priorService.ts';

const service = createPriorService();

const api = hostWorker({
  load: service.load,
  repair: async (requests: RepairRequest[], o: PriorRepairOptions) => {
    const res = await service.repair(requests, o);
    return transferring(res, res.images.map((i) => i.data));
  },
  dispose: service.dispose,
});

export type PriorWorkerApi = typeof api;
