/**
 * The cameras inside each cluster of views that SfM left unplaced, from a second, denser
 * matching of those views alone: features detected on each photo and on tilted copies of it (the
 * affine simulation of ASIFT, ./features/tiltedImage.ts), matched across all simulation pairs,
 * then incremental SfM run on the unplaced views, again on those it left, and so on: each run
 * places one cluster, in a frame of its own.
 *
 * Why: with wide baselines round an object (Blender lego's 8 views) SfM places one cluster of
 * nearby views; the others fall into clusters whose bearing round the object no match can give
 * (pairs 70+ degrees apart match at chance level, tilted or not), but whose INNER poses the
 * matches can give, if there are enough of them. The rotations of the weak pairs alone (a few
 * dozen matches each) were up to 28 degrees wrong inside lego's second cluster, and its views
 * could not be placed by SfM. With the tilted copies SfM places two of lego's unplaced views
 * with 1.4 and 2.1 degrees of relative rotation error (the weak pairs: 1.4 and 9.4); then
 * ./clusterPlacement.ts turns each cluster about the object as one rigid whole.
 *
 * Each pair's essential matrix is the best of several RANSAC runs (essentialRestarts): these pairs
 * keep 30-50% of their matches as inliers, and one run's fit depended on its seed. Measured on
 * lego's {r_55, r_73} (114 matches): one run of 5000 iterations gave 27 deg of relative rotation
 * error at the true focal length and 4.2 at SfM's; 4 runs of 20000: 2.5 and 2.0.
 */
import type { RGBAImage } from '../../core/image.ts';
import { resizeImage } from '../../core/image.ts';
import { incrementalSfm, type SfmMatches } from './incrementalSfm.ts';
import { nearestMask } from './features/keypoints.ts';
import { matchFeatures } from './features/match.ts';
import { rotateMask } from './features/rotatedImage.ts';
import { tiltImage } from './features/tiltedImage.ts';
import { detectTurned, type Detect } from './features/uprightSearch.ts';
import type { Features } from './features/types.ts';
import type { Camera } from '../../core/camera.ts';
import type { PosedCluster } from './clusterPlacement.ts';

export interface ClusterSfmOptions {
  /** The shared focal length, px of the photos (the first SfM's). */
  focalPx: number;
  /** Per photo: the in-plane turn its features are detected at (the upright search's), degrees. */
  turns?: readonly number[];
  /** Tilt of the simulated copies (default 2: a face seen 60 degrees off its normal). */
  tilt?: number;
  /** Directions of the tilt, degrees (default 0, 45, 90, 135); the photo itself is always used. */
  directionsDeg?: readonly number[];
  /** Keypoints per simulated copy (default 1024). */
  topK?: number;
  /** Copies are detected at this longest side, px (default 640). */
  maxSide?: number;
  ratio?: number;
  /** Keypoints of different copies closer than this in the photo are one keypoint (px, default 1.5). */
  mergePx?: number;
  /** Essential-matrix RANSAC iterations per pair (default 20000: the pairs between clusters keep 30-40% inliers). */
  essentialIterations?: number;
  /** RANSAC runs per pair, the best kept (default 4: see SfmOptions.essentialRestarts). */
  essentialRestarts?: number;
  signal?: AbortSignal;
  log?: (line: string) => void;
  /** Photos detected, then pairs matched, out of both. */
  onProgress?: (done: number, total: number) => void;
}

/** A photo's keypoints from all its copies, merged (SfM needs positions only). */
interface MergedFeatures {
  keypoints: Float32Array;
  /** Per copy: its features, and each of its keypoints' index in `keypoints`. */
  copies: { features: Features; merged: Int32Array }[];
}

export interface ClusterSfm {
  /** Views placed together by one SfM run (photo indices, in the order found) and their cameras in that run's frame. */
  clusters: PosedCluster[];
  /** Matches per pair of views (photo indices) after merging the copies' matches. */
  pairs: { a: number; b: number; matches: number }[];
  log: string[];
}

