/**
 * The small per-step kernels the trainer adds around the rasterizer: densification statistics
 * (after the backward) and regulariser gradients (before Adam). Their buffers live here and
 * are sized by the rasterizer's splat capacity.
 */
import { readBuffer, storageBuffer } from '../buffers.ts';
import linearIndex from '../kernels/chunks/linearIndex.wgsl?raw';
import { composeWgsl, computePipeline, submitLinearPass } from '../pipelines.ts';
import type { FlatParamLayout } from '../../core/gaussianCloud.ts';
import densifyStatsWgsl from './densifyStats.wgsl?raw';
import regularizersWgsl from './regularizers.wgsl?raw';

export interface RegularizerWeights {
  scale: number;
  opacity: number;
  /** Weight of the anisotropy bound (0 = off) and the largest scale ratio it allows. */
  aniso?: number;
  anisoMaxRatio?: number;
}

export class TrainExtras {
  private statsPipeline: GPUComputePipeline;
  private regPipeline: GPUComputePipeline;
  private statsUniforms: GPUBuffer;
  private regUniforms: GPUBuffer;
  private capacity = 0;
  gradNormSumFromSplat!: GPUBuffer;
  seenCountFromSplat!: GPUBuffer;

  constructor(private readonly device: GPUDevice) {
    this.statsPipeline = computePipeline(device, 'densifyStats', composeWgsl(linearIndex, densifyStatsWgsl));
    this.regPipeline = computePipeline(device, 'regularizers', composeWgsl(linearIndex, regularizersWgsl));
    this.statsUniforms = device.createBuffer({ label: 'densifyStats uniforms', size: 16, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
    this.regUniforms = device.createBuffer({ label: 'regularizers uniforms', size: 32, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
  }

  /** (Re)allocates and zeroes the statistics for `capacity` splats. */
  resetStats(capacity: number): void {
    if (capacity !== this.capacity) {
      this.gradNormSumFromSplat?.destroy();
      this.seenCountFromSplat?.destroy();
      this.gradNormSumFromSplat = storageBuffer(this.device, 'gradNormSumFromSplat', 4 * capacity);
      this.seenCountFromSplat = storageBuffer(this.device, 'seenCountFromSplat', 4 * capacity);
      this.capacity = capacity;
    } else {
      const enc = this.device.createCommandEncoder();
      enc.clearBuffer(this.gradNormSumFromSplat);
      enc.clearBuffer(this.seenCountFromSplat);
      this.device.queue.submit([enc.finish()]);
    }
  }

  gatherStats(gradProjectedFromSplat: GPUBuffer, count: number, width: number, height: number): void {
    const b = new ArrayBuffer(16);
    new Uint32Array(b, 0, 1)[0] = count;
    new Float32Array(b, 4, 2).set([width / 2, height / 2]);
    this.device.queue.writeBuffer(this.statsUniforms, 0, b);
    this.dispatch(this.statsPipeline, [this.statsUniforms, gradProjectedFromSplat, this.gradNormSumFromSplat, this.seenCountFromSplat], count);
  }

  addRegularizers(params: GPUBuffer, grads: GPUBuffer, layout: FlatParamLayout, count: number, w: RegularizerWeights): void {
    if (w.scale === 0 && w.opacity === 0 && !w.aniso) return;
    const b = new ArrayBuffer(32);
    new Uint32Array(b, 0, 4).set([count, layout.logScales, layout.opacityLogits, 0]);
    new Float32Array(b, 16, 4).set([w.scale, w.opacity, w.aniso ?? 0, w.anisoMaxRatio ?? 10]);
    this.device.queue.writeBuffer(this.regUniforms, 0, b);
    this.dispatch(this.regPipeline, [this.regUniforms, params, grads], count);
  }

  async readStats(count: number): Promise<{ gradAccum: Float32Array; gradCount: Float32Array }> {
    const [a, c] = await Promise.all([
      readBuffer(this.device, this.gradNormSumFromSplat, 4 * count),
      readBuffer(this.device, this.seenCountFromSplat, 4 * count),
    ]);
    return { gradAccum: new Float32Array(a), gradCount: new Float32Array(c) };
  }

  private dispatch(pipeline: GPUComputePipeline, buffers: GPUBuffer[], count: number): void {
    submitLinearPass(this.device, pipeline, buffers, count);
  }

  destroy(): void {
    this.gradNormSumFromSplat?.destroy();
    this.seenCountFromSplat?.destroy();
    this.statsUniforms.destroy();
    this.regUniforms.destroy();
  }
}
