/**
 * What changes over a training run, as in 3DGS: the learning rates (the means' decays
 * exponentially; the others are constant), when to densify, reset opacities and prune by screen
 * size, and when to raise the SH degree. Steps are numbered from 1, like 3DGS's `iteration`, so
 * the defaults read the same as its arguments.py.
 */
import { cameraCenter, type Camera } from '../../core/camera.ts';
import type { AdamLearningRates } from '../../gpu/optim/adamCore.ts';

export interface ExponentialLr {
  init: number;
  final: number;
  maxSteps: number;
  /** Warm-up steps during which the rate is scaled up from delayMult (0 = none, 3DGS's default). */
  delaySteps?: number;
  delayMult?: number;
}

/**
 * 3DGS's get_expon_lr_func: log-linear from `init` at step 0 to `final` at maxSteps, flat after.
 */
export function exponentialLr(step: number, s: ExponentialLr): number {
  if (step < 0 || (s.init === 0 && s.final === 0)) return 0;
  const delaySteps = s.delaySteps ?? 0;
  const delayMult = s.delayMult ?? 1;
  const delay = delaySteps > 0 ? delayMult + (1 - delayMult) * Math.sin(0.5 * Math.PI * clamp01(step / delaySteps)) : 1;
  const t = clamp01(step / s.maxSteps);
  return delay * Math.exp(Math.log(s.init) * (1 - t) + Math.log(s.final) * t);
}

export interface LearningRateConfig {
  /** Means, in units of the scene extent (3DGS: position_lr_init/final * spatial_lr_scale). */
  meansInit: number;
  meansFinal: number;
  /** Steps over which the means' rate decays (3DGS: position_lr_max_steps). */
  meansDecaySteps: number;
  logScales: number;
  quats: number;
  /** 3DGS used 0.05 originally and 0.025 since 2024. */
  opacityLogits: number;
  shDc: number;
  /** Higher-order SH learn this much slower than the DC term (3DGS: feature_lr / 20). */
  shRestDivisor: number;
}

export const DEFAULT_LEARNING_RATES: LearningRateConfig = {
  meansInit: 1.6e-4,
  meansFinal: 1.6e-6,
  meansDecaySteps: 30_000,
  logScales: 5e-3,
  quats: 1e-3,
  opacityLogits: 2.5e-2,
  shDc: 2.5e-3,
  shRestDivisor: 20,
};

/** Per-group rates for the optimiser at `step`, for a scene of the given extent (see sceneExtent). */
export function learningRatesAt(step: number, sceneExtent: number, config: LearningRateConfig = DEFAULT_LEARNING_RATES): AdamLearningRates {
  return {
    means: exponentialLr(step, { init: config.meansInit * sceneExtent, final: config.meansFinal * sceneExtent, maxSteps: config.meansDecaySteps }),
    logScales: config.logScales,
    quats: config.quats,
    opacityLogits: config.opacityLogits,
    shDc: config.shDc,
    shRest: config.shDc / config.shRestDivisor,
  };
}

/**
 * 3DGS's cameras_extent: 1.1 x the largest distance of a camera centre from their centroid.
 * Learning rates of the means and the size thresholds of densification are in these units, so
 * a scene behaves the same whatever its world scale.
 */
export function sceneExtent(cameras: readonly Camera[]): number {
  if (cameras.length === 0) throw new Error('sceneExtent needs at least one camera');
  const centres = cameras.map(cameraCenter);
  const mean = [0, 1, 2].map((a) => centres.reduce((s, c) => s + c[a], 0) / centres.length);
  const radius = Math.max(...centres.map((c) => Math.hypot(c[0] - mean[0], c[1] - mean[1], c[2] - mean[2])));
  // One camera (or coincident ones) has no spread; 3DGS would divide by zero later. Fall back to
  // the distance from the origin, where importers centre the object.
  const r = radius > 0 ? radius : Math.max(...centres.map((c) => Math.hypot(c[0], c[1], c[2])));
  return 1.1 * (r > 0 ? r : 1);
}

export interface DensifySchedule {
  /** Densify at steps > from ... */
  from: number;
  /** ... and < until (gradient statistics are also gathered only before `until`). */
  until: number;
  interval: number;
  /** Opacities are reset every this many steps, while step < until. 0 disables. */
  opacityResetInterval: number;
  /** Splats larger than maxScreenSize px are pruned at densification steps after this one. */
  screenSizePruneAfter: number;
  /** The SH degree in use goes up by one every this many steps, up to the cloud's degree. */
  shDegreeInterval: number;
}

/** 3DGS's defaults for a 30k-step run. */
export const DEFAULT_DENSIFY_SCHEDULE: DensifySchedule = {
  from: 500,
  until: 15_000,
  interval: 100,
  opacityResetInterval: 3_000,
  screenSizePruneAfter: 3_000,
  shDegreeInterval: 1_000,
};

/**
 * The defaults stretched to a run of `totalSteps` (sparse-view runs are often 3k-10k steps), so
 * the phases keep their proportions. The densification interval is kept: it is about how many
 * views' gradients are averaged, not about the length of the run.
 */
