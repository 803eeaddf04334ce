/**
 * The page of bench:render (built by Vite, driven by bench/render.ts through playwright). It
 * exposes window.benchRender: adapterInfo() and run(request), one viewer per page load.
 *
 * run(): a fresh WIDTHxHEIGHT canvas; load the PLY; warm-up: draw camera 0 once per animation
 * frame until a frame is drawn with camera 0's own order (or the settle timeout); then one
 * measured frame per requestAnimationFrame for cameras 1..N, each timed from setting the camera
 * to the frame being complete (WebGPU: onSubmittedWorkDone after render() resolved; WebGL: a
 * 1-pixel readPixels of the canvas after the draw). Frames are paced by requestAnimationFrame,
 * as a viewer following a continuous orbit is, so asynchronous sorts get the event loop between
 * frames, as they would in use.
 */
import type { AdapterInfo, BenchPage, RunRequest, RunResult } from './protocol.ts';
import { summarizeFrames, type DrawnFrame, orderAge } from './staleFrames.ts';
import type { ViewerAdapter } from './viewers/types.ts';

const nextFrame = () => new Promise<number>((r) => requestAnimationFrame(r));

async function createAdapter(req: RunRequest, canvas: HTMLCanvasElement): Promise<ViewerAdapter> {
  const ctx = { canvas, cameras: req.cameras, background: req.background, splats: req.splats };
  switch (req.viewer) {
    case 'webgpu':
    case 'webgl2':
      return (await import('./viewers/ours.ts')).createOurAdapter(req.viewer, ctx);
    case 'spark':
      return (await import('./viewers/spark.ts')).createSparkAdapter(ctx);
    case 'gs3d':
      return (await import('./viewers/gs3d.ts')).createGs3dAdapter(ctx);
  }
}

function coverage(rgba: Uint8Array, bg: [number, number, number]): number {
  const b = bg.map((c) => Math.round(c * 255));
  let n = 0;
  for (let p = 0; p < rgba.length; p += 4) if (Math.abs(rgba[p] - b[0]) + Math.abs(rgba[p + 1] - b[1]) + Math.abs(rgba[p + 2] - b[2]) > 6) n++;
  return n / (rgba.length / 4);
}

function pngDataUrl(rgba: Uint8Array, width: number, height: number): string {
  const c = document.createElement('canvas');
  c.width = width;
  c.height = height;
  const g = c.getContext('2d')!;
  const img = g.createImageData(width, height);
  img.data.set(rgba);
  for (let p = 3; p < img.data.length; p += 4) img.data[p] = 255;
  g.putImageData(img, 0, 0);
  return c.toDataURL('image/png');
}

async function run(req: RunRequest): Promise<RunResult> {
  const { width, height } = req.cameras[0];
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  canvas.style.width = `${width}px`;
  canvas.style.height = `${height}px`;
  document.body.appendChild(canvas);
  const adapter = await createAdapter(req, canvas);
  try {
    const t0 = performance.now();
    await adapter.load(req.cloudUrl);
    const loadMs = performance.now() - t0;

    // Warm-up on camera 0 until a frame is drawn with camera 0's own complete order.
    let warmupFrames = 0;
    let settled = false;
    const deadline = performance.now() + req.settleTimeoutMs;
    while (!settled) {
      await nextFrame();
      const { frame } = await adapter.drawFrame(0, false);
      warmupFrames++;
      settled = orderAge(frame) === 0 && !frame.partial;
      if (!settled && performance.now() > deadline) break;
    }

    adapter.startMeasuring();
    const frameMs: number[] = [];
    const frames: DrawnFrame[] = [];
    const last = req.cameras.length - 1;
    for (let k = 1; k <= last; k++) {
      await nextFrame();
      const start = performance.now();
      const r = await adapter.drawFrame(k, k === last);
      frameMs.push(r.completeAt - start);
      frames.push(r.frame);
    }
    const rgba = await adapter.captured();
    // Let a sort started during the measured frames finish (nothing drawn), so its time counts.
    const drainUntil = performance.now() + req.settleTimeoutMs;
    while (!adapter.idle() && performance.now() < drainUntil) await new Promise((r) => setTimeout(r, 10));
    const notes = adapter.notes();
    if (!settled) notes.push(`warm-up: no frame with camera 0's own order within ${req.settleTimeoutMs} ms (${warmupFrames} frames)`);
    const cov = rgba ? coverage(rgba, req.background) : 0;
    if (rgba && cov < 0.01) notes.push(`last frame is almost all background (${(100 * cov).toFixed(2)}% drawn)`);
    return {
      viewer: req.viewer,
      version: '',
      loadMs,
      frameMs,
      sortMs: adapter.sortSamples(),
      sortNote: adapter.sortNote,
      stale: summarizeFrames(frames),
      ages: frames.map(orderAge),
      warmupFrames,
      settled,
      coverage: cov,
      shot: req.shot && rgba ? pngDataUrl(rgba, width, height) : undefined,
      notes,
    };
  } finally {
    adapter.destroy();
    canvas.remove();
  }
}

async function adapterInfo(): Promise<AdapterInfo> {
  let webgpu: string | null = null;
  let webgpuFallback: boolean | null = null;
  const gpu = (navigator as Navigator & { gpu?: GPU }).gpu;
  if (gpu) {
    const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
    if (adapter) {
      const i = adapter.info as GPUAdapterInfo & { isFallbackAdapter?: boolean };
      webgpu = [i.vendor, i.architecture, i.device, i.description].filter(Boolean).join(' / ') || 'unnamed adapter';
      webgpuFallback = i.isFallbackAdapter ?? (adapter as GPUAdapter & { isFallbackAdapter?: boolean }).isFallbackAdapter ?? null;
    }
  }
  let webgl: string | null = null;
  const gl = document.createElement('canvas').getContext('webgl2');
  if (gl) {
    const ext = gl.getExtension('WEBGL_debug_renderer_info');
    webgl = String(gl.getParameter(ext ? ext.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
    gl.getExtension('WEBGL_lose_context')?.loseContext();
  }
  return { webgpu, webgpuFallback, webgl, crossOriginIsolated: self.crossOriginIsolated, userAgent: navigator.userAgent };
}

const api: BenchPage = { adapterInfo, run };
(window as unknown as { benchRender: BenchPage }).benchRender = api;
document.title = 'bench:render ready';
