/**
 * The training stage: posed views (with masks when known) -> an optimised GaussianCloud.
 *
 * One step = forward -> loss (L1 + D-SSIM + alpha-vs-mask, with a random background colour when
 * masks exist; a step that refines its camera weighs D-SSIM by cameraSsimWeight, cameraRefine.ts) -> backward -> regulariser gradients -> densify statistics -> Adam, with one
 * GPU-to-CPU read: the forward's 16 bytes of counts, which also carry the previous step's loss
 * terms and Adam status (48 bytes piggybacked), so every skipped step is reported and progress
 * arrives one step late at no extra stall. Densification, pruning (opacity, size, outside the
 * hull, floaters) and opacity resets run on the CPU every few hundred steps over a read-back
 * of the cloud, following src/recon/train/schedule.ts.
 *
 * With dropout (DropGaussian), each step's forward sees a random share of the splats, the others'
 * opacity compensated (src/gpu/train/dropout.ts swaps the opacity logits just before the forward
 * and puts them back right after the backward, so everything else sees the real cloud).
 *
 * Views without masks are composited on the scene's `background`, as the test renders are.
 *
 * With refineCameras, each step's backward also sums the rendered view's camera gradient, which
 * rides on the same read-back (32 more bytes) and moves that view's camera on the CPU
 * (cameraRefine.ts: Adam; the gauge held by the held views, heldCameras: the matched ones when
 * some are guesses, else the first view and the cameras' mean distance from it);
 * the refined cameras come back in the result.
 *
 * With repairPrior (issue 15, repairStage.ts), pseudo views between and around the inputs are
 * rendered every few hundred steps, repaired by the injected `repair` function (the prior worker
 * in the app: it runs while training goes on) and trained on every few steps as extra targets
 * without masks, each with the loss weight of its distance from the inputs.
 *
 * With depthWeight > 0 and views that carry a depth map (TrainView.depth, e.g. a monocular
 * model's: src/recon/depth/), the rasterizer also renders expected depth and each step on such a
 * view adds depthWeight * (1 - patch-wise Pearson r) of rendered against given depth (the depth
 * loss, src/gpu/loss/depthLoss.ts; its grid of patches shifted by a random offset each step).
 * Without it, no depth is rendered and nothing of it runs.
 *
 * With coReg (CoR-GS), the call runs two of these runs side by side instead (coTrain.ts): each
 * gets a `coPartner` whose co-prune the densification step applies after its own pruning, and
 * whose renders stand in for the repair prior's repaired images at the pseudo views. A co-reg
 * pseudo view does not replace the step's input view as a repaired one does: its loss is added to
 * the input view's (CoR-GS's sum), by a second forward and backward whose gradient is saved and
 * added to the input view's (src/gpu/train/gradAccumulate.ts).
 *
 * With depthSmoothWeight > 0, every depthSmoothEvery-th step (one a co-reg pseudo view does not
 * take) adds a pseudo view's depth smoothness the same way: a forward at one of a fixed set of
 * pseudo cameras with depth, the smoothness kernel's dL/dA and dL/dD (no colour gradient), a
 * backward, its gradient saved and added (src/gpu/loss/depthSmooth.ts).
 *
 * With warpWeight > 0, every warpPseudoEvery-th step from warpStart (one a co-reg pseudo view does
 * not take; the depth smoothness then waits) adds a pseudo view's photometric loss against its
 * warp target the same way: the input photos' colours carried to that view by the cloud's own
 * surface depth, remade every warpEvery steps (warpStage.ts, warpTarget.ts).
 *
 * With photoConsistencyWeight > 0, every photoConsistencyEvery-th step from photoConsistencyStart
 * (one neither of those takes) adds a pseudo view's photo-consistency: a forward with depth, the
 * kernel's gradient in its depth and coverage (the two nearest photos should agree at each point
 * of the rendered surface: src/gpu/loss/photoConsistency*), a backward with no colour gradient,
 * saved and added (photoConsistencyStage.ts).
 *
 * Faults never lose work: a step whose gradients are not finite is skipped by Adam (and counted);
 * a cloud read back with non-finite values is replaced by the last good one; cancel, device loss
 * or any error ends the run with the last good cloud and a message.
 */
import { vec3 } from 'gl-matrix';
import { cameraCenter, type Camera } from '../../core/camera.ts';
import { InputError } from '../../core/errors.ts';
import { selectSplats, splatsAtLeastOpaque, type GaussianCloud } from '../../core/gaussianCloud.ts';
import type { RGBAImage } from '../../core/image.ts';
import { createDepthSmooth, type GpuDepthSmooth } from '../../gpu/loss/depthSmooth.ts';
import { createDepthLoss, DEPTH_TERMS_BYTES, decodeDepthTerms, type DepthTarget, type GpuDepthLoss } from '../../gpu/loss/depthLoss.ts';
import { createLoss, type GpuLoss, type LossTarget } from '../../gpu/loss/loss.ts';
import { GpuAdam, decodeAdamStatus } from '../../gpu/optim/adam.ts';
import { copyBuffer, createRangeReadback, storageBuffer } from '../../gpu/buffers.ts';
import { CAMERA_GRAD_STRIDE, createRasterizer, type PiggybackRange, type Rasterizer } from '../../gpu/rasterizer.ts';
import { SplatDropout } from '../../gpu/train/dropout.ts';
import { GradAccumulator } from '../../gpu/train/gradAccumulate.ts';
import { TrainExtras } from '../../gpu/train/trainExtras.ts';
import { estimateBounds, initCloudFromViews, randomCloud, stereoStartCloud, type Bounds, type VisualHull } from '../hull/index.ts';
import { CameraRefiner, heldCameras } from './cameraRefine.ts';
import { densifyAndPrune } from './densify.ts';
import { gatherSplats } from './densifyGather.ts';
import { viewBounds } from './viewBounds.ts';
import { trainAfterCameraPrepass, wantsCameraPrepass } from './cameraPrepass.ts';
import { coTrainGaussians } from './coTrain.ts';
import { createRng } from '../../core/random.ts';
import { resetOpacity } from './densifyOpacityReset.ts';
import type { RepairFn } from '../prior/repair.ts';
import { createRepairStage, type PseudoStep, type RepairRound, type RepairStage } from './repairStage.ts';
import { createPhotoConsistencyStage, type PhotoConsistencyStage } from './photoConsistencyStage.ts';
import { createWarpStage, type RenderWithDepth, type WarpRound, type WarpStage } from './warpStage.ts';
import { sampleNovelViews } from '../prior/novelViews.ts';
import { rgbToImage } from '../renderViews.ts';
import { resolveTrainOptions, type TrainOptions } from './trainOptions.ts';
import { defaultSteps } from './stepCount.ts';
import { checkpointGap, CHECKPOINT_VERSION, replayTrainRng, type TrainCheckpoint } from './checkpoint.ts';
import { DEFAULT_LEARNING_RATES, actionsAt, dropoutRateAt, lastDensifyStep, learningRatesAt, scaledDensifySchedule, shortRunDensifySchedule, type DensifySchedule } from './schedule.ts';

