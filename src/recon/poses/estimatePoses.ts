/**
 * The poses stage: photos in, cameras out. Features (ALIKE or XFeat from an ONNX model, or
 * OpenCV.js ORB without one) -> matching (mutual nearest neighbours + Lowe's ratio, all pairs up
 * to 12 views, inside the dilated object masks when given) -> incremental SfM
 * (./incrementalSfm.ts). A plain async function over plain data: it runs in
 * workers/poses.worker.ts in the app and in Node from the CLI (scripts/sceneFromPhotos.ts), the
 * bench (bench/poses.ts) and the tests.
 *
 * The photos must already be upright (src/recon/ingest.ts applies EXIF orientation). Cameras are
 * in the image's own pixels, in the project's one convention (src/core/camera.ts), in an arbitrary
 * similarity frame (SfM fixes neither scale nor origin).
 */
import type { Camera } from '../../core/camera.ts';
import { InputError } from '../../core/errors.ts';
import { resizeImage, type RGBAImage } from '../../core/image.ts';
import { adjustWithNewViews, registerGuidedTurning } from './guidedRegistration.ts';
import { rematchAndAdjust } from './epipolarRematch.ts';
import { placeWithObjectCentredStart, type PlaceOptions } from './objectCentred.ts';
import { clusterSfm } from './clusterSfm.ts';
import { placeClusters, type PosedCluster } from './clusterPlacement.ts';
import { photoWarnings, type PhotoWarning } from './photoWarnings.ts';
import { DEFAULT_SFM_OPTIONS, incrementalSfm, type SfmMatches, type SfmOptions, type SfmResult } from './incrementalSfm.ts';
import { dilateMask, nearestMask } from './features/keypoints.ts';
import { loadLearnedDetector, type LearnedDetector } from './features/learned.ts';
import { allPairs, matchFeatures } from './features/match.ts';
import { detectOrb } from './features/orb.ts';
import { detectTurned, searchUprightAngles } from './features/uprightSearch.ts';
import { featureCount, type Features } from './features/types.ts';
import { masksWithMargin } from '../masks/maskMargin.ts';
import { silhouetteBounds } from '../hull/bounds.ts';
import type { Bounds } from '../hull/types.ts';

export type FeatureSource = 'alike' | 'xfeat' | 'none';

export interface PosesProgress {
  /**
   * 'clusters' and 'silhouettes': the views SfM left, matched again and placed as clusters
   * (clusterSfm.ts, clusterPlacement.ts); 'rematch': the placed views matched again along their
   * epipolar lines (epipolarRematch.ts), pair by pair.
   */
  stage: 'features' | 'matching' | 'sfm' | 'clusters' | 'silhouettes' | 'rematch';
  done: number;
  total: number;
}

export interface EstimatePosesOptions {
  /** 'alike' / 'xfeat' need `model` (the ONNX file's bytes); 'none' uses OpenCV.js ORB. */
  features: FeatureSource;
  model?: Uint8Array;
  /** Names the model file in messages. */
  modelLabel?: string;
  /** Object masks, 0/1 per pixel of each image (undefined entries: no mask for that view). */
  masks?: readonly (Uint8Array | undefined)[];
  /** Focal length in pixels (EXIF), one for all or one per view; unknown: estimated. */
  focalPx?: number | readonly (number | undefined)[];
  /** Keypoints per image (default 2048). */
  maxKeypoints?: number;
  /** Photos larger than this (longest side, px) are detected on a resized copy (default 1024). */
  detectMaxSide?: number;
  /** Photos smaller than this (longest side, px) are detected on an enlarged copy (default 800): more keypoints on small photos. */
  detectMinSide?: number;
  /**
   * Learned features only: search each photo's in-plane turn before detecting (default true), for
   * photos taken at different rolls (./features/uprightSearch.ts). ORB descriptors are oriented already.
   */
  uprightSearch?: boolean;
  /** Lowe's ratio (default 0.9 for learned, 0.8 for ORB descriptors). */
  ratio?: number;
  /** Mask dilation before dropping keypoints, px (default 2% of the longest side, at least 4). */
  maskDilatePx?: number;
  sfm?: Partial<SfmOptions>;
  /**
   * When SfM leaves views unplaced and every view has a mask: place them by the object-centred
   * start refined by silhouettes (./objectCentred.ts), marked source 'object-centred' (default true).
   */
  objectCentred?: boolean;
  /**
   * Views SfM left unplaced that have a guess (the object-centred start's) are matched to the
   * reconstructed points around the guess's projections and placed by PnP when enough agree
   * (./guidedRegistration.ts), then bundle-adjusted with the rest; source 'sfm' (default true).
   */
  guided?: boolean;
  /**
   * Learned features only: when SfM leaves two or more views unplaced, match those views again on
   * tilted copies of the photos and run SfM on them alone, cluster by cluster (./clusterSfm.ts);
   * the clusters are then placed round the object as rigid wholes by silhouettes
   * (./clusterPlacement.ts) instead of view by view (default true).
   */
  clusterMatching?: boolean;
  /**
   * Last step: every pair of views the matches placed is matched again along the epipolar lines
   * of their cameras, and the cameras bundle-adjusted over the old and new matches
   * (./epipolarRematch.ts; default true). The object-centred start's guesses take the adjusted focal.
   */
  rematch?: boolean;
  /** Options of the object-centred start and its silhouette refinement (./objectCentred.ts), for benches and diagnostics. */
  objectCentredOptions?: PlaceOptions;
  /** The photos' names, for the warnings (default "photo 1", "photo 2", …). */
  names?: readonly string[];
  signal?: AbortSignal;
  onProgress?: (p: PosesProgress) => void;
}

