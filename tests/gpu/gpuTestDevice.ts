/**
 * The GPU device shared by the tests of one file. CI has no GPU: Dawn runs on chromium's
 * SwiftShader unless VK_ICD_FILENAMES already names another driver (lavapipe is faster locally).
 * No adapter is a failure with a message saying why, never a skip: a silently skipped GPU suite
 * would let the rasterizer rot.
 */
import { existsSync } from 'node:fs';
import { getGpuDevice, type GpuContext } from '../../src/gpu/device.ts';

const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

let context: Promise<GpuContext> | null = null;

export function testGpu(): Promise<GpuContext> {
  if (!context) {
    if (!process.env.VK_ICD_FILENAMES) {
      if (!existsSync(SWIFTSHADER_ICD)) {
        return Promise.reject(new Error(`GPU tests need a Vulkan driver: ${SWIFTSHADER_ICD} is missing (apt-get install chromium libvulkan1) and VK_ICD_FILENAMES is unset.`));
      }
      process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
    }
    context = getGpuDevice({ timestamps: false }).catch((e: Error) => {
      throw new Error(`GPU tests could not get a WebGPU device (VK_ICD_FILENAMES=${process.env.VK_ICD_FILENAMES}): ${e.message}`);
    });
  }
  return context;
}

/** Runs `fn` and fails on any WebGPU validation or out-of-memory error it caused. */
export async function withGpuErrorScope<T>(device: GPUDevice, fn: () => Promise<T> | T): Promise<T> {
  device.pushErrorScope('out-of-memory');
  device.pushErrorScope('validation');
  const result = await fn();
  const validation = await device.popErrorScope();
  const oom = await device.popErrorScope();
  if (validation) throw new Error(`WebGPU validation error: ${validation.message}`);
  if (oom) throw new Error(`WebGPU out of memory: ${oom.message}`);
  return result;
}

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
