/**
 * The page's side of workers/evaluate.worker.ts: one worker, started on the first evaluation
 * (it holds a WebGPU device and, with a model, onnxruntime-web). The scene and cloud are copied
 * to it (the page keeps them); the renders and photos come back transferred. A worker that dies
 * fails the call in flight with a message, and the next call starts a new one.
 */
import { proxy, workerClient } from '../../worker/workerClient.ts';
import type { EvaluateRequest, EvaluateResult, EvaluateWorkerApi } from '../../../workers/evaluate.worker.ts';

export type { EvaluatedImages, EvaluateRequest, EvaluateResult } from '../../../workers/evaluate.worker.ts';

export interface EvalClient {
  evaluate(req: EvaluateRequest, signal: AbortSignal, onProgress: (done: number, total: number) => void): Promise<EvaluateResult>;
}

const worker = workerClient<EvaluateWorkerApi>({
  start: () => new Worker(new URL('../../../workers/evaluate.worker.ts', import.meta.url), { type: 'module', name: 'evaluate' }),
  name: 'the evaluation worker',
  advice: 'Try a smaller training size, or reload the page.',
});
const client: EvalClient = {
  evaluate: (req, signal, onProgress) => worker.job(signal, (r, id) => r.evaluate(id, req, proxy({ onProgress })) as Promise<EvaluateResult>),
};

/** The app's one client (its worker starts on the first call). */
export function getEvalClient(): EvalClient {
  return client;
}