/**
 * A view's camera, or why it has none. `source`: 'sfm' when the matches placed it; 'object-centred'
 * when SfM could not and the object-centred start did (a guess from the masks: the trainer's camera
 * refinement should follow); `sfmReason` then says why SfM could not.
 */
export type PoseOutcome =
  | { registered: true; camera: Camera; observations: number; source: 'sfm' | 'object-centred'; sfmReason?: string }
  | { registered: false; reason: string };

export interface EstimatePosesResult {
  /** Per input image, in order. */
  views: PoseOutcome[];
  /** Reconstructed points: xyz (N*3) and RGB bytes (N*3) from a photo that sees each. */
  points: { positions: Float64Array; colors: Uint8Array; count: number };
  /**
   * Box around the object (scene.json bounds): the points' (2nd-98th percentile per axis, widened
   * by 10%) united with the box the masks carve from the placed cameras, when every placed view
   * has a mask (objectBounds). Null with neither (< 8 points and no masks).
   */
  bounds: Bounds | null;
  times: { featuresMs: number; matchingMs: number; sfmMs: number; totalMs: number };
  features: { source: FeatureSource; detector: string; model: { name: string; file: string; sha256: string } | null; keypoints: number[] };
  pairs: { a: number; b: number; matches: number; inliers: number }[];
  focalPx: number;
  focalSource: SfmResult['diagnostics']['focalSource'];
  finalRmsPx: number;
  /** What may be wrong with the photos (the same shot twice, blur, another object), in words that say what to do. */
  warnings: PhotoWarning[];
  log: string[];
}

/** The epipolar rematching takes up to this many photos (its tracks keep a 32-bit view mask). */
export const MAX_REMATCH_VIEWS = 32;

/** Up to this many views every pair is matched; beyond, pairs up to WINDOW apart in input order. */
export const ALL_PAIRS_UP_TO = 12;
const WINDOW = 6;

const now = () => (typeof performance !== 'undefined' ? performance.now() : Date.now());

/** The pairs matched for n views (all pairs up to 12 views). */
export function matchPairs(n: number): [number, number][] {
  return n <= ALL_PAIRS_UP_TO ? allPairs(n) : allPairs(n).filter(([a, b]) => b - a <= WINDOW);
}

/** What the features and matching steps hand SfM (exported for benches and diagnostics). */
export interface PhotoMatches {
  features: Features[];
  matches: SfmMatches[];
  /** Per photo: the in-plane turn its features were detected at, degrees. */
  turns: number[];
  model: { name: string; file: string; sha256: string } | null;
  times: { featuresMs: number; matchingMs: number };
  log: string[];
}

