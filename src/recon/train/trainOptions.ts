/**
 * The training options: one table, TRAIN_OPTION_SPECS, gives each option's default, bounds or
 * choices, CLI flag and a one-line doc (in the style of Brush's TrainConfig). The trainer's
 * defaults, the CLI's usage text and parser bounds (scripts/lib/trainFlags.ts), the app's inputs
 * (min, max, title) and the benchmarks all read it.
 *
 * Plain data only (no DOM, no GPU), so the UI can import it cheaply and the options can cross a
 * worker boundary. What is not a tunable of the run (the object bounds, a start cloud, schedule
 * overrides, cancel and progress hooks) is an argument of trainGaussians (trainer.ts), not here.
 */

import { STEPS_BY_VIEWS } from './stepCount.ts';

interface SpecBase {
  /** Name of the CLI flag, without the leading `--`. */
  flag: string;
  /** One line for the usage text and the UI's tooltip. */
  doc: string;
  /** What the usage text gives as the default when it is not one value (the step count's). */
  defaultDoc?: string;
}

export interface IntSpec extends SpecBase {
  kind: 'int';
  default: number;
  min: number;
  max: number;
}

export interface NumberSpec extends SpecBase {
  kind: 'number';
  default: number;
  min: number;
  max: number;
}

export interface ChoiceSpec<C extends string = string> extends SpecBase {
  kind: 'choice';
  default: C;
  choices: readonly C[];
}

export interface BooleanSpec extends SpecBase {
  kind: 'boolean';
  default: boolean;
}

export type TrainOptionSpec = IntSpec | NumberSpec | ChoiceSpec | BooleanSpec;

/**
 * Every training option. The step count's one default (1000) is what a person gets in the app;
 * the CLI and the benchmarks use it too unless given --iters (the benchmark tables pass theirs
 * explicitly, see bench/recon.ts).
 */
