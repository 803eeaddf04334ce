/**
 * One in-plane turn per photo so that learned descriptors, which are not rotation invariant, see
 * every pair of photos at about the same roll.
 *
 * For every pair (a, b), small copies are matched with a unturned and b turned by each angle of a
 * full circle (30 degree steps: a descriptor copes with the remaining +-15); the angle with the
 * most mutual matches is the pair's relative roll, its match count the pair's weight. A maximum
 * spanning tree over those weights, rooted at the first photo (kept as it is), gives each photo
 * one turn: the sum of the relative rolls along its tree path. One turn per photo, rather than one
 * per pair, keeps each photo's keypoints one set, so tracks chain across pairs.
 */
import { resizeImage, type RGBAImage } from '../../../core/image.ts';
import { nearestMask } from './keypoints.ts';
import { matchFeatures } from './match.ts';
import { keypointsToSource, rotateImage, rotateMask } from './rotatedImage.ts';
import type { Features } from './types.ts';

export type Detect = (image: RGBAImage, opts: { topK: number; mask?: Uint8Array }) => Promise<Features>;

export interface UprightSearchOptions {
  /** Angle step of the search, degrees (default 30). */
  stepDegrees?: number;
  /** Keypoints per copy in the search (default 384: enough to rank angles, cheap to match). */
  topK?: number;
  /** Longest side of the search copies, px (default 512). */
  maxSide?: number;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

export interface PairRoll {
  a: number;
  b: number;
  /** b turned by this many degrees matches a best. */
  degrees: number;
  matches: number;
  /** Matches with b unturned, for the log. */
  matchesUnturned: number;
}

export interface UprightResult {
  /** Per photo: the turn (degrees) its features should be detected at. */
  degrees: number[];
  pairs: PairRoll[];
}

const wrap = (d: number) => {
  let x = ((d % 360) + 360) % 360;
  if (x > 180) x -= 360;
  return x;
};

/** Features of `img` turned by `degrees`, keypoints in the unturned image's pixels. */
export async function detectTurned(detect: Detect, img: RGBAImage, degrees: number, topK: number, mask?: Uint8Array): Promise<Features> {
  const r = rotateImage(img, degrees);
  const m = mask ? rotateMask(r, mask, img.width, img.height) : r.valid;
  const f = await detect(r.image, { topK, mask: m });
  keypointsToSource(f.keypoints, r);
  return { ...f, width: img.width, height: img.height };
}

export async function searchUprightAngles(
  images: readonly RGBAImage[], masks: readonly (Uint8Array | undefined)[], detect: Detect, opts: UprightSearchOptions = {},
): Promise<UprightResult> {
  const n = images.length;
  const step = opts.stepDegrees ?? 30;
  const topK = opts.topK ?? 384;
  const maxSide = opts.maxSide ?? 512;
  const angles = Array.from({ length: Math.round(360 / step) }, (_, k) => wrap(k * step));
  // Small copies (and their masks, nearest) for the search.
  const small = images.map((img, v) => {
    const s = Math.min(1, maxSide / Math.max(img.width, img.height));
    const w = Math.max(1, Math.round(img.width * s)), h = Math.max(1, Math.round(img.height * s));
    const mask = masks[v];
    const m = mask ? nearestMask(mask, img.width, img.height, w, h) : undefined;
    return { img: resizeImage(img, w, h), mask: m };
  });
  // A pair (a, b), a < b, matches a unturned against every turn of b, so the first photo is only
  // ever needed unturned (angles[0] is 0): its other turns are not detected.
  const total = 1 + (n - 1) * angles.length;
  let done = 0;
  const turned: Features[][] = [];
  for (let v = 0; v < n; v++) {
    const perAngle: Features[] = [];
    for (const deg of v === 0 ? angles.slice(0, 1) : angles) {
      opts.signal?.throwIfAborted();
      perAngle.push(await detectTurned(detect, small[v].img, deg, topK, small[v].mask));
      opts.onProgress?.(++done, total);
    }
    turned.push(perAngle);
  }
  const pairs: PairRoll[] = [];
  for (let a = 0; a < n; a++)
    for (let b = a + 1; b < n; b++) {
      let best = 0, bestCount = -1, unturned = 0;
      angles.forEach((deg, k) => {
        const count = matchFeatures(turned[a][0], turned[b][k]).length >> 1;
        if (deg === 0) unturned = count;
        if (count > bestCount) { bestCount = count; best = deg; }
      });
      pairs.push({ a, b, degrees: best, matches: bestCount, matchesUnturned: unturned });
      await new Promise((r) => setTimeout(r, 0)); // let a worker see a cancel
      opts.signal?.throwIfAborted();
    }
  return { degrees: spanningTreeTurns(n, pairs), pairs };
}

/** Per-photo turns from pairwise rolls: Prim's maximum spanning tree from photo 0. */
export function spanningTreeTurns(n: number, pairs: readonly PairRoll[]): number[] {
  const deg = new Array<number>(n).fill(0);
  const inTree = new Array<boolean>(n).fill(false);
  if (n === 0) return deg;
  inTree[0] = true;
  for (let added = 1; added < n; added++) {
    let pick: { from: number; to: number; roll: number; w: number } | null = null;
    for (const p of pairs) {
      const forward = inTree[p.a] && !inTree[p.b], backward = inTree[p.b] && !inTree[p.a];
      if (!forward && !backward) continue;
      if (pick && p.matches <= pick.w) continue;
      pick = forward ? { from: p.a, to: p.b, roll: p.degrees, w: p.matches } : { from: p.b, to: p.a, roll: -p.degrees, w: p.matches };
    }
    if (!pick) break; // unconnected photos keep 0
    deg[pick.to] = wrap(deg[pick.from] + pick.roll);
    inTree[pick.to] = true;
  }
  return deg;
}