/** Steps 1-2 of the poses stage: features (after the upright search) and pairwise matches. */
export async function matchPhotos(images: readonly RGBAImage[], opts: EstimatePosesOptions): Promise<PhotoMatches> {
  const t0 = now();
  const n = images.length;
  if (n < 2) throw new InputError(`poses need at least 2 photos (got ${n})`);
  const topK = opts.maxKeypoints ?? 2048;
  const maxSide = opts.detectMaxSide ?? 1024;
  const minSide = Math.min(maxSide, opts.detectMinSide ?? 800);
  let detector: LearnedDetector | null = null;
  if (opts.features !== 'none') {
    if (!opts.model) throw new InputError(`features "${opts.features}" need the ${opts.features === 'alike' ? 'alike_n.onnx' : 'xfeat.onnx'} model file (or use features "none")`);
    detector = await loadLearnedDetector(opts.features, opts.model, opts.modelLabel ?? `${opts.features} model`);
  }

  // 1. Features, on a copy no larger than maxSide; keypoints scaled back to the photo's pixels.
  const copies: { small: RGBAImage; mask?: Uint8Array; s: number }[] = images.map((img, v) => {
    const long = Math.max(img.width, img.height);
    const s = Math.min(maxSide, Math.max(minSide, long)) / long;
    const w = Math.max(1, Math.round(img.width * s)), h = Math.max(1, Math.round(img.height * s));
    let mask: Uint8Array | undefined;
    const full = opts.masks?.[v];
    if (full) {
      if (full.length !== img.width * img.height) throw new InputError(`mask ${v} has ${full.length} pixels, its photo ${img.width * img.height}`);
      const r = opts.maskDilatePx ?? Math.max(4, Math.round(0.02 * Math.max(img.width, img.height)));
      mask = dilateMask(nearestMask(full, img.width, img.height, w, h), w, h, Math.max(1, Math.round(r * s)));
    }
    return { small: resizeImage(img, w, h), mask, s };
  });
  const features: Features[] = [];
  let turns: number[] = images.map(() => 0);
  const log: string[] = [];
  try {
    if (detector && (opts.uprightSearch ?? true) && n > 1) {
      // Learned descriptors are not rotation invariant: find each photo's turn first.
      const d = detector;
      const up = await searchUprightAngles(copies.map((c) => c.small), copies.map((c) => c.mask), (img, o) => d.detect(img, o), {
        signal: opts.signal,
        onProgress: (done, total) => opts.onProgress?.({ stage: 'features', done, total: total + n }),
      });
      turns = up.degrees;
      log.push(`upright search: turns ${turns.map((t) => `${t}`).join(', ')} deg; ` +
        up.pairs.map((p) => `${p.a}-${p.b} ${p.degrees} deg ${p.matches} (unturned ${p.matchesUnturned})`).join(', '));
    }
    for (let v = 0; v < n; v++) {
      opts.signal?.throwIfAborted();
      const img = images[v];
      const { small, mask, s } = copies[v];
      const f = detector
        ? await detectTurned((im, o) => detector!.detect(im, o), small, turns[v], topK, mask)
        : await detectOrb(small, { topK, mask });
      if (s !== 1) {
        const kx = img.width / small.width, ky = img.height / small.height;
        for (let k = 0; k < f.keypoints.length; k += 2) { f.keypoints[k] *= kx; f.keypoints[k + 1] *= ky; }
        f.width = img.width; f.height = img.height;
      }
      features.push(f);
      opts.onProgress?.({ stage: 'features', done: v + 1, total: n });
    }
  } finally {
    await detector?.dispose();
  }
  const t1 = now();

  // 2. Matching.
  const pairs = matchPairs(n);
  const matches: SfmMatches[] = [];
  for (const [k, [a, b]] of pairs.entries()) {
    opts.signal?.throwIfAborted();
    const m = matchFeatures(features[a], features[b], { ratio: opts.ratio });
    matches.push({ a, b, pairs: Array.from(m) });
    opts.onProgress?.({ stage: 'matching', done: k + 1, total: pairs.length });
    // Let a worker see a cancel between pairs.
    if (k % 4 === 3) await new Promise((r) => setTimeout(r, 0));
  }
  const t2 = now();
  return { features, matches, turns, model: detector?.model ?? null, times: { featuresMs: t1 - t0, matchingMs: t2 - t1 }, log };
}


export async function estimatePoses(images: readonly RGBAImage[], opts: EstimatePosesOptions): Promise<EstimatePosesResult> {
  const t0 = now();
  // Flat-border photos' masks come without the safety margin (training gains from the exact edge);
  // matching and the silhouette placement get it back (../masks/maskMargin.ts says why).
  const o = opts.masks ? { ...opts, masks: masksWithMargin(images, opts.masks) } : opts;
  return posesFromMatches(images, await matchPhotos(images, o), o, t0);
}

