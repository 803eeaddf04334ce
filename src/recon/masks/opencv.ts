/**
 * OpenCV.js (npm `@techstark/opencv-js` 4.5.2, wasm embedded), loaded lazily once per worker or
 * Node process. The runtime is ready when its Emscripten `onRuntimeInitialized` fires (classes
 * such as `cv.Mat` exist only from then on); a runtime that never starts fails with a message
 * after LOAD_TIMEOUT_MS instead of hanging. Only the few calls the masks stage makes are typed.
 */

export interface CvMat {
  rows: number;
  cols: number;
  data: Uint8Array;
  data32S: Int32Array;
  data64F: Float64Array;
  delete(): void;
}

/** The part of OpenCV.js the masks stage uses. */
export interface Cv {
  Mat: { new (): CvMat; new (rows: number, cols: number, type: number): CvMat; zeros(rows: number, cols: number, type: number): CvMat; ones(rows: number, cols: number, type: number): CvMat };
  Rect: new (x: number, y: number, w: number, h: number) => unknown;
  Size: new (w: number, h: number) => unknown;
  Point: new (x: number, y: number) => unknown;
  CV_8UC1: number;
  CV_8UC3: number;
  CV_64FC1: number;
  GC_BGD: number;
  GC_FGD: number;
  GC_PR_BGD: number;
  GC_PR_FGD: number;
  GC_INIT_WITH_MASK: number;
  GC_EVAL: number;
  MORPH_ELLIPSE: number;
  MORPH_OPEN: number;
  MORPH_CLOSE: number;
  grabCut(img: CvMat, mask: CvMat, rect: unknown, bgd: CvMat, fgd: CvMat, iters: number, mode: number): void;
  getStructuringElement(shape: number, size: unknown): CvMat;
  morphologyEx(src: CvMat, dst: CvMat, op: number, kernel: CvMat): void;
  connectedComponentsWithStats(src: CvMat, labels: CvMat, stats: CvMat, centroids: CvMat, connectivity: number): number;
  matFromArray(rows: number, cols: number, type: number, array: ArrayLike<number>): CvMat;
  setRNGSeed(seed: number): void;
}

/** How long the wasm runtime may take to start before we give up (it takes < 1 s in Node here). */
export const LOAD_TIMEOUT_MS = 60_000;

let loading: Promise<{ cv: Cv }> | null = null;

/**
 * OpenCV.js, ready to call. Resolves to `{ cv }`, never to `cv` itself.
 *
 * Why the detour: opencv.js's export is an Emscripten Module with a `then` method, so anything
 * that awaits it (a dynamic import's interop, as vitest's; an async function returning it)
 * calls `then`, which resolves with the Module again, forever: a microtask loop that freezes the
 * thread. opencv.js builds on a global `Module` when one exists, so we hand it one whose
 * `onRuntimeInitialized` removes `then` before anything can await it, and tells us it is ready.
 * A failed load is not cached, so a later call tries again.
 */
export function loadOpenCv(): Promise<{ cv: Cv }> {
  loading ??= (async () => {
    const g = globalThis as { Module?: unknown };
    let ready!: () => void;
    const started = new Promise<void>((resolve) => (ready = resolve));
    const mod: Record<string, unknown> = {
      onRuntimeInitialized() {
        delete mod.then;
        ready();
      },
    };
    const previous = g.Module;
    g.Module = mod;
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`OpenCV.js did not start within ${LOAD_TIMEOUT_MS / 1000} s (its WebAssembly runtime never initialised). Reload the page and try again.`)), LOAD_TIMEOUT_MS);
      });
      const imported = (await Promise.race([import('./opencvModule.ts'), timeout])).wrapped?.cv as { Mat?: unknown } | undefined;
      // Someone loaded OpenCV.js before us (our Module went unused): use theirs.
      if (imported && imported !== mod && typeof imported.Mat === 'function') return { cv: imported as unknown as Cv };
      await Promise.race([started, timeout]);
      return { cv: mod as unknown as Cv };
    } finally {
      clearTimeout(timer);
      if (previous === undefined) delete g.Module;
      else g.Module = previous;
    }
  })().catch((e) => {
    loading = null;
    throw e;
  });
  return loading;
}
