/**
 * Photo-consistency of a pseudo view's surface on the GPU (same definition as
 * photoConsistencyReference.ts, which the tests hold it to): from the rasterizer's expected depth
 * and coverage at a pseudo camera, dL/dD and dL/dA for its depth backward, against two of the
 * input photos. One dispatch, nothing read back.
 *
 * The inputs' blurred photos and masks are uploaded once, RGBA8 (one u32 a pixel: for nine views
 * 36 bytes a training pixel, under the loss's own 60, so a size the loss fits this fits too);
 * their surfaces (the cloud's depth from each input, for occlusion; f32, as many bytes) whenever
 * the trainer remakes them. The kernel reads the photos as 8-bit: quantisedRgb says what it sees.
 */
import type { Camera } from '../../core/camera.ts';
import { cameraCenter } from '../../core/camera.ts';
import { storageBuffer, writeBytes, writeFloats } from '../buffers.ts';
import linearIndex from '../kernels/chunks/linearIndex.wgsl?raw';
import { composeWgsl, computePipeline, submitLinearPass } from '../pipelines.ts';
import consistencyWgsl from './photoConsistency.wgsl?raw';

/** The photo's RGB as the kernel reads it: each value rounded to 8 bits (for the reference). */
export function quantisedRgb(rgb: Float32Array): Float32Array {
  return rgb.map((v) => Math.round(Math.min(1, Math.max(0, v)) * 255) / 255);
}

export interface ConsistencyPhoto {
  /** width*height*3, 0..1 (blurred as the trainer wants it; the kernel reads it rounded to 8 bits). */
  rgb: Float32Array;
  /** width*height, nonzero = object; null: every pixel. */
  mask: Uint8Array | null;
}

export interface ConsistencySettings {
  weight: number;
  /** Default 0.5. */
  alphaMin?: number;
  /** Default 0.05. */
  occlusion?: number;
  /** Default 0.01. */
  eps?: number;
}

export interface GpuPhotoConsistency {
  readonly width: number;
  readonly height: number;
  /** The cloud's coverage and expected depth from each input, in the photos' order (for occlusion). */
  setSurfaces(surfaces: readonly { alpha: Float32Array; depth: Float32Array }[], alphaMin?: number): void;
  /**
   * Queues the loss per pixel and the gradient of `depth` and `alpha` (the rasterizer's
   * depthFromPixel and alphaFromPixel, rendered from `camera`) against inputs `a` and `b` (indices
   * into the photos, with their cameras now) into the returned buffers, the same ones each run.
   */
  run(depth: GPUBuffer, alpha: GPUBuffer, camera: Camera, a: { index: number; camera: Camera }, b: { index: number; camera: Camera }, s: ConsistencySettings): { lossFromPixel: GPUBuffer; dLdDepth: GPUBuffer; dLdAlpha: GPUBuffer };
  destroy(): void;
}

const UNIFORM_BYTES = 32 + 3 * 64;

/** A pose's 16 floats: R rows with `w` in the 4th column, then fx, fy, cx, cy. */
function pose(cam: Camera, w: readonly number[]): number[] {
  const R = cam.R;
  return [R[0], R[1], R[2], w[0], R[3], R[4], R[5], w[1], R[6], R[7], R[8], w[2], cam.fx, cam.fy, cam.cx, cam.cy];
}

