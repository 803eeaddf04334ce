/**
 * The poses stage's last step: match every pair of the views the matches placed again along the
 * epipolar lines their cameras give, then triangulate and bundle-adjust over the first matching's
 * matches and the new ones, starting from the cameras SfM found; a few rounds, each from the
 * last one's cameras.
 *
 * Why: the first matching compares each keypoint with every keypoint of the other photo, and the
 * ratio test drops most true matches of a wide-baseline pair (another keypoint somewhere in the
 * photo looks almost as alike: tests/recon/poses/epipolarRematch.test.ts builds such a scene).
 * Once the cameras are known to a pixel or two, the only candidates are the keypoints near the
 * epipolar line, and the ratio test runs among those. The cameras are then fitted to more points,
 * spread over more of each photo (the stage's log gives the counts), and move less along the
 * ambiguity of few points seen through a narrow field of view (a small turn traded for a sideways
 * move): `npm run bench:poses` (README) has the figures.
 */
import type { Camera, Mat3 } from '../../core/camera.ts';
import { cameraCenter, mat3Mul, mat3MulVec, mat3Transpose } from '../../core/camera.ts';
import { bundleAdjust, type Observation } from './bundleAdjust.ts';
import { DEFAULT_RATIO, hamming } from './features/match.ts';
import type { Features } from './features/types.ts';
import type { SfmPoint } from './incrementalSfm.ts';
import { buildTracksFirstWins, type MatchList } from './tracks.ts';
import { reprojectionError, triangulatePixels, triangulationAngleDeg } from './triangulate.ts';

export interface RematchOptions {
  /** A candidate lies within this distance of the epipolar line, pixels of the second photo. */
  bandPx: number;
  /** Lowe's ratio among the candidates (default: the matcher's for the descriptor kind). */
  ratio?: number;
  /** An observation farther than this from its point's projection after adjustment is dropped, pixels. */
  reprojectionThresholdPx: number;
  /** A point needs this triangulation angle, degrees. */
  minTriangulationAngleDeg: number;
  /** Refine the one shared focal length (no EXIF). */
  optimiseFocal: boolean;
  /** Rematch-and-adjust rounds, each from the cameras the last one adjusted (tighter lines, more matches). */
  rounds: number;
  /** Called after each pair matched: pairs done and in all, over all rounds. */
  onProgress?: (done: number, total: number) => void;
  /** Checked between pairs (each pair yields to the event loop first, so a worker sees a Cancel message). */
  signal?: AbortSignal;
}

/**
 * A 2 px band and a 2 px threshold, three rounds: `npm run bench:poses -- --only dtu --methods
 * alike-masked --seeds 1,2,3,4,5,6` prints each seed's row with and without the rematching (DTU 6:
 * median rotation error 0.87-1.71 deg without, 0.70-0.82 with, at 5 of 6 seeds). Chosen during
 * development with diagnostics not kept in the repo: a wider band finds more matches but looser
 * ones, that pull the cameras more than they pin them; one round gained less than three, five no
 * more than three.
 */
export const DEFAULT_REMATCH_OPTIONS: RematchOptions = {
  bandPx: 2,
  reprojectionThresholdPx: 2,
  minTriangulationAngleDeg: 1,
  optimiseFocal: true,
  rounds: 3,
};

/** Fundamental matrix F (row-major) with x_b^T F x_a = 0 for pixels x_a of camera a and x_b of camera b. */
export function fundamentalFromCameras(a: Camera, b: Camera): Mat3 {
  const R = mat3Mul(b.R, mat3Transpose(a.R));
  const Rta = mat3MulVec(R, a.t);
  const t = [b.t[0] - Rta[0], b.t[1] - Rta[1], b.t[2] - Rta[2]];
  const E = mat3Mul([0, -t[2], t[1], t[2], 0, -t[0], -t[1], t[0], 0], R);
  // K^-1 of a pinhole without skew: [1/fx 0 -cx/fx; 0 1/fy -cy/fy; 0 0 1].
  const kInv = (c: Camera): Mat3 => [1 / c.fx, 0, -c.cx / c.fx, 0, 1 / c.fy, -c.cy / c.fy, 0, 0, 1];
  return mat3Mul(mat3Transpose(kInv(b)), mat3Mul(E, kInv(a)));
}

/** Distance in pixels of keypoint j of b from the epipolar line of keypoint i of a. */
export function epipolarDistance(F: ArrayLike<number>, ka: ArrayLike<number>, i: number, kb: ArrayLike<number>, j: number): number {
  const u = ka[2 * i], v = ka[2 * i + 1];
  const l0 = F[0] * u + F[1] * v + F[2], l1 = F[3] * u + F[4] * v + F[5], l2 = F[6] * u + F[7] * v + F[8];
  return Math.abs(l0 * kb[2 * j] + l1 * kb[2 * j + 1] + l2) / Math.hypot(l0, l1);
}

