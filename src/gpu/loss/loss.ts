/**
 * The photometric training loss on the GPU (same definition as lossReference.ts, which the tests
 * hold it to): L1 + D-SSIM on the render against the target over this step's background colour,
 * plus an alpha-vs-mask MSE, with dL/d(rgb) and dL/d(alpha) for the rasterizer's backward.
 *
 * One run = five dispatches in one compute pass, nothing read back:
 *   lossBlurForwardH    row blur of the 5 SSIM moments x 3 channels          -> scratch (15 planes)
 *   lossSsimForward     column blur, SSIM map, its partials, dL/dalpha, sums -> partials (9 planes)
 *   lossBlurBackwardH   row blur of the partials                             -> scratch (9 planes)
 *   lossGradient        column blur, chain rule, + L1 gradient               -> dLdRgb
 *   lossReduce          one workgroup: partial sums -> lossTerms (8 f32)
 * The row-blurred moments are dead once the SSIM map exists, so the backward's row blur reuses
 * their buffer (dispatches in one pass see each other's writes).
 *
 * Targets are uploaded once per view (packLossTarget): one u32 per pixel, RGBA8 with the mask in
 * the A byte (the target's own alpha is not used by the loss), so a view is one buffer.
 */
import { readBuffer, storageBuffer, uniformBuffer } from '../buffers.ts';
import { bindBuffers, computePipeline, dispatchLinear } from '../pipelines.ts';
import { LOSS_WGSL } from './lossKernels.ts';
import { DEFAULT_LOSS_WEIGHTS, type LossTerms, type LossWeights, type Rgb } from './lossReference.ts';

export { DEFAULT_LOSS_WEIGHTS } from './lossReference.ts';
export type { LossTerms, LossWeights, Rgb } from './lossReference.ts';

const WG = 256;
const UNIFORM_BYTES = 48;
/** Bytes of the lossTerms buffer: 8 f32, the first five in LossTerms order. */
export const LOSS_TERMS_BYTES = 32;
/** Index of each value in the lossTerms buffer. */
export const LOSS_TERM_INDEX = { loss: 0, l1: 1, ssim: 2, maskMse: 3, mse: 4 } as const;
/** f32 per pixel of the scratch buffer (the 15 row-blurred moment planes). */
const SCRATCH_PLANES = 15;
const PARTIAL_PLANES = 9;

export interface LossSize {
  width: number;
  height: number;
}

/** A view's target on the GPU; make it once per view with GpuLoss.uploadTarget. */
export interface LossTarget {
  readonly buffer: GPUBuffer;
  readonly width: number;
  readonly height: number;
  readonly hasMask: boolean;
  destroy(): void;
}

export interface LossOutputs {
  /** width*height*3 f32, interleaved (the rasterizer's dLdRgb). Owned by the loss; overwritten by each run. */
  dLdRgb: GPUBuffer;
  /** width*height f32 (the rasterizer's dLdAlpha); all zero without a mask. */
  dLdAlpha: GPUBuffer;
  /** LOSS_TERMS_BYTES: [loss, l1, ssim, maskMse, mse, 0, 0, 0] as f32. */
  lossTerms: GPUBuffer;
}

export interface GpuLoss {
  readonly width: number;
  readonly height: number;
  /** Target RGBA8 (width*height*4, alpha ignored) and optional mask (width*height, nonzero = object). */
  uploadTarget(rgba: Uint8Array | Uint8ClampedArray, mask: Uint8Array | null, label?: string): LossTarget;
  /**
   * Encodes the loss of `rgb` (width*height*3 f32, composited over `background`) and `alpha`
   * (width*height f32) against `target`. With an encoder the passes are recorded and the caller
   * submits; with null they are submitted at once. The per-step values (background, weights)
   * go through queue.writeBuffer, which lands before the next submit: record at most one run per
   * submitted command buffer, or the last run's values apply to all of them.
   */
  run(
    encoder: GPUCommandEncoder | null,
    rgb: GPUBuffer,
    alpha: GPUBuffer,
    target: LossTarget,
    background: Rgb,
    weights?: Partial<LossWeights>,
  ): LossOutputs;
  /** The buffers every run() writes (the same ones each time). */
  readonly outputs: LossOutputs;
  /** Reads lossTerms back (stalls: tests, CLI; a trainer copies the 32 bytes into its own read-back ring). */
  readTerms(): Promise<LossTerms>;
  destroy(): void;
}