/**
 * Step 3 of the poses stage (SfM, then the object-centred start and guided matching for the views
 * it left) on matchPhotos' output: benches and diagnostics rerun it on cached matches. `t0`: when
 * the stage started, for times.totalMs.
 */
export async function posesFromMatches(images: readonly RGBAImage[], photoMatches: PhotoMatches, opts: EstimatePosesOptions, t0 = now()): Promise<EstimatePosesResult> {
  const { features, matches, model, times } = photoMatches;
  const log = [...photoMatches.log];
  const names = images.map((_, v) => opts.names?.[v] ?? `photo ${v + 1}`);
  const t2 = now();
  // 3. SfM.
  opts.signal?.throwIfAborted();
  const focalFor = (v: number) => (typeof opts.focalPx === 'number' ? opts.focalPx : opts.focalPx?.[v]);
  const sfm = incrementalSfm(
    images.map((img, v) => ({ width: img.width, height: img.height, keypoints: features[v].keypoints, focalPx: focalFor(v) })),
    matches,
    { essentialIterations: 5000, ...opts.sfm },
  );
  const warnings = photoWarnings(images, names, features, matches, sfm.diagnostics.pairs, opts.masks);
  let views: PoseOutcome[] = sfm.views.map((p) => (p.registered ? { registered: true, camera: p.camera, observations: p.observations, source: 'sfm' } : { registered: false, reason: p.reason }));

  const masks = opts.masks;
  if ((opts.objectCentred ?? true) && views.some((v) => !v.registered) && masks && images.every((_, v) => masks[v])) {
    opts.signal?.throwIfAborted();
    // Clusters of the views SfM left, from denser matching (./clusterSfm.ts): placed as rigid wholes.
    let posedClusters: PosedCluster[] = [];
    const unplaced = views.map((v, i) => (v.registered ? -1 : i)).filter((i) => i >= 0);
    if ((opts.clusterMatching ?? true) && opts.model && opts.features !== 'none' && unplaced.length >= 2) {
      const detector = await loadLearnedDetector(opts.features, opts.model, opts.modelLabel ?? `${opts.features} model`);
      try {
        posedClusters = (await clusterSfm(images, masks, unplaced, (img, o) => detector.detect(img, o), {
          focalPx: sfm.diagnostics.focalPx, turns: photoMatches.turns, signal: opts.signal, log: (line) => log.push(line),
          onProgress: (done, total) => opts.onProgress?.({ stage: 'clusters', done, total }),
        })).clusters;
      } finally {
        await detector.dispose();
      }
    }
    const objectViews = images.map((img, v) => ({ width: img.width, height: img.height, mask: masks[v]!, focalPx: focalFor(v) ?? sfm.diagnostics.focalPx, name: names[v] }));
    const reg = sfm.views.map((v, i) => (v.registered ? i : -1)).filter((i) => i >= 0);
    const first: PosedCluster[] = reg.length >= 2 ? [{ members: reg, cameras: reg.map((i) => (sfm.views[i] as { camera: Camera }).camera) }] : [];
    const placed = posedClusters.length && first.length + posedClusters.length >= 2
      ? { ...(await placeClusters(objectViews, [...first, ...posedClusters], {
        signal: opts.signal, onProgress: (done, total) => { if (done % 64 === 0 || done === total) opts.onProgress?.({ stage: 'silhouettes', done, total }); }, ...opts.objectCentredOptions,
      })), source: views.map((v) => (v.registered ? 'sfm' : 'object-centred')) }
      : await placeWithObjectCentredStart(sfm, objectViews, opts.objectCentredOptions);
    views = views.map((v, i): PoseOutcome => (v.registered ? v : { registered: true, camera: placed.cameras[i], observations: 0, source: 'object-centred', sfmReason: v.reason }));
    log.push(`object-centred start placed ${placed.source.filter((s) => s === 'object-centred').length} view(s) SfM could not` +
      (placed.refinement ? `; silhouette consistency ${placed.refinement.before.iou.toFixed(3)} -> ${placed.refinement.after.iou.toFixed(3)}` : ''));
    // Guided matching: each guessed view against the points the placed views reconstructed.
    const sfmPlaced = sfm.views.filter((v) => v.registered).length;
    if ((opts.guided ?? true) && sfmPlaced >= 2 && sfm.points.length >= 15) {
      const thresholdPx = opts.sfm?.reprojectionThresholdPx ?? DEFAULT_SFM_OPTIONS.reprojectionThresholdPx;
      const extra: { view: number; point: number; keypoint: number }[] = [];
      const cams: (Camera | null)[] = sfm.views.map((v) => (v.registered ? v.camera : null));
      /** Guided view -> its 2D-3D matches kept. */
      const guided = new Map<number, number>();
      for (let i = 0; i < views.length; i++) {
        const out = views[i];
        if (!out.registered || out.source !== 'object-centred') continue;
        opts.signal?.throwIfAborted();
        const g = registerGuidedTurning(features, i, out.camera, sfm.points, placed.orbit, {
          thresholdPx, seed: 1 + i, log: (line) => log.push(`guided matching, ${names[i]}: ${line}`),
        });
        if (!g) { log.push(`guided matching: ${names[i]} not placed (from the guess, nor turned round the object)`); continue; }
        cams[i] = g.camera;
        guided.set(i, g.matches.length);
        extra.push(...g.matches.map((m) => ({ view: i, ...m })));
        log.push(`guided matching placed ${names[i]}: ${g.matches.length} PnP inliers of ${g.candidates} candidates (window ${g.windowPx} px` +
          `${g.turnDeg ? `, from the guess turned ${g.turnDeg} deg round the object; next best turn ${g.runnerUp}` : ''}), RMS ${g.rmsPx.toFixed(2)} px`);
      }
      if (guided.size) {
        const adj = adjustWithNewViews(features, cams, sfm.points, extra, thresholdPx / 2);
        log.push(`bundle adjustment with the guided views: RMS ${adj.rmsBefore.toFixed(2)} -> ${adj.rmsAfter.toFixed(2)} px`);
        adj.points.forEach((X, j) => { sfm.points[j].X = X; });
        views = views.map((v, i): PoseOutcome => {
          const cam = adj.cameras[i];
          if (!cam || !v.registered) return v;
          return { registered: true, camera: cam, observations: guided.get(i) ?? v.observations, source: 'sfm' };
        });
      }
    }
  }
  opts.onProgress?.({ stage: 'sfm', done: 1, total: 1 });
  // 4. Epipolar rematching (./epipolarRematch.ts) of the views the matches placed (guided matching's
  // too), last: it only refines cameras the steps above found, and leaves what they found alone.
  let points = sfm.points;
  let focalPx = sfm.diagnostics.focalPx;
  let finalRmsPx = sfm.diagnostics.finalRmsPx;
  const matched = views.map((v) => (v.registered && v.source === 'sfm' ? v.camera : null));
  if ((opts.rematch ?? true) && matched.filter(Boolean).length >= 2) {
    if (images.length > MAX_REMATCH_VIEWS) {
      log.push(`epipolar rematching: skipped (${images.length} photos; it takes up to ${MAX_REMATCH_VIEWS})`);
    } else {
      const optimiseFocal = sfm.diagnostics.focalSource !== 'exif';
      const rm = await rematchAndAdjust(features, matched, matches, {
        optimiseFocal, signal: opts.signal, onProgress: (done, total) => opts.onProgress?.({ stage: 'rematch', done, total }),
      });
      const seen = new Array<number>(views.length).fill(0);
      for (const p of rm?.points ?? []) for (const o of p.track) seen[o.view]++;
      // Each camera it moves must still see enough points to be pinned by them.
      const minSeen = opts.sfm?.minPnpPoints ?? DEFAULT_SFM_OPTIONS.minPnpPoints;
      const thin = matched.flatMap((c, i) => (c && seen[i] < minSeen ? [names[i]] : []));
      if (!rm || thin.length) {
        log.push(`epipolar rematching: ${rm ? `${thin.join(', ')} would see fewer than ${minSeen} points` : 'too few points agree with the cameras'}; cameras kept`);
      } else {
        // The object-centred start's guesses take the adjusted focal too.
        const scale = optimiseFocal ? rm.focalPx / focalPx : 1;
        log.push(`epipolar rematching: ${rm.added} more matches, ${rm.points.length} points (was ${points.length}), ` +
          `bundle adjustment RMS ${rm.rmsBefore.toFixed(2)} -> ${rm.rmsAfter.toFixed(2)} px${optimiseFocal ? `, focal ${focalPx.toFixed(1)} -> ${rm.focalPx.toFixed(1)} px` : ''}`);
        views = views.map((v, i): PoseOutcome => {
          if (!v.registered) return v;
          const cam = rm.cameras[i];
          if (v.source === 'sfm' && cam) return { ...v, camera: cam, observations: seen[i] };
          return { ...v, camera: { ...v.camera, fx: v.camera.fx * scale, fy: v.camera.fy * scale } };
        });
        points = rm.points;
        finalRmsPx = rm.rmsAfter;
        if (optimiseFocal) focalPx = rm.focalPx;
      }
    }
  }
  const t3 = now();

  const count = points.length;
  const positions = new Float64Array(3 * count), colors = new Uint8Array(3 * count);
  points.forEach((p, i) => {
    positions.set(p.X, 3 * i);
    const o = p.track[0];
    if (!o) return;
    const img = images[o.view];
    const u = Math.min(img.width - 1, Math.max(0, Math.floor(features[o.view].keypoints[2 * o.keypoint])));
    const v = Math.min(img.height - 1, Math.max(0, Math.floor(features[o.view].keypoints[2 * o.keypoint + 1])));
    for (let c = 0; c < 3; c++) colors[3 * i + c] = img.data[(v * img.width + u) * 4 + c];
  });
  return {
    views,
    points: { positions, colors, count },
    bounds: objectBounds(images, views, opts.masks, positions),
    times: { ...times, sfmMs: t3 - t2, totalMs: t3 - t0 },
    features: {
      source: opts.features,
      detector: opts.features === 'none' ? 'OpenCV.js ORB' : opts.features === 'alike' ? 'ALIKE-N' : 'XFeat',
      model,
      keypoints: features.map(featureCount),
    },
    pairs: sfm.diagnostics.pairs.map((p) => ({ a: p.a, b: p.b, matches: p.matches, inliers: p.inliers })),
    focalPx,
    focalSource: sfm.diagnostics.focalSource,
    finalRmsPx,
    warnings,
    log: [...log, ...sfm.diagnostics.log],
  };
}

