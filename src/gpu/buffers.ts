/** Small helpers for storage buffers and test/debug read-backs. */
import { CLOUD_ARRAY_KEYS, type CloudArrays, type FlatParamLayout } from '../core/gaussianCloud.ts';

/** Storage buffer of at least `bytes` (rounded up to 4, never empty: WebGPU rejects 0-size bindings). */
export function storageBuffer(device: GPUDevice, label: string, bytes: number, extraUsage = 0): GPUBuffer {
  return device.createBuffer({
    label,
    size: Math.max(16, Math.ceil(bytes / 4) * 4),
    usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST | extraUsage,
  });
}

export function uniformBuffer(device: GPUDevice, label: string, data: ArrayBuffer | ArrayBufferView): GPUBuffer {
  const bytes = data.byteLength;
  const buffer = device.createBuffer({ label, size: Math.max(16, Math.ceil(bytes / 16) * 16), usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
  device.queue.writeBuffer(buffer, 0, ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : new Uint8Array(data));
  return buffer;
}

/** Writes each cloud array at its section of a flat parameter buffer with layout `L` (empty arrays skipped). */
export function writeCloudArrays(queue: GPUQueue, buffer: GPUBuffer, L: FlatParamLayout, arrays: CloudArrays<Float32Array>): void {
  for (const key of CLOUD_ARRAY_KEYS) {
    const data = arrays[key];
    if (data.length) queue.writeBuffer(buffer, 4 * L[key], data.buffer, data.byteOffset, data.byteLength);
  }
}

/** Copies `bytes` from the start of `buffer` to the CPU. Stalls on the GPU: tests, debug, benchmarks. */
export async function readBuffer(device: GPUDevice, buffer: GPUBuffer, bytes: number = buffer.size): Promise<ArrayBuffer> {
  const size = Math.ceil(bytes / 4) * 4;
  const staging = device.createBuffer({ label: `read ${buffer.label}`, size: Math.max(size, 4), usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  const encoder = device.createCommandEncoder();
  if (size > 0) encoder.copyBufferToBuffer(buffer, 0, staging, 0, size);
  device.queue.submit([encoder.finish()]);
  await staging.mapAsync(GPUMapMode.READ);
  const out = staging.getMappedRange().slice(0, bytes);
  staging.unmap();
  staging.destroy();
  return out;
}

/** `size` bytes of `buffer` from `offset` (default 0); both multiples of 4. */
export interface BufferRange {
  buffer: GPUBuffer;
  offset?: number;
  size: number;
}

/** A MAP_READ buffer kept for repeated small read-backs (see createRangeReadback). */
export interface RangeReadback {
  /**
   * Copies the ranges one after another into the read-back buffer (one submit), maps it and
   * returns its whole contents. Stalls on the GPU.
   */
  read(ranges: readonly BufferRange[]): Promise<ArrayBuffer>;
  destroy(): void;
}

/** A read-back buffer of `bytes` for reading a few small ranges of GPU buffers at once. */
export function createRangeReadback(device: GPUDevice, label: string, bytes: number): RangeReadback {
  const staging = device.createBuffer({ label, size: bytes, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  return {
    async read(ranges) {
      const enc = device.createCommandEncoder();
      let at = 0;
      for (const r of ranges) {
        enc.copyBufferToBuffer(r.buffer, r.offset ?? 0, staging, at, r.size);
        at += r.size;
      }
      device.queue.submit([enc.finish()]);
      await staging.mapAsync(GPUMapMode.READ);
      const out = staging.getMappedRange().slice(0);
      staging.unmap();
      return out;
    },
    destroy() {
      staging.destroy();
    },
  };
}

/** Queues a copy of the first `bytes` of `src` into `dst` (after the work already submitted). */
export function copyBuffer(device: GPUDevice, src: GPUBuffer, dst: GPUBuffer, bytes: number): void {
  const enc = device.createCommandEncoder();
  enc.copyBufferToBuffer(src, 0, dst, 0, bytes);
  device.queue.submit([enc.finish()]);
}

/** Queues a write of `data` (float64 values are narrowed to f32) at the start of `buffer`. */
export function writeFloats(device: GPUDevice, buffer: GPUBuffer, data: Float32Array | Float64Array): void {
  const f32 = data instanceof Float32Array ? data : Float32Array.from(data);
  device.queue.writeBuffer(buffer, 0, f32.buffer, f32.byteOffset, f32.byteLength);
}

/** Queues a write of `data` at the start of `buffer`. */
export function writeBytes(device: GPUDevice, buffer: GPUBuffer, data: Uint8Array): void {
  device.queue.writeBuffer(buffer, 0, data.buffer, data.byteOffset, data.byteLength);
}
