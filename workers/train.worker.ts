/**
 * Train worker: runs the Train stage (src/recon/train/trainSession.ts: the GPU trainer with
 * previews, and the last run's cloud) off the page's main thread, on a WebGPU device of its own.
 * A thin wrapper (src/worker/workerHost.ts); the page talks to it through src/ui/trainClient.ts.
 *
 * - `train` is a job: the page cancels it by job id.
 * - Views arrive with their pixel buffers transferred; preview frames and the final cloud go back
 *   transferred; progress and previews through the page's comlink-proxied callbacks.
 */
import { createTrainSession, type TrainCallbacks, type TrainRequest } from '../src/recon/train/trainSession.ts';
import { cloudArrays, hostWorker, transferring } from '../src/worker/workerHost.ts';

export type { TrainCheckpoint } from '../src/recon/train/checkpoint.ts';
export type { GpuStatus, PreviewFrame, RepairPreview, Rgb, TrainCallbacks, TrainJobOptions, TrainRequest, TrainRunResult } from '../src/recon/train/trainSession.ts';

const session = createTrainSession();

const api = hostWorker(
  {
    gpuStatus: () => session.gpuStatus(),
    setCamera: session.setCamera,
    renderLast: async (...args: Parameters<typeof session.renderLast>) => {
      const frame = await session.renderLast(...args);
      return frame && transferring(frame, [frame.rgba]);
    },
    forget: session.forget,
    loseDevice: session.loseDevice,
    gpuMemory: session.gpuMemory,
    failNextAllocation: session.failNextAllocation,
    /** Throws out of the event loop: the worker's 'error' event, as a crash in the worker would. */
    crash: () => void setTimeout(() => {
      throw new Error('simulated crash of the training worker');
    }),
  },
  {
    async train(signal: AbortSignal, req: TrainRequest, cb: TrainCallbacks) {
      const res = await session.train(req, signal, {
        onProgress: (p) => void cb.onProgress(p),
        onPreview: (frame) => void cb.onPreview(transferring(frame, [frame.rgba])),
        // The repair prior: the page's prior worker repairs (only called with options.repairPrior).
        repair: (requests, o) => cb.repair!(requests, o),
        onRepairPreview: (p) => void cb.onRepairPreview?.(transferring(p, [p.before, p.after])),
        // The checkpoint's arrays are the trainer's fresh read-backs: moved, not copied.
        onCheckpoint: cb.onCheckpoint && ((c) => void cb.onCheckpoint!(transferring(c, [...cloudArrays(c.cloud), ...cloudArrays({ ...c.cloud, ...c.moments.m }), ...cloudArrays({ ...c.cloud, ...c.moments.v })]))),
      });
      return res.cloud ? transferring(res, cloudArrays(res.cloud)) : res;
    },
  },
);

export type TrainWorkerApi = typeof api;
