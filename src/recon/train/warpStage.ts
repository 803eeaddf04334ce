/**
 * The warp consistency's part of a training run (issue 14, item 4; warpTarget.ts): a fixed set of
 * pseudo views between the inputs, their warp targets made anew every `warpEvery` steps from the
 * current cloud, and which one a step adds to its input view.
 *
 * - Refresh (at warpStart of the run, then every warpEvery steps; at once on a resumed run past
 *   the start): the trainer renders the pseudo views and the input views (RGB on the scene
 *   background, coverage, depth); each pseudo view's target is warped from the inputs nearest
 *   first (warpTarget) and uploaded as a loss target without a mask.
 * - A warp step (every warpPseudoEvery-th step from the start) adds pseudo view
 *   floor(step / warpPseudoEvery) mod count, with the view's weight (nearer an input, less:
 *   novelViews.ts), to the step's input view. Stateless, so a resumed run adds the same ones.
 *
 * The refresh is synchronous (the warp is a few milliseconds of CPU per view at training sizes).
 */
import { type Camera, type Vec3 } from '../../core/camera.ts';
import type { RGBAImage } from '../../core/image.ts';
import type { GpuLoss, LossTarget } from '../../gpu/loss/loss.ts';
import { inputsByAngle, sampleNovelViews, type PseudoView } from '../prior/novelViews.ts';
import type { PseudoStep } from './repairStage.ts';
import type { TrainOptions } from './trainOptions.ts';
import { warpTarget, type Rgb, type WarpRender } from './warpTarget.ts';

/** What the trainer gives the stage: the current cloud from these cameras on `background`, with depth. */
export type RenderWithDepth = (cameras: Camera[], background: Rgb) => Promise<WarpRender[]>;

export interface WarpRound {
  step: number;
  /** Share of the pseudo views' pixels that took an input photo's colour. */
  warpedShare: number;
  /** Share that took the background (outside an input's mask). */
  outsideShare: number;
}

export interface WarpStageInput {
  loss: GpuLoss;
  views: readonly { camera: Camera; rgba: RGBAImage; mask?: Uint8Array | null }[];
  centre: Vec3;
  background: Rgb;
  options: Pick<TrainOptions, 'iterations' | 'warpWeight' | 'warpViews' | 'warpStart' | 'warpEvery' | 'warpPseudoEvery'>;
}

export function createWarpStage(input: WarpStageInput) {
  const { loss, views, background, options: o } = input;
  // Between the inputs only: beyond the ends of the orbit little is seen by any input.
  const pseudo: PseudoView[] = sampleNovelViews(views.map((v) => v.camera), input.centre, { count: o.warpViews, outsideShare: 0, maxWeight: o.warpWeight });
  const order = pseudo.map((p) => inputsByAngle(p.camera, views.map((v) => v.camera), input.centre));
  const start = Math.max(1, Math.round(o.warpStart * o.iterations));
  let targets: LossTarget[] = [];
  const rounds: WarpRound[] = [];

  async function refresh(step: number, render: RenderWithDepth, inputCameras: Camera[]): Promise<void> {
    const pseudoRenders = await render(pseudo.map((p) => p.camera), background);
    const inputRenders = await render(inputCameras, background);
    const sources = views.map((v, i) => ({ camera: inputCameras[i], photo: v.rgba, mask: v.mask ?? null, alpha: inputRenders[i].alpha, depth: inputRenders[i].depth }));
    for (const t of targets) t.destroy();
    targets = [];
    let warped = 0, outside = 0, pixels = 0;
    pseudoRenders.forEach((r, i) => {
      const t = warpTarget(r, order[i].map((k) => sources[k]), { background });
      warped += t.warped;
      outside += t.outside;
      pixels += r.alpha.length;
      targets.push(loss.uploadTarget(t.rgba, null, `warp view ${i}`));
    });
    rounds.push({ step, warpedShare: warped / pixels, outsideShare: outside / pixels });
  }

  return {
    rounds,
    /**
     * Runs the step's refresh; the pseudo view this step adds, or null. `inputCameras`: the input
     * views' cameras as the trainer has them now (refined ones move).
     */
    async beforeStep(step: number, render: RenderWithDepth, inputCameras: () => Camera[]): Promise<PseudoStep | null> {
      if (pseudo.length === 0 || step < start) return null;
      if (targets.length === 0 || (step - start) % o.warpEvery === 0) await refresh(step, render, inputCameras());
      if (step % o.warpPseudoEvery !== 0) return null;
      const index = Math.floor(step / o.warpPseudoEvery) % pseudo.length;
      return { index, camera: pseudo[index].camera, target: targets[index], weight: pseudo[index].weight, background };
    },
    destroy(): void {
      for (const t of targets) t.destroy();
      targets = [];
    },
  };
}

export type WarpStage = ReturnType<typeof createWarpStage>;
