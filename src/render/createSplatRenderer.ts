/**
 * The viewer's one entry point to a splat renderer: WebGPU when the browser gives a WebGPU
 * adapter (GPU sort every frame), WebGL2 otherwise (worker sort), or the backend asked for.
 * The WebGPU code is imported only when it is used, so a WebGL2-only browser never loads it.
 *
 * A canvas keeps the first kind of context it hands out: when WebGPU fails after taking the
 * canvas, WebGL2 cannot use that canvas either, and the error says both reasons.
 */
import { getGpuDevice } from '../gpu/device.ts';
import type { RendererBackend, SplatRenderer } from './splatRenderer.ts';
import { createWebGl2SplatRenderer } from './webgl2/webgl2SplatRenderer.ts';

export interface CreateSplatRendererOptions {
  /** 'auto' (default): WebGPU when available, else WebGL2. A named backend is used or fails. */
  backend?: 'auto' | RendererBackend;
  /** WebGPU only: a device to share (it is not destroyed with the renderer). */
  device?: GPUDevice;
  /** Called when 'auto' falls back to WebGL2, with the reason WebGPU was not used. */
  onFallback?: (reason: string) => void;
}

export class SplatRendererUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SplatRendererUnavailableError';
  }
}

const firstLine = (e: unknown) => (e instanceof Error ? e.message : String(e)).split('\n')[0];

async function createWebGpu(canvas: HTMLCanvasElement | OffscreenCanvas, shared: GPUDevice | undefined): Promise<SplatRenderer> {
  const unavailable = (why: string) => new Error(`WebGPU renderer unavailable: ${why}`);
  const gpu = typeof navigator !== 'undefined' ? (navigator as Navigator & { gpu?: GPU }).gpu : undefined;
  if (!shared && !gpu) throw unavailable('navigator.gpu is missing (no WebGPU in this browser)');
  let factory: typeof import('./webgpu/index.ts').createWebGpuSplatRenderer;
  try {
    factory = (await import('./webgpu/index.ts')).createWebGpuSplatRenderer;
  } catch (e) {
    throw unavailable(`its code could not be loaded (${firstLine(e)})`);
  }
  let device = shared;
  if (!device) {
    try {
      device = (await getGpuDevice()).device;
    } catch (e) {
      throw unavailable(firstLine(e));
    }
  }
  const own = device;
  try {
    const inner = factory(own, canvas);
    if (shared) return inner;
    // A device made here belongs to this renderer.
    return {
      backend: inner.backend,
      setCloud: (cloud, options) => inner.setCloud(cloud, options),
      render: (camera, background) => inner.render(camera, background),
      readPixels: () => inner.readPixels(),
      destroy: () => {
        inner.destroy();
        own.destroy();
      },
    };
  } catch (e) {
    if (!shared) own.destroy();
    throw unavailable(firstLine(e));
  }
}

export async function createSplatRenderer(canvas: HTMLCanvasElement | OffscreenCanvas, options: CreateSplatRendererOptions = {}): Promise<SplatRenderer> {
  const backend = options.backend ?? 'auto';
  if (backend === 'webgl2') return createWebGl2SplatRenderer(canvas);
  if (backend === 'webgpu') return createWebGpu(canvas, options.device);

  let webGpuProblem: string;
  try {
    return await createWebGpu(canvas, options.device);
  } catch (e) {
    webGpuProblem = firstLine(e);
  }
  try {
    const renderer = createWebGl2SplatRenderer(canvas);
    options.onFallback?.(webGpuProblem);
    return renderer;
  } catch (e) {
    throw new SplatRendererUnavailableError(
      `This browser has neither WebGPU nor WebGL2: WebGPU: ${webGpuProblem}; WebGL2: ${firstLine(e)}. ` +
        'Viewing splats needs a browser with one of them enabled (any current Chrome, Edge, Firefox or Safari has WebGL2).',
    );
  }
}
