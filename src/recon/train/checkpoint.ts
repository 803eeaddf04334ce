/**
 * A checkpoint of a training run: everything the loop needs to go on from step `step` as if it
 * had never stopped, in plain typed arrays (IndexedDB and postMessage copy them as they are):
 * the cloud, Adam's two moments and its step count (bias correction), the progress so far, and
 * with camera refinement the cameras and their optimiser's state.
 * The random stream (view order, background colours) is not stored: it is replayed from the seed
 * (replayTrainRng), which costs a few draws per step and nothing on the GPU. The densification
 * statistics gathered since the last densify step are not stored either: after a resume the next
 * densify step sees the gradients from the resume on (a mean over fewer steps, the same scale).
 */
import type { GaussianCloud } from '../../core/gaussianCloud.ts';
import type { Rng } from '../../core/random.ts';
import type { AdamMoments } from '../../gpu/optim/adamCore.ts';
import type { CameraRefineState } from './cameraRefine.ts';
import type { TrainProgress } from './trainer.ts';

export const CHECKPOINT_VERSION = 1;

export interface TrainCheckpoint {
  version: typeof CHECKPOINT_VERSION;
  /** The last step whose update is in the cloud; the run goes on with step + 1. */
  step: number;
  iterations: number;
  seed: number;
  cloud: GaussianCloud;
  moments: AdamMoments;
  /** Adam's t (updates applied), for its bias correction. */
  adamSteps: number;
  /** Progress reports up to `step`. */
  history: TrainProgress[];
  /** With refineCameras: the refinement's cameras and optimiser state (the resumed run trains from its start cameras). */
  cameraRefine?: CameraRefineState;
}

/** Share of training time checkpoints may take (the 2%). */
export const CHECKPOINT_SHARE = 0.02;

/**
 * Steps between checkpoints so that a checkpoint (read-back of cloud and moments, costing
 * `checkpointMs`) takes at most CHECKPOINT_SHARE of the time of the steps between them
 * (`stepMs` each), and never more often than every `minGap` steps.
 */
export function checkpointGap(stepMs: number, checkpointMs: number, minGap = 10): number {
  if (!(stepMs > 0) || !(checkpointMs >= 0)) return minGap;
  return Math.max(minGap, Math.ceil(checkpointMs / (CHECKPOINT_SHARE * stepMs)));
}

/**
 * Draws the random numbers the training loop drew in steps 1..steps (its view order and, with
 * masks, three background components per step), leaving `rng` and `order` where the loop left
 * them. Must mirror trainGaussians' loop exactly; the resume test checks it.
 */
export function replayTrainRng(
  rng: Rng,
  viewCount: number,
  masked: boolean,
  steps: number,
  shuffle: (a: number[], rng: Rng) => number[],
  /** Steps that trained on a repair-prior pseudo view: they draw nothing (repairStage.ts). */
  isPseudoStep: (step: number) => boolean = () => false,
): number[] {
  let order: number[] = [];
  for (let step = 1; step <= steps; step++) {
    if (isPseudoStep(step)) continue;
    if (order.length === 0) order = shuffle(Array.from({ length: viewCount }, (_, i) => i), rng);
    order.pop();
    if (masked) rng.uniform(), rng.uniform(), rng.uniform();
  }
  return order;
}

export function checkpointBytes(c: TrainCheckpoint): number {
  const arrays = (a: { means: Float32Array; logScales: Float32Array; quats: Float32Array; opacityLogits: Float32Array; sh: Float32Array }) =>
    a.means.byteLength + a.logScales.byteLength + a.quats.byteLength + a.opacityLogits.byteLength + a.sh.byteLength;
  return arrays(c.cloud) + arrays(c.moments.m) + arrays(c.moments.v) + 200 * c.history.length + 400 * (c.cameraRefine?.cameras.length ?? 0);
}
