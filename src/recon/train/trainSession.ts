/**
 * The Train stage as the app runs it (in workers/train.worker.ts): one run at a time on a WebGPU
 * device of its own, with preview frames of the cloud being trained, and the last run's cloud kept
 * so it can be drawn again from a new orbit position.
 *
 * - Previews: between progress reports (the trainer's onSnapshot hook) the CURRENT cloud is
 *   rendered from the camera set last (setCamera: the orbit camera as an OpenCV camera), at most
 *   every `previewGapMs` and never taking more than about a third of the time (previewSchedule).
 *   After the run, one final frame of the cloud it ended with.
 * - Every run ends with a result, never a throw for faults: finished, 'cancelled' or the error
 *   message, with the last good cloud when there is one. Only bad input (InputError) and "no
 *   WebGPU" are thrown, so the page can show them as such.
 * - Out of GPU memory: the run's allocations are watched by an 'out-of-memory' error scope, from
 *   the start until its first progress report (the buffers are made by then); when it catches an
 *   error the run stops and ends with `stopped` starting with OUT_OF_GPU_MEMORY and no cloud, so
 *   the page can try again smaller (src/ui/useTraining.ts).
 */
import type { Camera } from '../../core/camera.ts';
import { describeError } from '../../core/errors.ts';
import type { GaussianCloud } from '../../core/gaussianCloud.ts';
import { trackBuffers } from '../../gpu/bufferLedger.ts';
import { lazyGpuDevice } from '../../gpu/device.ts';
import { createRasterizer, type Rasterizer } from '../../gpu/rasterizer.ts';
import type { Bounds } from '../hull/index.ts';
import { rgbToImage } from '../renderViews.ts';
import type { TrainCheckpoint } from './checkpoint.ts';
import { OUT_OF_GPU_MEMORY } from './outOfMemory.ts';
import { trainGaussians, type TrainProgress, type TrainResult, type TrainView } from './trainer.ts';
import type { TrainOptions } from './trainOptions.ts';
import type { RGBAImage } from '../../core/image.ts';
import type { RepairRequest } from '../prior/repair.ts';
import type { RepairRound } from './repairStage.ts';

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
  /** Go on from this checkpoint of the same run (checkpoint.ts). */
  resume?: TrainCheckpoint;
  /** Send checkpoints to onCheckpoint, every this many steps ('auto': under 2% of the time). */
  checkpointEvery?: number | 'auto';
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

/** After a repair round: the pseudo view weighted most, rendered before and repaired after. */
export interface RepairPreview {
  step: number;
  width: number;
  height: number;
  /** width*height*4 RGBA8, opaque. */
  before: Uint8ClampedArray;
  after: Uint8ClampedArray;
  weight: number;
  /** Views in the round, the round's repair time and how long training waited for it (ms). */
  views: number;
  repairMs: number;
  waitMs: number;
}

/** The round's most-weighted pseudo view as a RepairPreview (opaque copies of its two images). */
export function repairPreview(r: RepairRound): RepairPreview | null {
  if (r.renders.length === 0) return null;
  const i = r.weights.indexOf(Math.max(...r.weights));
  const opaque = (img: RGBAImage) => {
    const d = new Uint8ClampedArray(img.data);
    for (let k = 3; k < d.length; k += 4) d[k] = 255;
    return d;
  };
  const { width, height } = r.renders[i];
  return { step: r.step, width, height, before: opaque(r.renders[i]), after: opaque(r.repaired[i]), weight: r.weights[i], views: r.renders.length, repairMs: r.repairMs, waitMs: r.waitMs };
}

export interface TrainCallbacks {
  onProgress(p: TrainProgress): void;
  onPreview(frame: PreviewFrame): void;
  /**
   * With options.repairPrior: repairs renders of pseudo views (the page runs them in the prior
   * worker, workers/prior.worker.ts, while this worker goes on training).
   */
  repair?(requests: RepairRequest[], o: { seed: number; strength?: number; steps?: number }): Promise<RGBAImage[]>;
  /** After each repair round: one pseudo view before and after repair. */
  onRepairPreview?(p: RepairPreview): void;
  /** A checkpoint to keep (the page stores it, so a reload or a crash loses little). */
  onCheckpoint?(c: TrainCheckpoint): void;
}

export interface TrainRunResult extends Omit<TrainResult, 'cloud' | 'hull'> {
  /** The cloud the run ended with (the last good one after a fault); null when none was made. */
  cloud: GaussianCloud | null;
  /** Voxels of the visual hull when one was carved (the hull itself stays in the session). */
  hullVoxels: number | null;
}

export type GpuStatus = { ok: true; description: string; fallback: boolean } | { ok: false; message: string };