export function decodeLossTerms(bytes: ArrayBuffer): LossTerms {
  const f = new Float32Array(bytes, 0, 5);
  return { loss: f[0], l1: f[1], ssim: f[2], maskMse: f[3], mse: f[4] };
}

/** One u32 per pixel: R | G << 8 | B << 16 | A << 24 with A = 255 on the mask, 0 off it (255 without a mask). */
export function packLossTarget(rgba: Uint8Array | Uint8ClampedArray, mask: Uint8Array | null, width: number, height: number): Uint32Array {
  const n = width * height;
  if (rgba.length !== 4 * n) throw new RangeError(`loss target: ${rgba.length} bytes for ${width}x${height} RGBA, expected ${4 * n}`);
  if (mask && mask.length !== n) throw new RangeError(`loss target: mask has ${mask.length} bytes, expected ${n}`);
  const out = new Uint32Array(n);
  for (let p = 0; p < n; p++) {
    const a = !mask || mask[p] !== 0 ? 255 : 0;
    out[p] = (rgba[4 * p] | (rgba[4 * p + 1] << 8) | (rgba[4 * p + 2] << 16) | (a << 24)) >>> 0;
  }
  return out;
}

function packUniforms(size: LossSize, hasMask: boolean, pixelGroups: number, background: Rgb, w: LossWeights): ArrayBuffer {
  const buf = new ArrayBuffer(UNIFORM_BYTES);
  const u = new Uint32Array(buf);
  const f = new Float32Array(buf);
  u[0] = size.width;
  u[1] = size.height;
  u[2] = hasMask ? 1 : 0;
  u[3] = pixelGroups;
  f[4] = background[0];
  f[5] = background[1];
  f[6] = background[2];
  f[8] = w.ssimWeight;
  f[9] = w.maskWeight;
  f[10] = w.viewWeight ?? 1;
  return buf;
}

