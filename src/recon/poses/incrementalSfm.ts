/**
 * Incremental structure from motion for a handful of unposed photos (3-9): the geometric core of
 * the poses stage. Input is what a feature detector and matcher produce (keypoints per view,
 * matched index pairs per view pair, image sizes, optional EXIF focal); output is a Camera per
 * registered view, or the reason a view could not be placed, plus 3D points and diagnostics.
 *
 * Steps: two-view geometry per pair (essential matrix RANSAC) -> tracks from the geometric
 * inliers -> initial pair (most inliers among pairs with a wide enough baseline) -> triangulate ->
 * repeatedly register the view that sees the most reconstructed points by PnP, triangulate new
 * tracks, bundle-adjust. Focal: from EXIF when every view has it, else a guess refined by bundle
 * adjustment as one focal shared by all views (the photos of one phone).
 */
import type { Camera, Mat3, Vec3 } from '../../core/camera.ts';
import { cameraCenter, mat3Mul, mat3Transpose, radToDeg } from '../../core/camera.ts';
import { bundleAdjust, type Observation } from './bundleAdjust.ts';
import { ransacEssential, recoverPose } from './essentialMatrix.ts';
import { ransacPnp } from './pnp.ts';
import { ransacPnpKnownRotation } from './pnpKnownRotation.ts';
import { buildTracks, type MatchList, type TrackObservation } from './tracks.ts';
import { reprojectionError, triangulateNormalized, triangulationAngleDeg } from './triangulate.ts';

export interface SfmView {
  width: number;
  height: number;
  /** Keypoints in pixels, interleaved [u0, v0, u1, v1, ...] (pixel centres at i + 0.5). */
  keypoints: ArrayLike<number>;
  /** Focal length in pixels (from EXIF), if known. */
  focalPx?: number;
}

export type SfmMatches = MatchList;

export interface SfmOptions {
  seed: number;
  /** Matches a pair needs before its geometry is estimated, and geometric inliers it needs to count. */
  minMatches: number;
  /** Sampson-error threshold of the essential-matrix RANSAC, pixels. */
  essentialThresholdPx: number;
  /** Reprojection threshold of PnP RANSAC and of keeping an observation after adjustment, pixels. */
  reprojectionThresholdPx: number;
  /** The initial pair's median triangulation angle must reach this, degrees. */
  minInitialAngleDeg: number;
  /**
   * The initial pair must keep this share of its matches as inliers and a median triangulation
   * angle of at most maxInitialAngleDeg: a pair failing either is repeated texture (stripes,
   * checkers) matched to itself, whose essential matrix fits a geometry that is not there, and
   * everything built on it is wrong (measured: Blender lego's right pairs 32-63% inliers, median
   * angle 30-32 deg; the patterned cube's stripes 40 deg apart: 19% and 164 deg, 126 deg wrong).
   */
  minInitialInlierShare: number;
  maxInitialAngleDeg: number;
  /** A new point needs this triangulation angle, degrees. */
  minTriangulationAngleDeg: number;
  /** Reconstructed points a view must see (and PnP inliers it must keep) to be registered. */
  minPnpPoints: number;
  /** Points a view needs when its rotation is known from two-view geometry with a placed view (only the translation is fitted). */
  minPriorPnpPoints: number;
  /** Focal guess without EXIF: this times max(width, height). */
  focalGuessFactor: number;
  /**
   * Further guesses (times max(width, height)) tried without EXIF when the first leaves views
   * unplaced: a guess far from the truth distorts the two-view start enough that PnP fails.
   * Phone main cameras are near 0.75, telephoto lenses 1.5-2.5.
   */
  focalFallbackFactors: number[];
  /** Reruns from the refined focal (no EXIF) while it moves by more than 3%. */
  focalReruns: number;
  /** Most essential-matrix RANSAC iterations per pair (8-point samples: 2000 copes with ~50% inliers, 20000 with ~35%). */
  essentialIterations: number;
  /**
   * Independent RANSAC runs per pair (different seeds), the one with the most inliers kept. One
   * run suffices for pairs with many inliers; the cluster SfM's weak pairs need more (measured:
   * lego's r_55-r_73, 114 matches, one run found 33 to 58 inliers by seed, 27 to 2.5 deg wrong).
   */
  essentialRestarts: number;
  /**
   * A pair with fewer than minMatches matches or inliers still reports its relative rotation
   * (PairGeometry.R) when at least this many matches are inliers, and at least weakPairMinRatio of
   * them: too few to build on, but enough to turn the object-centred start's guess the right way.
   */
  weakPairMinInliers: number;
  weakPairMinRatio: number;
}

