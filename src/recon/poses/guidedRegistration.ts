/**
 * Guided registration of a view incremental SfM left unplaced: its keypoints are matched to the
 * reconstructed 3D points (2D-3D), not to one other photo at a time. Each point carries the
 * descriptors of the keypoints that observe it; it is projected into the view with an approximate
 * camera (the object-centred start's guess), and only keypoints within a window around the
 * projection compete for it, under a relaxed ratio test (the window already removes most
 * look-alikes). PnP in RANSAC on those correspondences, then the same matching again in a narrow
 * window around the PnP pose's projections, PnP again, and bundle adjustment over all views.
 *
 * Why: a view seen from the end of the arc (DTU scan37's view 40) matches each single other view
 * too weakly for two-view geometry (< 30 inliers), yet together its partners see enough points to
 * place it.
 */
import type { Camera, Vec3 } from '../../core/camera.ts';
import { mat3MulVec, projectPoint, rotationAngleBetween, rotationFromAxisAngle, transformCameraPose } from '../../core/camera.ts';
import { bundleAdjust, type Observation } from './bundleAdjust.ts';
import { ransacPnp, type PnpResult } from './pnp.ts';
import { ransacPnpKnownRotation } from './pnpKnownRotation.ts';
import { hamming } from './features/match.ts';
import type { Features } from './features/types.ts';
import type { SfmPoint } from './incrementalSfm.ts';

export interface GuidedOptions {
  /** Windows (px, around the guess's projections) tried in turn until PnP succeeds; Infinity: the whole image. */
  windowsPx: number[];
  /** Window around the first PnP pose's projections for the second round, px. */
  refineWindowPx: number;
  /** Lowe's ratio among the keypoints inside a window. */
  ratio: number;
  /** PnP RANSAC inlier threshold, px. */
  thresholdPx: number;
  /** PnP inliers needed to accept the pose. */
  minInliers: number;
  seed: number;
}

export const DEFAULT_GUIDED_OPTIONS: GuidedOptions = {
  windowsPx: [40, 80, Infinity],
  refineWindowPx: 8,
  ratio: 0.95,
  thresholdPx: 4,
  minInliers: 15,
  seed: 1,
};

export interface GuidedResult {
  camera: Camera;
  /** Correspondences kept by the final PnP, as (point index, keypoint index). */
  matches: { point: number; keypoint: number }[];
  candidates: number;
  rmsPx: number;
  windowPx: number;
}

/** Similarity of two descriptors (larger is closer): dot product (float) or minus Hamming distance (binary). */
function similarity(f: Features, i: number, g: Features, j: number): number {
  const d = f.dim;
  if (f.kind === 'float') {
    const a = f.descriptors as Float32Array, b = g.descriptors as Float32Array;
    let s = 0;
    for (let c = 0; c < d; c++) s += a[i * d + c] * b[j * d + c];
    return s;
  }
  return -hamming(f.descriptors as Uint8Array, i * d, g.descriptors as Uint8Array, j * d, d);
}

/** Distance from a similarity, for the ratio test. */
const distance = (f: Features, s: number) => (f.kind === 'float' ? Math.sqrt(Math.max(0, 2 - 2 * s)) : -s);

/**
 * 2D-3D matches of view `v` against `points` (their observations' descriptors in `features`) inside
 * `windowPx` of each point's projection by `camera`: each point's nearest keypoint by descriptor,
 * passing the ratio test against the second nearest in the window; a keypoint claimed by two points
 * goes to the closer.
 */
export function matchToPoints(
  features: readonly Features[], v: number, camera: Camera, points: readonly SfmPoint[], windowPx: number, ratio: number,
): { point: number; keypoint: number }[] {
  const f = features[v];
  const n = f.keypoints.length >> 1;
  // Buckets of keypoints for window queries.
  const cell = Number.isFinite(windowPx) ? Math.max(8, windowPx) : Math.max(f.width, f.height) + 1;
  const gw = Math.ceil(f.width / cell) + 1, gh = Math.ceil(f.height / cell) + 1;
  const grid: number[][] = Array.from({ length: gw * gh }, () => []);
  for (let k = 0; k < n; k++) {
    const gx = Math.min(gw - 1, Math.max(0, Math.floor(f.keypoints[2 * k] / cell)));
    const gy = Math.min(gh - 1, Math.max(0, Math.floor(f.keypoints[2 * k + 1] / cell)));
    grid[gy * gw + gx].push(k);
  }
  const claim = new Map<number, { point: number; s: number }>();
  points.forEach((p, pi) => {
    const obs = p.track.filter((o) => o.view !== v);
    if (!obs.length) return;
    const pr = projectPoint(camera, p.X);
    if (!(pr[2] > 0)) return;
    const [u, w] = pr;
    const r = windowPx;
    if (Number.isFinite(r) && (u < -r || w < -r || u > f.width + r || w > f.height + r)) return;
    const x0 = Number.isFinite(r) ? Math.max(0, Math.floor((u - r) / cell)) : 0, x1 = Number.isFinite(r) ? Math.min(gw - 1, Math.floor((u + r) / cell)) : gw - 1;
    const y0 = Number.isFinite(r) ? Math.max(0, Math.floor((w - r) / cell)) : 0, y1 = Number.isFinite(r) ? Math.min(gh - 1, Math.floor((w + r) / cell)) : gh - 1;
    let best = -1, s1 = -Infinity, s2 = -Infinity;
    for (let gy = y0; gy <= y1; gy++)
      for (let gx = x0; gx <= x1; gx++)
        for (const k of grid[gy * gw + gx]) {
          if (Number.isFinite(r) && Math.hypot(f.keypoints[2 * k] - u, f.keypoints[2 * k + 1] - w) > r) continue;
          let s = -Infinity;
          for (const o of obs) s = Math.max(s, similarity(features[o.view], o.keypoint, f, k));
          if (s > s1) { s2 = s1; s1 = s; best = k; } else if (s > s2) s2 = s;
        }
    if (best < 0) return;
    if (s2 > -Infinity && !(distance(f, s1) < ratio * distance(f, s2))) return;
    const prev = claim.get(best);
    if (!prev || s1 > prev.s) claim.set(best, { point: pi, s: s1 });
  });
  return [...claim].map(([keypoint, c]) => ({ point: c.point, keypoint }));
}

