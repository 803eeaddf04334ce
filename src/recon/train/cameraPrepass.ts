/**
 * The camera pre-pass (trainOptions cameraPrepassSteps): when photometric camera refinement is on
 * and some views' cameras are the object-centred start's rough guesses (TrainView.cameraGuess), a
 * short, small training run refines those cameras first; its cloud is thrown away and the real
 * run starts from a fresh start with the refined cameras (and refines them further).
 *
 * Why a fresh cloud (a reading of the figures, not a proof): in one run the splats trained while
 * the guesses are still off absorb their error (a blur, a ghost of the object where a wrong camera
 * put it), and that cloud holds the cameras near where they started; a second run from a clean
 * start with the refined cameras takes them further (the figures: trainOptions.ts
 * cameraPrepassSteps).
 *
 * The pre-pass trains cameraPrepassSteps steps (at most as many as the run proper) on the views
 * at most `cameraPrepassSize` pixels on their long side (cameras, photos and masks resized
 * together), without the levers that need more than the views (repair
 * prior, co-regularisation, the depth loss) and without checkpoints. Its progress reports come
 * (and snapshots) with phase 'cameras'. A resumed run or one from a given cloud has no pre-pass: its cameras are
 * the ones it is given.
 */
import { resizeCamera } from '../../core/camera.ts';
import { resizeImage } from '../../core/image.ts';
import { resizeMask } from '../prepareViews.ts';
import type { TrainResult, TrainRunOptions, TrainView } from './trainer.ts';
import { resolveTrainOptions } from './trainOptions.ts';

type Train = (device: GPUDevice, views: readonly TrainView[], options: TrainRunOptions) => Promise<TrainResult>;

/** Whether a run with these views and options starts with the camera pre-pass. */
export function wantsCameraPrepass(views: readonly TrainView[], options: TrainRunOptions): boolean {
  const o = resolveTrainOptions(options);
  return o.refineCameras && o.cameraPrepassSteps > 0 && views.length > 1 && views.some((v) => v.cameraGuess)
    && !options.resume && !options.initialCloud && !options.coPartner;
}

/** The pre-pass's view size: the views' own, scaled so that the long side is at most maxSide. */
export function prepassSize(width: number, height: number, maxSide: number): { width: number; height: number } {
  const s = Math.min(1, maxSide / Math.max(width, height));
  return { width: Math.max(1, Math.round(width * s)), height: Math.max(1, Math.round(height * s)) };
}

/** The pre-pass's steps: cameraPrepassSteps, but never more than the run's own (a short trial run gets a short pre-pass). */
export function prepassSteps(cameraPrepassSteps: number, iterations: number): number {
  return Math.max(1, Math.min(cameraPrepassSteps, iterations));
}

/** `train` is trainGaussians (passed in, so this module does not import its caller). */
export async function trainAfterCameraPrepass(device: GPUDevice, views: readonly TrainView[], options: TrainRunOptions, train: Train): Promise<TrainResult> {
  const o = resolveTrainOptions(options);
  const { width: W, height: H } = views[0].camera;
  const size = prepassSize(W, H, o.cameraPrepassSize);
  const small: TrainView[] = views.map((v) => ({
    id: v.id,
    camera: resizeCamera(v.camera, size.width, size.height),
    rgba: resizeImage(v.rgba, size.width, size.height),
    ...(v.mask ? { mask: resizeMask(v.mask, W, H, size.width, size.height) } : {}),
    ...(v.cameraGuess ? { cameraGuess: true } : {}),
  }));
  const { onProgress, onSnapshot, onCheckpoint: _checkpoint, checkpointEvery: _every, onRepairRound: _round, repair: _repair, ...rest } = options;
  const pre = await train(device, small, {
    ...rest,
    iterations: prepassSteps(o.cameraPrepassSteps, o.iterations),
    cameraPrepassSteps: 0,
    repairPrior: false,
    coReg: false,
    depthWeight: 0,
    ...(onProgress ? { onProgress: (p) => onProgress({ ...p, phase: 'cameras' }) } : {}),
    ...(onSnapshot ? { onSnapshot: (p, readCloud) => onSnapshot({ ...p, phase: 'cameras' }, readCloud) } : {}),
  });
  const prepass = { steps: pre.stepsDone, ...size, wallMs: pre.wallMs, stopped: pre.stopped !== null };
  const refined = (pre.cameras ?? small.map((v) => v.camera)).map((c) => resizeCamera(c, W, H));
  // Cancelled or failed in the pre-pass: its cloud is the last good one (clouds do not depend on
  // the view size), with its cameras at the views' size; the run proper did no step.
  if (pre.stopped) return { ...pre, stepsDone: 0, history: pre.history.map((p) => ({ ...p, phase: 'cameras' })), cameras: refined, cameraPrepass: prepass };
  const main = await train(device, views.map((v, i) => ({ ...v, camera: refined[i] })), { ...options, cameraPrepassSteps: 0 });
  return { ...main, wallMs: main.wallMs + pre.wallMs, cameraPrepass: prepass };
}