export const DEFAULT_SFM_OPTIONS: SfmOptions = {
  seed: 1,
  minMatches: 30,
  essentialThresholdPx: 2,
  reprojectionThresholdPx: 4,
  minInitialAngleDeg: 3,
  minInitialInlierShare: 0.25,
  maxInitialAngleDeg: 90,
  minTriangulationAngleDeg: 1,
  minPnpPoints: 15,
  minPriorPnpPoints: 6,
  focalGuessFactor: 1.2,
  focalFallbackFactors: [0.8, 1.8],
  essentialIterations: 2000,
  essentialRestarts: 1,
  focalReruns: 3,
  weakPairMinInliers: 12,
  weakPairMinRatio: 0.5,
};

export type ViewPlacement =
  | { registered: true; camera: Camera; /** Points this view observes in the final reconstruction. */ observations: number }
  | { registered: false; reason: string };

export interface SfmPoint {
  X: Vec3;
  track: TrackObservation[];
}

export interface PairGeometry {
  a: number;
  b: number;
  matches: number;
  inliers: number;
  /** Median triangulation angle of the pair's inliers, degrees (0 when not estimated). */
  medianAngleDeg: number;
  /** Relative rotation R_b R_a^T from the pair's essential matrix, when its inliers reach weakPairMinInliers (and ratio). */
  R?: Mat3;
}

export interface SfmResult {
  views: ViewPlacement[];
  points: SfmPoint[];
  diagnostics: {
    pairs: PairGeometry[];
    initialPair: [number, number] | null;
    registrationOrder: number[];
    focalPx: number;
    focalSource: 'exif' | 'guess refined by bundle adjustment';
    finalRmsPx: number;
    log: string[];
  };
}

interface Track {
  obs: TrackObservation[];
  X: Vec3 | null;
}

const IDENTITY: Mat3 = [1, 0, 0, 0, 1, 0, 0, 0, 1];

export function incrementalSfm(views: readonly SfmView[], matches: readonly SfmMatches[], options: Partial<SfmOptions> = {}): SfmResult {
  const opt = { ...DEFAULT_SFM_OPTIONS, ...options };
  const exif = views.length > 0 && views.every((v) => v.focalPx && v.focalPx > 0);
  const side = Math.max(views[0]?.width ?? 1, views[0]?.height ?? 1);
  if (exif) return runSfm(views, matches, opt, true, views[0].focalPx!);
  // Every start is tried, each rerun from its refined focal until that settles (a fixed-point
  // iteration: measured on DTU 3 views, 480 -> 580 -> 684 -> 665 px against 723 true). A wrong start
  // can still place every view (a two-view start absorbs the focal error), so the starts compete on
  // views placed, then on the final reprojection RMS, which only the right focal brings down
  // with three views or more (betterFocalStart).
  // A start whose first run refines to a focal another start settled at (within 3%) would settle
  // there too: it is not rerun.
  let best: SfmResult | null = null;
  const settled: number[] = [];
  for (const factor of [opt.focalGuessFactor, ...opt.focalFallbackFactors]) {
    const run = settleFocal(views, matches, opt, factor * side, settled);
    settled.push(run.diagnostics.focalPx);
    if (!best || betterFocalStart(run, best)) best = run;
  }
  return best!;
}

