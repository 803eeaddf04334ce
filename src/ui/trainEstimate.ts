/**
 * How long training takes, from steps that were timed: the speed of the steps so far (time left
 * during a run), and before a run, a model of the time per step against the training size fitted
 * on a few timed steps at two sizes (see useTraining's estimate()). From it: the time a run with
 * given settings would take, and settings that finish within a budget (the defaults a first run
 * is offered). Estimates are about the start splats: training adds splats as it goes, so later
 * steps can be slower, and the panel says so.
 */
import { prepassSize, prepassSteps } from '../recon/train/cameraPrepass.ts';
import type { TrainProgress } from '../recon/train/trainer.ts';
import { DEFAULT_TRAIN_OPTIONS } from '../recon/train/trainOptions.ts';

/** Milliseconds per training step from the last `window` progress reports of a phase (the run proper's by default); null with fewer than two. */
export function recentMsPerStep(history: readonly TrainProgress[], window = 10, phase: TrainProgress['phase'] = 'train'): number | null {
  const train = history.filter((p) => p.phase === phase && p.step > 0);
  if (train.length < 2) return null;
  const a = train[Math.max(0, train.length - window)];
  const b = train[train.length - 1];
  const steps = b.step - a.step;
  return steps > 0 ? Math.max(0, (b.elapsedMs - a.elapsedMs) / steps) : null;
}

/**
 * Time left of a run (ms) at the recent speed; null before two timed reports. In the camera
 * pre-pass (phase 'cameras'), the pre-pass's time left (the run proper's speed is not known yet).
 */
export function timeLeftMs(history: readonly TrainProgress[], iterations: number): number | null {
  const last = history.at(-1);
  if (!last) return null;
  const prepass = last.phase === 'cameras';
  const rate = recentMsPerStep(history, 10, prepass ? 'cameras' : 'train');
  if (rate === null) return null;
  return Math.max(0, (prepass ? last.iterations : iterations) - last.step) * rate;
}

/** A few timed steps at one training size: its pixels, its steady ms per step, and the time before the first step. */
export interface TimedSteps {
  pixels: number;
  msPerStep: number;
  startupMs: number;
}

/** The timed steps of a short run (its progress reports), or null when too few steps ran. */
export function timedSteps(history: readonly TrainProgress[], pixels: number): TimedSteps | null {
  const train = history.filter((p) => p.phase === 'train' && p.step > 0);
  if (train.length < 2) return null;
  const first = train[0], last = train[train.length - 1];
  const msPerStep = (last.elapsedMs - first.elapsedMs) / (last.step - first.step);
  if (!(msPerStep > 0)) return null;
  // Before the first report: the start (hull, kernels) and that first step.
  return { pixels, msPerStep, startupMs: Math.max(0, first.elapsedMs - first.step * msPerStep) };
}

/** Time per step against the training size, ms = base + perPixel x pixels (from timed steps at one or more sizes). */
export interface SpeedModel {
  base: number;
  perPixel: number;
  startupMs: number;
}

/**
 * Fits the model through the timed sizes: a line through two or more (least squares, never a
 * negative slope); one size alone is taken as proportional to the pixels (no fixed part).
 */
export function fitSpeed(points: readonly TimedSteps[]): SpeedModel | null {
  if (points.length === 0) return null;
  const startupMs = Math.max(...points.map((p) => p.startupMs));
  const n = points.length;
  const mx = points.reduce((s, p) => s + p.pixels, 0) / n;
  const my = points.reduce((s, p) => s + p.msPerStep, 0) / n;
  const sxx = points.reduce((s, p) => s + (p.pixels - mx) ** 2, 0);
  if (n < 2 || sxx === 0) return { base: 0, perPixel: my / mx, startupMs };
  const slope = Math.max(0, points.reduce((s, p) => s + (p.pixels - mx) * (p.msPerStep - my), 0) / sxx);
  return { base: Math.max(0, my - slope * mx), perPixel: slope, startupMs };
}

export function msPerStepAt(model: SpeedModel, pixels: number): number {
  return model.base + model.perPixel * pixels;
}

/** How long a run of `steps` at `pixels` would take, start included (ms). */
export function runMs(model: SpeedModel, pixels: number, steps: number): number {
  return model.startupMs + steps * msPerStepAt(model, pixels);
}

/** The camera pre-pass's time before a run of `runSteps` (src/recon/train/cameraPrepass.ts): a run of its own, of its steps at its size. */
export function cameraPrepassMs(model: SpeedModel, size: { width: number; height: number }, runSteps: number, steps = DEFAULT_TRAIN_OPTIONS.cameraPrepassSteps, maxSide = DEFAULT_TRAIN_OPTIONS.cameraPrepassSize): number {
  const small = prepassSize(size.width, size.height, maxSide);
  return runMs(model, small.width * small.height, prepassSteps(steps, runSteps));
}

export interface SizeChoice<S extends string> {
  size: S;
  pixels: number;
}

/**
 * Settings that finish within `budgetMs`: the most steps up to `steps` (never below `minSteps`)
 * at the largest size that fits, trying sizes from the largest; when even the smallest does not
 * fit `minSteps`, the smallest size with `minSteps`. Sizes largest first.
 */
export function fitBudget<S extends string>(model: SpeedModel, sizes: readonly SizeChoice<S>[], steps: number, budgetMs: number, minSteps = 200): { size: S; steps: number; ms: number } {
  const options = [steps, 500, 300, minSteps].filter((s, i, a) => s <= steps && s >= Math.min(minSteps, steps) && a.indexOf(s) === i);
  for (const n of options)
    for (const c of sizes) {
      const ms = runMs(model, c.pixels, n);
      if (ms <= budgetMs) return { size: c.size, steps: n, ms };
    }
  const last = sizes[sizes.length - 1];
  const n = Math.min(steps, minSteps);
  return { size: last.size, steps: n, ms: runMs(model, last.pixels, n) };
}

/** "45 s", "3 min", "1 h 20 min". */
export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 90) return `${Math.max(1, s)} s`;
  const min = Math.round(s / 60);
  if (min < 90) return `${min} min`;
  return `${Math.floor(min / 60)} h ${min % 60} min`;
}