export const TRAIN_OPTION_SPECS = {
  // `default` is the step count where no view count is known (DEFAULT_TRAIN_OPTIONS, the app's
  // Steps field); a trainGaussians run given none gets its view count's (stepCount.ts).
  iterations: {
    kind: 'int', flag: 'iters', default: STEPS_BY_VIEWS[0].steps, min: 0, max: 30_000, doc: 'training steps',
    defaultDoc: `by the number of input views: ${STEPS_BY_VIEWS.map((p) => `${p.views} views ${p.steps}`).join(', ')}, interpolated between`,
  },
  init: {
    kind: 'choice', flag: 'init', default: 'hull', choices: ['hull', 'random', 'stereo'],
    doc: 'start from the visual hull of the masks, from random points in the bounds, or from stereo: photo-consistent points of a plane sweep through the bounds (inside the hull with masks; needs no masks) plus a quarter random',
  },
  // With few, similar views the hull is deep and its surface is not the object's: 'all' leaves depth
  // to the optimiser; 'photo' is a plane sweep (src/recon/hull/photoPoints.ts).
  hullVoxels: {
    kind: 'choice', flag: 'hull-voxels', default: 'all', choices: ['all', 'surface', 'photo'],
    doc: 'which hull voxels seed splats: all of the carved volume, its surface, or photo-consistent points plus a share of all',
  },
  hullScale: { kind: 'choice', flag: 'hull-scale', default: 'knn', choices: ['knn', 'voxel'], doc: 'initial splat size of the hull start: 3DGS nearest neighbours, or a fraction of a voxel' },
  shDegree: { kind: 'int', flag: 'sh', default: 1, min: 0, max: 3, doc: 'spherical-harmonics degree of the colours' },
  seed: { kind: 'int', flag: 'seed', default: 0, min: 0, max: 2 ** 31, doc: 'random seed (start, view order, backgrounds, densification)' },
  initSplats: { kind: 'int', flag: 'init-splats', default: 20_000, min: 100, max: 200_000, doc: 'splats of the random start, and the most the hull start places' },
  maxSplats: { kind: 'int', flag: 'max-splats', default: 200_000, min: 1024, max: 10_000_000, doc: 'most splats densification may grow to' },
  antialiased: { kind: 'boolean', flag: 'antialiased', default: false, doc: 'train with the Mip-Splatting 2D filter (opacity compensation for the 0.3 px low-pass)' },
  ssimWeight: { kind: 'number', flag: 'ssim-weight', default: 0.2, min: 0, max: 1, doc: 'D-SSIM weight lambda of the photometric loss (3DGS 0.2)' },
  maskWeight: { kind: 'number', flag: 'mask-weight', default: 0.5, min: 0, max: 100, doc: 'weight of mean (alpha - mask)^2 when the views have masks' },
  scaleReg: { kind: 'number', flag: 'scale-reg', default: 0.0, min: 0, max: 100, doc: 'weight of the splat-size regulariser' },
  opacityReg: { kind: 'number', flag: 'opacity-reg', default: 0.0, min: 0, max: 100, doc: 'weight of the opacity regulariser' },
  anisoReg: { kind: 'number', flag: 'aniso-reg', default: 0.0, min: 0, max: 100, doc: 'weight of the anisotropy bound (scale ratios above --aniso-max-ratio)' },
  anisoMaxRatio: { kind: 'number', flag: 'aniso-max-ratio', default: 10, min: 1, max: 1000, doc: 'largest scale ratio the anisotropy bound allows' },
  // Sparse-view levers (issue 14), each a row of bench:quality.
  dropout: {
    // bench:quality (DTU-3, 500 steps, 1/4 size): 0.2 gave +0.29 dB PSNR, +0.023 SSIM over none;
    // 0.1 (DropGaussian's snippet) was within the noise (-0.05 / +0.01 dB in two runs).
    kind: 'number', flag: 'dropout', default: 0.2, min: 0, max: 0.9,
    doc: 'DropGaussian: fraction of splats left out of each training step, the others\' opacity scaled by 1/(1 - rate) so splats behind the front ones learn too (0: off)',
  },
  // bench:quality (1/4 size, 500 steps), the defaults (dropout 0.2) against the ramp to 0.2:
  // DTU-3 17.84 -> 17.58, DTU-9 21.88 -> 22.05, lego-8 22.53 -> 22.62, fern-3 20.60 -> 20.69 PSNR.
  // Within about the run-to-run spread (0.1 dB) on three, a loss on DTU-3: off by default.
  dropoutRamp: {
    kind: 'boolean', flag: 'dropout-ramp', default: false,
    doc: 'DropGaussian\'s schedule: the dropout rate grows linearly from 0 at the first step to --dropout at the last (off: --dropout at every step)',
  },
  densifySchedule: {
    // scaled-3dgs stays the default: short-run grows the cloud and never collapses the training
    // PSNR, but over-fits 3 views (bench:quality, DTU-3: 14.6 vs 17.6 dB); see schedule.ts.
    kind: 'choice', flag: 'densify-schedule', default: 'scaled-3dgs', choices: ['scaled-3dgs', 'short-run', 'frequent'],
    doc: 'when to densify and reset opacities: scaled-3dgs (3DGS\'s schedule stretched to the run: densify every 100 steps, reset opacities every iters/10, at least 200 apart), short-run (densify every iters/20 steps, resets 3000 steps apart as in 3DGS, so none in a short run) or frequent (short-run\'s densification, scaled-3dgs\'s resets)',
  },
  finalPrune: {
    // Found by bench:codec (issue 13): SOG's floor(255 * opacity) raised held-out PSNR by dropping
    // the faint splats of sparse-view clouds, which are haze and floaters on new views. bench:quality
    // (quarter size, 500 steps), on top of the other defaults: pebbles-3 31.67 -> 31.82 dB, DTU-3
    // 17.79 -> 17.80, lego-8 22.32 -> 22.53, with 30-40% fewer splats.
    kind: 'number', flag: 'final-prune', default: 0.0235, min: 0, max: 0.5,
    doc: 'when the run ends, leave out splats less opaque than this (0.0235, about 6/255: faint splats are haze and floaters on new views; 0: off)',
  },
  // 3DGS's 0.0002 stays: 0.0001 grows a third more splats for lego-8 22.47 -> 22.57 dB (1/2 size) and
  // DTU-3 17.91 -> 17.81 (full size; bench:quality's defaults row, README "Densification threshold").
  densifyGrad: {
    kind: 'number', flag: 'densify-grad', default: 0.0002, min: 0, max: 1,
    doc: 'mean view-space gradient of a splat\'s projected centre (3DGS NDC units) above which densification clones or splits it (3DGS 0.0002; lower grows more splats)',
  },
  densify: { kind: 'boolean', flag: 'densify', default: true, doc: 'densify, prune and reset opacities on the schedule (src/recon/train/schedule.ts)' },
  hullPrune: { kind: 'boolean', flag: 'hull-prune', default: true, doc: 'prune splats outside the visual hull at densification steps (needs masks)' },
  floaterEvery: {
    kind: 'int', flag: 'floater-every', default: 500, min: 0, max: 30_000,
    doc: 'remove floaters at densification steps that are multiples of this and at the last one (0: off)',
  },
  // Photometric camera refinement (src/recon/train/cameraRefine.ts).
  refineCameras: {
    kind: 'boolean', flag: 'refine-cameras', default: false,
    doc: 'refine the views\' camera poses with the splats (Adam on a rotation about a pivot, see --camera-pivot, and a move of the centre); which views move and which stay fixed and hold the frame: --refine-cameras-of; the result has the refined cameras',
  },
  refineFocal: { kind: 'boolean', flag: 'refine-focal', default: false, doc: 'with --refine-cameras, refine one shared-ratio focal length per view too (fx and fy scaled together)' },
  cameraLr: { kind: 'number', flag: 'camera-lr', default: 1e-2, min: 0, max: 0.1, doc: 'camera rotation step (radians) when refinement starts; decays tenfold by the last step' },
  cameraLrTranslation: {
    kind: 'number', flag: 'camera-lr-translation', default: 1e-3, min: 0, max: 0.1,
    doc: 'camera centre step, as a fraction of the camera\'s distance to the object, when refinement starts (also the log-focal step); decays tenfold',
  },
  cameraPivot: {
    // 'auto': a guessed camera (TrainView.cameraGuess, the object-centred start's) is off in its
    // orbit round the object, a matched one in its own turn. bench:poses, lego 8 (5 guesses,
    // refined row, 500 steps at 150x150, every view moving: measured before refineCamerasOf's default
    // became 'guesses'): median pairwise rotation error 5.59 deg about the camera, 4.09 about the
    // object, 4.05 auto; tests/recon/cameraRefine.test.ts (cameras turned about their centres,
    // no guesses): 1.5 -> 0.70 deg about the camera, -> 2.65 about the object.
    kind: 'choice', flag: 'camera-pivot', default: 'auto', choices: ['auto', 'camera', 'object'],
    doc: 'what a camera-refinement rotation turns about: the object\'s centre (an orbit: the object stays in place in the image), the camera\'s centre, or auto (the object\'s for cameras that are the object-centred start\'s guesses, the camera\'s for the others)',
  },
  refineCamerasOf: {
    // `npm run bench:poses -- --only lego --splits 8 --methods alike-masked,refined --refine-variants
    // ";refine-cameras-of=all"` (3 views placed by the matches, 5 object-centred guesses 2-10 degrees
    // off; 500 steps at 150x150, pivot auto), median / max pairwise rotation error in degrees:
    // 2.34 / 10.24 before refinement, 1.67 / 3.99 refining all, 1.10 / 2.07 holding the matched
    // views. Since the poses stage's epipolar rematching, the matched views are the precise ones, and
    // moving them only lets the guesses pull them off. (Before it, with the guesses about 6 degrees
    // off, holding them gained nothing: 4.05 all, 4.27 guesses.)
    kind: 'choice', flag: 'refine-cameras-of', default: 'guesses', choices: ['all', 'guesses'],
    doc: 'with --refine-cameras, which views move: guesses (when some views are the object-centred start\'s rough guesses and others were placed by the matches, only the guesses move and the matched views hold the frame and scale; otherwise as all) or all (every view but the first, which holds the frame)',
  },
  cameraSsimWeight: {
    // Plain L1 aligns a camera better than L1 + D-SSIM. `npm run bench:poses -- --only lego
    // --splits 8 --methods alike-masked,refined --refine-variants ";seed=1;seed=2;camera-ssim-weight=0.2;
    // camera-ssim-weight=0.2 seed=1;camera-ssim-weight=0.2 seed=2"` (5 guesses, 500 steps at
    // 150x150), median pairwise rotation error at training seeds 0 / 1 / 2: 1.05 / 0.98 / 1.12 deg
    // with D-SSIM off on the camera steps, 1.11 / 1.30 / 1.34 with it at 0.2 there. (Off on every
    // step, a diagnostic outside the repo: 0.97 / 1.27 at seeds 0 / 1; 0.5 on every step: 1.30.)
    // The cost: bench:recon's unposed lego 8 held 20.15 dB against 20.37 before (one run each).
    kind: 'number', flag: 'camera-ssim-weight', default: 0, min: 0, max: 1,
    doc: 'with --refine-cameras, the D-SSIM weight of the loss on the steps that move their view\'s camera (the other steps keep --ssim-weight)',
  },
  cameraStart: {
    kind: 'number', flag: 'camera-start', default: 0.2, min: 0, max: 1,
    doc: 'fraction of the steps trained before the cameras start moving (the splats settle first)',
  },
  cameraPrepassSteps: {
    // A second run on a fresh cloud aligns the guesses better than one run. `npm run bench:poses --
    // --only lego --splits 8 --methods alike-masked,refined --refine-variants ";seed=1;seed=2;
    // camera-prepass-steps=0;camera-prepass-steps=0 seed=1;camera-prepass-steps=0 seed=2"` (5
    // guesses; the refined row: 500 steps at 150x150), median / max pairwise rotation error at
    // training seeds 0 / 1 / 2: 1.02 / 0.93 / 0.88 deg (max 2.92 / 2.73 / 2.81) with the pre-pass,
    // 1.15 / 0.96 / 1.06 (max 2.44 / 2.25 / 2.26) without it. The median falls at every seed, the
    // worst pair gets worse at every seed. 500 steps at 150 px: the refined row's own setting.
    // Unposed lego 8 (`npm run bench:recon -- --only lego --splits 8 --inits hull --downscale 2
    // --iters 500`): 20.45 dB held-out after alignment against 21.20 with the known cameras; 20.15
    // in the run before the pre-pass (not the same run: bench:recon takes no training flags).
    kind: 'int', flag: 'camera-prepass-steps', default: 500, min: 0, max: 30_000,
    doc: 'with --refine-cameras and views whose cameras are the object-centred start\'s guesses: first refine the cameras in a short run of this many steps (at most the run\'s own) at --camera-prepass-size, whose cloud is thrown away, then train from a fresh start with the refined cameras (0: off)',
  },
  cameraPrepassSize: {
    kind: 'int', flag: 'camera-prepass-size', default: 150, min: 16, max: 4096,
    doc: 'long side in pixels of the views the camera pre-pass trains on (never larger than the run\'s own)',
  },
  // The learned repair prior (issue 15; src/recon/prior/README.md): pseudo views between and
  // around the inputs, rendered, repaired by an ONNX model and trained on as weighted pseudo
  // ground truth. Needs a repair function (the app's prior worker, or --prior <model.onnx>).
  // The schedule's defaults are a first guess, not yet tuned against bench:quality.
  repairPrior: {
    kind: 'boolean', flag: 'repair-prior', default: false,
    doc: 'train on repaired renders of pseudo views between and around the inputs (the repair prior; needs a repair model)',
  },
  priorViews: { kind: 'int', flag: 'prior-views', default: 8, min: 1, max: 64, doc: 'pseudo views rendered and repaired each refresh' },
  priorOutside: {
    kind: 'number', flag: 'prior-outside', default: 0.25, min: 0, max: 1,
    doc: 'share of the pseudo views beyond the ends of the inputs\' orbit (the rest between neighbouring inputs)',
  },
  priorStart: { kind: 'number', flag: 'prior-start', default: 0.5, min: 0, max: 1, doc: 'fraction of the steps trained before the first repair (the cloud must show the object first)' },
  priorEvery: { kind: 'int', flag: 'prior-every', default: 100, min: 1, max: 30_000, doc: 'steps between refreshes of the repaired pseudo views' },
  priorLag: {
    kind: 'int', flag: 'prior-lag', default: 10, min: 0, max: 30_000,
    doc: 'steps training goes on while a repair runs (in parallel, in its worker) before its images are used; fixed, so runs are reproducible',
  },
  priorPseudoEvery: { kind: 'int', flag: 'prior-pseudo-every', default: 3, min: 1, max: 1000, doc: 'every this many steps, once repairs exist, a step trains on a pseudo view instead of an input' },
  priorWeight: {
    kind: 'number', flag: 'prior-weight', default: 0.5, min: 0, max: 10,
    doc: 'loss weight of a pseudo view at or past half the mean angle between neighbouring inputs; nearer views weigh less, in proportion to their angle to the nearest input',
  },
  priorStrength: { kind: 'number', flag: 'prior-strength', default: 0, min: 0, max: 1, doc: 'SDEdit strength t0 of the repair, the noise level the render starts from (0: the model manifest\'s)' },
  priorSteps: { kind: 'int', flag: 'prior-steps', default: 0, min: 0, max: 100, doc: 'DDIM steps of the repair (0: the model manifest\'s)' },
  // Monocular depth (issue 14, "Depth"): off until bench:quality shows it helps. With FastDepth's
  // maps on DTU scan37 (3 views, 1/4 size, 500 steps) every weight tried lowered held-out PSNR
  // (17.80 dB without; 0.001: 17.73, 0.01: 17.59 and 17.44, 0.1: 15.83; bench/qualityMethods.ts).
  depthWeight: {
    kind: 'number', flag: 'depth-weight', default: 0, min: 0, max: 10,
    doc: 'weight of the depth loss: 1 - Pearson correlation of the rendered depth with each view\'s depth map (a monocular model\'s, larger = farther, any scale and shift) over small patches, inside the mask when the view has one; only views with a depth map (0: off)',
  },
  depthPatch: { kind: 'int', flag: 'depth-patch', default: 16, min: 2, max: 4096, doc: 'side in pixels of the depth loss\'s square patches (their grid shifts randomly each step; as large as the image or more: one correlation over the whole image, as FSGS)' },
  // Co-regularisation (CoR-GS, issue 14): a second cloud trained beside the first (coTrain.ts).
  // bench:quality (1/4 size, 500 steps), PSNR / SSIM against the defaults row's 17.75 / 0.502 on
  // DTU-3: co-pruning alone at 1.5 median spacings 17.94 / 0.518, at 3 (77 splats pruned) 17.77,
  // at 2% of the extent (a quarter of the cloud) 17.83; pseudo views every 2nd step from 20% of
  // the run, weight 1, with that prune 16.77 / 0.452, alone 17.03, every 4th from 50% at weight
  // 0.5 17.71 (a pseudo step here replaces an input step, where CoR-GS adds it). Lego-8 with
  // co-pruning at 1.5: 22.49 against 22.53; DTU-9 21.84 against 21.88; fern-3 20.98 against 20.53.
  // At 1/2 size: DTU-3 17.29 against 17.24, fern-3 20.80 against 22.35. Since stop 31 a pseudo
  // view adds its loss to the step's input view (CoR-GS's sum; gradAccumulate.ts) instead of
  // replacing it: every step from 20% of the run, weight 1, with the co-prune, DTU-3 17.39 / 0.494
  // against the defaults row's 17.78 / 0.506 in the same run. So the switch defaults to
  // co-pruning at 1.5 and no pseudo views (coRegStart 1), and stays off: not a steady gain, for
  // 1.8x the time per step (a pseudo view adds a forward and a backward to its step).
  coReg: {
    kind: 'boolean', flag: 'co-reg', default: false,
    doc: 'CoR-GS: train a second cloud beside this one (another seed); each prunes the splats the other cannot confirm and, from --co-reg-start on, learns the other\'s renders at pseudo views between the inputs (about 1.8x the time per step)',
  },
  coRegWeight: { kind: 'number', flag: 'co-reg-weight', default: 1, min: 0, max: 10, doc: 'loss weight of the partner\'s render at a pseudo view at or past half the mean angle between neighbouring inputs (nearer views weigh less)' },
  coRegStart: { kind: 'number', flag: 'co-reg-start', default: 1, min: 0, max: 1, doc: 'fraction of the steps trained before the pseudo views start (1: none; CoR-GS starts at 0.2)' },
  coRegEvery: { kind: 'int', flag: 'co-reg-every', default: 20, min: 1, max: 30_000, doc: 'steps between renders of the pseudo views by both clouds (each learns the other\'s latest)' },
  coRegPseudoEvery: { kind: 'int', flag: 'co-reg-pseudo-every', default: 2, min: 1, max: 1000, doc: 'every this many steps, once the pseudo views start, a step adds one to its input view (the two losses summed, as CoR-GS)' },
  coRegViews: { kind: 'int', flag: 'co-reg-views', default: 8, min: 1, max: 64, doc: 'pseudo views between and around the inputs' },
  coPruneEvery: { kind: 'int', flag: 'co-prune-every', default: 100, min: 0, max: 30_000, doc: 'co-prune at densification steps that are multiples of this (0: never)' },
  coPruneThreshold: {
    kind: 'number', flag: 'co-prune-threshold', default: 1.5, min: 0, max: 100,
    doc: 'a splat with no splat of the other cloud within this many times its cloud\'s median splat spacing is pruned (0: none)',
  },
  // Depth smoothness at pseudo views (issue 14, "unseen-view regularisation"; RegNeRF's idea, with
  // second differences so planes are free: src/gpu/loss/depthSmoothReference.ts). Off until
  // bench:quality shows it helps.
  depthSmoothWeight: {
    kind: 'number', flag: 'depth-smooth', default: 0, min: 0, max: 100,
    doc: 'weight of the depth smoothness of renders at pseudo views between and around the inputs (the surface depth\'s second differences, relative to the distance; planes cost nothing); each such view adds a forward and a backward to its step (0: off)',
  },
  depthSmoothEvery: { kind: 'int', flag: 'depth-smooth-every', default: 2, min: 1, max: 1000, doc: 'with --depth-smooth, every this many steps a step adds a pseudo view\'s depth smoothness to its input view' },
  // Warp consistency at pseudo views (issue 14, "consistent in colour with the nearest input
  // (warped)"; src/recon/train/warpTarget.ts). Off until bench:quality shows it helps.
  warpWeight: {
    kind: 'number', flag: 'warp', default: 0, min: 0, max: 10,
    doc: 'loss weight of the warp consistency: renders at pseudo views between the inputs learn the input photos\' colours carried over by the cloud\'s own surface depth (visible points only; outside an input\'s mask, the background); each such view adds a forward and a backward to its step (0: off)',
  },
  warpViews: { kind: 'int', flag: 'warp-views', default: 8, min: 1, max: 64, doc: 'with --warp, pseudo views between the inputs' },
  warpStart: { kind: 'number', flag: 'warp-start', default: 0.3, min: 0, max: 1, doc: 'with --warp, fraction of the steps trained before the warp targets are first made (the cloud must show the object first)' },
  warpEvery: { kind: 'int', flag: 'warp-every', default: 50, min: 1, max: 30_000, doc: 'with --warp, steps between remakes of the warp targets from the current cloud' },
  warpPseudoEvery: { kind: 'int', flag: 'warp-pseudo-every', default: 2, min: 1, max: 1000, doc: 'with --warp, every this many steps a step adds a pseudo view\'s warp loss to its input view' },
  // Photo-consistency at pseudo views (issue 14, unseen-view regularisation; MVS's photo-consistency
  // asked of the views between the inputs: src/gpu/loss/photoConsistency*). On by default (the
  // 'best' Quality level): bench:quality at 1/4 size, the defaults' steps, PSNR / SSIM without ->
  // with weight 1: DTU-3 17.74 / 0.508 -> 18.55 / 0.553; lego-8 24.07 / 0.876 -> 23.99 / 0.878
  // (same run); DTU-9 23.72 (stop 31's defaults) -> 23.81 / 0.864; fern-3 20.87 / 0.709 -> 21.07 / 0.717 (same run).
  photoConsistencyWeight: {
    kind: 'number', flag: 'photo-consistency', default: 1, min: 0, max: 100,
    doc: 'weight of the photo-consistency of pseudo views between the inputs: the two nearest photos should show the same colour at each point of the rendered surface (a loss on depth and coverage, not colour); each such view adds a forward and a backward to its step (0: off)',
  },
  // Off by default: scaling the blur with the image (0.007, the quarter-size basin) gave DTU-3 18.00
  // -> 18.27 dB at 1/2 size but 17.91 (stop 34's defaults) -> 17.80 at full size (bench:quality's defaults row).
  photoConsistencyBlur: {
    kind: 'number', flag: 'photo-consistency-blur', default: 0, min: 0, max: 0.1,
    doc: 'with --photo-consistency, the width (Gaussian sigma) of the photos\' blur as a fraction of their long side, so the term\'s basin is the same at any image size (0: one [1 2 1] pass at any size, about 0.7 px)',
  },
  photoConsistencyStart: { kind: 'number', flag: 'photo-consistency-start', default: 0.3, min: 0, max: 1, doc: 'with --photo-consistency, fraction of the steps trained before it starts (the cloud must show the object first)' },
  photoConsistencyEvery: { kind: 'int', flag: 'photo-consistency-every', default: 2, min: 1, max: 1000, doc: 'with --photo-consistency, every this many steps a step adds a pseudo view\'s photo-consistency to its input view' },
  progressEvery: { kind: 'int', flag: 'progress-every', default: 10, min: 1, max: 30_000, doc: 'steps between progress reports' },
} as const satisfies Record<string, TrainOptionSpec>;

