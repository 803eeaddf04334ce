/**
 * The app's one "Quality" setting (fast / balanced / best): each level is a set of the
 * sparse-view levers of TRAIN_OPTION_SPECS (issue 14) and what it costs per step relative to the
 * plain trainer. The panel multiplies the timed speed by `costPerStep` to say how long each level
 * takes here. Measured: dropout adds two one-thread-per-splat passes and culls the dropped splats,
 * and costs nothing measurable per step (DTU scan37 at 100x75, 60 steps x 3 repeats, lavapipe:
 * 1214, 1186 and 1060 ms/step at rates 0, 0.1, 0.2, within the noise of a shared machine), so
 * so the levels without further levers are 1; a lever that adds work (a second cloud, depth, the
 * photo-consistency's pseudo views) must bring its factor.
 *
 * The levers a level does not name keep DEFAULT_TRAIN_OPTIONS, and DEFAULT_QUALITY is the level
 * the defaults are: the recon CLI, the benchmarks and the app's default agree.
 *
 * Plain data (no DOM, no GPU), like trainOptions.ts.
 */
import type { TrainOptions } from './trainOptions.ts';

export const QUALITY_LEVELS = ['fast', 'balanced', 'best'] as const;
export type QualityLevel = (typeof QUALITY_LEVELS)[number];

/** The options the Quality setting and the advanced switches of the app set. */
export const LEVER_KEYS = ['densifySchedule', 'dropout', 'scaleReg', 'opacityReg', 'anisoReg', 'finalPrune', 'coReg', 'photoConsistencyWeight'] as const satisfies readonly (keyof TrainOptions)[];
export type LeverKey = (typeof LEVER_KEYS)[number];
export type LeverOptions = Pick<TrainOptions, LeverKey>;

export interface QualityPreset {
  label: string;
  /** One line for the tooltip: what it turns on and what that buys. */
  doc: string;
  levers: LeverOptions;
  /** Time per step relative to 'fast' (measured: bench:quality's seconds, same steps and size). */
  costPerStep: number;
}

export const QUALITY_PRESETS: Record<QualityLevel, QualityPreset> = {
  fast: {
    label: 'fast',
    doc: 'the plain trainer: 3DGS\'s schedule stretched to the run, no sparse-view levers',
    levers: { densifySchedule: 'scaled-3dgs', dropout: 0, scaleReg: 0, opacityReg: 0, anisoReg: 0, finalPrune: 0, coReg: false, photoConsistencyWeight: 0 },
    costPerStep: 1,
  },
  balanced: {
    label: 'balanced',
    doc: 'plus light splat dropout (DropGaussian: a tenth of the splats left out of each step, so the ones behind the front ones learn too); measured no better than fast on DTU-3 at 500 steps',
    levers: { densifySchedule: 'scaled-3dgs', dropout: 0.1, scaleReg: 0, opacityReg: 0, anisoReg: 0, finalPrune: 0, coReg: false, photoConsistencyWeight: 0 },
    costPerStep: 1,
  },
  best: {
    label: 'best',
    doc: 'splat dropout at a fifth of the splats per step, the faint splats (under 6/255 opaque) left out at the end, and the photo-consistency of pseudo views between the inputs: the best measured (DTU-3, 500 steps: +0.3 dB PSNR, +0.02 SSIM over fast for the dropout; the prune adds +0.15 dB on pebbles-3 and +0.2 on lego-8 with a third fewer splats; the photo-consistency +0.8 dB on DTU-3 at 1000 steps); the default',
    levers: { densifySchedule: 'scaled-3dgs', dropout: 0.2, scaleReg: 0, opacityReg: 0, anisoReg: 0, finalPrune: 0.0235, coReg: false, photoConsistencyWeight: 1 },
    // The photo-consistency's pseudo view every second step from 30% of the run (lego-8, 1/4 size:
    // 1481 s against 1263 s for the same steps without it).
    costPerStep: 1.17,
  },
};

/**
 * Time per step of a co-regularised run (coReg: two clouds, coTrain.ts) relative to one cloud's.
 * Measured: bench:quality, 1/4 size, 500 steps, lavapipe, co-pruning only (the switch's
 * defaults): DTU scan37 9 views 516 s against 274 s for the defaults row; 3 views 673 s against
 * 370 s (separate runs). No level turns it on; the Advanced switch shows the cost.
 */
export const CO_REG_COST_PER_STEP = 1.8;

/** The level DEFAULT_TRAIN_OPTIONS' levers are (tests/recon/qualityPresets.test.ts holds them together). */
export const DEFAULT_QUALITY: QualityLevel = 'best';

/** The level whose levers these are, or null when the advanced switches moved off every level. */
export function qualityOf(levers: LeverOptions): QualityLevel | null {
  return QUALITY_LEVELS.find((q) => LEVER_KEYS.every((k) => QUALITY_PRESETS[q].levers[k] === levers[k])) ?? null;
}

/** A step at these levers in plain steps' time: its Quality level's costPerStep (1 for a mix no level has: not measured). */
export function stepCostOf(levers: LeverOptions): number {
  const level = qualityOf(levers);
  return level ? QUALITY_PRESETS[level].costPerStep : 1;
}