/**
 * Whether start a's run beats start b's: more views placed, then the lower reprojection RMS;
 * but one view more does not win against an RMS lower by more than FOCAL_RMS_GUARD. Why: a wrong
 * focal can place one view more than the right one (it bends the cameras to take it) at a higher
 * RMS. Measured on DTU 9's matches, each start's settled run, seeds 2 and 3: the right start
 * placed 8 views at 0.476 and 0.475 px (median pairwise rotation error 0.67 and 0.65 deg), a wrong
 * one 9 at 0.623 and 0.598 px (focal +146% and +182%; 2.59 and 5.80 deg), and the 9 won. With the
 * guard, `npm run bench:poses -- --only dtu --splits 9 --methods alike-masked --seeds 1,2,3,4,5,6`
 * gives 0.59-0.94 deg at every seed (2.59, 5.80 and 4.35 at seeds 2, 3, 6 without). Only between
 * runs of 4 views or more.
 */
export function betterFocalStart(a: Pick<SfmResult, 'views' | 'diagnostics'>, b: Pick<SfmResult, 'views' | 'diagnostics'>): boolean {
  const pa = a.views.filter((v) => v.registered).length, pb = b.views.filter((v) => v.registered).length;
  const ra = a.diagnostics.finalRmsPx, rb = b.diagnostics.finalRmsPx;
  if (Math.abs(pa - pb) === 1 && Math.min(pa, pb) >= FOCAL_RMS_GUARD_MIN_VIEWS && Number.isFinite(ra) && Number.isFinite(rb)) {
    if (pa > pb && ra > FOCAL_RMS_GUARD * rb) return false;
    if (pb > pa && rb > FOCAL_RMS_GUARD * ra) return true;
  }
  return pa !== pb ? pa > pb : ra < rb;
}

/**
 * See betterFocalStart. The right runs on the same DTU 6 matches (seeds 1-8) reach 0.38-0.44 px
 * with 5 views and 0.40-0.43 with 6: one view more moves a right run's RMS by well under 20%. A
 * guard, not a proof: a wrong 9-view DTU 9 run from another seed came within 1.14x of the right
 * 8-view one and still wins.
 */
const FOCAL_RMS_GUARD = 1.2;
/**
 * The guard needs this many views in the smaller run: two or three views fit any focal about as
 * well (a two-view run's RMS is low whatever its focal), so there the view placed counts.
 */
const FOCAL_RMS_GUARD_MIN_VIEWS = 4;

function settleFocal(views: readonly SfmView[], matches: readonly SfmMatches[], opt: SfmOptions, guess: number, settledElsewhere: readonly number[]): SfmResult {
  const placed = (r: SfmResult) => r.views.filter((v) => v.registered).length;
  let best = runSfm(views, matches, opt, false, guess);
  const trail = [guess];
  for (let round = 0; round < opt.focalReruns; round++) {
    const refined = best.diagnostics.focalPx;
    const last = trail[trail.length - 1];
    if (!Number.isFinite(refined) || Math.abs(refined / last - 1) < 0.03) break;
    if (settledElsewhere.some((f) => Math.abs(refined / f - 1) < 0.03)) break;
    trail.push(refined);
    const next = runSfm(views, matches, opt, false, refined);
    if (placed(next) < placed(best)) break;
    best = next;
  }
  best.diagnostics.log.unshift(`focal guess ${trail.map((f) => f.toFixed(1)).join(' -> ')} -> ${best.diagnostics.focalPx.toFixed(1)} px (reruns from each refined focal), RMS ${best.diagnostics.finalRmsPx.toFixed(3)} px`);
  return best;
}

