/**
 * @mkkellogg/gaussian-splats-3d (three.js): a Viewer on our renderer and camera, not self-driven
 * (viewer.update(); viewer.render() per frame), no controls, scene revealed at once, SH degree 0,
 * its defaults otherwise: integer-based WASM sort in a worker, shared memory with the worker when
 * the page is cross-origin isolated (the driver serves it so), CPU distances (gpuAcceleratedSort off).
 *
 * How GS3D orders splats: viewer.update() calls runSplatSort(), which does nothing while a sort
 * runs, skips re-sorting unless the view turned by more than ~8 degrees (dot < 0.99) or moved by
 * 1 unit since the last full sort, and otherwise posts {sort: {modelViewProj, cameraPosition,
 * splatSortCount, splatRenderCount, ...}} to its sort worker; for large turns it first queues
 * partial sorts (splatSortCount < splatRenderCount). The worker answers {sortDone, sortTime}; the
 * main thread then uploads the sorted indexes (splatMesh.updateRenderIndexes), the order drawn from
 * then on.
 *
 * Observable used here: the sort worker is wrapped when the Viewer creates it. Each posted sort is
 * identified by matching its `cameraPosition` to the orbit's camera centres (and marked partial
 * when splatSortCount < splatRenderCount); each sortDone is when the oldest pending sort's order
 * replaces the one drawn (the Viewer's onmessage handler runs before ours in the same task).
 * Sort time = the worker's own `sortTime` (performance.now around its WASM sort).
 */
import * as GS from '@mkkellogg/gaussian-splats-3d';
import { matchCamera, OrderTracker } from '../staleFrames.ts';
import { cameraCentres } from '../orbit.ts';
import { threeCamera, threeRenderer, setPose } from './threeCommon.ts';
import { finishWithOnePixel, readDefaultFramebuffer, type AdapterContext, type DrawResult, type ViewerAdapter } from './types.ts';

interface SortMessage {
  sort?: { cameraPosition: number[]; splatSortCount: number; splatRenderCount: number };
}

export async function createGs3dAdapter(ctx: AdapterContext): Promise<ViewerAdapter> {
  const renderer = threeRenderer(ctx);
  const gl = renderer.getContext() as WebGL2RenderingContext;
  const camera = threeCamera(ctx.cameras[0]);
  setPose(camera, ctx.cameras[0]);
  // GS3D takes the render size (its focal lengths and viewport) from rootElement's offset size:
  // a box exactly the canvas's size, holding the canvas.
  const root = document.createElement('div');
  Object.assign(root.style, { width: `${ctx.canvas.width}px`, height: `${ctx.canvas.height}px`, position: 'relative' });
  document.body.appendChild(root);
  root.appendChild(ctx.canvas);
  const centres = cameraCentres(ctx.cameras);
  const tracker = new OrderTracker();
  const notes = new Set<string>();
  const sortTimes: { ms: number; at: number }[] = [];
  let measureFrom = Infinity;

  const viewer = new GS.Viewer({
    selfDrivenMode: false,
    renderer,
    camera,
    rootElement: root,
    useBuiltInControls: false,
    ignoreDevicePixelRatio: true,
    sharedMemoryForWorkers: self.crossOriginIsolated,
    gpuAcceleratedSort: false,
    sceneRevealMode: GS.SceneRevealMode.Instant,
    renderMode: GS.RenderMode.Always,
    logLevel: GS.LogLevel.None,
    sphericalHarmonicsDegree: 0,
    antialiased: false,
  });
  if (!self.crossOriginIsolated) notes.add('page not cross-origin isolated: GS3D without shared memory');

  let worker: Worker | null = null;
  const hook = (w: Worker) => {
    const post = w.postMessage.bind(w) as (msg: unknown, ...rest: unknown[]) => void;
    (w as unknown as { postMessage: (msg: unknown, ...rest: unknown[]) => void }).postMessage = (msg: unknown, ...rest: unknown[]) => {
      const s = (msg as SortMessage | null)?.sort;
      if (s) {
        const cam = matchCamera(s.cameraPosition as [number, number, number], centres);
        if (cam < 0) notes.add('a sort for a position off the orbit was seen');
        const partial = s.splatSortCount < s.splatRenderCount;
        if (partial) notes.add('partial sorts (GS3D sorts part of the splats first after large turns)');
        tracker.requested(cam, partial, performance.now());
      }
      post(msg, ...rest);
    };
    w.addEventListener('message', (e: MessageEvent) => {
      const d = e.data as { sortDone?: boolean; sortCanceled?: boolean; sortTime?: number };
      if (d.sortDone) {
        tracker.delivered(performance.now());
        if (typeof d.sortTime === 'number') sortTimes.push({ ms: d.sortTime, at: performance.now() });
      } else if (d.sortCanceled) tracker.canceled();
    });
  };
  Object.defineProperty(viewer, 'sortWorker', {
    configurable: true,
    enumerable: true,
    get: () => worker,
    set: (w: Worker | null) => {
      worker = w;
      if (w) hook(w);
    },
  });

  let capturedFrame: Uint8Array | null = null;
  return {
    sortNote: "worker's own sortTime (WASM sort, worker clock)",
    async load(url) {
      await viewer.addSplatScene(url, { format: GS.SceneFormat.Ply, showLoadingUI: false, progressiveLoad: false });
      const n = viewer.splatMesh?.getSplatCount?.();
      if (typeof n === 'number' && n !== ctx.splats) notes.add(`GS3D holds ${n} splats of ${ctx.splats}`);
    },
    async drawFrame(k, capture): Promise<DrawResult> {
      setPose(camera, ctx.cameras[k]);
      viewer.update();
      viewer.render();
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
      return !viewer.sortRunning;
    },
    startMeasuring() {
      measureFrom = performance.now();
    },
    sortSamples() {
      const s = sortTimes.filter((t) => t.at >= measureFrom).map((t) => t.ms);
      return s.length ? s : null;
    },
    notes() {
      const out = [...notes];
      if (tracker.pendingCount) out.push(`${tracker.pendingCount} sort(s) still running after the last frame`);
      return out;
    },
    destroy() {
      void viewer.dispose();
      renderer.dispose();
      root.remove();
    },
  };
}
