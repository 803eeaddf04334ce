/**
 * Evaluation worker: scores a cloud on a split's held-out views with the protocol of
 * src/recon/evaluate/protocol.ts (the same function `npm run eval` runs), on a WebGPU device of
 * its own, off the page's main thread. A thin wrapper (src/worker/workerHost.ts); the page talks
 * to it through src/ui/evaluate/evalClient.ts.
 *
 * - The scene arrives as the split's views only (copied, the page keeps its own); the cloud too.
 * - The result is the report plus, per test view, the render and the photo it was scored on
 *   (at the evaluation size), transferred back for the app's compare views.
 * - An LPIPS model (bytes of a picked/dropped file, or a URL) is loaded once and kept while the
 *   same source is asked for again (lpipsCache); none: the LPIPS columns are null ("no model").
 * - `poseFree` (optional): the estimated training cameras (the cloud's frame) and the refinement
 *   steps of the pose-free protocol (protocol.ts, poseFree.ts).
 * - `evaluate` is a job: the page cancels it by job id. Bad input (InputError) is rethrown as it
 *   is for the page to show.
 */
import type { Camera } from '../src/core/camera.ts';
import type { GaussianCloud } from '../src/core/gaussianCloud.ts';
import type { RGBAImage } from '../src/core/image.ts';
import { lazyGpuDevice } from '../src/gpu/device.ts';
import type { LoadedScene } from '../src/io/sceneFolder.ts';
import { lpipsCache, type LpipsSource } from '../src/recon/evaluate/lpips.ts';
import { evaluateCloud, type EvaluationReport, type Size } from '../src/recon/evaluate/protocol.ts';
import { hostWorker, transferring } from '../src/worker/workerHost.ts';

export interface EvaluateRequest {
  scene: LoadedScene;
  cloud: GaussianCloud;
  split: string;
  size: Size;
  lpips: LpipsSource | null;
  /** Pose-free protocol: estimated training cameras by view id, and refinement steps per test view. */
  poseFree?: { estimatedTrain: [string, Pick<Camera, 'R' | 't'>][]; refineSteps: number };
}

/** One test view's images, as scored. */
export interface EvaluatedImages {
  id: string;
  width: number;
  height: number;
  render: Uint8ClampedArray;
  photo: Uint8ClampedArray;
  /** width*height, 1 = object; absent without a mask. */
  mask?: Uint8Array;
}

export interface EvaluateResult {
  report: EvaluationReport;
  images: EvaluatedImages[];
  ms: number;
}

export interface EvaluateCallbacks {
  onProgress(done: number, total: number): void;
}

const device = lazyGpuDevice();

const lpipsFor = lpipsCache();

function copy(img: RGBAImage): Uint8ClampedArray {
  return img.data.slice();
}

const api = hostWorker(
  {},
  {
    async evaluate(signal: AbortSignal, req: EvaluateRequest, cb: EvaluateCallbacks): Promise<EvaluateResult> {
      const t0 = performance.now();
      const lpips = await lpipsFor(req.lpips);
      const { device: dev } = await device();
      const images: EvaluatedImages[] = [];
      const report = await evaluateCloud(dev, req.scene, req.cloud, {
        split: req.split,
        size: req.size,
        lpips,
        ...(req.poseFree ? { poseFree: { estimatedTrain: new Map(req.poseFree.estimatedTrain), refineSteps: req.poseFree.refineSteps } } : {}),
        signal,
        onProgress: (done, total) => void cb.onProgress(done, total),
        onView: ({ id, render, photo, mask }) =>
          images.push({ id, width: render.width, height: render.height, render: copy(render), photo: copy(photo), mask: mask?.slice() }),
      });
      return transferring({ report, images, ms: performance.now() - t0 }, images.flatMap((v) => [v.render, v.photo, v.mask]));
    },
  },
);

export type EvaluateWorkerApi = typeof api;
