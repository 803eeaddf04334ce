/**
 * Poses worker: runs the poses stage (src/recon/poses/estimatePoses.ts, the same function the CLI,
 * bench and tests run) off the page's main thread. A thin wrapper (src/worker/workerHost.ts); the
 * page talks to it through src/ui/posesClient.ts.
 *
 * - Photos and masks arrive copied (the page keeps its own); the points come back transferred.
 * - OpenCV.js (features 'none') or onnxruntime-web (ALIKE / XFeat) load on first use and stay.
 * - `estimate` is a job: the page cancels it by job id (checked between photos and pairs). Bad
 *   input (InputError: a wrong model file, too few photos) is rethrown for the page to show.
 */
import type { RGBAImage } from '../src/core/image.ts';
import { estimatePoses, type EstimatePosesOptions, type EstimatePosesResult, type PosesProgress } from '../src/recon/poses/estimatePoses.ts';
import { hostWorker, transferring } from '../src/worker/workerHost.ts';

export interface PosesRequest extends Pick<EstimatePosesOptions, 'features' | 'masks' | 'names' | 'focalPx' | 'maxKeypoints' | 'detectMaxSide' | 'detectMinSide' | 'ratio'> {
  images: RGBAImage[];
  /** The feature model file (ALIKE-N or XFeat ONNX), for features 'alike' / 'xfeat'. */
  model?: { bytes: Uint8Array; name: string } | null;
}

export interface PosesCallbacks {
  onProgress(p: PosesProgress): void;
}

const api = hostWorker(
  {},
  {
    async estimate(signal: AbortSignal, req: PosesRequest, cb: PosesCallbacks): Promise<EstimatePosesResult> {
      const res = await estimatePoses(req.images, {
        features: req.features,
        model: req.model?.bytes,
        modelLabel: req.model?.name,
        masks: req.masks,
        names: req.names,
        focalPx: req.focalPx,
        maxKeypoints: req.maxKeypoints,
        detectMaxSide: req.detectMaxSide,
        detectMinSide: req.detectMinSide,
        ratio: req.ratio,
        signal,
        onProgress: (p) => void cb.onProgress(p),
      });
      return transferring(res, [res.points.positions, res.points.colors]);
    },
  },
);

export type PosesWorkerApi = typeof api;
