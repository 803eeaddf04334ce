/**
 * @sparkjsdev/spark (three.js), as its README sets it up: a SparkRenderer in the scene, a
 * SplatMesh loaded from the PLY URL, renderer.render(scene, camera) per frame.
 *
 * How Spark orders splats: on each rendered frame whose view moved, SparkRenderer regenerates its
 * splat accumulator for that camera and, unless a sort is already running, starts one
 * (SparkRenderer.driveSort): it copies the accumulator's view origin into `sortedCenter`, reads the
 * depths back from the GPU and calls its sort worker (`sortWorker.call("sortSplats32")`); when the
 * worker answers it uploads the new ordering texture. Frames drawn meanwhile use the previous
 * ordering texture.
 *
 * Observable used here: `sortWorker` is wrapped when Spark creates it. At each
 * call("sortSplats32") the camera is identified by matching `sortedCenter` (the camera position the
 * sort is for) to the orbit's camera centres; the call's answer is when that order replaces the
 * one drawn (Spark uploads it in the same microtask chain, with sortDelay 0, before any later frame
 * can be drawn). Sort time = from the start of that sort's GPU depth readback (readbackDepth,
 * wrapped) to the worker's answer, main-thread clock: the latency of one Spark sort.
 */
import { SparkRenderer, SplatMesh } from '@sparkjsdev/spark';
import { Scene } from 'three';
import { matchCamera, OrderTracker } from '../staleFrames.ts';
import { cameraCentres } from '../orbit.ts';
import { threeCamera, threeRenderer, setPose } from './threeCommon.ts';
import { finishWithOnePixel, readDefaultFramebuffer, type AdapterContext, type DrawResult, type ViewerAdapter } from './types.ts';

interface HookableWorker {
  call: (name: string, args: unknown, options?: unknown) => Promise<unknown>;
}

export async function createSparkAdapter(ctx: AdapterContext): Promise<ViewerAdapter> {
  const renderer = threeRenderer(ctx);
  const gl = renderer.getContext() as WebGL2RenderingContext;
  const camera = threeCamera(ctx.cameras[0]);
  setPose(camera, ctx.cameras[0]);
  const scene = new Scene();
  const spark = new SparkRenderer({ renderer });
  scene.add(spark);
  const centres = cameraCentres(ctx.cameras);
  const tracker = new OrderTracker();
  const notes = new Set<string>();
  let measureFrom = Infinity;

  // Wrap the sort worker as Spark creates it (driveSort: `if (!this.sortWorker) this.sortWorker = new SplatWorker()`).
  let worker: HookableWorker | null = (spark as unknown as { sortWorker: HookableWorker | null }).sortWorker;
  const hook = (w: HookableWorker) => {
    const call = w.call.bind(w);
    w.call = (name, args, options) => {
      if (name !== 'sortSplats32') return call(name, args, options);
      const cam = matchCamera(spark.sortedCenter, centres);
      if (cam < 0) notes.add('a sort for a position off the orbit was seen');
      tracker.requested(cam, false, readbackStart ?? performance.now());
      readbackStart = null;
      return call(name, args, options).then(
        (r) => {
          if (spark.sortDelay > 0) notes.add(`sortDelay ${spark.sortDelay} ms: delivery time approximate`);
          tracker.delivered(performance.now());
          return r;
        },
        (e) => {
          tracker.canceled();
          throw e;
        },
      );
    };
  };
  if (worker) hook(worker);
  // The sort starts with the GPU depth readback (driveSort: readbackDepth, then the worker call).
  let readbackStart: number | null = null;
  const sparkPrivate = spark as unknown as { readbackDepth: (args: unknown) => Promise<unknown> };
  const readbackDepth = sparkPrivate.readbackDepth.bind(spark);
  sparkPrivate.readbackDepth = (a: unknown) => {
    readbackStart = performance.now();
    return readbackDepth(a);
  };
  Object.defineProperty(spark, 'sortWorker', {
    configurable: true,
    enumerable: true,
    get: () => worker,
    set: (w: HookableWorker | null) => {
      worker = w;
      if (w) hook(w);
    },
  });

  let capturedFrame: Uint8Array | null = null;
  let mesh: SplatMesh | null = null;
  return {
    sortNote: 'GPU depth readback start -> sort worker answer (sortSplats32), main-thread clock',
    async load(url) {
      mesh = new SplatMesh({ url });
      await mesh.initialized;
      scene.add(mesh);
      if (mesh.numSplats !== ctx.splats) notes.add(`Spark holds ${mesh.numSplats} splats of ${ctx.splats}`);
    },
    async drawFrame(k, capture): Promise<DrawResult> {
      setPose(camera, ctx.cameras[k]);
      renderer.render(scene, camera);
      // Synchronous from render() on: no worker answer can land between the draw and this line.
      const frame = tracker.drawn(k);
      finishWithOnePixel(gl);
      const completeAt = performance.now();
      if (capture) capturedFrame = readDefaultFramebuffer(gl, ctx.canvas.width, ctx.canvas.height);
      return { completeAt, frame };
    },
    async captured() {
      return capturedFrame;
    },
    idle() {
      return !spark.sorting;
    },
    startMeasuring() {
      measureFrom = performance.now();
    },
    sortSamples() {
      const s = tracker.roundTrips.filter((r) => r.startedAt >= measureFrom).map((r) => r.ms);
      return s.length ? s : null;
    },
    notes() {
      const out = [...notes];
      if (tracker.pendingCount) out.push(`${tracker.pendingCount} sort(s) still running after the last frame`);
      return out;
    },
    destroy() {
      mesh?.dispose();
      spark.dispose();
      renderer.dispose();
    },
  };
}
