/**
 * The page's side of workers/train.worker.ts: one long-lived worker (it holds the WebGPU device),
 * called through comlink. Pixel buffers of the training views are transferred, the final cloud
 * comes back transferred. Cancelling does not throw: the run ends with 'cancelled' and the cloud
 * it had, like any other early end.
 */
import type { Camera } from '../core/camera.ts';
import { proxy, transferring, workerClient } from '../worker/workerClient.ts';
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
  /** Fault injection for the end-to-end tests (see installFaultHooks): lose the worker's GPU device, crash the worker. */
  loseDevice(): Promise<void>;
  crashWorker(): Promise<void>;
  /** Fault injection: the next run's GPU allocation reports out-of-memory (starts the worker if need be). */
  failNextAllocation(): Promise<void>;
  /** GPU buffers alive in the training worker (the soak run), or null before any run. */
  gpuMemory(): Promise<{ bytes: number; buffers: number } | null>;
}

let shared: TrainClient | null = null;

export function getTrainClient(): TrainClient {
  if (!shared) {
    shared = createTrainClient();
    installFaultHooks(shared);
  }
  return shared;
}

/**
 * `?test-hooks` in the page's URL puts `window.sparseSplatTest` there, so a test can lose the
 * training worker's GPU device (device.destroy()) or crash the worker mid-run and watch the app
 * recover, make the next run's allocation report out-of-memory (the app tries again smaller), and the soak run can read the worker's live GPU buffers. Without the parameter nothing
 * is installed.
 */
function installFaultHooks(client: TrainClient): void {
  if (typeof window === 'undefined' || !new URLSearchParams(window.location.search).has('test-hooks')) return;
  (window as unknown as { sparseSplatTest: unknown }).sparseSplatTest = {
    loseDevice: () => client.loseDevice(),
    crashWorker: () => client.crashWorker(),
    gpuMemory: () => client.gpuMemory(),
    failNextAllocation: () => client.failNextAllocation(),
  };
}

/**
 * What a person reads when WebGPU is missing: the reason (the first line of the error), then
 * which browsers and flags work, and what still works without it (no Node or driver details:
 * those are for the command line).
 */
export const BROWSER_WEBGPU_HELP =
  'WebGPU is needed for training. It works in Chrome/Edge 113+ (Windows, macOS, ChromeOS, Android), Safari 26+ and Firefox 141+ on Windows. ' +
  'On Linux, start Chrome with --enable-unsafe-webgpu --enable-features=Vulkan (or turn on chrome://flags/#enable-unsafe-webgpu). ' +
  'Without it you can still open photos, find the masks and poses, and look at, open and save clouds.';

export function browserGpuMessage(message: string): string {
  return `${message.split('\n')[0]}\n${BROWSER_WEBGPU_HELP}`;
}

/** The page's own check, before starting a worker: is there a navigator.gpu at all? */
function pageHasWebGpu(): boolean {
  return typeof navigator !== 'undefined' && !!(navigator as Navigator & { gpu?: unknown }).gpu;
}

export function createTrainClient(): TrainClient {
  // A dead worker (out of memory, a crash in the driver) fails the calls in flight; the next
  // call starts a new worker.
  const worker = workerClient<TrainWorkerApi>({
    start: () => new Worker(new URL('../../workers/train.worker.ts', import.meta.url), { type: 'module', name: 'train' }),
    name: 'the training worker',
    advice: 'Try a smaller training size or fewer splats, or reload the page.',
  });

  return {
    async gpuStatus() {
      if (!pageHasWebGpu()) {
        return { ok: false, message: browserGpuMessage('This browser does not expose WebGPU (navigator.gpu is missing).') };
      }
      try {
        const s = await worker.call((r) => r.gpuStatus() as Promise<GpuStatus>);
        return s.ok ? s : { ...s, message: browserGpuMessage(s.message) };
      } catch (e) {
        return { ok: false, message: browserGpuMessage(`WebGPU could not be started (${(e as Error).message}).`) };
      }
    },

    async train(req, signal, callbacks) {
      if (signal.aborted) throw new DOMException('cancelled before the start', 'AbortError');
      const sent = transferring(req, req.views.flatMap((v) => [v.rgba.data, v.mask]));
      return worker.job(signal, (r, id) => r.train(id, sent, proxy(callbacks)) as Promise<TrainRunResult>);
    },

    // These three never start a worker: without one there is no camera to keep and no last run.
    setCamera(camera) {
      if (worker.running()) void worker.call((r) => r.setCamera(camera)).catch(() => {});
    },

    async renderLast(camera) {
      if (!worker.running()) return null;
      return worker.call((r) => r.renderLast(camera) as Promise<PreviewFrame | null>);
    },

    forget() {
      if (worker.running()) void worker.call((r) => r.forget()).catch(() => {});
    },

    async loseDevice() {
      if (worker.running()) await worker.call((r) => r.loseDevice());
    },

    async gpuMemory() {
      return worker.running() ? ((await worker.call((r) => r.gpuMemory())) as { bytes: number; buffers: number } | null) : null;
    },

    async failNextAllocation() {
      await worker.call((r) => r.failNextAllocation());
    },

    async crashWorker() {
      if (worker.running()) await worker.call((r) => r.crash());
    },
  };
}