export function scaledDensifySchedule(totalSteps: number, base: DensifySchedule = DEFAULT_DENSIFY_SCHEDULE): DensifySchedule {
  const f = totalSteps / 30_000;
  const s = (x: number) => Math.max(1, Math.round(x * f));
  return {
    from: s(base.from),
    until: s(base.until),
    interval: base.interval,
    opacityResetInterval: base.opacityResetInterval > 0 ? s(base.opacityResetInterval) : 0,
    screenSizePruneAfter: s(base.screenSizePruneAfter),
    shDegreeInterval: s(base.shDegreeInterval),
  };
}

/**
 * The densification schedule for a run of `totalSteps` that also works for short runs (the
 * sparse-view trainer's 500-2000 steps), and equals 3DGS's at 30k steps. Two things do not
 * stretch with the run, unlike scaledDensifySchedule:
 * - The opacity reset interval stays 3DGS's 3000 steps: climbing back from the reset's 0.01 takes
 *   Adam (opacity rate 0.025) some 200-300 steps whatever the run's length, so a stretched reset
 *   every 200 steps in a 1000-step run leaves the cloud half transparent for half the run (training
 *   PSNR falls ~5-10 dB at each one); a run whose densification window is under 3000 steps gets
 *   none, and relies on pruning (hull, floaters, opacity) instead.
 * - The interval between densifications shrinks with the run (totalSteps / 20, 10 to 100 steps):
 *   a 500-step run densifies 9 times instead of twice, and grows the cloud where the gradients
 *   ask for it rather than by a few per cent.
 * Measured (bench:quality, DTU scan37, 3 views, 500 steps): it does what it says (36k splats from
 * 20k instead of 21k, no PSNR collapse) and over-fits the three inputs: held-out masked PSNR 14.6
 * against 17.6 dB for the stretched schedule, whose reset at 40% of the run acts as a regulariser
 * (the cloud relearns its opacities from 0.01 and fewer splats come back). Densifying as often
 * but keeping those resets (--densify-schedule frequent) gave 15.3 dB (34k splats): the extra
 * splats themselves over-fit. So it is an option (--densify-schedule short-run), not the
 * default; see tests/recon/trainDensify.test.ts.
 */
export function shortRunDensifySchedule(totalSteps: number, base: DensifySchedule = DEFAULT_DENSIFY_SCHEDULE): DensifySchedule {
  const scaled = scaledDensifySchedule(totalSteps, base);
  return {
    ...scaled,
    interval: Math.min(base.interval, Math.max(10, Math.round(totalSteps / 20))),
    opacityResetInterval: base.opacityResetInterval,
  };
}

export interface StepActions {
  /** Accumulate view-space gradient norms and max screen radii after this step's backward. */
  gatherStats: boolean;
  densify: boolean;
  /** Pass maxScreenSize to densify() at this step. */
  pruneByScreenSize: boolean;
  resetOpacity: boolean;
}

/** What 3DGS's train.py does after the backward of `step`, in the same order: densify, then reset. */
export function actionsAt(step: number, s: DensifySchedule = DEFAULT_DENSIFY_SCHEDULE): StepActions {
  const before = step < s.until;
  const densify = before && step > s.from && step % s.interval === 0;
  return {
    gatherStats: before,
    densify,
    pruneByScreenSize: densify && step > s.screenSizePruneAfter,
    resetOpacity: before && s.opacityResetInterval > 0 && step % s.opacityResetInterval === 0,
  };
}

/**
 * The last step of a run of `iterations` steps at which actionsAt densifies, or null when none
 * does (the run is too short). Rules that must run at least once per run (floater removal) also
 * run there.
 */
export function lastDensifyStep(iterations: number, s: DensifySchedule = DEFAULT_DENSIFY_SCHEDULE): number | null {
  const last = Math.min(iterations, s.until - 1);
  const step = last - (last % s.interval);
  return step > s.from && step >= 1 ? step : null;
}

/** SH degree to render with at `step` (3DGS: one more every 1000 steps, from 0). */
export function shDegreeAt(step: number, maxDegree: number, s: Pick<DensifySchedule, 'shDegreeInterval'> = DEFAULT_DENSIFY_SCHEDULE): number {
  return Math.max(0, Math.min(maxDegree, Math.floor(step / s.shDegreeInterval)));
}

function clamp01(x: number): number {
  return Math.min(1, Math.max(0, x));
}

/**
 * The splat dropout rate at `step` (1-based): --dropout throughout, or with dropoutRamp
 * DropGaussian's schedule, growing linearly to --dropout at the last step, so the early steps,
 * which place the splats, see all of them and the later ones, which over-fit, see fewer.
 */
export function dropoutRateAt(step: number, o: { dropout: number; dropoutRamp: boolean; iterations: number }): number {
  if (!o.dropoutRamp) return o.dropout;
  return o.dropout * clamp01(step / Math.max(1, o.iterations));
}
