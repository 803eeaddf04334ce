/**
 * One way to get a GPUDevice, in the browser (navigator.gpu) and in Node (the `webgpu` package,
 * Dawn), so the same kernels run in the app, the CLI, benchmarks and tests.
 *
 * The Node module is imported dynamically through a computed specifier so that the browser bundle
 * never contains it. In Node the Vulkan driver is chosen by VK_ICD_FILENAMES, which must be set
 * before the first device is created (tests and benchmarks do that; see GPU-TESTING.md).
 */

export class WebGpuUnavailableError extends Error {
  constructor(reason: string) {
    super(`${reason}\n${WEBGPU_HELP}`);
    this.name = 'WebGpuUnavailableError';
  }
}

export const WEBGPU_HELP =
  'WebGPU is needed for training. It works in Chrome/Edge 113+ (Windows, macOS, ChromeOS, Android), ' +
  'Safari 26+ and Firefox 141+ on Windows. On Linux, Chrome needs the flag --enable-unsafe-webgpu ' +
  '(or chrome://flags/#enable-unsafe-webgpu), plus --enable-features=Vulkan. ' +
  'In Node, the `webgpu` npm package is used, with a Vulkan driver chosen by VK_ICD_FILENAMES.';

export interface GpuContext {
  device: GPUDevice;
  adapter: GPUAdapter;
  /** True when the device was created with 'timestamp-query' (per-kernel timings possible). */
  hasTimestamps: boolean;
  /** Where the device came from, for logs and benchmark tables. */
  description: string;
}

export interface GetDeviceOptions {
  /** Called once if the device is lost (driver reset, tab in background too long, destroy()). */
  onLost?: (info: GPUDeviceLostInfo) => void;
  /** Ask for timestamp queries when the adapter has them (default true). */
  timestamps?: boolean;
  powerPreference?: GPUPowerPreference;
}

// Dawn's GPU object must outlive every device made from it, or the devices are lost.
let nodeGpu: GPU | null = null;

function isNode(): boolean {
  return typeof process !== 'undefined' && !!process.versions?.node && typeof window === 'undefined';
}

async function nodeWebGpu(): Promise<GPU> {
  if (nodeGpu) return nodeGpu;
  const specifier = 'webgpu';
  let mod: { create(options: string[]): GPU; globals: object };
  try {
    mod = await import(/* @vite-ignore */ specifier);
  } catch (e) {
    throw new WebGpuUnavailableError(`The Node package 'webgpu' could not be loaded (${(e as Error).message}); install it with npm.`);
  }
  // GPUBufferUsage, GPUMapMode, ... are globals in browsers; Dawn exports them.
  Object.assign(globalThis, mod.globals);
  nodeGpu = mod.create([]);
  return nodeGpu;
}

async function browserWebGpu(): Promise<GPU> {
  const gpu = typeof navigator !== 'undefined' ? (navigator as Navigator & { gpu?: GPU }).gpu : undefined;
  if (!gpu) throw new WebGpuUnavailableError('This browser does not expose WebGPU (navigator.gpu is missing).');
  return gpu;
}

export async function getGpuDevice(options: GetDeviceOptions = {}): Promise<GpuContext> {
  const node = isNode();
  const gpu = node ? await nodeWebGpu() : await browserWebGpu();
  const adapter = await gpu.requestAdapter({ powerPreference: options.powerPreference ?? 'high-performance' });
  if (!adapter) {
    const where = node
      ? `no Vulkan adapter was found (VK_ICD_FILENAMES=${process.env.VK_ICD_FILENAMES ?? '<unset>'}; libvulkan1 and a driver such as SwiftShader or lavapipe are needed)`
      : 'the browser returned no adapter (WebGPU disabled, blocklisted GPU, or missing flags)';
    throw new WebGpuUnavailableError(`No WebGPU adapter: ${where}.`);
  }
  const wantTimestamps = (options.timestamps ?? true) && adapter.features.has('timestamp-query');
  let device: GPUDevice;
  try {
    device = await adapter.requestDevice({
      requiredFeatures: wantTimestamps ? ['timestamp-query'] : [],
      // Parameters of a million SH-3 splats are ~240 MB in one binding; the defaults stop at 128 MB.
      requiredLimits: {
        maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
        maxBufferSize: adapter.limits.maxBufferSize,
      },
    });
  } catch (e) {
    throw new WebGpuUnavailableError(`The WebGPU adapter refused to create a device: ${(e as Error).message}`);
  }
  device.lost.then((info) => {
    // destroy() is a normal way to end; anything else is worth a loud report.
    if (info.reason !== 'destroyed') console.error(`WebGPU device lost (${info.reason}): ${info.message}`);
    options.onLost?.(info);
  });
  device.addEventListener('uncapturederror', (ev) => {
    console.error(`WebGPU error: ${(ev as GPUUncapturedErrorEvent).error.message}`);
  });
  const info = adapter.info;
  const description = [info?.vendor, info?.architecture, info?.device, info?.description].filter(Boolean).join(' ') || (node ? 'Dawn (Node)' : 'browser');
  return { device, adapter, hasTimestamps: wantTimestamps, description };
}

/**
 * A worker's one device, created on first use and again after it is lost or fails to come up:
 * the returned function gives the current device (or the one being created). `onLost` runs when
 * the device is lost, for resources that belonged to it.
 */
export function lazyGpuDevice(onLost?: () => void): () => Promise<GpuContext> {
  let gpu: Promise<GpuContext> | null = null;
  return () => {
    if (!gpu) {
      const ctx = getGpuDevice({
        timestamps: false,
        onLost: () => {
          if (gpu === ctx) gpu = null;
          onLost?.();
        },
      });
      gpu = ctx;
      ctx.catch(() => {
        if (gpu === ctx) gpu = null;
      });
    }
    return gpu;
  };
}