export interface TrainSession {
  /** Whether training can run here: a WebGPU adapter and device (kept for the runs). */
  gpuStatus(): Promise<GpuStatus>;
  /** The camera previews are drawn from (the page's orbit camera), or null for none. */
  setCamera(camera: Camera | null): void;
  train(req: TrainRequest, signal: AbortSignal, cb: TrainCallbacks): Promise<TrainRunResult>;
  /** Renders the cloud of the last run from `camera` (null while a run is going on or before one). */
  renderLast(camera: Camera): Promise<PreviewFrame | null>;
  /** Forgets the last run's cloud (a new scene was opened). */
  forget(): void;
  /** Destroys the current GPU device, as a driver reset would (the fault tests); nothing without one. */
  loseDevice(): Promise<void>;
  /** GPU buffers alive on the current device (created and not destroyed), for the soak run. */
  gpuMemory(): Promise<{ bytes: number; buffers: number } | null>;
  /** The next run's allocation reports out-of-memory, as a small GPU would (the fault tests). */
  failNextAllocation(): void;
}

/**
 * When a preview is due: not before `gapMs` after the last one ended, nor before twice the time
 * the last one took (so previews take at most about a third of the run).
 */
export function previewSchedule(gapMs: number) {
  let end = 0;
  let cost = 0;
  return {
    due: (now: number) => !(end > 0 && now - end < Math.max(gapMs, 2 * cost)),
    /** A preview started at `startedAt` was drawn; returns what it cost (ms). */
    drawn(startedAt: number, now: number): number {
      cost = now - startedAt;
      end = now;
      return cost;
    },
  };
}

function validCamera(c: Camera | null): c is Camera {
  return !!c && c.width >= 8 && c.height >= 8 && c.width <= 2048 && c.height <= 2048 && [...c.R, ...c.t, c.fx, c.fy].every(Number.isFinite);
}

function cloneCloud(c: GaussianCloud): GaussianCloud {
  return { ...c, means: c.means.slice(), logScales: c.logScales.slice(), quats: c.quats.slice(), opacityLogits: c.opacityLogits.slice(), sh: c.sh.slice() };
}

function emptyResult(stopped: string, iterations: number): TrainRunResult {
  return {
    cloud: null, hullVoxels: null, stepsDone: 0, wallMs: 0, initMs: 0, densifyMs: 0, initialSplats: 0, history: [],
    bounds: { min: [0, 0, 0], max: [0, 0, 0] }, stopped: `${stopped} (before step 1 of ${iterations})`, faults: [],
  };
}

