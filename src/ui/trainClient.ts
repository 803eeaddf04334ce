/**
 * The page's side of workers/train.worker.ts: one long-lived worker (it holds the WebGPU device),
 * called through comlink. Pixel buffers of the training views are transferred, the final cloud
 * comes back transferred. Cancelling does not throw: the run ends with 'cancelled' and the cloud
 * it had, like any other early end.
 */
import { callsInFlight } from '../core/callsInFlight.ts';
import * as Comlink from 'comlink';
import type { Camera } from '../core/camera.ts';
import { WebGpuUnavailableError } from '../gpu/device.ts';
import type { GpuStatus, PreviewFrame, TrainCallbacks, TrainRequest, TrainRunResult, TrainWorkerApi } from '../../workers/train.worker.ts';

export type { GpuStatus, PreviewFrame, TrainRequest, TrainRunResult };

export interface TrainClient {
  /** Whether this browser can train: navigator.gpu, an adapter and a device. Never throws. */
  gpuStatus(): Promise<GpuStatus>;
  train(req: TrainRequest, signal: AbortSignal, callbacks: TrainCallbacks): Promise<TrainRunResult>;
  /** The camera previews are drawn from (cheap: call it as often as the view changes). */
  setCamera(camera: Camera | null): void;
  /** The last run's cloud from `camera`; null while training or when there is none. */
  renderLast(camera: Camera): Promise<PreviewFrame | null>;
  forget(): void;
}

let nextJob = 1;
let shared: TrainClient | null = null;

export function getTrainClient(): TrainClient {
  return (shared ??= createTrainClient());
}

/** The page's own check, before starting a worker: is there a navigator.gpu at all? */
function pageHasWebGpu(): boolean {
  return typeof navigator !== 'undefined' && !!(navigator as Navigator & { gpu?: unknown }).gpu;
}

export function createTrainClient(): TrainClient {
  let worker: Worker | null = null;
  let remote: Comlink.Remote<TrainWorkerApi> | null = null;
  const calls = callsInFlight();

  const start = () => {
    if (remote) return remote;
    const w = new Worker(new URL('../../workers/train.worker.ts', import.meta.url), { type: 'module', name: 'train' });
    const r = Comlink.wrap<TrainWorkerApi>(w);
    // A dead worker (out of memory, a crash in the driver) would leave comlink waiting forever:
    // fail the calls in flight and start a new worker next time.
    const die = (why: string) => {
      const err = new Error(`the training worker stopped (${why}). Try a smaller training size or fewer splats, or reload the page.`);
      calls.failAll(err);
      w.terminate();
      if (worker === w) {
        worker = null;
        remote = null;
      }
    };
    w.addEventListener('error', (e) => die(e.message || 'it crashed'));
    w.addEventListener('messageerror', () => die('a message could not be read'));
    worker = w;
    remote = r;
    return r;
  };

  const guarded = <T>(call: () => Promise<T>): Promise<T> => calls.run(call);

  return {
    async gpuStatus() {
      if (!pageHasWebGpu()) {
        return { ok: false, message: new WebGpuUnavailableError('This browser does not expose WebGPU (navigator.gpu is missing).').message };
      }
      try {
        const r = start();
        return await guarded<GpuStatus>(() => r.gpuStatus());
      } catch (e) {
        return { ok: false, message: new WebGpuUnavailableError(`WebGPU could not be started (${(e as Error).message}).`).message };
      }
    },

    async train(req, signal, callbacks) {
      const r = start();
      const jobId = nextJob++;
      const onAbort = () => void r.abort(jobId);
      if (signal.aborted) throw new DOMException('cancelled before the start', 'AbortError');
      signal.addEventListener('abort', onAbort, { once: true });
      const buffers = new Set<ArrayBuffer>();
      for (const v of req.views) {
        if (v.rgba.data.buffer instanceof ArrayBuffer) buffers.add(v.rgba.data.buffer);
        if (v.mask?.buffer instanceof ArrayBuffer) buffers.add(v.mask.buffer);
      }
      try {
        return (await guarded(() => r.train(jobId, Comlink.transfer(req, [...buffers]), Comlink.proxy(callbacks)))) as TrainRunResult;
      } finally {
        signal.removeEventListener('abort', onAbort);
      }
    },

    setCamera(camera) {
      if (remote) void remote.setCamera(camera);
    },

    async renderLast(camera) {
      if (!remote) return null;
      const r = remote;
      return (await guarded(() => r.renderLast(camera))) as PreviewFrame | null;
    },

    forget() {
      if (remote) void remote.forget();
    },
  };
}
