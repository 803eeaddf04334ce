/**
 * The model-free feature source: OpenCV.js ORB (oriented FAST + rotated BRIEF, 256-bit binary
 * descriptors matched by Hamming distance). Works with no model file at all; fewer and less
 * repeatable matches than ALIKE/XFeat on wide baselines.
 */
import type { RGBAImage } from '../../../core/image.ts';
import { loadOpenCv } from './opencv.ts';
import type { Features } from './types.ts';

export interface OrbOptions {
  /** Keypoints kept per image (default 2048). */
  topK?: number;
  /** 0/1 per pixel: keypoints only where 1 (already dilated by the caller). */
  mask?: Uint8Array;
}

/** Grey values (ITU-R 601 luma) of an RGBA image. */
export function toGrey(img: RGBAImage): Uint8Array {
  const n = img.width * img.height;
  const g = new Uint8Array(n);
  for (let i = 0; i < n; i++) g[i] = Math.round(0.299 * img.data[4 * i] + 0.587 * img.data[4 * i + 1] + 0.114 * img.data[4 * i + 2]);
  return g;
}

export async function detectOrb(img: RGBAImage, opts: OrbOptions = {}): Promise<Features> {
  const { cv } = await loadOpenCv();
  const grey = cv.matFromArray(img.height, img.width, cv.CV_8UC1, toGrey(img));
  const mask = opts.mask ? cv.matFromArray(img.height, img.width, cv.CV_8UC1, opts.mask.map((v) => (v ? 255 : 0))) : new cv.Mat();
  // OpenCV.js 4.5 cannot bind ORB's full constructor (its ScoreType enum): set what it exposes.
  // A 19 px patch (default 31) keeps corners near the image edges of small photos.
  const orb = new cv.ORB(opts.topK ?? 2048);
  orb.setEdgeThreshold(19);
  orb.setPatchSize(19);
  const kps = new cv.KeyPointVector();
  const desc = new cv.Mat();
  try {
    orb.detectAndCompute(grey, mask, kps, desc);
    const n = kps.size();
    const keypoints = new Float32Array(2 * n), scores = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const k = kps.get(i);
      // OpenCV puts pixel centres at integers; this project at i + 0.5.
      keypoints[2 * i] = k.pt.x + 0.5;
      keypoints[2 * i + 1] = k.pt.y + 0.5;
      scores[i] = k.response;
    }
    const dim = n > 0 ? desc.cols : 32;
    return { width: img.width, height: img.height, keypoints, scores, descriptors: new Uint8Array(desc.data.slice(0, n * dim)), dim, kind: 'binary' };
  } finally {
    grey.delete(); mask.delete(); orb.delete(); kps.delete(); desc.delete();
  }
}
