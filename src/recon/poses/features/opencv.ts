/**
 * OpenCV.js (@techstark/opencv-js 4.5.2), loaded once on first use. The package is a large
 * Emscripten build; its default export is the Emscripten Module, usable once
 * `onRuntimeInitialized` has fired. Do not `await` the Module itself: it is a thenable whose
 * `then` resolves to itself, so awaiting it never ends (see unthen below). The same code runs in Node (tsx, vitest)
 * and in a module worker (Vite bundles the file into the worker's chunk).
 */

/** The small part of OpenCV.js this project calls. */
export interface CvMat { rows: number; cols: number; data: Uint8Array; delete(): void }
export interface CvKeyPoint { pt: { x: number; y: number }; response: number; size: number }
export interface CvKeyPointVector { size(): number; get(i: number): CvKeyPoint; delete(): void }
export interface CvOrb { detectAndCompute(img: CvMat, mask: CvMat, kps: CvKeyPointVector, desc: CvMat): void; setEdgeThreshold(v: number): void; setPatchSize(v: number): void; delete(): void }
export interface OpenCv {
  Mat: { new (): CvMat; new (rows: number, cols: number, type: number): CvMat };
  KeyPointVector: new () => CvKeyPointVector;
  ORB: new (nfeatures?: number) => CvOrb;
  matFromArray(rows: number, cols: number, type: number, data: ArrayLike<number>): CvMat;
  CV_8UC1: number;
  ORB_HARRIS_SCORE?: number;
}

let cvPromise: Promise<OpenCv> | null = null;

/**
 * The ready Module with its `then` removed: any promise resolved with a thenable adopts it, and
 * the Module's `then` calls back with the Module again, so without this `await loadOpenCv()`
 * (or returning the Module from an async function) never settles.
 */
function unthen(cv: OpenCv): OpenCv {
  const m = cv as OpenCv & { then?: unknown };
  if ('then' in m) {
    delete m.then;
    if ('then' in m) m.then = undefined;
  }
  return cv;
}

export function loadOpenCv(): Promise<OpenCv> {
  cvPromise ??= import('@techstark/opencv-js').then((mod) => {
    const cv = ((mod as { default?: unknown }).default ?? mod) as OpenCv & { onRuntimeInitialized?: () => void };
    if (typeof cv.Mat === 'function') return unthen(cv);
    return new Promise<OpenCv>((resolve) => {
      const previous = cv.onRuntimeInitialized;
      cv.onRuntimeInitialized = () => {
        previous?.();
        resolve(unthen(cv));
      };
    });
  });
  return cvPromise;
}