export function createPhotoConsistency(device: GPUDevice, size: { width: number; height: number }, photos: readonly ConsistencyPhoto[]): GpuPhotoConsistency {
  const { width, height } = size;
  const pixels = width * height;
  for (const ph of photos)
    if (ph.rgb.length !== 3 * pixels || (ph.mask && ph.mask.length !== pixels)) throw new RangeError(`photo-consistency: a photo is not ${width}x${height}`);
  const bytes = 4 * pixels * Math.max(1, photos.length);
  if (bytes > device.limits.maxStorageBufferBindingSize)
    throw new RangeError(
      `photo-consistency: ${photos.length} photos of ${width}x${height} need ${bytes} bytes, over this device's maxStorageBufferBindingSize ` +
        `(${device.limits.maxStorageBufferBindingSize}); turn the photo-consistency off (--photo-consistency 0) or train at a lower resolution`,
    );
  const pipeline = computePipeline(device, 'photoConsistency', composeWgsl(linearIndex, consistencyWgsl), 'photoConsistency');
  const uniforms = device.createBuffer({ label: 'photo-consistency uniforms', size: UNIFORM_BYTES, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
  const photoFromInputPixel = storageBuffer(device, 'photoFromInputPixel', bytes);
  const surfaceFromInputPixel = storageBuffer(device, 'surfaceFromInputPixel', bytes);
  // RGBA8 in a u32, R in the low byte (unpack4x8unorm's order).
  const packed = new Uint8Array(4 * pixels * Math.max(1, photos.length));
  photos.forEach((ph, k) => {
    for (let p = 0; p < pixels; p++) {
      const o = 4 * (k * pixels + p);
      for (let c = 0; c < 3; c++) packed[o + c] = Math.round(Math.min(1, Math.max(0, ph.rgb[3 * p + c])) * 255);
      packed[o + 3] = !ph.mask || ph.mask[p] !== 0 ? 255 : 0;
    }
  });
  writeBytes(device, photoFromInputPixel, packed);
  // No surfaces yet: nothing hides anything.
  writeFloats(device, surfaceFromInputPixel, new Float32Array(pixels * photos.length).fill(-1));
  const outputs = {
    lossFromPixel: storageBuffer(device, 'consistencyLossFromPixel', 4 * pixels),
    dLdDepth: storageBuffer(device, 'consistencyDLdDepth', 4 * pixels),
    dLdAlpha: storageBuffer(device, 'consistencyDLdAlpha', 4 * pixels),
  };
  return {
    width,
    height,
    setSurfaces(surfaces, alphaMin = 0.5) {
      if (surfaces.length !== photos.length) throw new RangeError(`photo-consistency: ${surfaces.length} surfaces for ${photos.length} photos`);
      const out = new Float32Array(pixels * photos.length);
      surfaces.forEach((s, k) => {
        for (let p = 0; p < pixels; p++) out[k * pixels + p] = s.alpha[p] >= alphaMin ? s.depth[p] / s.alpha[p] : -1;
      });
      writeFloats(device, surfaceFromInputPixel, out);
    },
    run(depth, alpha, camera, a, b, s) {
      if (depth.size < 4 * pixels || alpha.size < 4 * pixels) throw new Error(`photo-consistency: buffers smaller than ${width}x${height}`);
      for (const k of [a.index, b.index]) if (!(k >= 0 && k < photos.length)) throw new RangeError(`photo-consistency: no photo ${k}`);
      const u = new ArrayBuffer(UNIFORM_BYTES);
      new Uint32Array(u, 0, 4).set([width, height, a.index * pixels, b.index * pixels]);
      new Float32Array(u, 16, 4).set([s.weight / pixels, s.alphaMin ?? 0.5, s.occlusion ?? 0.05, s.eps ?? 0.01]);
      new Float32Array(u, 32, 48).set([...pose(camera, cameraCenter(camera)), ...pose(a.camera, a.camera.t), ...pose(b.camera, b.camera.t)]);
      device.queue.writeBuffer(uniforms, 0, u);
      submitLinearPass(device, pipeline, [uniforms, depth, alpha, photoFromInputPixel, surfaceFromInputPixel, outputs.lossFromPixel, outputs.dLdDepth, outputs.dLdAlpha], pixels);
      return outputs;
    },
    destroy() {
      uniforms.destroy();
      photoFromInputPixel.destroy();
      surfaceFromInputPixel.destroy();
      outputs.lossFromPixel.destroy();
      outputs.dLdDepth.destroy();
      outputs.dLdAlpha.destroy();
    },
  };
}
