/**
 * The depth loss on the GPU (same definition as depthLossReference.ts, which the tests hold it
 * to): weight * mean over patches of (1 - Pearson r) between the rasterizer's expected depth and
 * a view's depth-like target, with dL/d(depth) for the rasterizer's backward.
 *
 * One run = three dispatches in one compute pass, nothing read back:
 *   depthPatchStats     one workgroup per patch: means, centred sums, r   -> patchStats
 *   depthLossReduce     one workgroup: valid patches and mean r           -> depthTerms (4 f32)
 *   depthLossGradient   one thread per pixel                              -> dLdDepth
 *
 * Targets are uploaded once per view (uploadTarget): 2 f32 per pixel, the value and whether the
 * pixel counts (on the view's mask, or every pixel without one).
 */
import { readBuffer, storageBuffer, uniformBuffer } from '../buffers.ts';
import { bindBuffers, computePipeline, dispatchLinear } from '../pipelines.ts';
import { DEPTH_LOSS_WGSL } from './lossKernels.ts';
import { checkDepthLossSettings, DEPTH_VAR_FLOOR, depthPatchGrid, depthPatchMinPixels } from './depthLossReference.ts';

const UNIFORM_BYTES = 48;
const PATCH_FLOATS = 8;
/** Bytes of the depthTerms buffer: loss, mean r, valid patches, -weight / K (f32). */
export const DEPTH_TERMS_BYTES = 16;

export interface DepthTerms {
  /** weight * (1 - mean r); 0 without a valid patch. */
  loss: number;
  /** Mean Pearson r over the valid patches. */
  pearson: number;
  patches: number;
}

export function decodeDepthTerms(bytes: ArrayBuffer, offset = 0): DepthTerms {
  const f = new Float32Array(bytes, offset, 3);
  return { loss: f[0], pearson: f[1], patches: f[2] };
}

/** A view's depth target on the GPU (uploadTarget). */
export interface DepthTarget {
  readonly buffer: GPUBuffer;
  destroy(): void;
}

export interface DepthLossOutputs {
  /** width*height f32, the rasterizer's dLdDepth. Overwritten by each run. */
  dLdDepth: GPUBuffer;
  /** DEPTH_TERMS_BYTES. */
  depthTerms: GPUBuffer;
}

export interface GpuDepthLoss {
  readonly width: number;
  readonly height: number;
  readonly patchSize: number;
  /** `depth` (width*height, depth-like) and an optional mask (nonzero = the pixel counts). */
  uploadTarget(depth: Float32Array, mask: Uint8Array | null, label?: string): DepthTarget;
  /**
   * Encodes the loss of `depth` (the rasterizer's depthFromPixel) against `target`, the patch grid
   * shifted by `offset` (each in [0, patchSize)). With an encoder the pass is recorded and the
   * caller submits; the uniforms go through queue.writeBuffer, so record at most one run per
   * submitted command buffer.
   */
  run(encoder: GPUCommandEncoder | null, depth: GPUBuffer, target: DepthTarget, weight: number, offset: readonly [number, number]): DepthLossOutputs;
  readonly outputs: DepthLossOutputs;
  /** Reads depthTerms back (stalls: tests; a trainer piggybacks the 16 bytes on its one read). */
  readTerms(): Promise<DepthTerms>;
  destroy(): void;
}

/** The target's 2 floats per pixel: value, and 1 where the pixel counts (on the mask) else 0. */
export function packDepthTarget(depth: ArrayLike<number>, mask: Uint8Array | null, width: number, height: number): Float32Array {
  const n = width * height;
  if (depth.length !== n) throw new RangeError(`depth target: ${depth.length} values for ${width}x${height}`);
  if (mask && mask.length !== n) throw new RangeError(`depth target: mask has ${mask.length} bytes, expected ${n}`);
  const out = new Float32Array(2 * n);
  for (let p = 0; p < n; p++) {
    const ok = (!mask || mask[p] !== 0) && Number.isFinite(depth[p]);
    out[2 * p] = ok ? depth[p] : 0;
    out[2 * p + 1] = ok ? 1 : 0;
  }
  return out;
}