function runSfm(views: readonly SfmView[], matches: readonly SfmMatches[], opt: SfmOptions, exif: boolean, focalStart: number): SfmResult {
  const log: string[] = [];
  // One focal for all views: EXIF when complete, else the guess refined by bundle adjustment.
  let focal = exif ? views[0].focalPx! : focalStart;
  const intrinsics = (v: number) => ({
    fx: exif ? views[v].focalPx! : focal,
    fy: exif ? views[v].focalPx! : focal,
    cx: views[v].width / 2,
    cy: views[v].height / 2,
    width: views[v].width,
    height: views[v].height,
  });
  const kp = (v: number, k: number): [number, number] => [views[v].keypoints[2 * k], views[v].keypoints[2 * k + 1]];
  const normalised = (v: number, k: number): [number, number] => {
    const c = intrinsics(v);
    const [u, w] = kp(v, k);
    return [(u - c.cx) / c.fx, (w - c.cy) / c.fy];
  };

  // 1. Two-view geometry of every matched pair; its inliers become track links.
  const pairs: PairGeometry[] = [];
  const pairPoses = new Map<string, { R: Mat3; t: Vec3 }>();
  const inlierLists: MatchList[] = [];
  const bestMatches = new Array<number>(views.length).fill(0);
  const bestInliers = new Array<number>(views.length).fill(0);
  matches.forEach((m, pi) => {
    const n = Math.floor(m.pairs.length / 2);
    bestMatches[m.a] = Math.max(bestMatches[m.a], n);
    bestMatches[m.b] = Math.max(bestMatches[m.b], n);
    const geom: PairGeometry = { a: m.a, b: m.b, matches: n, inliers: 0, medianAngleDeg: 0 };
    pairs.push(geom);
    if (n < Math.min(opt.minMatches, opt.weakPairMinInliers)) return;
    const x1 = new Float64Array(2 * n), x2 = new Float64Array(2 * n);
    for (let k = 0; k < n; k++) {
      x1.set(normalised(m.a, m.pairs[2 * k]), 2 * k);
      x2.set(normalised(m.b, m.pairs[2 * k + 1]), 2 * k);
    }
    // Restarts keep the fit with the most inliers: LO-RANSAC ends in a local optimum, and with
    // 30-50% inliers one run may fit a wrong geometry the next does not (see essentialRestarts).
    let ess: ReturnType<typeof ransacEssential> = null;
    for (let r = 0; r < opt.essentialRestarts; r++) {
      const e = ransacEssential(x1, x2, { thresholdPx: opt.essentialThresholdPx, focal: intrinsics(m.a).fx, seed: opt.seed + 7919 * pi + 104729 * r, maxIterations: opt.essentialIterations });
      if (e && (!ess || e.inlierCount > ess.inlierCount)) ess = e;
    }
    if (!ess) return;
    const pose = recoverPose(ess.E, x1, x2, ess.inliers);
    geom.inliers = pose.inFrontCount;
    if (geom.inliers >= opt.weakPairMinInliers && geom.inliers >= opt.weakPairMinRatio * n) geom.R = pose.R;
    if (n < opt.minMatches) return;
    bestInliers[m.a] = Math.max(bestInliers[m.a], geom.inliers);
    bestInliers[m.b] = Math.max(bestInliers[m.b], geom.inliers);
    if (geom.inliers < opt.minMatches) return;
    const c2 = cameraCenter(pose);
    const angles: number[] = [];
    const kept: number[] = [];
    pose.points.forEach((X, k) => {
      if (!X || !pose.inFront[k]) return;
      angles.push(triangulationAngleDeg([[0, 0, 0], c2], X));
      kept.push(m.pairs[2 * k], m.pairs[2 * k + 1]);
    });
    angles.sort((p, q) => p - q);
    geom.medianAngleDeg = angles[angles.length >> 1];
    pairPoses.set(`${m.a},${m.b}`, { R: pose.R, t: pose.t });
    inlierLists.push({ a: m.a, b: m.b, pairs: kept });
    log.push(`pair ${m.a}-${m.b}: ${n} matches, ${geom.inliers} inliers, median angle ${geom.medianAngleDeg.toFixed(1)} deg`);
  });

  const placements: (ViewPlacement | null)[] = views.map(() => null);
  const unplaceable = (v: number): string =>
    bestMatches[v] < opt.minMatches
      ? `too few matches: ${bestMatches[v]} (need ${opt.minMatches})`
      : `too few geometric inliers: ${bestInliers[v]} (need ${opt.minMatches})`;

  // 2. Initial pair: most inliers among pairs with enough baseline that fit one geometry (oneGeometry).
  const candidates = pairs.filter((p) => pairPoses.has(`${p.a},${p.b}`));
  const wide = candidates.filter((p) => p.medianAngleDeg >= opt.minInitialAngleDeg).sort((p, q) => q.inliers - p.inliers);
  const oneGeometry = (p: PairGeometry) => p.inliers >= opt.minInitialInlierShare * p.matches && p.medianAngleDeg <= opt.maxInitialAngleDeg;
  const init = wide.find(oneGeometry);
  const finish = (cameras: Map<number, Camera>, tracks: Track[], order: number[], rms: number): SfmResult => {
    const points: SfmPoint[] = [];
    const perView = new Array<number>(views.length).fill(0);
    for (const t of tracks) {
      if (!t.X) continue;
      const obs = t.obs.filter((o) => cameras.has(o.view));
      obs.forEach((o) => perView[o.view]++);
      points.push({ X: t.X, track: obs });
    }
    const result = views.map((_, v): ViewPlacement => {
      const cam = cameras.get(v);
      if (cam) return { registered: true, camera: cam, observations: perView[v] };
      return placements[v] ?? { registered: false, reason: unplaceable(v) };
    });
    return {
      views: result,
      points,
      diagnostics: {
        pairs, initialPair: init ? [init.a, init.b] : null, registrationOrder: order, focalPx: focal,
        focalSource: exif ? 'exif' : 'guess refined by bundle adjustment', finalRmsPx: rms, log,
      },
    };
  };
  if (!init) {
    const texture = wide[0];
    const why = texture
      ? `the matches look like repeated texture matched to itself, not one geometry (the best pair keeps ${texture.inliers} of ${texture.matches} as inliers, ` +
        `median triangulation angle ${texture.medianAngleDeg.toFixed(1)} deg; SfM starts from at least ${Math.round(100 * opt.minInitialInlierShare)}% and at most ${opt.maxInitialAngleDeg} deg): ` +
        'photos that show more than a regular pattern (stripes, checkers, tiles) let the matches place them'
      : candidates.length
        ? `no pair has a wide enough baseline (median triangulation angle >= ${opt.minInitialAngleDeg} deg)`
        : null;
    if (why) views.forEach((_, v) => { placements[v] = { registered: false, reason: why }; });
    return finish(new Map(), [], [], NaN);
  }
  for (const p of wide) {
    if (p === init) break;
    log.push(`pair ${p.a}-${p.b} refused as the initial pair: ${p.inliers} inliers of ${p.matches}, median angle ${p.medianAngleDeg.toFixed(1)} deg (repeated texture?)`);
  }
  log.push(`initial pair ${init.a}-${init.b}`);

  // 3. Tracks from the geometric inliers; the initial pair's poses.
  const tracks: Track[] = buildTracks(views.map((v) => v.keypoints.length >> 1), inlierLists).map((obs) => ({ obs, X: null }));
  const rejected = new Set<string>(); // "view,keypoint" observations dropped as outliers
  const cameras = new Map<number, Camera>();
  const order: number[] = [init.a, init.b];
  const rel = pairPoses.get(`${init.a},${init.b}`)!;
  cameras.set(init.a, { R: [...IDENTITY] as Mat3, t: [0, 0, 0], ...intrinsics(init.a) });
  cameras.set(init.b, { R: rel.R, t: rel.t, ...intrinsics(init.b) });

  const usable = (t: Track) => t.obs.filter((o) => cameras.has(o.view) && !rejected.has(`${o.view},${o.keypoint}`));
  const triangulateNew = (): number => {
    let added = 0;
    for (const t of tracks) {
      if (t.X) continue;
      const obs = usable(t);
      if (obs.length < 2) continue;
      const cams = obs.map((o) => cameras.get(o.view)!);
      const xy = obs.flatMap((o, k) => {
        const [u, v] = kp(o.view, o.keypoint);
        return [(u - cams[k].cx) / cams[k].fx, (v - cams[k].cy) / cams[k].fy];
      });
      const X = triangulateNormalized(cams, xy);
      if (!X) continue;
      if (triangulationAngleDeg(cams.map((c) => cameraCenter(c)), X) < opt.minTriangulationAngleDeg) continue;
      const ok = obs.every((o, k) => reprojectionError(cams[k], X, ...kp(o.view, o.keypoint)) < opt.reprojectionThresholdPx);
      if (!ok) continue;
      t.X = X;
      added++;
    }
    return added;
  };

  let rms = NaN;
  const adjust = () => {
    // Observations rejected against an earlier, rougher reconstruction come back if they fit now.
    for (const t of tracks) {
      if (!t.X) continue;
      for (const o of t.obs) {
        const key = `${o.view},${o.keypoint}`;
        const cam = cameras.get(o.view);
        if (cam && rejected.has(key) && reprojectionError(cam, t.X, ...kp(o.view, o.keypoint)) < opt.reprojectionThresholdPx) rejected.delete(key);
      }
    }
    const camOrder = order.filter((v) => cameras.has(v));
    const camIndex = new Map(camOrder.map((v, i) => [v, i]));
    const live = tracks.filter((t) => t.X);
    const obs: Observation[] = [];
    live.forEach((t, j) => usable(t).forEach((o) => {
      const [u, v] = kp(o.view, o.keypoint);
      obs.push({ camera: camIndex.get(o.view)!, point: j, u, v });
    }));
    const res = bundleAdjust(camOrder.map((v) => cameras.get(v)!), live.map((t) => t.X!), obs, {
      optimiseFocal: !exif && camOrder.length >= 3,
      huberPx: opt.reprojectionThresholdPx / 2,
    });
    camOrder.forEach((v, i) => cameras.set(v, res.cameras[i]));
    if (!exif) focal = res.cameras[0].fx;
    live.forEach((t, j) => { t.X = res.points[j]; });
    // Observations that still do not fit are outliers; points left with < 2 views are dropped.
    obs.forEach((o, k) => {
      if (!(res.errorsPx[k] < opt.reprojectionThresholdPx)) {
        const ob = usable(live[o.point]).find((x) => camIndex.get(x.view) === o.camera)!;
        rejected.add(`${ob.view},${ob.keypoint}`);
      }
    });
    for (const t of live) if (usable(t).length < 2) t.X = null;
    rms = res.finalRmsPx;
    log.push(`bundle adjustment over ${camOrder.length} views, ${live.length} points: RMS ${res.initialRmsPx.toFixed(2)} -> ${res.finalRmsPx.toFixed(2)} px, focal ${focal.toFixed(1)}`);
  };

  const initialPoints = triangulateNew();
  log.push(`initial pair: ${initialPoints} points`);
  adjust();

  // 4. Register the remaining views, best-connected first. A view whose PnP fails is retried once
  // more views are registered: early on, the structure comes from two views only and carries the
  // focal guess's error, which views seen from far around the object feel most.
  const failedAt = new Map<number, { registered: number; reason: string }>();
  // Rotations of view v implied by its two-view geometry with each placed view (strongest first).
  // `trusted`: the pair's geometry is sound enough to place v from fewer points than PnP needs (a
  // wide enough baseline and most of its matches inliers); measured on DTU 6 views, a pair with a
  // 1.1 degree median angle and 30 of 78 matches inliers placed a view 25 degrees off.
  const rotationPriors = (v: number): { R: Mat3; trusted: boolean }[] => {
    const out: { R: Mat3; w: number; trusted: boolean }[] = [];
    for (const p of pairs) {
      const rel = pairPoses.get(`${p.a},${p.b}`);
      if (!rel) continue;
      const trusted = p.medianAngleDeg >= opt.minInitialAngleDeg && p.inliers >= 0.5 * p.matches;
      if (p.b === v && cameras.has(p.a)) out.push({ R: mat3Mul(rel.R, cameras.get(p.a)!.R), w: p.inliers, trusted });
      else if (p.a === v && cameras.has(p.b)) out.push({ R: mat3Mul(mat3Transpose(rel.R), cameras.get(p.b)!.R), w: p.inliers, trusted });
    }
    return out.sort((x, y) => y.w - x.w).slice(0, 3);
  };
  const seen = (v: number) => {
    let count = 0;
    for (const t of tracks) if (t.X && t.obs.some((o) => o.view === v)) count++;
    return count;
  };
  // A view with a trusted rotation prior needs fewer points: only its translation is unknown.
  const pointsNeeded = (v: number) => (rotationPriors(v).some((p) => p.trusted) ? Math.min(opt.minPnpPoints, opt.minPriorPnpPoints) : opt.minPnpPoints);
  for (;;) {
    let best = -1, bestCount = -1;
    for (let v = 0; v < views.length; v++) {
      if (cameras.has(v) || placements[v]) continue;
      if ((failedAt.get(v)?.registered ?? -1) >= cameras.size) continue;
      const count = seen(v);
      if (count < pointsNeeded(v)) continue;
      if (count > bestCount) { best = v; bestCount = count; }
    }
    if (best < 0) {
      // Every remaining view sees too few points.
      for (let v = 0; v < views.length; v++) {
        if (cameras.has(v) || placements[v]) continue;
        placements[v] = failedAt.get(v) ? { registered: false, reason: failedAt.get(v)!.reason } : {
          registered: false,
          reason: bestMatches[v] < opt.minMatches || bestInliers[v] < opt.minMatches
            ? unplaceable(v)
            : `sees too few reconstructed points: ${seen(v)} (need ${pointsNeeded(v)})`,
        };
      }
      break;
    }
    const corr: { track: Track; keypoint: number }[] = [];
    for (const t of tracks) {
      const o = t.X && t.obs.find((x) => x.view === best);
      if (o) corr.push({ track: t, keypoint: o.keypoint });
    }
    const points = new Float64Array(corr.flatMap((c) => c.track.X!));
    const pixels = new Float64Array(corr.flatMap((c) => kp(best, c.keypoint)));
    const intr = intrinsics(best);
    let pnp = ransacPnp(points, pixels, intr, { thresholdPx: opt.reprojectionThresholdPx, seed: opt.seed + 104729 * best });
    let need = opt.minPnpPoints;
    for (const prior of rotationPriors(best)) {
      const known = ransacPnpKnownRotation(points, pixels, intr, prior.R, { thresholdPx: opt.reprojectionThresholdPx, seed: opt.seed + 15485863 * best });
      if (known && known.inlierCount > (pnp?.inlierCount ?? 0)) { pnp = known; need = prior.trusted ? pointsNeeded(best) : opt.minPnpPoints; }
    }
    // The fewer points a trusted rotation allows are for a view that sees few, not for one whose
    // many correspondences mostly disagree: measured on a 3-view wide-lens ring from a focal guess
    // 2.6x too long, 7 of 57 placed a view 48 degrees off, and its low RMS won over the right focal.
    if (pnp && pnp.inlierCount < opt.minPnpPoints && pnp.inlierCount < 0.5 * corr.length) need = opt.minPnpPoints;
    if (!pnp || pnp.inlierCount < need) {
      failedAt.set(best, { registered: cameras.size, reason: `PnP failed: ${pnp?.inlierCount ?? 0} inliers of ${corr.length} (need ${need})` });
      log.push(`view ${best}: ${failedAt.get(best)!.reason}`);
      continue;
    }
    corr.forEach((c, k) => { if (!pnp.inliers[k]) rejected.add(`${best},${c.keypoint}`); });
    cameras.set(best, { R: pnp.R, t: pnp.t, ...intr });
    order.push(best);
    const added = triangulateNew();
    log.push(`registered view ${best}: ${pnp.inlierCount}/${corr.length} PnP inliers, RMS ${pnp.rmsPx.toFixed(2)} px, ${added} new points`);
    adjust();
  }
  for (const [v, f] of failedAt) if (!cameras.has(v) && !placements[v]) placements[v] = { registered: false, reason: f.reason };
  // A last pass: points whose observations were rejected earlier may triangulate now.
  if (triangulateNew() > 0) adjust();
  log.push(`done: ${cameras.size}/${views.length} views, focal ${focal.toFixed(1)} px (${radToDeg(2 * Math.atan(views[0].width / 2 / focal)).toFixed(1)} deg horizontal)`);
  return finish(cameras, tracks, order, rms);
}
