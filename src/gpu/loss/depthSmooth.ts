/**
 * Depth smoothness at a pseudo view on the GPU (same definition as depthSmoothReference.ts,
 * which the tests hold it to): from the rasterizer's expected depth and coverage, dL/dA and dL/dD
 * for its depth backward. One dispatch, nothing read back (the trainer only needs the gradient).
 */
import { storageBuffer } from '../buffers.ts';
import linearIndex from '../kernels/chunks/linearIndex.wgsl?raw';
import { composeWgsl, computePipeline, submitLinearPass } from '../pipelines.ts';
import { checkDepthSmoothSettings, type DepthSmoothSettings } from './depthSmoothReference.ts';
import smoothWgsl from './depthSmooth.wgsl?raw';

export interface GpuDepthSmooth {
  readonly width: number;
  readonly height: number;
  /**
   * Queues the gradient of `depth` and `alpha` (the rasterizer's depthFromPixel and
   * alphaFromPixel) into the returned width*height f32 buffers, the same two each run.
   */
  run(depth: GPUBuffer, alpha: GPUBuffer, settings: DepthSmoothSettings): { dLdAlpha: GPUBuffer; dLdDepth: GPUBuffer };
  destroy(): void;
}

export function createDepthSmooth(device: GPUDevice, size: { width: number; height: number }): GpuDepthSmooth {
  const { width, height } = size;
  const pixels = width * height;
  const pipeline = computePipeline(device, 'depthSmooth', composeWgsl(linearIndex, smoothWgsl), 'depthSmooth');
  const uniforms = device.createBuffer({ label: 'depth smooth uniforms', size: 32, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
  const outputs = { dLdAlpha: storageBuffer(device, 'smoothDLdAlpha', 4 * pixels), dLdDepth: storageBuffer(device, 'smoothDLdDepth', 4 * pixels) };
  return {
    width,
    height,
    run(depth, alpha, s) {
      checkDepthSmoothSettings(width, height, s);
      if (depth.size < 4 * pixels || alpha.size < 4 * pixels) throw new Error(`depth smoothness: buffers smaller than ${width}x${height}`);
      const k = (width * width) / s.scale;
      const u = new ArrayBuffer(32);
      new Uint32Array(u, 0, 2).set([width, height]);
      new Float32Array(u, 8, 3).set([k, (2 * s.weight * k) / pixels, s.alphaMin]);
      device.queue.writeBuffer(uniforms, 0, u);
      submitLinearPass(device, pipeline, [uniforms, depth, alpha, outputs.dLdAlpha, outputs.dLdDepth], pixels);
      return outputs;
    },
    destroy() {
      uniforms.destroy();
      outputs.dLdAlpha.destroy();
      outputs.dLdDepth.destroy();
    },
  };
}
