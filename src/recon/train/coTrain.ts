/**
 * Co-regularised training (CoR-GS, Zhang et al. 2024; issue 14's "Co-regularisation"): two clouds
 * trained side by side on the same views, the second with another seed (its start, view order,
 * backgrounds, dropout and densification differ). Where they disagree is where sparse views
 * leave the shape undetermined, so each run is pulled towards the other:
 * - co-pruning: at densification steps that are multiples of coPruneEvery, each cloud drops the
 *   splats with no splat of the other within coPruneThreshold times its median spacing (coPrune.ts);
 * - pseudo-view co-regularisation: every coRegEvery steps from coRegStart on, both clouds render
 *   the same pseudo views between and around the inputs (the repair prior's, repairStage.ts) and
 *   each trains on the other's renders as targets, weighted by the view's distance from the inputs.
 *   (CoR-GS compares the two renders at every step; here the targets are at most coRegEvery steps
 *   old, which costs a render of each view per refresh instead of two renders per step.)
 *
 * The two runs are two ordinary trainGaussians runs on the same device, interleaved at their
 * awaits, that meet in coExchange.ts at the same steps; the first run is the result (its hooks:
 * progress, snapshots, checkpoints) and the second is silent. What each receives is keyed by
 * step, not by timing (which of the two runs gets ahead does not matter).
 */
import { InputError } from '../../core/errors.ts';
import type { RGBAImage } from '../../core/image.ts';
import { createExchange, type Side } from './coExchange.ts';
import { coPruneKeepBySpacing } from './coPrune.ts';
import type { CoPartner, TrainResult, TrainRunOptions, TrainView } from './trainer.ts';
import { resolveTrainOptions } from './trainOptions.ts';
import { viewBounds } from './viewBounds.ts';

type Train = (device: GPUDevice, views: readonly TrainView[], options: TrainRunOptions) => Promise<TrainResult>;

/** `train` is trainGaussians (passed in, so this module does not import its caller). */
export async function coTrainGaussians(device: GPUDevice, views: readonly TrainView[], options: TrainRunOptions, train: Train): Promise<TrainResult> {
  const o = resolveTrainOptions(options);
  if (o.repairPrior) throw new InputError('co-regularisation and the repair prior both train on pseudo views and cannot run together yet: turn one of them off');
  if (options.resume) {
    // A checkpoint holds one cloud: the run goes on alone.
    const alone = await train(device, views, { ...options, coReg: false });
    return { ...alone, faults: ['resumed from a checkpoint without the co-regularisation partner: the rest of the run trained one cloud', ...alone.faults] };
  }
  const renders = createExchange<RGBAImage[]>();
  const means = createExchange<Float32Array>();
  const pseudoSchedule: Partial<TrainRunOptions> = {
    priorViews: o.coRegViews, priorStart: o.coRegStart, priorEvery: o.coRegEvery, priorLag: 0,
    priorPseudoEvery: o.coRegPseudoEvery, priorWeight: o.coRegWeight,
  };
  // Both runs get the same bounds (the trainer would estimate the same ones from the masks).
  const bounds = viewBounds(views, options.bounds);
  const partner = (side: Side): CoPartner => ({
    async exchangeRenders(requests, { step = 0 }) {
      const own = requests.map((r) => r.render);
      // Without the partner's (it ended), the own renders: a target equal to the render pulls nowhere.
      return (await renders.swap(side, step, own)) ?? own;
    },
    async coPrune(step, m) {
      if (o.coPruneEvery <= 0 || step % o.coPruneEvery !== 0) return null;
      const other = await means.swap(side, step, m);
      return other ? coPruneKeepBySpacing(m, other, o.coPruneThreshold) : null;
    },
  });
  const close = (side: Side) => {
    renders.close(side);
    means.close(side);
  };
  const run = (side: Side, extra: Partial<TrainRunOptions>) =>
    train(device, views, { ...options, ...(bounds ? { bounds } : {}), ...pseudoSchedule, ...extra, coPartner: partner(side) }).finally(() => close(side));
  const first = run(0, {});
  const second = run(1, { seed: (o.seed + 1) % 2 ** 31, onProgress: undefined, onSnapshot: undefined, onCheckpoint: undefined, onRepairRound: undefined });
  const [a, b] = await Promise.all([first, second]);
  return {
    ...a,
    partner: { splats: b.cloud.count, coPruned: b.coPruned ?? [], stopped: b.stopped },
    faults: [...a.faults, ...(b.stopped && !a.stopped ? [`the co-regularisation partner stopped: ${b.stopped}`] : [])],
  };
}
