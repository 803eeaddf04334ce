/**
 * The repair prior's part of a training run (issue 15): which pseudo views there are, when they
 * are rendered and repaired, and which one a step trains on (src/recon/prior/priorSchedule.ts).
 *
 * - The pseudo views (src/recon/prior/novelViews.ts) are sampled once, from the input cameras
 *   about the centre of the object bounds, each with its nearest input and its weight.
 * - Refresh: the trainer renders them with the current cloud (on the scene background, alpha in
 *   A) and they go to the injected `repair` function with their nearest photos. The call is not
 *   awaited there: training goes on (the app's repair runs in the prior worker) until the adopt
 *   step `lag` steps later, which waits for it if need be and uploads the repaired images as loss
 *   targets (no mask: the repaired image is the whole target, on the background it was rendered on).
 * - A pseudo step trains on pseudo view floor(step / pseudoEvery) mod count (stateless, so a
 *   resumed run picks the same ones), with the view's weight as its loss weight.
 * - Resumed past the first adoption, there are no targets yet: the first step renders and repairs
 *   at once and waits (the resumed run's pseudo targets then come from the resumed cloud, not
 *   from the cloud of the last refresh before the stop).
 */
import type { Camera, Vec3 } from '../../core/camera.ts';
import { InputError } from '../../core/errors.ts';
import type { RGBAImage } from '../../core/image.ts';
import type { GpuLoss, LossTarget } from '../../gpu/loss/loss.ts';
import { sampleNovelViews, type PseudoView } from '../prior/novelViews.ts';
import { priorActionsAt, priorSchedule, type PriorSchedule } from '../prior/priorSchedule.ts';
import type { RepairFn } from '../prior/repair.ts';
import type { TrainOptions } from './trainOptions.ts';

export type Rgb = [number, number, number];

/** What the trainer gives the stage to draw the current cloud (it settles its own pending read first). */
export type RenderViews = (cameras: Camera[], background: Rgb) => Promise<RGBAImage[]>;

/** One repair round, for the result and the app's before/after preview. */
export interface RepairRound {
  /** Step whose cloud was rendered. */
  step: number;
  /** Wall time from sending the renders to having the repaired images (ms). */
  repairMs: number;
  /** Of it, the time training waited at the adopt step (ms; 0 when the repair was back in time). */
  waitMs: number;
  /** The pseudo views' cameras, renders, repaired images and weights, in the same order. */
  cameras: Camera[];
  renders: RGBAImage[];
  repaired: RGBAImage[];
  weights: number[];
}

export interface PseudoStep {
  index: number;
  camera: Camera;
  target: LossTarget;
  weight: number;
  background: Rgb;
}

export interface RepairStageInput {
  loss: GpuLoss;
  views: readonly { camera: Camera; rgba: RGBAImage }[];
  centre: Vec3;
  background: Rgb;
  options: Pick<TrainOptions, 'iterations' | 'seed' | 'priorViews' | 'priorOutside' | 'priorStart' | 'priorEvery' | 'priorLag' | 'priorPseudoEvery' | 'priorWeight' | 'priorStrength' | 'priorSteps'>;
  repair: RepairFn;
  onRound?: (r: RepairRound) => void;
}

export function createRepairStage(input: RepairStageInput) {
  const { loss, views, background, options: o, repair } = input;
  const pseudo: PseudoView[] = sampleNovelViews(views.map((v) => v.camera), input.centre, { count: o.priorViews, outsideShare: o.priorOutside, maxWeight: o.priorWeight });
  const schedule: PriorSchedule = priorSchedule(o);
  let targets: LossTarget[] = [];
  let inFlight: { step: number; sent: number; renders: RGBAImage[]; result: Promise<{ images: RGBAImage[]; at: number }> } | null = null;
  const rounds: RepairRound[] = [];

  async function send(step: number, render: RenderViews): Promise<void> {
    const renders = await render(pseudo.map((p) => p.camera), background);
    const requests = renders.map((r, i) => ({ render: r, nearest: views[pseudo[i].nearest].rgba }));
    const sent = performance.now();
    const repairing = repair(requests, {
      seed: (Math.imul(o.seed, 7919) + step) >>> 0,
      step,
      ...(o.priorStrength > 0 ? { strength: o.priorStrength } : {}),
      ...(o.priorSteps > 0 ? { steps: o.priorSteps } : {}),
    });
    // Timed where it settles (not where it is adopted); not awaited here: a rejection is seen
    // (and thrown) at the adopt step, never unhandled.
    const result = repairing.then((images) => ({ images, at: performance.now() }));
    result.catch(() => {});
    inFlight = { step, sent, renders, result };
  }

  async function adopt(): Promise<void> {
    const f = inFlight!;
    inFlight = null;
    const w0 = performance.now();
    let done: { images: RGBAImage[]; at: number };
    try {
      done = await f.result;
    } catch (e) {
      throw new Error(`the repair prior failed: ${(e as Error)?.message ?? String(e)}`);
    }
    const repaired = done.images;
    const now = performance.now();
    if (repaired.length !== pseudo.length) throw new InputError(`the repair prior returned ${repaired.length} images for ${pseudo.length} views`);
    for (const t of targets) t.destroy();
    targets = repaired.map((img, i) => {
      if (img.width !== loss.width || img.height !== loss.height) throw new InputError(`the repair prior returned a ${img.width}x${img.height} image for a ${loss.width}x${loss.height} view`);
      return loss.uploadTarget(img.data, null, `pseudo view ${i}`);
    });
    const round: RepairRound = { step: f.step, repairMs: done.at - f.sent, waitMs: now - w0, renders: f.renders, repaired, cameras: pseudo.map((p) => p.camera), weights: pseudo.map((p) => p.weight) };
    rounds.push(round);
    input.onRound?.(round);
  }

  return {
    views: pseudo,
    schedule,
    rounds,
    /** True when `step` trains on a pseudo view (the trainer's view order must not advance). */
    isPseudoStep: (step: number) => pseudo.length > 0 && priorActionsAt(step, schedule).pseudo,
    /** Runs the step's refresh and adoption; the pseudo view this step trains on, or null. */
    async beforeStep(step: number, render: RenderViews): Promise<PseudoStep | null> {
      if (pseudo.length === 0) return null;
      const a = priorActionsAt(step, schedule);
      if (a.pseudo && targets.length === 0 && !a.adopt && !inFlight) {
        // A resumed run past the first adoption: repair now and wait (see the top).
        await send(step, render);
        await adopt();
      }
      // With a lag of 0 a refresh is adopted at its own step: send first, then adopt.
      if (a.refresh) await send(step, render);
      if (a.adopt && inFlight) await adopt();
      if (!a.pseudo || targets.length === 0) return null;
      const index = Math.floor(step / schedule.pseudoEvery) % pseudo.length;
      return { index, camera: pseudo[index].camera, target: targets[index], weight: pseudo[index].weight, background };
    },
    destroy(): void {
      for (const t of targets) t.destroy();
      targets = [];
    },
  };
}

export type RepairStage = ReturnType<typeof createRepairStage>;