/**
 * The object's box from the poses stage's output. The points alone can cut the object off: they
 * are where matches were triangulated, often on a few views' side of it (lego 8, 3 of 8 views
 * matched: the points' box is 0.95 deep where the masks carve 1.78, and training in it lost
 * 0.4 dB). So, when every placed view has a mask, the box their masks carve (../hull/bounds.ts)
 * is added: it holds all of the object that every view sees.
 */
export function objectBounds(images: readonly RGBAImage[], views: readonly PoseOutcome[], masks: EstimatePosesOptions['masks'], positions: ArrayLike<number>): Bounds | null {
  const points = pointBounds(positions);
  const placed = views.flatMap((v, i) => (v.registered && masks?.[i] ? [{ camera: v.camera, mask: masks[i], width: images[i].width, height: images[i].height }] : []));
  // Cells inside all masks but one: an object photo shows all of the object (a cell seen by two
  // views only is where masks that contradict the cameras, from a wrong guess, still meet).
  const carved = placed.length >= 2 && placed.length === views.filter((v) => v.registered).length
    ? silhouetteBounds(placed, { minSupport: Math.max(2, placed.length - 1) })
    : null;
  if (!carved) return points;
  if (!points) return carved;
  return {
    min: [0, 1, 2].map((a) => Math.min(points.min[a], carved.min[a])) as Bounds['min'],
    max: [0, 1, 2].map((a) => Math.max(points.max[a], carved.max[a])) as Bounds['max'],
  };
}

/** Robust box around xyz points: 2nd-98th percentile per axis, widened by 10% of its size. */
export function pointBounds(positions: ArrayLike<number>): Bounds | null {
  const n = Math.floor(positions.length / 3);
  if (n < 8) return null;
  const min: [number, number, number] = [0, 0, 0], max: [number, number, number] = [0, 0, 0];
  for (let a = 0; a < 3; a++) {
    const v = Array.from({ length: n }, (_, i) => positions[3 * i + a]).sort((p, q) => p - q);
    const lo = v[Math.floor(0.02 * (n - 1))], hi = v[Math.ceil(0.98 * (n - 1))];
    const pad = 0.1 * (hi - lo);
    min[a] = lo - pad; max[a] = hi + pad;
  }
  return { min, max };
}
