/**
 * The training options `npm run recon` hands the trainer: the flags given, over what the scene
 * implies (no masks: the stereo start; guessed cameras: refined), with the step count left unset
 * when --iters is absent, so the trainer takes its steps by the number of input views
 * (src/recon/train/stepCount.ts) as the app does, instead of the option table's single default.
 */
import { resolveTrainOptions, UNMASKED_START, type TrainOptions } from '../../src/recon/train/trainOptions.ts';

export interface ReconContext {
  /** Some input view has no mask. */
  unmasked: boolean;
  /** Some input camera is only a guess and --refine-cameras was not given. */
  refineGuesses: boolean;
  /** A repair prior model was given. */
  prior: boolean;
}

export type ReconTrainOptions = Omit<TrainOptions, 'iterations'> & { iterations?: number };

export function reconTrainOptions(flags: Partial<TrainOptions>, ctx: ReconContext): ReconTrainOptions {
  const resolved = resolveTrainOptions({
    ...(ctx.unmasked && flags.init === undefined ? { init: UNMASKED_START } : {}),
    ...(ctx.refineGuesses ? { refineCameras: true } : {}),
    ...flags,
    ...(ctx.prior ? { repairPrior: true } : {}),
  });
  return { ...resolved, iterations: flags.iterations };
}
