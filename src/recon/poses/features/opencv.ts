/**
 * OpenCV.js for the poses stage: the masks stage's loader (src/recon/masks/opencv.ts: lazy, once
 * per worker or process, safe against the Emscripten Module's self-resolving `then`), typed here
 * for the few feature calls this stage makes. Like that loader, it resolves to `{ cv }`, never to
 * the Module itself.
 */
import { loadOpenCv as loadSharedOpenCv } from '../../masks/opencv.ts';

export interface CvMat { rows: number; cols: number; data: Uint8Array; delete(): void }
export interface CvKeyPoint { pt: { x: number; y: number }; response: number; size: number }
export interface CvKeyPointVector { size(): number; get(i: number): CvKeyPoint; delete(): void }
export interface CvOrb {
  detectAndCompute(img: CvMat, mask: CvMat, kps: CvKeyPointVector, desc: CvMat): void;
  setEdgeThreshold(v: number): void;
  setPatchSize(v: number): void;
  delete(): void;
}
export interface OpenCv {
  Mat: { new (): CvMat; new (rows: number, cols: number, type: number): CvMat };
  KeyPointVector: new () => CvKeyPointVector;
  /** OpenCV.js 4.5 binds only ORB(nfeatures): the full constructor needs an enum it lacks. */
  ORB: new (nfeatures?: number) => CvOrb;
  matFromArray(rows: number, cols: number, type: number, data: ArrayLike<number>): CvMat;
  CV_8UC1: number;
}

export async function loadOpenCv(): Promise<{ cv: OpenCv }> {
  const { cv } = await loadSharedOpenCv();
  return { cv: cv as unknown as OpenCv };
}
