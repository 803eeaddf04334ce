/**
 * The GPU device shared by the tests of one file. CI has no GPU: Dawn runs on chromium's
 * SwiftShader unless VK_ICD_FILENAMES already names another driver (lavapipe is faster locally).
 * No adapter is a failure with a message saying why, never a skip: a silently skipped GPU suite
 * would let the rasterizer rot.
 */
import { existsSync } from 'node:fs';
import { getGpuDevice, type GpuContext } from '../../src/gpu/device.ts';

// The environment-free helpers live in gpuTestUtils.ts (shared with the browser tests).
export { mulberry32, withGpuErrorScope } from './gpuTestUtils.ts';

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
