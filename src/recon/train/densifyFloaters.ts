/**
 * Floaters by neighbour distance, as GaussianObject prunes them: a splat whose RMS distance to
 * its k nearest neighbours is a statistical outlier (> mean + stdMultiplier * std over the
 * cloud) sits alone in space, which with sparse views is almost always a view-fitting artefact.
 */
import { knnRmsDistance } from '../hull/index.ts';

export interface FloaterOptions {
  /** Neighbours per splat (default 3, as simple_knn). */
  k?: number;
  /** Default 3. */
  stdMultiplier?: number;
}

/** Too few points make mean and std meaningless: nothing is called a floater below this. */
const MIN_POINTS = 8;

/** 1 for each point (N*3 means) that is a floater. */
export function floaterMask(means: Float32Array, opts: FloaterOptions = {}): Uint8Array {
  const n = means.length / 3;
  const out = new Uint8Array(n);
  if (n < MIN_POINTS) return out;
  const d = knnRmsDistance(means, opts.k ?? 3);
  let sum = 0;
  for (let i = 0; i < n; i++) sum += d[i];
  const mean = sum / n;
  let sq = 0;
  for (let i = 0; i < n; i++) sq += (d[i] - mean) ** 2;
  const threshold = mean + (opts.stdMultiplier ?? 3) * Math.sqrt(sq / n);
  for (let i = 0; i < n; i++) if (d[i] > threshold) out[i] = 1;
  return out;
}
