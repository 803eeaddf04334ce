/**
 * Train worker: runs the GPU trainer (src/recon/train/trainer.ts) off the page's main thread, on
 * a WebGPU device of its own. A thin comlink wrapper; the page talks to it through
 * src/ui/trainClient.ts.
 *
 * - Views arrive with their pixel buffers transferred; the final cloud goes back transferred.
 * - Progress and preview frames go back through comlink-proxied callbacks. Between progress
 *   reports (the trainer's onSnapshot hook) the CURRENT cloud is rendered from the camera the page
 *   sent last (setCamera: the orbit camera as an OpenCV camera), at most every `previewGapMs`
 *   and never taking more than about a third of the time.
 * - Cancel: AbortSignals cannot cross the worker boundary, so `abort(jobId)` aborts the job.
 * - Every run ends with a result, never a throw for faults: finished, 'cancelled' or the error
 *   message, with the last good cloud when there is one. Only bad input (InputError) and "no
 *   WebGPU" are thrown, so the page can show them as such.
 * - After a run the worker keeps the final cloud, so `renderLast(camera)` can draw it from a new
 *   orbit position.
 */
import * as Comlink from 'comlink';
import type { Camera } from '../src/core/camera.ts';
import { describeError } from '../src/core/errors.ts';
import type { GaussianCloud } from '../src/core/gaussianCloud.ts';
import { lazyGpuDevice } from '../src/gpu/device.ts';
import { createRasterizer, type Rasterizer } from '../src/gpu/rasterizer.ts';
import { rgbToImage } from '../src/recon/renderViews.ts';
import { trainGaussians, type TrainProgress, type TrainResult, type TrainView } from '../src/recon/train/trainer.ts';
import type { Bounds } from '../src/recon/hull/index.ts';
import type { TrainOptions } from '../src/recon/train/trainOptions.ts';

export type Rgb = [number, number, number];

/** Training options (trainOptions.ts; absent ones take the defaults) and the object bounds. */
export type TrainJobOptions = Pick<TrainOptions, 'iterations'> & Partial<TrainOptions> & { bounds?: Bounds };

export interface TrainRequest {
  views: TrainView[];
  options: TrainJobOptions;
  /** Background of the previews (the scene's, 0..1). */
  background: Rgb;
  /** Shortest gap between two previews, in ms (default 400). */
  previewGapMs?: number;
}

export interface PreviewFrame {
  width: number;
  height: number;
  /** width*height*4 RGBA8. */
  rgba: Uint8ClampedArray;
  /** Training step the cloud is from (the last step when final). */
  step: number;
  iterations: number;
  splats: number;
  /** The cloud the run ended with. */
  final: boolean;
  renderMs: number;
}

export interface TrainCallbacks {
  onProgress(p: TrainProgress): void;
  onPreview(frame: PreviewFrame): void;
}

export interface TrainRunResult extends Omit<TrainResult, 'cloud' | 'hull'> {
  /** The cloud the run ended with (the last good one after a fault); null when none was made. */
  cloud: GaussianCloud | null;
  /** Voxels of the visual hull when one was carved (the hull itself stays in the worker). */
  hullVoxels: number | null;
}

export type GpuStatus = { ok: true; description: string; fallback: boolean } | { ok: false; message: string };

// ---- device and preview rendering ----------------------------------------------------------

let preview: Rasterizer | null = null;
// The next call after a loss gets a new device; the preview rasterizer belonged to the lost one.
const device = lazyGpuDevice(() => {
  preview = null;
});

async function render(dev: GPUDevice, cloud: GaussianCloud, camera: Camera, bg: Rgb): Promise<{ width: number; height: number; rgba: Uint8ClampedArray }> {
  const { width, height } = camera;
  if (!preview || preview.width !== width || preview.height !== height || preview.shDegree !== cloud.shDegree) {
    preview?.destroy();
    preview = null;
    preview = createRasterizer(dev, { width, height, shDegree: cloud.shDegree, maxSplats: Math.max(1024, cloud.count), antialiased: cloud.antialiased });
  }
  preview.upload(cloud);
  await preview.forward(camera, bg);
  const img = await preview.readImage();
  const rgba = rgbToImage(width, height, img.rgb).data;
  return { width, height, rgba: new Uint8ClampedArray(rgba.buffer, rgba.byteOffset, rgba.byteLength) };
}

function validCamera(c: Camera | null): c is Camera {
  return !!c && c.width >= 8 && c.height >= 8 && c.width <= 2048 && c.height <= 2048 && [...c.R, ...c.t, c.fx, c.fy].every(Number.isFinite);
}

function cloneCloud(c: GaussianCloud): GaussianCloud {
  return { ...c, means: c.means.slice(), logScales: c.logScales.slice(), quats: c.quats.slice(), opacityLogits: c.opacityLogits.slice(), sh: c.sh.slice() };
}

function cloudBuffers(c: GaussianCloud): ArrayBuffer[] {
  const set = new Set<ArrayBuffer>();
  for (const a of [c.means, c.logScales, c.quats, c.opacityLogits, c.sh]) if (a.buffer instanceof ArrayBuffer) set.add(a.buffer);
  return [...set];
}