/**
 * Matches between two photos restricted to keypoints of b within bandPx of the epipolar line of
 * each keypoint of a: mutual nearest neighbours among those candidates, with the ratio test
 * against the second-nearest candidate. Interleaved index pairs [ia, jb, ...].
 */
export function epipolarMatches(fa: Features, fb: Features, F: ArrayLike<number>, bandPx: number, ratio: number = DEFAULT_RATIO[fa.kind]): Int32Array {
  if (fa.kind !== fb.kind || fa.dim !== fb.dim) throw new RangeError(`cannot match ${fa.kind}/${fa.dim} descriptors with ${fb.kind}/${fb.dim}`);
  const na = fa.keypoints.length >> 1, nb = fb.keypoints.length >> 1, dim = fa.dim;
  // Similarities, higher is better: the dot product of unit float descriptors, minus the Hamming distance of binary ones.
  const similarity = fa.kind === 'float'
    ? (i: number, j: number) => {
      const da = fa.descriptors as Float32Array, db = fb.descriptors as Float32Array;
      let s = 0;
      for (let k = 0; k < dim; k++) s += da[i * dim + k] * db[j * dim + k];
      return s;
    }
    : (i: number, j: number) => -hamming(fa.descriptors as Uint8Array, i * dim, fb.descriptors as Uint8Array, j * dim, dim);
  const distance = fa.kind === 'float' ? (s: number) => Math.sqrt(Math.max(0, 2 - 2 * s)) : (s: number) => -s;
  const best = new Int32Array(na).fill(-1), bestS = new Float64Array(na).fill(-Infinity), secondS = new Float64Array(na).fill(-Infinity);
  const colBest = new Int32Array(nb).fill(-1), colBestS = new Float64Array(nb).fill(-Infinity);
  const ub = fb.keypoints;
  for (let i = 0; i < na; i++) {
    const u = fa.keypoints[2 * i], v = fa.keypoints[2 * i + 1];
    const l0 = F[0] * u + F[1] * v + F[2], l1 = F[3] * u + F[4] * v + F[5], l2 = F[6] * u + F[7] * v + F[8];
    const norm = Math.hypot(l0, l1);
    if (!(norm > 0)) continue;
    const reach = bandPx * norm;
    for (let j = 0; j < nb; j++) {
      if (Math.abs(l0 * ub[2 * j] + l1 * ub[2 * j + 1] + l2) > reach) continue;
      const s = similarity(i, j);
      if (s > bestS[i]) { secondS[i] = bestS[i]; bestS[i] = s; best[i] = j; } else if (s > secondS[i]) secondS[i] = s;
      if (s > colBestS[j]) { colBestS[j] = s; colBest[j] = i; }
    }
  }
  const out: number[] = [];
  for (let i = 0; i < na; i++) {
    const j = best[i];
    if (j < 0 || colBest[j] !== i) continue;
    // A lone candidate passes: the line and the descriptor's mutual choice already vouch for it.
    if (secondS[i] > -Infinity && !(distance(bestS[i]) < ratio * distance(secondS[i]))) continue;
    out.push(i, j);
  }
  return Int32Array.from(out);
}

export interface RematchResult {
  /** Per view: the adjusted camera, or the one given (null stays null). */
  cameras: (Camera | null)[];
  points: SfmPoint[];
  /** Shared focal after adjustment (fx of the first placed view). */
  focalPx: number;
  /** Matches the epipolar search added over all pairs (not in the first matching), in the last round. */
  added: number;
  /** RMS over the first round's points at the given cameras, and after the last round's adjustment. */
  rmsBefore: number;
  rmsAfter: number;
}

/**
 * Epipolar rematching of every pair of the given cameras (null: not placed, left out), then
 * triangulation of the union of `matches` and the new matches and a bundle adjustment from the
 * given cameras; `rounds` times, each from the last round's cameras. Null when fewer than two
 * cameras are given or too few points survive the first round.
 */
export async function rematchAndAdjust(
  features: readonly Features[], cameras: readonly (Camera | null)[], matches: readonly MatchList[], options: Partial<RematchOptions> = {},
): Promise<RematchResult | null> {
  const o = { ...DEFAULT_REMATCH_OPTIONS, ...options };
  let result: RematchResult | null = null;
  const placedCount = cameras.filter(Boolean).length;
  const pairs = (placedCount * (placedCount - 1)) / 2;
  for (let round = 0; round < o.rounds; round++) {
    const next = await rematchRound(features, result?.cameras ?? cameras, matches, o, (done) => o.onProgress?.(round * pairs + done, o.rounds * pairs));
    if (!next) break;
    result = result ? { ...next, rmsBefore: result.rmsBefore } : next;
  }
  return result;
}