export function createTrainSession(): TrainSession {
  let preview: Rasterizer | null = null;
  // The next call after a loss gets a new device; the preview rasterizer belonged to the lost one.
  const device = lazyGpuDevice(() => {
    preview = null;
  });
  let running = false;
  /** Whether a device was asked for (loseDevice must not create one just to destroy it). */
  let started = false;
  let camera: Camera | null = null;
  /** Set by failNextAllocation: the next run's error scope reads as out-of-memory. */
  let failAllocation = false;
  let last: { cloud: GaussianCloud; background: Rgb; step: number; iterations: number } | null = null;

  async function render(dev: GPUDevice, cloud: GaussianCloud, cam: Camera, bg: Rgb): Promise<{ width: number; height: number; rgba: Uint8ClampedArray }> {
    const { width, height } = cam;
    if (!preview || preview.width !== width || preview.height !== height || preview.shDegree !== cloud.shDegree) {
      preview?.destroy();
      preview = null;
      preview = createRasterizer(dev, { width, height, shDegree: cloud.shDegree, maxSplats: Math.max(1024, cloud.count), antialiased: cloud.antialiased });
    }
    preview.upload(cloud);
    await preview.forward(cam, bg);
    const img = await preview.readImage();
    const rgba = rgbToImage(width, height, img.rgb).data;
    return { width, height, rgba: new Uint8ClampedArray(rgba.buffer, rgba.byteOffset, rgba.byteLength) };
  }

  return {
    async gpuStatus() {
      try {
        const ctx = await device();
        return { ok: true, description: ctx.description, fallback: !!(ctx.adapter.info as GPUAdapterInfo & { isFallbackAdapter?: boolean })?.isFallbackAdapter };
      } catch (e) {
        return { ok: false, message: (e as Error).message };
      }
    },

    setCamera(next) {
      camera = validCamera(next) ? next : null;
    },

    async train(req, signal, cb) {
      if (running) throw new Error('a training run is already going on in this worker');
      running = true;
      last = null;
      try {
        started = true;
        const { device: dev } = await device();
        trackBuffers(dev);
        const schedule = previewSchedule(req.previewGapMs ?? 400);
        let previewFailed = false;
        let result: TrainResult;
        // The allocations of the run (up to its first progress report) in an out-of-memory scope;
        // an error there stops the run (oomStop) and it ends as out of GPU memory.
        const fakeOom = failAllocation;
        failAllocation = false;
        const oomStop = new AbortController();
        const runSignal = AbortSignal.any([signal, oomStop.signal]);
        let oom: string | null = null;
        let scope: Promise<void> | null = null;
        dev.pushErrorScope('out-of-memory');
        const popScope = () =>
          (scope ??= dev.popErrorScope().then(
            (err) => {
              if (err || fakeOom) {
                oom = err?.message || 'the test hook failed the allocation';
                oomStop.abort();
              }
            },
            () => {},
          ));
        const oomResult = (): TrainRunResult => ({ ...emptyResult('', req.options.iterations), stopped: `${OUT_OF_GPU_MEMORY} while allocating the run's buffers (${oom})` });
        try {
          result = await trainGaussians(dev, req.views, {
            ...req.options,
            // Train on the background the previews and the evaluation use (unmasked views).
            background: req.background,
            signal: runSignal,
            onProgress: (p) => {
              void popScope();
              if (!oomStop.signal.aborted) void cb.onProgress(p);
            },
            resume: req.resume,
            ...(req.options.repairPrior && cb.repair
              ? {
                repair: (requests: RepairRequest[], o: { seed: number; strength?: number; steps?: number }) => cb.repair!(requests, o),
                onRepairRound: (round: RepairRound) => {
                  const p = repairPreview(round);
                  if (p && cb.onRepairPreview && !oomStop.signal.aborted) void cb.onRepairPreview(p);
                },
              }
              : {}),
            ...(req.checkpointEvery !== undefined && cb.onCheckpoint ? { checkpointEvery: req.checkpointEvery, onCheckpoint: (c: TrainCheckpoint) => void cb.onCheckpoint!(c) } : {}),
            onSnapshot: async (p, readCloud) => {
              const cam = camera;
              if (!validCamera(cam) || previewFailed || runSignal.aborted || p.step >= p.iterations) return;
              const now = performance.now();
              if (!schedule.due(now)) return;
              try {
                const cloud = await readCloud();
                const frame = await render(dev, cloud, cam, req.background);
                const renderMs = schedule.drawn(now, performance.now());
                cb.onPreview({ ...frame, step: p.step, iterations: p.iterations, splats: cloud.count, final: false, renderMs });
              } catch (e) {
                // A preview is not worth the run: stop drawing them and say so once.
                previewFailed = true;
                console.error('training preview failed', e);
              }
            },
          });
        } catch (e) {
          await popScope();
          if (oom !== null) return oomResult();
          // Thrown before the loop (bad input, cancelled while carving the hull): no cloud yet.
          if (signal.aborted) return emptyResult('cancelled', req.options.iterations);
          throw e instanceof Error ? e : new Error(describeError(e));
        }
        await popScope();
        // Its buffers were not all made: the cloud is not worth keeping.
        if (oom !== null) return oomResult();

        const { cloud, hull, ...rest } = result;
        const kept = cloneCloud(cloud);
        last = { cloud: kept, background: req.background, step: rest.stepsDone, iterations: req.options.iterations };
        // The final render, from wherever the orbit camera is now.
        const cam = camera;
        if (validCamera(cam) && kept.count > 0) {
          try {
            const t0 = performance.now();
            const frame = await render(dev, kept, cam, req.background);
            cb.onPreview({ ...frame, step: rest.stepsDone, iterations: req.options.iterations, splats: kept.count, final: true, renderMs: performance.now() - t0 });
          } catch (e) {
            console.error('final render failed', e);
          }
        }
        return { ...rest, cloud, hullVoxels: hull ? hull.count : null };
      } finally {
        running = false;
      }
    },

    async renderLast(cam) {
      if (running || !last || !validCamera(cam)) return null;
      const { device: dev } = await device();
      const t0 = performance.now();
      const frame = await render(dev, last.cloud, cam, last.background);
      return { ...frame, step: last.step, iterations: last.iterations, splats: last.cloud.count, final: true, renderMs: performance.now() - t0 };
    },

    forget() {
      last = null;
    },

    async gpuMemory() {
      if (!started) return null;
      const ledger = trackBuffers((await device()).device);
      return { bytes: ledger.liveBytes(), buffers: ledger.liveBuffers() };
    },

    failNextAllocation() {
      failAllocation = true;
    },

    async loseDevice() {
      if (!started) return;
      (await device()).device.destroy();
    },
  };
}