/**
 * PnP on 2D-3D matches: the 6-point DLT in RANSAC, and, from the guess's rotation, the
 * known-rotation RANSAC (2-point translation, then all six degrees of freedom refined) at a wide
 * threshold narrowed in steps to the final one, each step starting from the last one's rotation;
 * the one with more inliers. The DLT alone fails on the few, nearly planar points a view at the end
 * of an arc shares with the rest (./pnpKnownRotation.ts says why).
 */
function pnpOn(features: readonly Features[], v: number, intr: Camera, points: readonly SfmPoint[], m: { point: number; keypoint: number }[], opt: GuidedOptions): PnpResult | null {
  if (m.length < 6) return null;
  const X = new Float64Array(m.flatMap((c) => points[c.point].X));
  const x = new Float64Array(m.flatMap((c) => [features[v].keypoints[2 * c.keypoint], features[v].keypoints[2 * c.keypoint + 1]]));
  let best = ransacPnp(X, x, intr, { thresholdPx: opt.thresholdPx, seed: opt.seed, maxIterations: 5000 });
  let R = intr.R;
  let known: PnpResult | null = null;
  for (const k of [8, 3, 1]) {
    known = ransacPnpKnownRotation(X, x, intr, R, { thresholdPx: k * opt.thresholdPx, seed: opt.seed });
    if (!known) break;
    R = known.R;
  }
  if (known && known.inlierCount > (best?.inlierCount ?? 0)) best = known;
  return best;
}

/** Places view `v` from its guess camera (intrinsics taken from it) against the points, or null. */
export function registerGuided(features: readonly Features[], v: number, guess: Camera, points: readonly SfmPoint[], options: Partial<GuidedOptions> = {}): GuidedResult | null {
  const opt = { ...DEFAULT_GUIDED_OPTIONS, ...options };
  for (const windowPx of opt.windowsPx) {
    const m = matchToPoints(features, v, guess, points, windowPx, opt.ratio);
    const pnp = pnpOn(features, v, guess, points, m, opt);
    if (!pnp || pnp.inlierCount < opt.minInliers) continue;
    let cam: Camera = { ...guess, R: pnp.R, t: pnp.t };
    let kept = m.filter((_, k) => pnp.inliers[k]);
    let rms = pnp.rmsPx;
    // Second round: the first pose's projections are within a few pixels; match again near them.
    const m2 = matchToPoints(features, v, cam, points, opt.refineWindowPx, opt.ratio);
    const pnp2 = pnpOn(features, v, cam, points, m2, opt);
    if (pnp2 && pnp2.inlierCount > kept.length) {
      cam = { ...guess, R: pnp2.R, t: pnp2.t };
      kept = m2.filter((_, k) => pnp2.inliers[k]);
      rms = pnp2.rmsPx;
    }
    return { camera: cam, matches: kept, candidates: m.length, rmsPx: rms, windowPx };
  }
  return null;
}

/**
 * Bundle adjustment of registered cameras (null: not registered) and points, with the extra
 * observations of newly placed views; the focal is kept. Returns the adjusted cameras and points.
 */
export function adjustWithNewViews(
  features: readonly Features[], cameras: readonly (Camera | null)[], points: readonly SfmPoint[],
  extra: readonly { view: number; point: number; keypoint: number }[], huberPx: number,
): { cameras: (Camera | null)[]; points: Vec3[]; rmsBefore: number; rmsAfter: number } {
  const order = cameras.map((c, i) => (c ? i : -1)).filter((i) => i >= 0);
  const index = new Map(order.map((v, i) => [v, i]));
  const obs: Observation[] = [];
  const kp = (v: number, k: number) => [features[v].keypoints[2 * k], features[v].keypoints[2 * k + 1]];
  points.forEach((p, j) => p.track.forEach((o) => {
    const ci = index.get(o.view);
    if (ci === undefined) return;
    const [u, w] = kp(o.view, o.keypoint);
    obs.push({ camera: ci, point: j, u, v: w });
  }));
  for (const e of extra) {
    const ci = index.get(e.view);
    if (ci === undefined) continue;
    const [u, w] = kp(e.view, e.keypoint);
    obs.push({ camera: ci, point: e.point, u, v: w });
  }
  const res = bundleAdjust(order.map((v) => cameras[v]!), points.map((p) => p.X), obs, { optimiseFocal: false, huberPx });
  const out = cameras.map((c) => c);
  order.forEach((v, i) => { out[v] = res.cameras[i]; });
  return { cameras: out, points: res.points, rmsBefore: res.initialRmsPx, rmsAfter: res.finalRmsPx };
}