export interface TrainView {
  id: string;
  camera: Camera;
  rgba: RGBAImage;
  /** width*height, non-zero = object. */
  mask?: Uint8Array;
  /**
   * width*height depth-like map (larger = farther; any scale and shift, e.g. a monocular depth
   * model's), the target of the depth loss when depthWeight > 0. Non-finite values are left out.
   */
  depth?: Float32Array;
  /**
   * The camera is a rough guess (the object-centred start's, placed from the outline because the
   * matches could not place it); with refineCameras and refineCamerasOf 'guesses' (the default),
   * only such views move and the others hold the frame.
   */
  cameraGuess?: boolean;
}

/**
 * A run's inputs besides the views: the tunables (TrainOptions, trainOptions.ts; absent ones take
 * DEFAULT_TRAIN_OPTIONS), what is known of the scene, and the hooks.
 */
export interface TrainRunOptions extends Partial<TrainOptions> {
  /** Start from this cloud instead of an initialisation (its SH degree wins). */
  initialCloud?: GaussianCloud;
  /** Object bounds (scene.json); estimated from the views when absent. */
  bounds?: Bounds;
  /**
   * The scene's background, RGB 0..1 (default black): what renders of views without masks are
   * composited on, so training matches the test renders (recon and evaluation render on the
   * scene's background too; transforms.json imports are white). Views with masks keep the random
   * background per step, which teaches alpha instead of a colour.
   */
  background?: readonly [number, number, number];
  /** Overrides of the densification schedule (default: 3DGS's, stretched to `iterations`). */
  schedule?: Partial<DensifySchedule>;
  signal?: AbortSignal;
  onProgress?: (p: TrainProgress) => void;
  /**
   * Called right after each onProgress with a reader of the current cloud (a GPU read-back, paid
   * only when called). Awaited: the next step waits, so a caller can render previews between
   * steps on the same device. A throw ends the run like any other error (last good cloud kept).
   */
  onSnapshot?: (p: TrainProgress, readCloud: () => Promise<GaussianCloud>) => Promise<void> | void;
  /**
   * Go on from this checkpoint (checkpoint.ts): same views, seed and iterations as the run that
   * wrote it. The start is carved again when the run prunes against the hull (deterministic), its
   * cloud replaced by the checkpoint's.
   */
  resume?: TrainCheckpoint;
  /**
   * Called with a checkpoint every `checkpointEvery` steps ('auto': as often as keeps their cost
   * under 2% of the training time, measured as the run goes; the first at step 5), not at the
   * last step. Awaited, so a caller that only posts it on costs nothing more.
   */
  onCheckpoint?: (c: TrainCheckpoint) => Promise<void> | void;
  checkpointEvery?: number | 'auto';
  /**
   * With repairPrior: renders of pseudo views (RGB on the scene background, alpha in A) and their
   * nearest input photos -> repaired images of the same size (src/recon/prior/repair.ts). The app
   * passes its prior worker; Node benchmarks and tests an onnxruntime or JavaScript repairer.
   */
  repair?: RepairFn;
  /** Called with each repair round once its images are adopted (the app shows one before/after pair). */
  onRepairRound?: (r: RepairRound) => void;
  /** Set by coTrain.ts on each of two co-trained runs (coReg); not for other callers. */
  coPartner?: CoPartner;
}

/** What a co-trained run (coTrain.ts) asks of its partner. */
export interface CoPartner {
  /** This cloud's renders of the pseudo views at a refresh -> the partner's of the same cameras, its targets. */
  exchangeRenders: RepairFn;
  /** This cloud's means at a densification step -> 1 per splat to keep, or null (no co-prune this step). */
  coPrune(step: number, means: Float32Array): Promise<Uint8Array | null>;
}

export interface TrainProgress {
  step: number;
  iterations: number;
  loss: number;
  l1: number;
  ssim: number;
  /** PSNR of the training render against its (background-composited) photo. */
  psnr: number;
  splats: number;
  elapsedMs: number;
  /** 'cameras': a step of the camera pre-pass (cameraPrepass.ts), before the run proper; its step and iterations are the pre-pass's. */
  phase: 'init' | 'cameras' | 'train';
  /** Set when the step trained on a repair-prior pseudo view: its index (repairStage.ts); the terms are that view's (unweighted). */
  pseudoView?: number;
  /**
   * Set when a co-regularised step added a pseudo view's loss to its input view's (the terms above
   * are the input view's): the pseudo view's index and its L1 to the partner's render (unweighted).
   */
  coPseudo?: { view: number; l1: number };
  /** Set when the step had a depth loss: the mean Pearson r of rendered and given depth over its patches. */
  depthPearson?: number;
}

