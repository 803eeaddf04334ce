/**
 * The pseudo-view photo-consistency's part of a training run (photoConsistency.ts): a fixed set of
 * pseudo views between the inputs, each with its two nearest inputs; which one a step adds; and
 * the inputs' own surfaces that say what each input can see (remade every REFRESH_EVERY steps).
 *
 * A photo-consistency step (every photoConsistencyEvery-th step from photoConsistencyStart of the
 * run) adds pseudo view floor(step / every) mod count: the trainer renders it with depth and hands
 * the kernel's gradient (src/gpu/loss/photoConsistency.ts, nothing read back) to the rasterizer's
 * backward. Which view a step adds depends on the step alone, so a resumed run adds the same ones.
 */
import type { Camera, Vec3 } from '../../core/camera.ts';
import type { RGBAImage } from '../../core/image.ts';
import { inputsByAngle, sampleNovelViews } from '../prior/novelViews.ts';
import { createPhotoConsistency, type GpuPhotoConsistency } from '../../gpu/loss/photoConsistency.ts';
import type { TrainOptions } from './trainOptions.ts';
import type { RenderWithDepth } from './warpStage.ts';

/** Pseudo views the stage cycles through. */
const VIEWS = 16;
/** Steps between remakes of the inputs' renders (their occlusion). */
const REFRESH_EVERY = 100;

/**
 * The photo's RGB as floats, blurred both ways by `passes` passes of [1 2 1] / 4 (edges clamped):
 * a wider basin for the gradient. The passes are applied as their one binomial kernel, C(2n, k) /
 * 4^n (variance n / 2 px^2), cut at 4 sigma, so a wide blur on a large photo stays cheap.
 */
export function blurredRgb(img: RGBAImage, passes = 1): Float32Array {
  const { width: w, height: h, data } = img;
  const kernel = binomialKernel(Math.max(1, Math.round(passes)));
  const r = (kernel.length - 1) / 2;
  const tmp = new Float32Array(3 * w * h), out = new Float32Array(3 * w * h);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++)
      for (let c = 0; c < 3; c++) {
        let v = 0;
        for (let k = -r; k <= r; k++) v += kernel[k + r] * data[4 * (y * w + Math.min(w - 1, Math.max(0, x + k))) + c];
        tmp[3 * (y * w + x) + c] = v / 255;
      }
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++)
      for (let c = 0; c < 3; c++) {
        let v = 0;
        for (let k = -r; k <= r; k++) v += kernel[k + r] * tmp[3 * (Math.min(h - 1, Math.max(0, y + k)) * w + x) + c];
        out[3 * (y * w + x) + c] = v;
      }
  return out;
}

/** n passes of [1 2 1] / 4 as one kernel: C(2n, n + k) / 4^n for |k| <= min(n, 4 sigma), summing to 1. */
function binomialKernel(n: number): Float64Array {
  const r = Math.min(n, Math.ceil(4 * Math.sqrt(n / 2)));
  // In logs: C(2n, n + k) overflows doubles past n ~ 500.
  const logFactorial = new Float64Array(2 * n + 1);
  for (let i = 1; i <= 2 * n; i++) logFactorial[i] = logFactorial[i - 1] + Math.log(i);
  const kernel = new Float64Array(2 * r + 1);
  for (let k = -r; k <= r; k++) kernel[k + r] = Math.exp(logFactorial[2 * n] - logFactorial[n + k] - logFactorial[n - k] - 2 * n * Math.LN2);
  const sum = kernel.reduce((s, v) => s + v, 0);
  return kernel.map((v) => v / sum);
}

/** [1 2 1] passes whose blur has sigma `fraction` of the long side (variance n / 2 px^2); 0: one pass. */
export function blurPasses(fraction: number, width: number, height: number): number {
  if (!(fraction > 0)) return 1;
  const sigma = fraction * Math.max(width, height);
  return Math.max(1, Math.round(2 * sigma * sigma));
}

export interface PhotoConsistencyStageInput {
  device: GPUDevice;
  views: readonly { camera: Camera; rgba: RGBAImage; mask?: Uint8Array | null }[];
  centre: Vec3;
  background: [number, number, number];
  options: Pick<TrainOptions, 'iterations' | 'photoConsistencyWeight' | 'photoConsistencyStart' | 'photoConsistencyEvery' | 'photoConsistencyBlur'>;
}

export function createPhotoConsistencyStage(input: PhotoConsistencyStageInput) {
  const { views, options: o } = input;
  const cameras = views.map((v) => v.camera);
  const { width, height } = cameras[0];
  const pseudo = views.length < 2 ? [] : sampleNovelViews(cameras, input.centre, { count: VIEWS, outsideShare: 0 });
  const pairs = pseudo.map((p) => inputsByAngle(p.camera, cameras, input.centre).slice(0, 2) as [number, number]);
  const passes = blurPasses(o.photoConsistencyBlur, width, height);
  const gpu: GpuPhotoConsistency = createPhotoConsistency(input.device, { width, height }, views.map((v) => ({ rgb: blurredRgb(v.rgba, passes), mask: v.mask ?? null })));
  const start = Math.max(1, Math.round(o.photoConsistencyStart * o.iterations));
  let refreshed = -Infinity;
  let current: Camera[] = cameras;

  return {
    /** The pseudo view `step` adds (remaking the inputs' surfaces first when due), or null. */
    async beforeStep(step: number, render: RenderWithDepth, inputCameras: () => Camera[]): Promise<{ index: number; camera: Camera } | null> {
      if (pseudo.length === 0 || step < start || step % o.photoConsistencyEvery !== 0) return null;
      current = inputCameras();
      if (step - refreshed >= REFRESH_EVERY) {
        gpu.setSurfaces(await render(current, input.background));
        refreshed = step;
      }
      const index = Math.floor(step / o.photoConsistencyEvery) % pseudo.length;
      return { index, camera: pseudo[index].camera };
    },
    /** Queues the gradient of pseudo view `index`'s render (the rasterizer's depth and coverage buffers). */
    gradient(index: number, depth: GPUBuffer, alpha: GPUBuffer): { dLdDepth: GPUBuffer; dLdAlpha: GPUBuffer } {
      const [a, b] = pairs[index];
      return gpu.run(depth, alpha, pseudo[index].camera, { index: a, camera: current[a] }, { index: b, camera: current[b] }, { weight: o.photoConsistencyWeight });
    },
    destroy(): void {
      gpu.destroy();
    },
  };
}

export type PhotoConsistencyStage = ReturnType<typeof createPhotoConsistencyStage>;
