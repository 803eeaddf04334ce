/**
 * The repair sampler of the contract (README.md): deterministic DDIM from an SDEdit start. The
 * render is noised to the strength t0 (so the model keeps what the render gets right and redraws
 * what it does not), then denoised in K steps; the result is the last predicted clean image.
 * Platform-agnostic: the model is any Denoiser (the ONNX session in the prior worker or in Node,
 * or a JavaScript reference in the tests). Float32 throughout, as the model's tensors are.
 */
import { mulberry32 } from '../../core/random.ts';
import { alphaBar, ddimTimes } from './schedule.ts';

/** The model: x0 (N*3*H*W) from noisy (N*3*H*W), cond (N*7*H*W) and t (N), NCHW planes. */
export type Denoiser = (input: { noisy: Float32Array; cond: Float32Array; t: Float32Array; n: number; height: number; width: number }) => Promise<Float32Array>;

export interface SampleOptions {
  /** SDEdit strength t0 in (0, 1]. */
  strength: number;
  /** DDIM steps K >= 1. */
  steps: number;
  /** Seed of the start noise eps. */
  seed: number;
}

/**
 * Standard normal noise, n values from `seed` (Box-Muller over mulberry32: the same numbers on
 * every engine, so a repair is reproducible and the tests can rebuild it).
 */
export function seededNoise(n: number, seed: number): Float32Array {
  const u = mulberry32(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i += 2) {
    const r = Math.sqrt(-2 * Math.log(1 - u()));
    const a = 2 * Math.PI * u();
    out[i] = r * Math.cos(a);
    if (i + 1 < n) out[i + 1] = r * Math.sin(a);
  }
  return out;
}

/**
 * Repairs a batch: `render` is N*3*H*W in [-1, 1] (the x the SDEdit start noises), `cond` the
 * contract's N*7*H*W conditioning. Returns the last x0^ clamped to [-1, 1] (N*3*H*W).
 */
export async function sampleRepair(
  denoise: Denoiser,
  render: Float32Array,
  cond: Float32Array,
  shape: { n: number; height: number; width: number },
  o: SampleOptions,
): Promise<Float32Array> {
  const { n, height, width } = shape;
  const size = n * 3 * height * width;
  if (render.length !== size) throw new RangeError(`sampleRepair: render has ${render.length} values, expected ${size}`);
  if (cond.length !== n * 7 * height * width) throw new RangeError(`sampleRepair: cond has ${cond.length} values, expected ${n * 7 * height * width}`);
  const times = ddimTimes(o.strength, o.steps);
  const eps = seededNoise(size, o.seed);
  const a0 = alphaBar(times[0]);
  const x = new Float32Array(size);
  for (let i = 0; i < size; i++) x[i] = Math.sqrt(a0) * render[i] + Math.sqrt(1 - a0) * eps[i];
  let x0: Float32Array = render;
  for (let k = 0; k < o.steps; k++) {
    const tk = times[k];
    x0 = await denoise({ noisy: x, cond, t: new Float32Array(n).fill(tk), n, height, width });
    if (x0.length !== size) throw new RangeError(`the repair model returned ${x0.length} values, expected ${size} (N x 3 x H x W)`);
    const ak = alphaBar(tk);
    const an = alphaBar(times[k + 1]);
    // At t_k > 0, 1 - alphaBar > 0 (t0 > 0 and the steps descend to 0 only at k = K).
    const sk = Math.sqrt(1 - ak);
    for (let i = 0; i < size; i++) {
      const epsHat = (x[i] - Math.sqrt(ak) * x0[i]) / sk;
      x[i] = Math.sqrt(an) * x0[i] + Math.sqrt(1 - an) * epsHat;
    }
  }
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) out[i] = Math.min(1, Math.max(-1, x0[i]));
  return out;
}