export interface TrainResult {
  cloud: GaussianCloud;
  /** Steps that ran to their end: `iterations` unless the run was cancelled or stopped early. */
  stepsDone: number;
  wallMs: number;
  initMs: number;
  /** Of wallMs, the time spent in CPU densification/pruning/resets (read-back and upload included). */
  densifyMs: number;
  initialSplats: number;
  history: TrainProgress[];
  bounds: Bounds;
  hull: VisualHull | null;
  /** Set when the run ended early: 'cancelled', or the error message. */
  stopped: string | null;
  /** Recoverable problems seen (skipped steps, rolled-back clouds), for the report. */
  faults: string[];
  /**
   * With refineCameras: every view's camera as refined (in the order of the views; a held view's,
   * cameraRefine.ts heldCameras, is its own), also when the run stopped early. Absent without refinement.
   */
  cameras?: Camera[];
  /**
   * Set when the run began with the camera pre-pass (cameraPrepass.ts): its steps, view size and
   * time (wallMs includes it), and whether the run ended in it (cancelled or failed: then
   * stepsDone is 0, `history` the pre-pass's and the cloud its last good one). Otherwise
   * `history` and the other fields are the run proper's.
   */
  cameraPrepass?: { steps: number; width: number; height: number; wallMs: number; stopped: boolean };
  /** With repairPrior: each repair round's step and cost (ms), in order. */
  priorRounds?: { step: number; repairMs: number; waitMs: number }[];
  /** With warpWeight > 0: each remake of the warp targets, with the shares of their pixels warped from a photo and set to the background. */
  warpRounds?: WarpRound[];
  /** With coReg: the splats this cloud's co-pruning removed at each step it removed any. */
  coPruned?: { step: number; pruned: number }[];
  /** With coReg: the second cloud's splat count and co-pruning, and how its run ended. */
  partner?: { splats: number; coPruned: { step: number; pruned: number }[]; stopped: string | null };
}

function checkViews(views: readonly TrainView[]): void {
  if (views.length === 0) throw new InputError('no training views: give at least one posed photo');
  const { width, height } = views[0].camera;
  for (const v of views) {
    if (v.camera.width !== width || v.camera.height !== height)
      throw new InputError(`view "${v.id}" is ${v.camera.width}x${v.camera.height} but "${views[0].id}" is ${width}x${height}: train on views of one size (use --size)`);
    if (v.rgba.width !== width || v.rgba.height !== height)
      throw new InputError(`view "${v.id}": image is ${v.rgba.width}x${v.rgba.height} but its camera is ${width}x${height}`);
    if (v.depth && v.depth.length !== width * height)
      throw new InputError(`view "${v.id}": its depth map has ${v.depth.length} values, the image ${width}x${height}`);
    if (v.mask) {
      if (v.mask.length !== width * height) throw new InputError(`view "${v.id}": mask size does not match the image`);
      if (!v.mask.some((x) => x !== 0)) throw new InputError(`view "${v.id}": its mask is empty (no object pixels). Fix or remove that mask.`);
    }
  }
}

export function isCloudFinite(c: GaussianCloud): boolean {
  for (const a of [c.means, c.logScales, c.quats, c.opacityLogits, c.sh]) for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) return false;
  return true;
}

/** Pseudo views the depth smoothness cycles through (sampled once, between and around the inputs). */
const DEPTH_SMOOTH_VIEWS = 16;
/** Their share beyond the ends of the inputs' orbit (as the repair prior's default). */
const DEPTH_SMOOTH_OUTSIDE = 0.25;
/** A pixel is surface for the smoothness when its coverage is at least this (edges and holes are not). */
const DEPTH_SMOOTH_ALPHA_MIN = 0.5;

/** Object-centric scene size: the bounds' half diagonal, or 3DGS's camera spread without bounds. */
function extentOf(bounds: Bounds, cameras: Camera[]): number {
  const d = Math.hypot(bounds.max[0] - bounds.min[0], bounds.max[1] - bounds.min[1], bounds.max[2] - bounds.min[2]);
  if (d > 0) return 0.5 * d;
  const cs = cameras.map(cameraCenter);
  const mean = [0, 1, 2].map((k) => cs.reduce((s, c) => s + c[k], 0) / cs.length);
  return 1.1 * Math.max(...cs.map((c) => Math.hypot(c[0] - mean[0], c[1] - mean[1], c[2] - mean[2])));
}