/** `camera` orbited by `degrees` about the axis through `centre` along `up` (unit): X' = W (X - c) + c. */
export function orbitCameraAbout(camera: Camera, centre: Vec3, up: Vec3, degrees: number): Camera {
  const a = (degrees * Math.PI) / 180;
  const W = rotationFromAxisAngle([up[0] * a, up[1] * a, up[2] * a]);
  const Wc = mat3MulVec(W, centre);
  return transformCameraPose(camera, 1, W, [centre[0] - Wc[0], centre[1] - Wc[1], centre[2] - Wc[2]]);
}

export interface TurnedGuessOptions extends Partial<GuidedOptions> {
  /** Step of the turned guesses round the full circle, degrees (default 30). */
  turnStepDeg?: number;
  /** Windows tried around each turned guess (default [40, 80]: the whole image does not depend on the guess). */
  turnedWindowsPx?: number[];
  /**
   * A turned guess is a long shot, so its placement must be clear: at least this many PnP inliers
   * (default 40), this share of its candidates (default 0.6), and this many times the inliers of
   * the next best turn that placed the view at all (default 2). Measured: DTU scan37's view 40 (6
   * inputs), placed right from a half turn: 80 inliers of 99 candidates, the view's next best turn
   * none; Blender lego's r_73 (8 inputs), placed wrong (172 degrees off) from a half turn: 29 of 55.
   */
  turnedMinInliers?: number;
  turnedMinShare?: number;
  turnedMinLead?: number;
  /** Told why a turned guess's placement was not clear enough. */
  log?: (line: string) => void;
}

/**
 * registerGuided from `guess`, and when that fails from the guess orbited about the object's
 * vertical (`orbit`, the object-centred frame's) every turnStepDeg round the circle: the view
 * placed by the turn whose PnP keeps the most inliers, when that placement is clear (the
 * turnedMin* options; `turnDeg` says which turn, 0: the guess itself).
 *
 * Why: a silhouette is nearly the same from opposite sides of an object, so a view the object-
 * centred start placed alone (all others fixed by SfM) can come out half a turn off (DTU scan37's
 * view 40 at 6 inputs: 168 degrees), and then its window holds none of the right keypoints. The
 * photometric evidence (PnP inliers among windowed descriptor matches) decides between the turns.
 */
export function registerGuidedTurning(
  features: readonly Features[], v: number, guess: Camera, points: readonly SfmPoint[], orbit: { centre: Vec3; up: Vec3 } | null, options: TurnedGuessOptions = {},
): (GuidedResult & { turnDeg: number; runnerUp: number }) | null {
  const first = registerGuided(features, v, guess, points, options);
  if (first || !orbit) return first ? { ...first, turnDeg: 0, runnerUp: 0 } : null;
  const step = options.turnStepDeg ?? 30;
  let best: (GuidedResult & { turnDeg: number }) | null = null;
  let runnerUp = 0;
  const len = Math.hypot(...orbit.up);
  const up: Vec3 = [orbit.up[0] / len, orbit.up[1] / len, orbit.up[2] / len];
  for (let deg = step; deg < 360 - 1e-9; deg += step) {
    const turned = orbitCameraAbout(guess, orbit.centre, up, deg);
    const g = registerGuided(features, v, turned, points, { ...options, windowsPx: options.turnedWindowsPx ?? [40, 80] });
    if (!g) continue;
    // Neighbouring turns often reach the same pose: only a different pose counts as a rival.
    const samePose = best && rotationAngleBetween(g.camera.R, best.camera.R) < (step * Math.PI) / 360;
    if (!best || g.matches.length > best.matches.length) {
      if (best && !samePose) runnerUp = Math.max(runnerUp, best.matches.length);
      best = { ...g, turnDeg: deg > 180 ? deg - 360 : deg };
    } else if (!samePose) runnerUp = Math.max(runnerUp, g.matches.length);
  }
  if (!best) return null;
  const n = best.matches.length;
  const clear = n >= (options.turnedMinInliers ?? 40) && n >= (options.turnedMinShare ?? 0.6) * best.candidates && n >= (options.turnedMinLead ?? 2) * runnerUp;
  if (!clear) options.log?.(`the guess turned ${best.turnDeg} deg placed it with ${n} PnP inliers of ${best.candidates} candidates (next best turn: ${runnerUp}): not clear enough`);
  return clear ? { ...best, runnerUp } : null;
}

