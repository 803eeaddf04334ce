/**
 * The GPU device of the browser tests: the browser's own WebGPU (navigator.gpu) through the app's
 * getGpuDevice, in headless Chromium on SwiftShader (see the 'browser' project in
 * vitest.config.ts and ../shared/GPU-TESTING.md). As in Node (tests/gpu/gpuTestDevice.ts), no
 * adapter is a failure with a message saying why, never a skip.
 */
import { getGpuDevice, type GpuContext } from '../../src/gpu/device.ts';

let context: Promise<GpuContext> | null = null;

export function browserGpu(): Promise<GpuContext> {
  if (!context) {
    context = (async () => {
      if (typeof window === 'undefined' || typeof navigator === 'undefined') {
        throw new Error('tests/browser/ must run in a browser (the vitest project "browser"), not in Node.');
      }
      try {
        return await getGpuDevice({ timestamps: false });
      } catch (e) {
        throw new Error(
          `Browser GPU tests could not get a WebGPU device from navigator.gpu in ${navigator.userAgent}: ${(e as Error).message}\n` +
            'Chromium needs --enable-unsafe-webgpu --enable-features=Vulkan --use-vulkan=swiftshader --use-angle=swiftshader ' +
            '(set in vitest.config.ts); SwiftShader comes with the Debian chromium package.',
        );
      }
    })();
  }
  return context;
}
