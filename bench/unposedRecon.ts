/**
 * bench:recon's unposed rows: a dataset split reconstructed from its training photos alone (masks
 * and cameras estimated, the dataset's cameras hidden), then scored by the pose-free protocol
 * (src/recon/evaluate/poseFree.ts): the dataset's cameras aligned to the estimated ones by a
 * similarity on the training views, each held-out pose refined against the frozen cloud; the
 * scores before and after that test-time refinement.
 */
import { resizeCamera, type Camera } from '../src/core/camera.ts';
import { InputError } from '../src/core/errors.ts';
import type { LoadedScene } from '../src/io/sceneFolder.ts';
import { estimateMasks } from '../src/recon/masks/index.ts';
import { evaluateCloud } from '../src/recon/evaluate/protocol.ts';
import { estimatePoses } from '../src/recon/poses/index.ts';
import { prepareSplit, resizeMask } from '../src/recon/prepareViews.ts';
import { trainGaussians, type TrainRunOptions } from '../src/recon/train/trainer.ts';

export interface UnposedResult {
  placed: number;
  /** Whether the trainer refined the cameras (guessed views with GuessedViews 'refine'). */
  refined: boolean;
  /** Whether the trainer began with its camera pre-pass (cameraPrepassSteps; trainer cameraPrepass.ts). */
  prepass?: boolean;
  views: number;
  /** Views the object-centred start guessed (SfM could not place them). */
  guessed: number;
  /** Mean over the test views (masked PSNR when `metric` is 'masked'), or null when not every view got a camera. */
  psnrAligned: number | null;
  psnrRefined: number | null;
  /** Why there is no score, when there is none. */
  failure?: string;
  splats: number;
  stepsDone: number;
  seconds: { masks: number; poses: number; train: number; eval: number };
}

/**
 * What training does with the views the object-centred start guessed: 'refine' (default) trains
 * with the trainer's photometric camera refinement on (src/recon/train/cameraRefine.ts) and scores
 * against the refined cameras, as the app does; 'as-placed' trains on the guesses as they are.
 */
export type GuessedViews = 'refine' | 'as-placed';

export async function reconstructUnposed(
  device: GPUDevice, scene: LoadedScene, split: string, size: { width: number; height: number } | undefined,
  metric: 'masked' | 'full', train: TrainRunOptions, model: Uint8Array | undefined,
  guessedViews: GuessedViews = 'refine',
): Promise<UnposedResult> {
  // Masks and cameras from the photos at their own size; training at `size` (cameras resized).
  const prepared = prepareSplit(scene, split, size);
  const photos = prepareSplit(scene, split).train.map((v) => v.rgba);
  const t0 = performance.now();
  const masks = (await estimateMasks(photos, { method: 'auto' })).masks.map((m) => m.mask);
  const t1 = performance.now();
  // Matching over the whole photo first (estimated masks can cut keypoints off the object: on DTU
  // 3 views, 3/3 placed without them, 2/3 with); with the masks only when views are left, for
  // the object-centred start.
  const features = model ? 'alike' : 'none';
  let poses = await estimatePoses(photos, { features, model });
  if (poses.views.some((v) => !v.registered)) poses = await estimatePoses(photos, { features, model, masks });
  const t2 = performance.now();
  const cams = poses.views.map((v) => (v.registered ? v.camera : null));
  const placed = cams.filter(Boolean).length;
  const guessed = poses.views.filter((v) => v.registered && v.source === 'object-centred').length;
  const base = { placed, views: photos.length, guessed, refined: guessed > 0 && guessedViews === 'refine', splats: 0, stepsDone: 0 };
  if (placed < photos.length)
    return { ...base, psnrAligned: null, psnrRefined: null, failure: `${photos.length - placed} view(s) not placed`, seconds: { masks: (t1 - t0) / 1000, poses: (t2 - t1) / 1000, train: 0, eval: 0 } };
  const W = prepared.train[0].rgba.width, H = prepared.train[0].rgba.height;
  const views = prepared.train.map((v, i) => {
    const o = poses.views[i];
    const cameraGuess = o.registered && o.source === 'object-centred';
    return { ...v, camera: resizeCamera(cams[i] as Camera, W, H), mask: resizeMask(masks[i], photos[i].width, photos[i].height, W, H), cameraGuess };
  });
  const refine = guessed > 0 && guessedViews === 'refine';
  // The poses stage's object box (the points' united with the masks' carved one) bounds the object,
  // as in the app (usePoses) and scene:from-photos, which write it into the scene; without either,
  // the trainer carves bounds from the masks.
  const bounds = poses.bounds ?? undefined;
  const result = await trainGaussians(device, views, { ...train, bounds, ...(refine ? { refineCameras: true } : {}) });
  // The refined cameras are in the trainer's training size and in the same frame (the matched
  // views are held and keep it), so they take the place of the estimated ones.
  const trained = refine && result.cameras ? result.cameras.map((c, i) => resizeCamera(c, photos[i].width, photos[i].height)) : (cams as Camera[]);
  const t3 = performance.now();
  let report;
  try {
    report = await evaluateCloud(device, scene, result.cloud, {
      split, size,
      poseFree: { estimatedTrain: new Map(prepared.train.map((v, i) => [v.id, trained[i]])) },
    });
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    // The estimated cameras cannot be aligned to the dataset's (a wrong guess): no score.
    const t4 = performance.now();
    return { ...base, psnrAligned: null, psnrRefined: null, failure: e.message, splats: result.cloud.count, stepsDone: result.stepsDone, seconds: { masks: (t1 - t0) / 1000, poses: (t2 - t1) / 1000, train: (t3 - t2) / 1000, eval: (t4 - t3) / 1000 } };
  }
  const t4 = performance.now();
  const pick = (m: { psnrMasked: number | null; psnr: number }) => (metric === 'masked' ? m.psnrMasked ?? NaN : m.psnr);
  return {
    ...base,
    prepass: Boolean(result.cameraPrepass),
    psnrAligned: pick(report.poseFree!.before.mean),
    psnrRefined: pick(report.mean),
    splats: result.cloud.count,
    stepsDone: result.stepsDone,
    seconds: { masks: (t1 - t0) / 1000, poses: (t2 - t1) / 1000, train: (t3 - t2) / 1000, eval: (t4 - t3) / 1000 },
  };
}
