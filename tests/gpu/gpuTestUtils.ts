export { mulberry32 } from '../../src/core/random.ts';
/**
 * Environment-free helpers of the GPU tests: no Node API here, so the Node tests (Dawn) and the
 * browser tests (headless Chromium, tests/browser/) share them. The device itself comes from
 * gpuTestDevice.ts in Node and tests/browser/browserGpu.ts in the browser.
 */

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

