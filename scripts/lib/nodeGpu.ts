/**
 * Picks the Vulkan driver for Node's WebGPU (Dawn) before the first device is made, for the CLI
 * and benchmarks: VK_ICD_FILENAMES when set, else a local lavapipe (.lavapipe/, fetched by
 * ../shared/tools/get-lavapipe.sh; 3-15x faster), else Chromium's SwiftShader.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { getGpuDevice, type GpuContext } from '../../src/gpu/device.ts';

const LAVAPIPE_ICD = resolve('.lavapipe/lvp_icd.json');
const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

export function chooseVulkanDriver(): string {
  if (!process.env.VK_ICD_FILENAMES) {
    if (existsSync(LAVAPIPE_ICD)) {
      process.env.VK_ICD_FILENAMES = LAVAPIPE_ICD;
      const lib = resolve('.lavapipe/root/usr/lib/x86_64-linux-gnu');
      process.env.LD_LIBRARY_PATH = [lib, process.env.LD_LIBRARY_PATH].filter(Boolean).join(':');
    } else if (existsSync(SWIFTSHADER_ICD)) process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  }
  return process.env.VK_ICD_FILENAMES ?? '(system default)';
}

export async function nodeGpu(opts: { timestamps?: boolean } = {}): Promise<GpuContext & { driver: string }> {
  const driver = chooseVulkanDriver();
  const ctx = await getGpuDevice({ timestamps: opts.timestamps ?? false });
  return { ...ctx, driver };
}
