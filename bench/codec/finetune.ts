/**
 * Quantisation-aware fine-tuning for the stream codec (bench:codec --finetune STEPS), with the
 * quantiser in the loop and a straight-through estimator: the continuous cloud x is what is
 * learnt, but every training step sees the cloud as the decoder will draw it, q(x) = decode(
 * encode(x)). The trainer (src/recon/train/trainer.ts) optimises a cloud it holds on the GPU, so
 * the loop runs in rounds: quantise x, train q(x) for a few steps (no densification, so the
 * splats stay the same ones), and add what those steps changed to x: x += train(q(x)) - q(x).
 * With one step a round that is exactly straight-through; a few steps a round make it cheaper
 * (each round re-encodes, which also re-fits the colour codebooks to the moved colours).
 *
 * `plainFinetune` runs the same steps without the quantiser: the control that tells how much of
 * a fine-tuned stream's PSNR comes from the extra training rather than from the quantiser's loop.
 */
import type { GaussianCloud } from '../../src/core/gaussianCloud.ts';
import type { Bounds } from '../../src/recon/hull/index.ts';
import { trainGaussians, type TrainView } from '../../src/recon/train/trainer.ts';
import { decodeStream, encodeStreamWithOrder, type EncodeStreamOptions } from '../../src/stream/index.ts';

export interface FinetuneOptions {
  /** Trainer steps in all (default 200). */
  steps?: number;
  /** Steps between re-quantisations (default 25). */
  stepsPerRound?: number;
  bounds?: Bounds;
  /** The scene's background (trainGaussians' `background`): what views without masks are composited on. */
  background?: readonly [number, number, number];
  encode?: EncodeStreamOptions;
  onRound?: (round: number, rounds: number) => void;
}

const CLOUD_KEYS = ['means', 'logScales', 'quats', 'opacityLogits', 'sh'] as const;

function copyCloud(c: GaussianCloud): GaussianCloud {
  return { ...c, means: c.means.slice(), logScales: c.logScales.slice(), quats: c.quats.slice(), opacityLogits: c.opacityLogits.slice(), sh: c.sh.slice() };
}

// finalPrune 0: the trainer's default final prune would drop splats, and the straight-through
// update below needs splat j of the result to be splat j of the input.
async function trainFrom(device: GPUDevice, views: readonly TrainView[], cloud: GaussianCloud, iterations: number, bounds: Bounds | undefined, background?: readonly [number, number, number]): Promise<GaussianCloud> {
  const res = await trainGaussians(device, views, { initialCloud: cloud, iterations, densify: false, finalPrune: 0, bounds, background, antialiased: !!cloud.antialiased, progressEvery: iterations });
  if (res.stopped) throw new Error(`fine-tuning stopped: ${res.stopped}`);
  if (res.cloud.count !== cloud.count) throw new Error(`fine-tuning changed the splat count (${cloud.count} -> ${res.cloud.count})`);
  return res.cloud;
}

/** The cloud after `steps` steps of quantisation-aware training; encode it with the same options. */
export async function quantisationAwareFinetune(device: GPUDevice, views: readonly TrainView[], cloud: GaussianCloud, opts: FinetuneOptions = {}): Promise<GaussianCloud> {
  const steps = opts.steps ?? 200;
  const per = Math.max(1, Math.min(steps, opts.stepsPerRound ?? 25));
  const rounds = Math.ceil(steps / per);
  const x = copyCloud(cloud);
  for (let r = 0; r < rounds; r++) {
    opts.onRound?.(r, rounds);
    const { bytes, order } = encodeStreamWithOrder(x, { cameras: views.map((v) => v.camera), ...opts.encode });
    const q = decodeStream(bytes).cloud;
    const y = await trainFrom(device, views, q, Math.min(per, steps - r * per), opts.bounds, opts.background);
    // Straight-through: the change the steps made to q(x) is applied to x (splat j of the
    // stream is x's splat order[j]; splats the encoder leaves out are not trained). A rotation
    // is stored with its largest component positive: x's quaternion takes q's sign and unit
    // length first, so that the change is added to the same rotation.
    for (let j = 0; j < order.length; j++) {
      const i = order[j];
      let dot = 0;
      for (let d = 0; d < 4; d++) dot += x.quats[4 * i + d] * q.quats[4 * j + d];
      const n = Math.hypot(x.quats[4 * i], x.quats[4 * i + 1], x.quats[4 * i + 2], x.quats[4 * i + 3]) || 1;
      for (let d = 0; d < 4; d++) x.quats[4 * i + d] *= (dot < 0 ? -1 : 1) / n;
    }
    for (const key of CLOUD_KEYS) {
      const stride = x[key].length / Math.max(1, x.count);
      const xs = x[key];
      const ys = y[key];
      const qs = q[key];
      for (let j = 0; j < order.length; j++) {
        const i = order[j];
        for (let d = 0; d < stride; d++) xs[i * stride + d] += ys[j * stride + d] - qs[j * stride + d];
      }
    }
  }
  return x;
}

/** The same number of steps, no quantiser: the control row. */
export function plainFinetune(device: GPUDevice, views: readonly TrainView[], cloud: GaussianCloud, opts: Pick<FinetuneOptions, 'steps' | 'bounds' | 'background'> = {}): Promise<GaussianCloud> {
  return trainFrom(device, views, cloud, opts.steps ?? 200, opts.bounds, opts.background);
}