export function createDepthLoss(device: GPUDevice, size: { width: number; height: number }, patchSize: number): GpuDepthLoss {
  const { width, height } = size;
  checkDepthLossSettings(width, height, { weight: 0, patchSize, offset: [0, 0] });
  const n = width * height;
  // The grid is largest with the largest shift.
  const [maxX, maxY] = depthPatchGrid(width, height, patchSize, [patchSize - 1, patchSize - 1]);
  const pipelines = {
    stats: computePipeline(device, 'depthPatchStats', DEPTH_LOSS_WGSL.depthPatchStats),
    reduce: computePipeline(device, 'depthLossReduce', DEPTH_LOSS_WGSL.depthLossReduce),
    gradient: computePipeline(device, 'depthLossGradient', DEPTH_LOSS_WGSL.depthLossGradient),
  };
  const uniforms = uniformBuffer(device, 'depth loss uniforms', new ArrayBuffer(UNIFORM_BYTES));
  const patchStats = storageBuffer(device, 'depth patch stats', 4 * PATCH_FLOATS * maxX * maxY);
  const dLdDepth = storageBuffer(device, 'depth loss dLdDepth', 4 * n);
  const depthTerms = storageBuffer(device, 'depth loss terms', DEPTH_TERMS_BYTES);
  const outputs: DepthLossOutputs = { dLdDepth, depthTerms };
  const reduceGroup = bindBuffers(device, pipelines.reduce, 'depthLossReduce', [uniforms, patchStats, depthTerms]);
  let groups: { depth: GPUBuffer; target: GPUBuffer; stats: GPUBindGroup; gradient: GPUBindGroup } | null = null;

  return {
    width,
    height,
    patchSize,
    uploadTarget(depth, mask, label = 'depth target') {
      const packed = packDepthTarget(depth, mask, width, height);
      const buffer = storageBuffer(device, label, packed.byteLength);
      device.queue.writeBuffer(buffer, 0, packed);
      return { buffer, destroy: () => buffer.destroy() };
    },
    run(encoder, depth, target, weight, offset) {
      checkDepthLossSettings(width, height, { weight, patchSize, offset });
      if (depth.size < 4 * n) throw new RangeError(`depth loss: depth buffer has ${depth.size} bytes, needs ${4 * n}`);
      const [px, py] = depthPatchGrid(width, height, patchSize, offset);
      const buf = new ArrayBuffer(UNIFORM_BYTES);
      const u = new Uint32Array(buf);
      const f = new Float32Array(buf);
      u.set([width, height, patchSize, depthPatchMinPixels(patchSize, width, height), offset[0], offset[1], px, py]);
      f[8] = weight;
      f[9] = DEPTH_VAR_FLOOR;
      device.queue.writeBuffer(uniforms, 0, buf);
      if (!groups || groups.depth !== depth || groups.target !== target.buffer) {
        groups = {
          depth,
          target: target.buffer,
          stats: bindBuffers(device, pipelines.stats, 'depthPatchStats', [uniforms, depth, target.buffer, patchStats]),
          gradient: bindBuffers(device, pipelines.gradient, 'depthLossGradient', [uniforms, depth, target.buffer, patchStats, depthTerms, dLdDepth]),
        };
      }
      const enc = encoder ?? device.createCommandEncoder({ label: 'depth loss' });
      const pass = enc.beginComputePass({ label: 'depth loss' });
      pass.setPipeline(pipelines.stats);
      pass.setBindGroup(0, groups.stats);
      pass.dispatchWorkgroups(px, py);
      pass.setPipeline(pipelines.reduce);
      pass.setBindGroup(0, reduceGroup);
      pass.dispatchWorkgroups(1);
      pass.setPipeline(pipelines.gradient);
      pass.setBindGroup(0, groups.gradient);
      dispatchLinear(pass, n, 256);
      pass.end();
      if (!encoder) device.queue.submit([enc.finish()]);
      return outputs;
    },
    outputs,
    async readTerms() {
      return decodeDepthTerms(await readBuffer(device, depthTerms, DEPTH_TERMS_BYTES));
    },
    destroy() {
      for (const b of [uniforms, patchStats, dLdDepth, depthTerms]) b.destroy();
      groups = null;
    },
  };
}