function releaseCallbacks(cb: TrainCallbacks): void {
  // The callbacks arrive as a comlink proxy of the page's object: release its port.
  const remote = cb as unknown as Comlink.Remote<TrainCallbacks>;
  if (typeof remote[Comlink.releaseProxy] === 'function') remote[Comlink.releaseProxy]();
}

// ---- state -----------------------------------------------------------------------------------

const jobs = new Map<number, AbortController>();
let running = false;
let camera: Camera | null = null;
let last: { cloud: GaussianCloud; background: Rgb; step: number; iterations: number } | null = null;

const api = {
  /** Whether training can run here: a WebGPU adapter and device (kept for the runs). */
  async gpuStatus(): Promise<GpuStatus> {
    try {
      const ctx = await device();
      return { ok: true, description: ctx.description, fallback: !!(ctx.adapter.info as GPUAdapterInfo & { isFallbackAdapter?: boolean })?.isFallbackAdapter };
    } catch (e) {
      return { ok: false, message: (e as Error).message };
    }
  },

  /** The camera previews are drawn from (the page's orbit camera), or null for none. */
  setCamera(next: Camera | null): void {
    camera = validCamera(next) ? next : null;
  },

  async train(jobId: number, req: TrainRequest, cb: TrainCallbacks): Promise<TrainRunResult> {
    if (running) throw new Error('a training run is already going on in this worker');
    running = true;
    const ac = new AbortController();
    jobs.set(jobId, ac);
    last = null;
    try {
      const { device: dev } = await device();
      const gap = req.previewGapMs ?? 400;
      let previewEnd = 0;
      let previewCost = 0;
      let previewFailed = false;
      let result: TrainResult;
      try {
        result = await trainGaussians(dev, req.views, {
          ...req.options,
          signal: ac.signal,
          onProgress: (p) => void cb.onProgress(p),
          onSnapshot: async (p, readCloud) => {
            const cam = camera;
            if (!validCamera(cam) || previewFailed || ac.signal.aborted || p.step >= p.iterations) return;
            const now = performance.now();
            if (previewEnd > 0 && now - previewEnd < Math.max(gap, 2 * previewCost)) return;
            try {
              const cloud = await readCloud();
              const frame = await render(dev, cloud, cam, req.background);
              previewCost = performance.now() - now;
              previewEnd = performance.now();
              const out: PreviewFrame = { ...frame, step: p.step, iterations: p.iterations, splats: cloud.count, final: false, renderMs: previewCost };
              cb.onPreview(Comlink.transfer(out, [frame.rgba.buffer as ArrayBuffer]));
            } catch (e) {
              // A preview is not worth the run: stop drawing them and say so once.
              previewFailed = true;
              console.error('training preview failed', e);
            }
          },
        });
      } catch (e) {
        // Thrown before the loop (bad input, cancelled while carving the hull): no cloud yet.
        if (ac.signal.aborted) return emptyResult('cancelled', req.options.iterations);
        throw e instanceof Error ? e : new Error(describeError(e));
      }

      const { cloud, hull, ...rest } = result;
      const kept = cloneCloud(cloud);
      last = { cloud: kept, background: req.background, step: rest.stepsDone, iterations: req.options.iterations };
      // The final render, from wherever the orbit camera is now.
      const cam = camera;
      if (validCamera(cam) && kept.count > 0) {
        try {
          const t0 = performance.now();
          const frame = await render(dev, kept, cam, req.background);
          const out: PreviewFrame = { ...frame, step: rest.stepsDone, iterations: req.options.iterations, splats: kept.count, final: true, renderMs: performance.now() - t0 };
          cb.onPreview(Comlink.transfer(out, [frame.rgba.buffer as ArrayBuffer]));
        } catch (e) {
          console.error('final render failed', e);
        }
      }
      const hullVoxels = hull ? hull.count : null;
      return Comlink.transfer({ ...rest, cloud, hullVoxels }, cloudBuffers(cloud));
    } finally {
      jobs.delete(jobId);
      running = false;
      releaseCallbacks(cb);
    }
  },

  abort(jobId: number): void {
    jobs.get(jobId)?.abort();
  },

  /** Renders the cloud of the last run from `cam` (null while a run is going on or before one). */
  async renderLast(cam: Camera): Promise<PreviewFrame | null> {
    if (running || !last || !validCamera(cam)) return null;
    const { device: dev } = await device();
    const t0 = performance.now();
    const frame = await render(dev, last.cloud, cam, last.background);
    const out: PreviewFrame = { ...frame, step: last.step, iterations: last.iterations, splats: last.cloud.count, final: true, renderMs: performance.now() - t0 };
    return Comlink.transfer(out, [frame.rgba.buffer as ArrayBuffer]);
  },

  /** Forgets the last run's cloud (a new scene was opened). */
  forget(): void {
    last = null;
  },
};

function emptyResult(stopped: string, iterations: number): TrainRunResult {
  return {
    cloud: null, hullVoxels: null, stepsDone: 0, wallMs: 0, initMs: 0, densifyMs: 0, initialSplats: 0, history: [],
    bounds: { min: [0, 0, 0], max: [0, 0, 0] }, stopped: `${stopped} (before step 1 of ${iterations})`, faults: [],
  };
}

export type TrainWorkerApi = typeof api;

Comlink.expose(api);
