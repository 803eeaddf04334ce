/**
 * What training calls: a batch of renders of novel views (RGB on the render's background, the
 * render's alpha in A) and the nearest input photo of each -> the repaired images, at the
 * renders' size. The model runs at modelSize (multiples of the contract's 16, longer side at most
 * `maxSide`), the result resized back. One call = one batch through the sampler, so a model that
 * batches (the ONNX session) sees N views at once.
 */
import { InputError } from '../../core/errors.ts';
import { resizeImage, type RGBAImage } from '../../core/image.ts';
import { sampleRepair, type Denoiser } from './sampler.ts';
import { modelSize, planesToImage, repairTensors } from './tensors.ts';

export interface RepairRequest {
  /** The render: RGB composited on the background it was rendered on, A = its alpha (coverage). */
  render: RGBAImage;
  /** The nearest input photo (any size: resized to the model's). */
  nearest: RGBAImage;
}

/**
 * Repaired images (opaque RGBA, each the size of its render), in order. `strength` and `steps`
 * override the repairer's own (the model manifest's) when given; `step` is the training step
 * whose cloud was rendered (co-regularisation keys its swap of renders on it).
 */
export type RepairFn = (requests: RepairRequest[], options: { seed: number; strength?: number; steps?: number; step?: number }) => Promise<RGBAImage[]>;

export interface RepairerOptions {
  strength: number;
  steps: number;
  /** Longest side the model runs at (default 256); smaller renders run at their own size. */
  maxSide?: number;
  /** Sides must be multiples of this (the contract's 16). */
  sizeMultiple?: number;
  /** Views per model call (default 4): bounds the memory of one batch. */
  batch?: number;
}

export function createRepairer(denoise: Denoiser, o: RepairerOptions): RepairFn {
  const multiple = o.sizeMultiple ?? 16;
  const maxSide = o.maxSide ?? 256;
  const batch = Math.max(1, o.batch ?? 4);
  return async (requests, { seed, strength = o.strength, steps = o.steps }) => {
    const out: RGBAImage[] = [];
    for (let b = 0; b < requests.length; b += batch) {
      const group = requests.slice(b, b + batch);
      const { width: rw, height: rh } = group[0].render;
      if (group.some((r) => r.render.width !== rw || r.render.height !== rh))
        throw new InputError('repair: the renders of one call must share a size');
      const size = modelSize(rw, rh, maxSide, multiple);
      const t = repairTensors(group.map((r) => r.render), group.map((r) => r.nearest), size.width, size.height);
      // One seed per batch, offset by its position: the same requests repair the same way.
      const x0 = await sampleRepair(denoise, t.render, t.cond, { n: group.length, ...size }, { strength, steps, seed: (seed + b) >>> 0 });
      group.forEach((r, i) => out.push(resizeImage(planesToImage(x0, i * 3 * size.width * size.height, size.width, size.height), r.render.width, r.render.height)));
    }
    return out;
  };
}
