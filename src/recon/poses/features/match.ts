/**
 * Descriptor matching: mutual nearest neighbours with Lowe's ratio test, for float descriptors
 * (unit vectors, Euclidean distance via the dot product) and binary ones (Hamming distance).
 * A match (i, j) is kept when j is i's nearest neighbour in B, i is j's nearest in A, and
 * d(i, j) < ratio * d(i, second nearest of i in B).
 */
import type { Features } from './types.ts';

export interface MatchOptions {
  /** Lowe's ratio on distances (default 0.9 for float, 0.8 for binary descriptors). */
  ratio?: number;
}

export const DEFAULT_RATIO = { float: 0.9, binary: 0.8 } as const;

/** Interleaved index pairs [i0, j0, i1, j1, ...]. */
export function matchFeatures(a: Features, b: Features, opts: MatchOptions = {}): Int32Array {
  if (a.kind !== b.kind || a.dim !== b.dim) throw new RangeError(`cannot match ${a.kind}/${a.dim} descriptors with ${b.kind}/${b.dim}`);
  const ratio = opts.ratio ?? DEFAULT_RATIO[a.kind];
  return a.kind === 'float'
    ? matchFloat(a.descriptors as Float32Array, b.descriptors as Float32Array, a.dim, ratio)
    : matchBinary(a.descriptors as Uint8Array, b.descriptors as Uint8Array, a.dim, ratio);
}

/** Unit float descriptors: distance^2 = 2 - 2 (a . b). */
export function matchFloat(da: Float32Array, db: Float32Array, dim: number, ratio: number): Int32Array {
  const na = Math.floor(da.length / dim), nb = Math.floor(db.length / dim);
  const best = new Int32Array(na).fill(-1), bestS = new Float32Array(na).fill(-Infinity), secondS = new Float32Array(na).fill(-Infinity);
  const colBest = new Int32Array(nb).fill(-1), colBestS = new Float32Array(nb).fill(-Infinity);
  for (let i = 0; i < na; i++) {
    const oa = i * dim;
    let b1 = -Infinity, b2 = -Infinity, bj = -1;
    for (let j = 0; j < nb; j++) {
      const ob = j * dim;
      let s = 0;
      for (let c = 0; c < dim; c++) s += da[oa + c] * db[ob + c];
      if (s > b1) { b2 = b1; b1 = s; bj = j; } else if (s > b2) b2 = s;
      if (s > colBestS[j]) { colBestS[j] = s; colBest[j] = i; }
    }
    best[i] = bj; bestS[i] = b1; secondS[i] = b2;
  }
  const out: number[] = [];
  const dist = (s: number) => Math.sqrt(Math.max(0, 2 - 2 * s));
  for (let i = 0; i < na; i++) {
    const j = best[i];
    if (j < 0 || colBest[j] !== i) continue;
    if (secondS[i] > -Infinity && !(dist(bestS[i]) < ratio * dist(secondS[i]))) continue;
    out.push(i, j);
  }
  return Int32Array.from(out);
}

const POPCOUNT = new Uint8Array(256).map((_, i) => { let c = 0; for (let v = i; v; v >>= 1) c += v & 1; return c; });

/** Hamming distance of the `dim`-byte descriptors at byte offsets `oa` of `da` and `ob` of `db`. */
export function hamming(da: Uint8Array, oa: number, db: Uint8Array, ob: number, dim: number): number {
  let d = 0;
  for (let c = 0; c < dim; c++) d += POPCOUNT[da[oa + c] ^ db[ob + c]];
  return d;
}

/** Binary descriptors of `dim` bytes, Hamming distance. */
export function matchBinary(da: Uint8Array, db: Uint8Array, dim: number, ratio: number): Int32Array {
  const na = Math.floor(da.length / dim), nb = Math.floor(db.length / dim);
  const best = new Int32Array(na).fill(-1), bestD = new Int32Array(na), secondD = new Int32Array(na);
  const colBest = new Int32Array(nb).fill(-1), colBestD = new Int32Array(nb).fill(2 ** 30);
  for (let i = 0; i < na; i++) {
    const oa = i * dim;
    let d1 = 2 ** 30, d2 = 2 ** 30, bj = -1;
    for (let j = 0; j < nb; j++) {
      const d = hamming(da, oa, db, j * dim, dim);
      if (d < d1) { d2 = d1; d1 = d; bj = j; } else if (d < d2) d2 = d;
      if (d < colBestD[j]) { colBestD[j] = d; colBest[j] = i; }
    }
    best[i] = bj; bestD[i] = d1; secondD[i] = d2;
  }
  const out: number[] = [];
  for (let i = 0; i < na; i++) {
    const j = best[i];
    if (j < 0 || colBest[j] !== i) continue;
    if (secondD[i] < 2 ** 30 && !(bestD[i] < ratio * secondD[i])) continue;
    out.push(i, j);
  }
  return Int32Array.from(out);
}

/** Every pair (a < b) of n views. */
export function allPairs(n: number): [number, number][] {
  const out: [number, number][] = [];
  for (let a = 0; a < n; a++) for (let b = a + 1; b < n; b++) out.push([a, b]);
  return out;
}