async function detectCopies(detect: Detect, img: RGBAImage, mask: Uint8Array | undefined, turn: number, o: Required<Pick<ClusterSfmOptions, 'tilt' | 'directionsDeg' | 'topK' | 'maxSide' | 'mergePx'>>): Promise<MergedFeatures> {
  const s = Math.min(1, o.maxSide / Math.max(img.width, img.height));
  const w = Math.max(1, Math.round(img.width * s)), h = Math.max(1, Math.round(img.height * s));
  const small = s < 1 ? resizeImage(img, w, h) : img;
  const smallMask = mask ? (s < 1 ? nearestMask(mask, img.width, img.height, w, h) : mask) : undefined;
  const merged: number[] = [];
  const cell = new Map<string, number[]>();
  const r2 = o.mergePx * o.mergePx;
  /** The merged index of a keypoint at (u, v) in the photo's pixels: an earlier one within mergePx, or a new one. */
  const mergeAt = (u: number, v: number) => {
    const cu = Math.floor(u / o.mergePx), cv = Math.floor(v / o.mergePx);
    for (let du = -1; du <= 1; du++)
      for (let dv = -1; dv <= 1; dv++)
        for (const k of cell.get(`${cu + du},${cv + dv}`) ?? [])
          if ((merged[2 * k] - u) ** 2 + (merged[2 * k + 1] - v) ** 2 <= r2) return k;
    const k = merged.length >> 1;
    merged.push(u, v);
    const key = `${cu},${cv}`;
    (cell.get(key) ?? cell.set(key, []).get(key)!).push(k);
    return k;
  };
  const copies: MergedFeatures['copies'] = [];
  for (const dir of [null, ...o.directionsDeg]) {
    const t = dir === null ? null : tiltImage(small, o.tilt, dir);
    const canvas = t ? t.image : small;
    const canvasMask = t ? (smallMask ? rotateMask(t, smallMask, w, h) : t.valid) : smallMask;
    const f = await detectTurned(detect, canvas, turn, o.topK, canvasMask);
    const n = f.keypoints.length >> 1;
    const idx = new Int32Array(n);
    for (let k = 0; k < n; k++) {
      let [u, v] = t ? t.toSource(f.keypoints[2 * k], f.keypoints[2 * k + 1]) : [f.keypoints[2 * k], f.keypoints[2 * k + 1]];
      u /= s;
      v /= s;
      idx[k] = mergeAt(u, v);
    }
    copies.push({ features: f, merged: idx });
  }
  return { keypoints: Float32Array.from(merged), copies };
}

/** Matches of two photos over all pairs of their copies, in merged indices; a keypoint matched to two different ones is dropped. */
function matchCopies(a: MergedFeatures, b: MergedFeatures, ratio: number | undefined): Int32Array {
  const toB = new Map<number, number>();
  const ambiguous = new Set<number>();
  for (const ca of a.copies)
    for (const cb of b.copies) {
      const m = matchFeatures(ca.features, cb.features, { ratio });
      for (let k = 0; k < m.length; k += 2) {
        const i = ca.merged[m[k]], j = cb.merged[m[k + 1]];
        const prev = toB.get(i);
        if (prev === undefined) toB.set(i, j);
        else if (prev !== j) ambiguous.add(i);
      }
    }
  const seenB = new Map<number, number>();
  for (const [i, j] of toB) if (!ambiguous.has(i)) seenB.set(j, (seenB.get(j) ?? 0) + 1);
  const out: number[] = [];
  for (const [i, j] of toB) if (!ambiguous.has(i) && seenB.get(j) === 1) out.push(i, j);
  return Int32Array.from(out);
}

/**
 * Clusters of `views` (photo indices) and their inner cameras, by denser matching and SfM on those
 * views alone. Views no run could place are in no cluster.
 */