export type TrainOptionKey = keyof typeof TRAIN_OPTION_SPECS;

type ValueOf<S> = S extends { kind: 'choice'; choices: readonly (infer C)[] } ? C : S extends { kind: 'boolean' } ? boolean : number;

/** The tunables of a training run, every one set (see TRAIN_OPTION_SPECS for each one's meaning). */
export type TrainOptions = { -readonly [K in TrainOptionKey]: ValueOf<(typeof TRAIN_OPTION_SPECS)[K]> };

export const DEFAULT_TRAIN_OPTIONS: Readonly<TrainOptions> = Object.freeze(
  Object.fromEntries(Object.entries(TRAIN_OPTION_SPECS).map(([k, s]) => [k, s.default])) as TrainOptions,
);

/** The spec of one option, widened to its kind (for code that handles every option alike). */
export function trainOptionSpec(key: TrainOptionKey): TrainOptionSpec {
  return TRAIN_OPTION_SPECS[key];
}

/** `options` over the defaults; options given as undefined keep the default. */
export function resolveTrainOptions(options: Partial<TrainOptions> = {}): TrainOptions {
  const out: TrainOptions = { ...DEFAULT_TRAIN_OPTIONS };
  for (const k of Object.keys(TRAIN_OPTION_SPECS) as TrainOptionKey[]) {
    const v = options[k];
    if (v !== undefined) (out as Record<TrainOptionKey, unknown>)[k] = v;
  }
  return out;
}

/**
 * The start for views without masks, where the visual hull cannot be carved: the app and `npm run
 * recon` switch a 'hull' start to this, and bench:quality trains unmasked scenes from it.
 * Measured (bench:quality, fern 3 views, 500 steps, the default levers), PSNR / SSIM: 1/4 size,
 * random start 17.38 dB / 0.454, stereo start 20.63 / 0.695; 1/2 size, 17.33 / 0.422 and
 * 22.37 / 0.761; full size (504x378), stereo start 21.22 / 0.690.
 */
export const UNMASKED_START: TrainOptions['init'] = 'stereo';
