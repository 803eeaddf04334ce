/**
 * Gradient accumulation over two renders in one training step (co-regularisation's pseudo view
 * added to the input view, as CoR-GS sums the two losses). The rasterizer's backward overwrites
 * the flat gradient buffer, so the first backward's gradient is copied aside with save() and
 * added to the second's with addSaved() (gradAccumulate.wgsl), before the regularisers and Adam.
 */
import { copyBuffer, storageBuffer } from '../buffers.ts';
import linearIndex from '../kernels/chunks/linearIndex.wgsl?raw';
import { composeWgsl, computePipeline, submitLinearPass } from '../pipelines.ts';
import accumulateWgsl from './gradAccumulate.wgsl?raw';

/** What addSaved computes: grads + saved, element by element (the kernel's contract). */
export function addSavedReference(grads: ArrayLike<number>, saved: ArrayLike<number>): Float32Array {
  if (grads.length !== saved.length) throw new RangeError(`addSaved: ${grads.length} gradients but ${saved.length} saved`);
  return Float32Array.from(grads, (g, i) => g + saved[i]);
}

export class GradAccumulator {
  private pipeline: GPUComputePipeline;
  private uniforms: GPUBuffer;
  private saved: GPUBuffer | null = null;
  private savedBytes = 0;

  constructor(private readonly device: GPUDevice) {
    this.pipeline = computePipeline(device, 'gradAddSaved', composeWgsl(linearIndex, accumulateWgsl), 'addSaved');
    this.uniforms = device.createBuffer({ label: 'grad accumulate uniforms', size: 16, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
  }

  /** Copies `grads` aside (queued after the backward that wrote it). */
  save(grads: GPUBuffer): void {
    if (grads.size !== this.savedBytes) {
      // The rasterizer's buffers grow with the cloud: the copy follows its size.
      this.saved?.destroy();
      this.saved = storageBuffer(this.device, 'savedGradParamsFlat', grads.size);
      this.savedBytes = grads.size;
    }
    copyBuffer(this.device, grads, this.saved!, grads.size);
  }

  /** grads += the saved copy. `grads` must be the buffer save() copied (same size). */
  addSaved(grads: GPUBuffer): void {
    if (!this.saved || grads.size !== this.savedBytes) throw new Error('GradAccumulator.addSaved: nothing saved for a buffer of this size');
    const count = grads.size / 4;
    this.device.queue.writeBuffer(this.uniforms, 0, new Uint32Array([count, 0, 0, 0]));
    submitLinearPass(this.device, this.pipeline, [this.uniforms, grads, this.saved], count);
  }

  destroy(): void {
    this.saved?.destroy();
    this.uniforms.destroy();
  }
}