export async function trainGaussians(device: GPUDevice, givenViews: readonly TrainView[], options: TrainRunOptions = {}): Promise<TrainResult> {
  checkViews(givenViews);
  // A checkpoint of a run that refined cameras: that run's start cameras (the camera pre-pass's,
  // say, not the scene's), so that the resumed run carves and refines as the run left alone did.
  const resumedCameras = options.resume?.cameraRefine?.start;
  if (resumedCameras && (resumedCameras.length !== givenViews.length || resumedCameras.some((c, i) => c.width !== givenViews[i].camera.width || c.height !== givenViews[i].camera.height)))
    throw new InputError(`the checkpoint is of a run on ${resumedCameras.length} views of ${resumedCameras[0]?.width}x${resumedCameras[0]?.height}, not ${givenViews.length} of ${givenViews[0].camera.width}x${givenViews[0].camera.height}: resume with the views the run was started with`);
  const views = resumedCameras ? givenViews.map((v, i) => ({ ...v, camera: resumedCameras[i] })) : givenViews;
  // No step count asked for: the default for this many views (stepCount.ts).
  const o = { ...options, ...resolveTrainOptions({ ...options, iterations: options.iterations ?? defaultSteps(views.length) }) };
  if (wantsCameraPrepass(views, options)) return trainAfterCameraPrepass(device, views, { ...options, iterations: o.iterations }, trainGaussians);
  if (o.coReg && !o.coPartner) return coTrainGaussians(device, views, options, trainGaussians);
  if (o.repairPrior && !o.repair) throw new InputError('the repair prior is on but no repair model was given: pick the model file (or --prior <model.onnx>), or turn the prior off');
  const t0 = performance.now();
  const { width, height } = views[0].camera;
  const masked = views.every((v) => v.mask);
  const sceneBackground: [number, number, number] = [...(o.background ?? [0, 0, 0])] as [number, number, number];
  const bounds = viewBounds(views, o.bounds);
  if (!bounds) throw new InputError('the object bounds are unknown and the views have no masks: give bounds in scene.json or masks');

  // Initialisation.
  let hull: VisualHull | null = null;
  let cloud: GaussianCloud;
  const resume = o.resume;
  if (resume) {
    if (resume.version !== CHECKPOINT_VERSION) throw new InputError(`the checkpoint is version ${resume.version}; this app reads version ${CHECKPOINT_VERSION}`);
    if (resume.seed !== o.seed || resume.iterations !== o.iterations)
      throw new InputError(`the checkpoint is of a run with seed ${resume.seed} and ${resume.iterations} steps, not ${o.seed} and ${o.iterations}`);
  }
  if (o.initialCloud) cloud = o.initialCloud;
  else if (o.init === 'hull') {
    if (!masked) throw new InputError('the visual-hull start needs a mask for every view: use --init stereo (or random), or add masks');
    const init = await initCloudFromViews(
      views.map((v) => ({ camera: v.camera, mask: v.mask!, width, height, rgba: v.rgba })),
      { bounds, signal: o.signal, cloud: { shDegree: o.shDegree, maxSplats: o.initSplats, seed: o.seed, voxels: o.hullVoxels === 'photo' ? 'all' : o.hullVoxels, scale: o.hullScale },
        photo: o.hullVoxels === 'photo' ? {} : null,
      },
    );
    cloud = init.cloud;
    hull = init.hull;
  } else if (o.init === 'stereo') {
    const start = await stereoStartCloud(views, bounds, { signal: o.signal, maxSplats: o.initSplats, shDegree: o.shDegree, seed: o.seed });
    cloud = start.cloud;
    // With masks it carved the visual hull already: pruning uses that one rather than carving again.
    if (masked) hull = start.hull;
  } else cloud = randomCloud(bounds, o.initSplats, o.seed, { shDegree: o.shDegree, color: 'grey' });
  if (resume) cloud = resume.cloud;
  if (!o.initialCloud && hull === null && masked && o.hullPrune) {
    // The random start still benefits from carving for pruning; it is not used to place splats.
    hull = (await initCloudFromViews(views.map((v) => ({ camera: v.camera, mask: v.mask!, width, height })), { bounds, signal: o.signal })).hull;
  }
  const initMs = performance.now() - t0;
  const initialSplats = cloud.count;

  const history: TrainProgress[] = resume ? [...resume.history] : [];
  const faults: string[] = [];
  if (o.depthWeight > 0 && !views.some((v) => v.depth)) faults.push(`depthWeight is ${o.depthWeight} but no view has a depth map: trained without the depth loss`);
  let lastGood = cloud;
  let stopped: string | null = null;
  let lost: string | null = null;
  void device.lost?.then((info) => (lost = `the GPU device was lost (${info.message || info.reason}); the last good cloud is kept`));

  let rasterizer: Rasterizer | null = null;
  let loss: GpuLoss | null = null;
  let adam: GpuAdam | null = null;
  let extras: TrainExtras | null = null;
  let dropout: SplatDropout | null = null;
  let prior: RepairStage | null = null;
  let warp: WarpStage | null = null;
  let consistency: PhotoConsistencyStage | null = null;
  let accumulator: GradAccumulator | null = null;
  const targets: LossTarget[] = [];
  // The depth loss, on views with a depth map (null for the others).
  const useDepth = o.depthWeight > 0 && views.some((v) => v.depth);
  // Depth smoothness at pseudo views: the rasterizer renders depth for it too.
  const smoothing = o.depthSmoothWeight > 0;
  // The warp consistency reads the renders' depth too (warpStage.ts).
  const warping = o.warpWeight > 0;
  const consistent = o.photoConsistencyWeight > 0 && views.length > 1;
  let smooth: GpuDepthSmooth | null = null;
  // The pseudo views and each one's distance to the object (the penalty's scale), fixed for the run.
  let smoothViews: { camera: Camera; scale: number }[] = [];
  let zeroRgbGrad: GPUBuffer | null = null;
  let depthLoss: GpuDepthLoss | null = null;
  const depthTargets: (DepthTarget | null)[] = [];
  // Photometric camera refinement (cameraRefine.ts): a camera-gradient slot per view, read back
  // with the step's loss terms and Adam status.
  const boundsCentre: [number, number, number] = [0, 1, 2].map((k) => (bounds.min[k] + bounds.max[k]) / 2) as [number, number, number];
  const refiner = o.refineCameras && views.length > 1
    ? new CameraRefiner(views.map((v) => v.camera), {
      lr: o.cameraLr, lrTranslation: o.cameraLrTranslation, refineFocal: o.refineFocal,
      startStep: Math.max(1, Math.round(o.cameraStart * o.iterations)), endStep: o.iterations, centre: boundsCentre,
      pivot: o.cameraPivot === 'auto' ? views.map((v) => (v.cameraGuess ? 'object' : 'camera')) : o.cameraPivot,
      held: heldCameras(views, o.refineCamerasOf),
    })
    : null;
  if (refiner && resume?.cameraRefine) refiner.restore(resume.cameraRefine);
  const cameraGrads = refiner ? storageBuffer(device, 'cameraGradFromView', 4 * CAMERA_GRAD_STRIDE * views.length) : null;
  const readback = createRangeReadback(device, 'train read-back (loss terms + adam status + camera gradient + depth terms + pseudo view loss terms)', 48 + 4 * CAMERA_GRAD_STRIDE + DEPTH_TERMS_BYTES + 32);
  // A co-reg pseudo view's loss terms, copied aside before the input view's loss overwrites them.
  const pseudoTerms = storageBuffer(device, 'pseudo view loss terms', 32);
  let stepsDone = 0;
  let densifyMs = 0;
  const coPruned: { step: number; pruned: number }[] = [];
  try {
    rasterizer = createRasterizer(device, { width, height, shDegree: cloud.shDegree, maxSplats: Math.max(1024, cloud.count * 2), antialiased: o.antialiased, depth: useDepth || smoothing || warping || consistent });
    rasterizer.upload(cloud);
    adam = new GpuAdam(device, { layout: rasterizer.layout, shDegree: cloud.shDegree });
    if (resume) {
      adam.writeMoments(resume.moments, cloud.count);
      adam.stepCount = resume.adamSteps;
    }
    loss = createLoss(device, { width, height });
    for (const v of views) targets.push(loss.uploadTarget(v.rgba.data, v.mask ?? null, v.id));
    if (useDepth) {
      depthLoss = createDepthLoss(device, { width, height }, o.depthPatch);
      for (const v of views) depthTargets.push(v.depth ? depthLoss.uploadTarget(v.depth, v.mask ?? null, `${v.id} depth`) : null);
    }
    if (smoothing) {
      smooth = createDepthSmooth(device, { width, height });
      smoothViews = sampleNovelViews(views.map((v) => v.camera), boundsCentre, { count: DEPTH_SMOOTH_VIEWS, outsideShare: DEPTH_SMOOTH_OUTSIDE })
        .map((p) => ({ camera: p.camera, scale: vec3.distance(cameraCenter(p.camera), boundsCentre) || 1 }));
      accumulator = new GradAccumulator(device);
    }
    // The smoothness and the photo-consistency are losses on depth and coverage only: no colour gradient (a new buffer is zeros).
    if (smoothing || consistent) zeroRgbGrad = storageBuffer(device, 'zero dLdRgb', 12 * width * height);
    extras = new TrainExtras(device);
    extras.resetStats(rasterizer.layout.capacity);
    if (o.dropout > 0) dropout = new SplatDropout(device);
    // True between dropout.apply and restore: the parameter buffer then holds swapped opacities.
    let dropActive = false;

    const extent = extentOf(bounds, views.map((v) => v.camera));
    // 'short-run' (schedule.ts shortRunDensifySchedule): densify often, reset opacities only as
    // far apart as 3DGS does. 'scaled-3dgs': 3DGS's schedule stretched to the run, resets kept at
    // least 200 steps apart (the schedule before issue 14, kept for comparison).
    // 'frequent': short-run's densification interval with scaled-3dgs's resets (which of the two
    // changes does what, for the ablation).
    const scaled = scaledDensifySchedule(o.iterations);
    const scaledResets = { ...scaled, opacityResetInterval: Math.max(scaled.opacityResetInterval, 200) };
    const base = o.densifySchedule === 'short-run'
      ? shortRunDensifySchedule(o.iterations)
      : o.densifySchedule === 'frequent'
        ? { ...scaledResets, interval: shortRunDensifySchedule(o.iterations).interval }
        : scaledResets;
    const schedule = { ...base, ...o.schedule };
    const lastDensify = lastDensifyStep(o.iterations, schedule);
    // The means' rate decays over this run, not over 3DGS's 30k steps (as FSGS and DNGaussian set
    // position_lr_max_steps to their run length): a short run otherwise ends at its highest rate.
    const rates = { ...DEFAULT_LEARNING_RATES, meansDecaySteps: Math.max(1, o.iterations) };
    const rng = createRng(o.seed + 1);
    // The pseudo views' targets: repaired renders (the repair prior), or the partner cloud's
    // renders (co-regularisation; coTrain.ts sets the schedule's options).
    const pseudoRepair = o.repairPrior ? o.repair : o.coPartner?.exchangeRenders;
    if (pseudoRepair) {
      prior = createRepairStage({
        loss, views, centre: boundsCentre, background: sceneBackground, options: o, repair: pseudoRepair,
        onRound: o.onRepairRound,
      });
    }
    // Co-regularisation's pseudo views add to the step (see the top); the repair prior's replace it.
    const addPseudo = prior !== null && !o.repairPrior;
    if (addPseudo) accumulator ??= new GradAccumulator(device);
    if (warping) {
      warp = createWarpStage({ loss, views, centre: boundsCentre, background: sceneBackground, options: o });
      accumulator ??= new GradAccumulator(device);
    }
    if (consistent) {
      consistency = createPhotoConsistencyStage({ device, views, centre: boundsCentre, background: sceneBackground, options: o });
      accumulator ??= new GradAccumulator(device);
    }
    const isPseudoStep = prior && !addPseudo ? prior.isPseudoStep : () => false;
    let order: number[] = resume ? replayTrainRng(rng, views.length, masked, resume.step, shuffle, isPseudoStep) : [];
    let zeroVisibleRun = 0;
    const firstStep = resume ? resume.step + 1 : 1;
    if (resume) stepsDone = resume.step;
    // Checkpoints: the first after 5 steps (early, so little is lost; its cost is then known), then
    // spaced by the measured cost (checkpoint.ts).
    let nextCheckpoint = typeof o.checkpointEvery === 'number' ? firstStep - 1 + o.checkpointEvery : firstStep - 1 + 5;
    let stepClock = { at: performance.now(), step: firstStep - 1 };
    // The step whose loss terms and Adam status are still on the GPU (read with the next forward).
    // cameraView: the view whose camera gradient this step's backward summed (-1: none); depth:
    // whether it had a depth loss (its terms ride on the read-back too).
    // coPseudo: the co-reg pseudo view added to the step (-1: none), its terms ride on the read-back.
    let pending: { step: number; count: number; elapsedMs: number; report: boolean; cameraView: number; pseudoView: number; depth: boolean; coPseudo: number } | null = null;
    let badStepsSeen = 0;
    const piggyback = (): PiggybackRange[] => [
      { buffer: loss!.outputs.lossTerms, size: 32 },
      { buffer: adam!.buffers.status, size: 16 },
      ...(pending && pending.cameraView >= 0 ? [{ buffer: cameraGrads!, offset: 4 * CAMERA_GRAD_STRIDE * pending.cameraView, size: 4 * CAMERA_GRAD_STRIDE }] : []),
      ...(pending?.depth ? [{ buffer: depthLoss!.outputs.depthTerms, size: DEPTH_TERMS_BYTES }] : []),
      ...(pending && pending.coPseudo >= 0 ? [{ buffer: pseudoTerms, size: 32 }] : []),
    ];
    const readDirect = async (): Promise<ArrayBuffer> => (pending ? readback.read(piggyback()) : new ArrayBuffer(48));
    /** Records the pending step's faults and, on report steps, its progress. */
    const settle = async (bytes: ArrayBuffer): Promise<void> => {
      const p = pending;
      pending = null;
      if (!p) return;
      const t = new Float32Array(bytes, 0, 8);
      const status = decodeAdamStatus(new Uint32Array(bytes, 32, 4));
      if (status.badSteps > badStepsSeen) faults.push(`step ${p.step}: ${status.nonFinite} non-finite gradients, step skipped`);
      badStepsSeen = status.badSteps;
      if (refiner && p.cameraView >= 0) {
        const skipped = refiner.skipped;
        refiner.update(p.cameraView, new Float32Array(bytes, 48, CAMERA_GRAD_STRIDE), p.step);
        if (refiner.skipped > skipped) faults.push(`step ${p.step}: non-finite camera gradient of view "${views[p.cameraView].id}", camera step skipped`);
      }
      if (!p.report) return;
      const depthAt = 48 + (p.cameraView >= 0 ? 4 * CAMERA_GRAD_STRIDE : 0);
      const progress: TrainProgress = {
        step: p.step, iterations: o.iterations, loss: t[0], l1: t[1], ssim: t[2], psnr: t[4] > 0 ? -10 * Math.log10(t[4]) : Infinity,
        splats: p.count, elapsedMs: p.elapsedMs, phase: 'train', ...(p.pseudoView >= 0 ? { pseudoView: p.pseudoView } : {}),
        ...(p.depth ? { depthPearson: decodeDepthTerms(bytes, depthAt).pearson } : {}),
        ...(p.coPseudo >= 0 ? { coPseudo: { view: p.coPseudo, l1: new Float32Array(bytes, depthAt + (p.depth ? DEPTH_TERMS_BYTES : 0), 8)[1] } } : {}),
      };
      history.push(progress);
      o.onProgress?.(progress);
      if (o.onSnapshot) {
        const r = rasterizer!;
        const d = dropout;
        const active = dropActive;
        await o.onSnapshot(progress, async () => {
          const c = await r.readCloud();
          return active && d ? { ...c, opacityLogits: await d.readSavedLogits(c.count) } : c;
        });
      }
    };

    // The repair stage's renders: the current cloud from the pseudo cameras (between steps, so
    // dropout's swap is not in place), RGB on `bg`, alpha in A. Settles the pending step first:
    // these forwards overwrite the render buffers its read-back would come with.
    const renderPseudo = async (cams: Camera[], bg: [number, number, number]): Promise<RGBAImage[]> => {
      await settle(await readDirect());
      const out: RGBAImage[] = [];
      for (const cam of cams) {
        await rasterizer!.forward(cam, bg);
        const img = await rasterizer!.readImage();
        const rgba = rgbToImage(width, height, img.rgb);
        for (let p = 0; p < width * height; p++) rgba.data[4 * p + 3] = Math.round(Math.min(1, Math.max(0, img.alpha[p])) * 255);
        out.push(rgba);
      }
      return out;
    };

    // The warp and photo-consistency stages' renders: RGB on `bg`, coverage and depth (settling first, as above).
    const renderWithDepth: RenderWithDepth = async (cams, bg) => {
      await settle(await readDirect());
      const out = [];
      for (const camera of cams) {
        await rasterizer!.forward(camera, bg);
        const img = await rasterizer!.readImage();
        out.push({ camera, rgb: img.rgb, alpha: img.alpha, depth: img.depth! });
      }
      return out;
    };
    const inputCameras = (): Camera[] => views.map((v, i) => (refiner ? refiner.camera(i) : v.camera));

    for (let step = firstStep; step <= o.iterations; step++) {
      if (o.signal?.aborted) { stopped = 'cancelled'; break; }
      if (lost) throw new Error(lost);
      // A repair-prior pseudo view, or the next input view (the pseudo steps draw nothing from rng).
      const pseudo = prior ? await prior.beforeStep(step, renderPseudo) : null;
      // The warp view this step would add (its targets remade first when due).
      const warpView = warp ? await warp.beforeStep(step, renderWithDepth, inputCameras) : null;
      const consistencyView = consistency ? await consistency.beforeStep(step, renderWithDepth, inputCameras) : null;
      const ps = addPseudo ? null : pseudo;
      // A view added to the step (co-reg's, the warp's, the photo-consistency's or the depth
      // smoothness's) is drawn first, settling the pending step's read-back on the way; whether any splat shows.
      const forwardAdded = async (camera: Camera, bg: [number, number, number]): Promise<boolean> => {
        const f = await rasterizer!.forward(camera, bg, pending ? piggyback() : []);
        if (pending) await settle(f.piggyback);
        return f.visibleSplats > 0;
      };
      // An added view with a photometric target (co-reg's partner render, the warp target): its
      // gradient is saved; whether it was added.
      const addPhotometric = async (v: PseudoStep): Promise<boolean> => {
        if (!(await forwardAdded(v.camera, v.background))) return false;
        const b = rasterizer!.buffers;
        const out = loss!.run(null, b.rgbFromPixel, b.alphaFromPixel, v.target, v.background, { ssimWeight: o.ssimWeight, maskWeight: 0, viewWeight: v.weight });
        rasterizer!.backward(out.dLdRgb, null, null, null);
        accumulator!.save(b.gradParamsFlat);
        return true;
      };
      // A co-reg pseudo view goes first: its gradient is saved, the input view's backward then
      // overwrites the buffers and its loss terms are the ones reported.
      const pseudoAdded = addPseudo && pseudo !== null && (await addPhotometric(pseudo));
      if (pseudoAdded) copyBuffer(device, loss.outputs.lossTerms, pseudoTerms, 32);
      // A warp view, on the steps a co-reg one does not take (one saved gradient a step).
      const warpAdded = warpView !== null && !pseudoAdded && (await addPhotometric(warpView));
      // A photo-consistency view, on the steps neither of those takes: the kernel's gradient in
      // its depth and coverage (src/gpu/loss/photoConsistency.ts), no colour gradient.
      let consistencyAdded = false;
      if (consistencyView && !pseudoAdded && !warpAdded) {
        if (await forwardAdded(consistencyView.camera, sceneBackground)) {
          const b = rasterizer.buffers;
          const g = consistency!.gradient(consistencyView.index, b.depthFromPixel!, b.alphaFromPixel);
          rasterizer.backward(zeroRgbGrad!, g.dLdAlpha, null, g.dLdDepth);
          accumulator!.save(b.gradParamsFlat);
          consistencyAdded = true;
        }
      }
      // A depth-smoothness pseudo view, on the steps none of those takes.
      let smoothAdded = false;
      if (smooth && !pseudoAdded && !warpAdded && !consistencyAdded && smoothViews.length > 0 && step % o.depthSmoothEvery === 0) {
        const sv = smoothViews[Math.floor(step / o.depthSmoothEvery) % smoothViews.length];
        if (await forwardAdded(sv.camera, sceneBackground)) {
          const b = rasterizer.buffers;
          const g = smooth.run(b.depthFromPixel!, b.alphaFromPixel, { weight: o.depthSmoothWeight, scale: sv.scale, alphaMin: DEPTH_SMOOTH_ALPHA_MIN });
          rasterizer.backward(zeroRgbGrad!, g.dLdAlpha, null, g.dLdDepth);
          accumulator!.save(b.gradParamsFlat);
          smoothAdded = true;
        }
      }
      let vi = -1;
      if (!ps) {
        if (order.length === 0) order = shuffle(views.map((_, i) => i), rng);
        vi = order.pop()!;
      }
      const view = ps ? null : views[vi];
      const bg: [number, number, number] = ps ? ps.background : masked ? [rng.uniform(), rng.uniform(), rng.uniform()] : sceneBackground;
      const viewMask = view?.mask;

      const camera = ps ? ps.camera : refiner ? refiner.camera(vi) : view!.camera;
      if (dropout) {
        dropout.apply(rasterizer.buffers.paramsFlat, rasterizer.layout, cloud.count, dropoutRateAt(step, o), (Math.imul(o.seed, 1_000_003) + step) >>> 0);
        dropActive = true;
      }
      const fwd = await rasterizer.forward(camera, bg, pending ? piggyback() : []);
      if (pending) await settle(fwd.piggyback);
      if (fwd.visibleSplats === 0) {
        if (dropout) {
          dropout.restore(rasterizer.buffers.paramsFlat, rasterizer.buffers.gradParamsFlat);
          dropActive = false;
        }
        // Nothing to learn from this view; a cloud that is invisible everywhere is a dead end.
        if (++zeroVisibleRun >= views.length * 3) throw new Error('no splat is visible from any training view (the cloud collapsed or left the frustums)');
        stepsDone = step;
        continue;
      }
      zeroVisibleRun = 0;
      const count = cloud.count;
      const bufs = rasterizer.buffers;
      const refineView = !ps && refiner?.refines(vi, step) ? vi : -1;
      const out = ps
        ? loss.run(null, bufs.rgbFromPixel, bufs.alphaFromPixel, ps.target, bg, { ssimWeight: o.ssimWeight, maskWeight: 0, viewWeight: ps.weight })
        : loss.run(null, bufs.rgbFromPixel, bufs.alphaFromPixel, targets[vi], bg, { ssimWeight: refineView >= 0 ? o.cameraSsimWeight : o.ssimWeight, maskWeight: viewMask ? o.maskWeight : 0 });
      const depthTarget = !ps && depthLoss ? depthTargets[vi] : null;
      const depthOut = depthTarget ? depthLoss!.run(null, bufs.depthFromPixel!, depthTarget, o.depthWeight, depthPatchShift(o.seed, step, o.depthPatch, width, height)) : null;
      rasterizer.backward(out.dLdRgb, viewMask ? out.dLdAlpha : null, refineView >= 0 ? { buffer: cameraGrads!, view: refineView } : null, depthOut?.dLdDepth ?? null);
      if (dropout) {
        // Real logits back before the regularisers and Adam read them; chain their gradient.
        dropout.restore(bufs.paramsFlat, bufs.gradParamsFlat);
        dropActive = false;
      }
      if (pseudoAdded || warpAdded || consistencyAdded || smoothAdded) accumulator!.addSaved(bufs.gradParamsFlat);
      extras.addRegularizers(bufs.paramsFlat, bufs.gradParamsFlat, rasterizer.layout, count, { scale: o.scaleReg, opacity: o.opacityReg, aniso: o.anisoReg, anisoMaxRatio: o.anisoMaxRatio });
      const actions = actionsAt(step, schedule);
      if (o.densify && actions.gatherStats) extras.gatherStats(bufs.gradProjectedFromSplat, count, width, height);
      adam.step(bufs.paramsFlat, bufs.gradParamsFlat, count, learningRatesAt(step, extent, rates));

      // This step's loss terms and Adam status reach the CPU with the next step's forward read.
      pending = { step, count, elapsedMs: performance.now() - t0, report: step % o.progressEvery === 0 || step === o.iterations, cameraView: refineView, pseudoView: ps ? ps.index : -1, depth: depthOut !== null, coPseudo: pseudoAdded ? pseudo!.index : -1 };

      const doDensify = o.densify && actions.densify;
      if (doDensify || (o.densify && actions.resetOpacity)) {
        const densifyStart = performance.now();
        await settle(await readDirect());
        let current = await rasterizer.readCloud();
        if (!isCloudFinite(current)) {
          faults.push(`step ${step}: non-finite parameters, rolled back to the last good cloud`);
          current = lastGood;
        }
        let moments = await adam.readMoments(current.count);
        if (doDensify) {
          const stats = await extras.readStats(current.count);
          const floaters = o.floaterEvery > 0 && (step % o.floaterEvery === 0 || step === lastDensify) ? {} : null;
          const res = densifyAndPrune(
            { cloud: current, moments, gradAccum: stats.gradAccum, gradCount: stats.gradCount },
            { sceneExtent: extent, gradThreshold: o.densifyGrad, hull: o.hullPrune && hull ? { hull, dilate: 2 } : null, floaters, maxSplats: o.maxSplats, seed: o.seed + step },
          );
          current = res.cloud;
          moments = res.moments;
          const keep = o.coPartner ? await o.coPartner.coPrune(step, current.means) : null;
          if (keep) {
            const kept = Int32Array.from([...keep.keys()].filter((i) => keep[i]));
            if (kept.length < current.count) {
              ({ cloud: current, moments } = gatherSplats(current, moments, kept, new Uint8Array(kept.length).fill(1)));
              coPruned.push({ step, pruned: keep.length - kept.length });
            }
          }
        }
        if (o.densify && actions.resetOpacity) ({ cloud: current, moments } = resetOpacity(current, moments));
        if (current.count === 0) throw new Error('pruning removed every splat');
        rasterizer.upload(current);
        adam.setLayout(rasterizer.layout);
        adam.writeMoments(moments, current.count);
        extras.resetStats(rasterizer.layout.capacity);
        cloud = current;
        lastGood = current;
        densifyMs += performance.now() - densifyStart;
      }
      stepsDone = step;
      if (o.onCheckpoint && step === nextCheckpoint && step < o.iterations) {
        const stepMs = (performance.now() - stepClock.at) / Math.max(1, step - stepClock.step);
        const c0 = performance.now();
        await settle(await readDirect());
        const current = await rasterizer.readCloud();
        if (isCloudFinite(current)) {
          const moments = await adam.readMoments(current.count);
          await o.onCheckpoint({ version: CHECKPOINT_VERSION, step, iterations: o.iterations, seed: o.seed, cloud: current, moments, adamSteps: adam.stepCount, history: [...history], ...(refiner ? { cameraRefine: refiner.state(views.map((v) => v.camera)) } : {}) });
        } else faults.push(`step ${step}: non-finite parameters, no checkpoint written`);
        const cost = performance.now() - c0;
        nextCheckpoint = step + (typeof o.checkpointEvery === 'number' ? o.checkpointEvery : checkpointGap(stepMs, cost));
        stepClock = { at: performance.now(), step };
      }
    }
    await settle(await readDirect());
    const final = await rasterizer.readCloud();
    if (isCloudFinite(final)) cloud = pruneFaint(final, o.finalPrune, faults);
    else {
      faults.push('final cloud had non-finite values; returned the last good cloud');
      cloud = lastGood;
    }
  } catch (e) {
    // After a device loss, calls fail with terse errors; the loss reason is the useful message.
    await Promise.race([device.lost, new Promise((r) => setTimeout(r, 100))]);
    const msg = e instanceof Error ? e.message : String(e);
    stopped = lost ?? (msg || `GPU error (${(e as Error)?.name ?? 'unknown'})`);
    cloud = lastGood;
  } finally {
    for (const t of targets) t.destroy();
    for (const t of depthTargets) t?.destroy();
    depthLoss?.destroy();
    smooth?.destroy();
    zeroRgbGrad?.destroy();
    prior?.destroy();
    warp?.destroy();
    consistency?.destroy();
    accumulator?.destroy();
    loss?.destroy();
    adam?.destroy();
    extras?.destroy();
    dropout?.destroy();
    rasterizer?.destroy();
    cameraGrads?.destroy();
    pseudoTerms.destroy();
    readback.destroy();
  }
  return {
    cloud: o.antialiased ? { ...cloud, antialiased: true } : cloud, stepsDone, wallMs: performance.now() - t0, initMs, densifyMs, initialSplats,
    history, bounds, hull, stopped, faults, ...(refiner ? { cameras: refiner.cameras() } : {}),
    ...(prior && !o.coPartner ? { priorRounds: prior.rounds.map((r) => ({ step: r.step, repairMs: r.repairMs, waitMs: r.waitMs })) } : {}),
    ...(o.coPartner ? { coPruned } : {}),
    ...(warp ? { warpRounds: warp.rounds } : {}),
  };
}

/** The cloud without splats under `minOpacity` (the finalPrune option); all of it if none would stay. */
function pruneFaint(cloud: GaussianCloud, minOpacity: number, faults: string[]): GaussianCloud {
  if (!(minOpacity > 0)) return cloud;
  const kept = splatsAtLeastOpaque(cloud, minOpacity);
  if (kept.length === cloud.count) return cloud;
  if (kept.length === 0) {
    faults.push(`final prune: no splat is ${(255 * minOpacity).toFixed(1)}/255 opaque or more; kept them all`);
    return cloud;
  }
  return selectSplats(cloud, kept);
}

function shuffle(a: number[], rng: { uniform(): number }): number[] {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rng.uniform() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

/**
 * The depth loss's patch-grid shift at `step`: a hash of (seed, step), not the run's rng, whose
 * stream resume replays. A patch as large as the image is one global correlation: not shifted.
 */
function depthPatchShift(seed: number, step: number, patch: number, width: number, height: number): [number, number] {
  if (patch >= Math.max(width, height)) return [0, 0];
  const shift = createRng((Math.imul(seed, 2_654_435_761) ^ Math.imul(step, 40_503)) >>> 0);
  return [shift.int(patch), shift.int(patch)];
}
