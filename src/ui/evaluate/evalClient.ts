/**
 * The page's side of workers/evaluate.worker.ts: one worker, started on the first evaluation
 * (it holds a WebGPU device and, with a model, onnxruntime-web). The scene and cloud are copied
 * to it (the page keeps them); the renders and photos come back transferred. A worker that dies
 * fails the call in flight with a message, and the next call starts a new one.
 */
import * as Comlink from 'comlink';
import type { EvaluateRequest, EvaluateResult, EvaluateWorkerApi } from '../../../workers/evaluate.worker.ts';

export type { EvaluatedImages, EvaluateRequest, EvaluateResult } from '../../../workers/evaluate.worker.ts';

export interface EvalClient {
  evaluate(req: EvaluateRequest, signal: AbortSignal, onProgress: (done: number, total: number) => void): Promise<EvaluateResult>;
}

let nextJob = 1;
let shared: EvalClient | null = null;

export function getEvalClient(): EvalClient {
  return (shared ??= createEvalClient());
}

function createEvalClient(): EvalClient {
  let remote: Comlink.Remote<EvaluateWorkerApi> | null = null;
  let crashed: ((e: Error) => void) | null = null;

  const start = () => {
    if (remote) return remote;
    const w = new Worker(new URL('../../../workers/evaluate.worker.ts', import.meta.url), { type: 'module', name: 'evaluate' });
    const r = Comlink.wrap<EvaluateWorkerApi>(w);
    const die = (why: string) => {
      crashed?.(new Error(`the evaluation worker stopped (${why}). Try a smaller training size, or reload the page.`));
      w.terminate();
      if (remote === r) remote = null;
    };
    w.addEventListener('error', (e) => die(e.message || 'it crashed'));
    w.addEventListener('messageerror', () => die('a message could not be read'));
    remote = r;
    return r;
  };

  return {
    async evaluate(req, signal, onProgress) {
      const r = start();
      const jobId = nextJob++;
      signal.throwIfAborted();
      const onAbort = () => void r.abort(jobId);
      signal.addEventListener('abort', onAbort, { once: true });
      const died = new Promise<never>((_, reject) => (crashed = reject));
      try {
        return await Promise.race([r.evaluate(jobId, req, Comlink.proxy({ onProgress })), died]);
      } finally {
        crashed = null;
        signal.removeEventListener('abort', onAbort);
      }
    },
  };
}