export function createLoss(device: GPUDevice, size: LossSize): GpuLoss {
  const { width, height } = size;
  const n = width * height;
  if (!(Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0))
    throw new RangeError(`createLoss: bad size ${width}x${height}`);
  const scratchBytes = 4 * SCRATCH_PLANES * n;
  if (scratchBytes > device.limits.maxStorageBufferBindingSize)
    throw new RangeError(
      `createLoss: ${width}x${height} needs a ${scratchBytes}-byte scratch buffer, over this device's ` +
        `maxStorageBufferBindingSize (${device.limits.maxStorageBufferBindingSize}); train at a lower resolution`,
    );
  const pixelGroups = Math.ceil(n / WG);

  const pipelines = {
    blurForwardH: computePipeline(device, 'lossBlurForwardH', LOSS_WGSL.lossBlurForwardH),
    ssimForward: computePipeline(device, 'lossSsimForward', LOSS_WGSL.lossSsimForward),
    blurBackwardH: computePipeline(device, 'lossBlurBackwardH', LOSS_WGSL.lossBlurBackwardH),
    gradient: computePipeline(device, 'lossGradient', LOSS_WGSL.lossGradient),
    reduce: computePipeline(device, 'lossReduce', LOSS_WGSL.lossReduce),
  };
  const uniforms = uniformBuffer(device, 'loss uniforms', new ArrayBuffer(UNIFORM_BYTES));
  const scratch = storageBuffer(device, 'loss scratch', scratchBytes);
  const partials = storageBuffer(device, 'loss ssim partials', 4 * PARTIAL_PLANES * n);
  const groupSums = storageBuffer(device, 'loss group sums', 16 * pixelGroups);
  const dLdRgb = storageBuffer(device, 'loss dLdRgb', 12 * n);
  const dLdAlpha = storageBuffer(device, 'loss dLdAlpha', 4 * n);
  const lossTerms = storageBuffer(device, 'loss terms', LOSS_TERMS_BYTES);
  const outputs: LossOutputs = { dLdRgb, dLdAlpha, lossTerms };

  const fixedGroups = {
    blurBackwardH: bindBuffers(device, pipelines.blurBackwardH, 'lossBlurBackwardH', [uniforms, partials, scratch]),
    reduce: bindBuffers(device, pipelines.reduce, 'lossReduce', [uniforms, groupSums, lossTerms]),
  };
  // The trainer binds the same render buffers every step and switches targets per view.
  let inputGroups: { key: [GPUBuffer, GPUBuffer, GPUBuffer]; blurForwardH: GPUBindGroup; ssimForward: GPUBindGroup; gradient: GPUBindGroup } | null = null;

  function groupsFor(rgb: GPUBuffer, alpha: GPUBuffer, target: GPUBuffer) {
    const k = inputGroups?.key;
    if (inputGroups && k && k[0] === rgb && k[1] === alpha && k[2] === target) return inputGroups;
    inputGroups = {
      key: [rgb, alpha, target],
      blurForwardH: bindBuffers(device, pipelines.blurForwardH, 'lossBlurForwardH', [uniforms, rgb, target, scratch]),
      ssimForward: bindBuffers(device, pipelines.ssimForward, 'lossSsimForward', [uniforms, rgb, alpha, target, scratch, partials, dLdAlpha, groupSums]),
      gradient: bindBuffers(device, pipelines.gradient, 'lossGradient', [uniforms, rgb, target, scratch, dLdRgb]),
    };
    return inputGroups;
  }

  return {
    width,
    height,
    uploadTarget(rgba, mask, label = 'loss target') {
      const packed = packLossTarget(rgba, mask, width, height);
      const buffer = storageBuffer(device, label, packed.byteLength);
      device.queue.writeBuffer(buffer, 0, packed);
      return { buffer, width, height, hasMask: mask !== null, destroy: () => buffer.destroy() };
    },
    run(encoder, rgb, alpha, target, background, weights = {}) {
      if (target.width !== width || target.height !== height)
        throw new RangeError(`loss: target is ${target.width}x${target.height}, the loss ${width}x${height}`);
      if (rgb.size < 12 * n) throw new RangeError(`loss: rgb buffer has ${rgb.size} bytes, needs ${12 * n}`);
      if (alpha.size < 4 * n) throw new RangeError(`loss: alpha buffer has ${alpha.size} bytes, needs ${4 * n}`);
      const w: LossWeights = { ...DEFAULT_LOSS_WEIGHTS, ...weights };
      device.queue.writeBuffer(uniforms, 0, packUniforms(size, target.hasMask, pixelGroups, background, w));
      const groups = groupsFor(rgb, alpha, target.buffer);
      const enc = encoder ?? device.createCommandEncoder({ label: 'loss' });
      const pass = enc.beginComputePass({ label: 'loss' });
      const perPixel: [GPUComputePipeline, GPUBindGroup][] = [
        [pipelines.blurForwardH, groups.blurForwardH],
        [pipelines.ssimForward, groups.ssimForward],
        [pipelines.blurBackwardH, fixedGroups.blurBackwardH],
        [pipelines.gradient, groups.gradient],
      ];
      for (const [pipeline, group] of perPixel) {
        pass.setPipeline(pipeline);
        pass.setBindGroup(0, group);
        dispatchLinear(pass, n, WG);
      }
      pass.setPipeline(pipelines.reduce);
      pass.setBindGroup(0, fixedGroups.reduce);
      pass.dispatchWorkgroups(1);
      pass.end();
      if (!encoder) device.queue.submit([enc.finish()]);
      return outputs;
    },
    outputs,
    async readTerms() {
      return decodeLossTerms(await readBuffer(device, lossTerms, LOSS_TERMS_BYTES));
    },
    destroy() {
      for (const b of [uniforms, scratch, partials, groupSums, dLdRgb, dLdAlpha, lossTerms]) b.destroy();
      inputGroups = null;
    },
  };
}