export async function clusterSfm(
  images: readonly RGBAImage[], masks: readonly (Uint8Array | undefined)[] | undefined, views: readonly number[], detect: Detect, opts: ClusterSfmOptions,
): Promise<ClusterSfm> {
  const o = { tilt: opts.tilt ?? 2, directionsDeg: opts.directionsDeg ?? [0, 45, 90, 135], topK: opts.topK ?? 1024, maxSide: opts.maxSide ?? 640, mergePx: opts.mergePx ?? 1.5, essentialIterations: opts.essentialIterations ?? 20000, essentialRestarts: opts.essentialRestarts ?? 4 };
  const log: string[] = [];
  const say = (line: string) => { log.push(line); opts.log?.(line); };
  const feats: MergedFeatures[] = [];
  const total = views.length + (views.length * (views.length - 1)) / 2;
  let done = 0;
  for (const v of views) {
    opts.signal?.throwIfAborted();
    feats.push(await detectCopies(detect, images[v], masks?.[v], opts.turns?.[v] ?? 0, o));
    opts.onProgress?.(++done, total);
  }
  const matches: SfmMatches[] = [];
  for (let a = 0; a < views.length; a++)
    for (let b = a + 1; b < views.length; b++) {
      opts.signal?.throwIfAborted();
      matches.push({ a, b, pairs: matchCopies(feats[a], feats[b], opts.ratio) });
      opts.onProgress?.(++done, total);
      await new Promise((r) => setTimeout(r, 0));
    }
  say(`tilted copies (tilt ${o.tilt}, ${o.directionsDeg.length} directions): ${feats.map((f, k) => `view ${views[k]} ${f.keypoints.length >> 1} keypoints`).join(', ')}; matches ` +
    matches.map((m) => `${views[m.a]}-${views[m.b]} ${m.pairs.length >> 1}`).join(', '));

  const clusters: PosedCluster[] = [];
  let left = views.map((_, k) => k);
  while (left.length >= 2) {
    const at = new Map(left.map((k, i) => [k, i]));
    const sub = matches.filter((m) => at.has(m.a) && at.has(m.b)).map((m) => ({ a: at.get(m.a)!, b: at.get(m.b)!, pairs: m.pairs }));
    const sfm = incrementalSfm(left.map((k) => ({ width: images[views[k]].width, height: images[views[k]].height, keypoints: feats[k].keypoints, focalPx: opts.focalPx })), sub, { essentialIterations: o.essentialIterations, essentialRestarts: o.essentialRestarts });
    const members: number[] = [], cameras: Camera[] = [];
    sfm.views.forEach((p, i) => { if (p.registered) { members.push(views[left[i]]); cameras.push(p.camera); } });
    if (members.length < 2) {
      const why = sfm.views.find((p) => !p.registered);
      say(`no cluster among views ${left.map((k) => views[k]).join(', ')}: ${why && !why.registered ? why.reason : 'SfM placed fewer than 2'}`);
      break;
    }
    // A cluster is placed as a rigid whole, with nothing to correct it: SfM's initial-pair rule
    // (minInitialInlierShare, maxInitialAngleDeg) keeps repeated texture matched to itself out.
    const ip = sfm.diagnostics.initialPair, initial = ip && sfm.diagnostics.pairs.find((p) => p.a === ip[0] && p.b === ip[1]);
    clusters.push({ members, cameras });
    say(`cluster ${members.join(', ')}: placed by SfM on the tilted copies' matches (RMS ${sfm.diagnostics.finalRmsPx.toFixed(2)} px, ${sfm.points.length} points` +
      `${initial ? `; initial pair ${initial.inliers} inliers of ${initial.matches}, median angle ${initial.medianAngleDeg.toFixed(1)} deg` : ''})`);
    left = left.filter((_, i) => !sfm.views[i].registered);
  }
  return { clusters, pairs: matches.map((m) => ({ a: views[m.a], b: views[m.b], matches: m.pairs.length >> 1 })), log };
}