async function rematchRound(
  features: readonly Features[], cameras: readonly (Camera | null)[], matches: readonly MatchList[], o: RematchOptions,
  pairDone: (done: number) => void,
): Promise<RematchResult | null> {
  const placed = cameras.map((c, i) => (c ? i : -1)).filter((i) => i >= 0);
  if (placed.length < 2) return null;
  const isPlaced = new Set(placed);
  // The first matching's pairs that lie within the band come first: where a new match disagrees
  // with them, they win (buildTracksFirstWins). Those off their line are the ratio test's mistakes
  // (the first matching is not checked against geometry) and are left out.
  const fundamental = (a: number, b: number) => fundamentalFromCameras(cameras[a]!, cameras[b]!);
  const lists: MatchList[] = matches.filter((m) => isPlaced.has(m.a) && isPlaced.has(m.b)).map((m) => {
    const F = fundamental(m.a, m.b);
    const pairs: number[] = [];
    for (let k = 0; k + 1 < m.pairs.length; k += 2) {
      if (epipolarDistance(F, features[m.a].keypoints, m.pairs[k], features[m.b].keypoints, m.pairs[k + 1]) <= o.bandPx) pairs.push(m.pairs[k], m.pairs[k + 1]);
    }
    return { a: m.a, b: m.b, pairs };
  });
  const firstLists = lists.length;
  const known = new Set(lists.flatMap((m) => {
    const keys: string[] = [];
    for (let k = 0; k + 1 < m.pairs.length; k += 2) keys.push(`${m.a}:${m.pairs[k]}-${m.b}:${m.pairs[k + 1]}`);
    return keys;
  }));
  let added = 0;
  for (let x = 0; x < placed.length; x++) {
    for (let y = x + 1; y < placed.length; y++) {
      await new Promise((resolve) => setTimeout(resolve, 0));
      o.signal?.throwIfAborted();
      const a = placed[x], b = placed[y];
      const fresh = epipolarMatches(features[a], features[b], fundamental(a, b), o.bandPx, o.ratio);
      const pairs: number[] = [];
      for (let k = 0; k < fresh.length; k += 2) {
        if (known.has(`${a}:${fresh[k]}-${b}:${fresh[k + 1]}`)) continue;
        pairs.push(fresh[k], fresh[k + 1]);
      }
      added += pairs.length / 2;
      lists.push({ a, b, pairs });
      pairDone(lists.length - firstLists);
    }
  }
  const tracks = buildTracksFirstWins(features.map((f) => f.keypoints.length >> 1), lists);
  const kp = (view: number, k: number): [number, number] => [features[view].keypoints[2 * k], features[view].keypoints[2 * k + 1]];
  const centres = new Map(placed.map((v) => [v, cameraCenter(cameras[v]!)]));

  /** A track's point from its observations that agree with the cameras, or null. */
  const triangulateTrack = (obs: { view: number; keypoint: number }[], cams: readonly (Camera | null)[]): SfmPoint | null => {
    let kept = obs.filter((t) => isPlaced.has(t.view));
    for (let round = 0; round < 2 && kept.length >= 2; round++) {
      const X = triangulatePixels(kept.map((t) => cams[t.view]!), kept.map((t) => kp(t.view, t.keypoint)));
      if (!X) return null;
      const good = kept.filter((t) => reprojectionError(cams[t.view]!, X, ...kp(t.view, t.keypoint)) <= o.reprojectionThresholdPx);
      if (good.length === kept.length) {
        if (triangulationAngleDeg(kept.map((t) => centres.get(t.view)!), X) < o.minTriangulationAngleDeg) return null;
        return { X, track: kept };
      }
      kept = good;
    }
    return null;
  };
  const points = tracks.map((t) => triangulateTrack(t, cameras)).filter((p): p is SfmPoint => p !== null);
  if (points.length < 15) return null;

  const index = new Map(placed.map((v, i) => [v, i]));
  const observations = (pts: readonly SfmPoint[]): Observation[] => pts.flatMap((p, j) => p.track.map((t) => {
    const [u, v] = kp(t.view, t.keypoint);
    return { camera: index.get(t.view)!, point: j, u, v };
  }));
  const first = bundleAdjust(placed.map((v) => cameras[v]!), points.map((p) => p.X), observations(points), { optimiseFocal: o.optimiseFocal, huberPx: o.reprojectionThresholdPx / 2 });
  // Drop what the adjusted cameras disown, then adjust once more without it.
  let e = 0;
  const kept: SfmPoint[] = [];
  points.forEach((p, j) => {
    const track = p.track.filter(() => first.errorsPx[e++] <= o.reprojectionThresholdPx);
    if (track.length >= 2) kept.push({ X: first.points[j], track });
  });
  if (kept.length < 15) return null;
  const second = bundleAdjust(first.cameras, kept.map((p) => p.X), observations(kept), { optimiseFocal: o.optimiseFocal, huberPx: o.reprojectionThresholdPx / 2 });
  const out = cameras.map((c) => c);
  placed.forEach((v, i) => { out[v] = second.cameras[i]; });
  return {
    cameras: out,
    points: kept.map((p, j) => ({ X: second.points[j], track: p.track })),
    focalPx: second.cameras[0].fx,
    added,
    rmsBefore: first.initialRmsPx,
    rmsAfter: second.finalRmsPx,
  };
}
