/**
 * Splat dropout with opacity compensation around one training step (DropGaussian; see
 * dropoutReference.ts for the contract and why): apply() before the rasterizer's forward swaps
 * the opacity logits in the flat parameter buffer for the dropped/compensated ones and keeps the
 * originals; restore() after the backward puts them back and chains their gradient, so the
 * regularisers, the densification statistics' owner (the cloud) and Adam see the real logits.
 * Between the two, the parameter buffer holds the swapped logits: read the cloud's opacities
 * with readSavedLogits() there.
 */
import { readBuffer, storageBuffer } from '../buffers.ts';
import linearIndex from '../kernels/chunks/linearIndex.wgsl?raw';
import { composeWgsl, computePipeline, submitLinearPass } from '../pipelines.ts';
import type { FlatParamLayout } from '../../core/gaussianCloud.ts';
import dropoutWgsl from './dropout.wgsl?raw';
import { dropThreshold, pcgHash } from './dropoutReference.ts';

export class SplatDropout {
  private applyPipeline: GPUComputePipeline;
  private restorePipeline: GPUComputePipeline;
  private uniforms: GPUBuffer;
  private saved: GPUBuffer | null = null;
  private capacity = 0;
  private count = 0;

  constructor(private readonly device: GPUDevice) {
    const code = composeWgsl(linearIndex, dropoutWgsl);
    this.applyPipeline = computePipeline(device, 'dropoutApply', code, 'applyDropout');
    this.restorePipeline = computePipeline(device, 'dropoutRestore', code, 'restoreDropout');
    this.uniforms = device.createBuffer({ label: 'dropout uniforms', size: 32, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
  }

  /** Drops each of the first `count` splats with probability `rate` (0 <= rate < 1) for this step's `seed`. */
  apply(params: GPUBuffer, layout: FlatParamLayout, count: number, rate: number, seed: number): void {
    if (!(rate >= 0 && rate < 1)) throw new RangeError(`dropout rate must be in [0, 1), got ${rate}`);
    if (layout.capacity !== this.capacity) {
      this.saved?.destroy();
      this.saved = storageBuffer(this.device, 'dropout saved logits', 4 * layout.capacity);
      this.capacity = layout.capacity;
    }
    const b = new ArrayBuffer(32);
    new Uint32Array(b, 0, 4).set([count, layout.opacityLogits, pcgHash(seed >>> 0), dropThreshold(rate)]);
    new Float32Array(b, 16, 1)[0] = 1 / (1 - rate);
    this.device.queue.writeBuffer(this.uniforms, 0, b);
    this.count = count;
    this.dispatch(this.applyPipeline, [this.uniforms, params, this.saved!], count);
  }

  /** Puts the logits back and turns the swapped logits' gradient into the real ones'. */
  restore(params: GPUBuffer, grads: GPUBuffer): void {
    this.dispatch(this.restorePipeline, [this.uniforms, params, this.saved!, grads], this.count);
  }

  /** The real opacity logits while apply()'s swap is in place. */
  async readSavedLogits(count: number): Promise<Float32Array> {
    return new Float32Array(await readBuffer(this.device, this.saved!, 4 * count));
  }

  private dispatch(pipeline: GPUComputePipeline, buffers: GPUBuffer[], count: number): void {
    submitLinearPass(this.device, pipeline, buffers, count);
  }

  destroy(): void {
    this.saved?.destroy();
    this.uniforms.destroy();
  }
}
