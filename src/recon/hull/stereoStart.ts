/**
 * A start for scenes without masks (issue 14, "Backgrounds without masks": fern, any photo of an
 * object in a room): splats at the photo-consistent points of a plane sweep through the scene's
 * bounds, plus a share of random splats in the bounds for what the sweep cannot see (textureless
 * parts). The visual-hull start needs masks; the random start puts splats everywhere in the box,
 * and with 3 views most of them end as a haze in front of the cameras.
 *
 * The sweep is photoPoints.ts's, through a "hull" that is the bounds cut down to where every view
 * sees (the views' frustums, carved with masks that cover each photo whole), not a silhouette. Views
 * with masks carve with them, so with masks the sweep runs inside the visual hull (as the hull
 * start's 'photo' seeding, whose fill comes from the hull's voxels rather than the whole box).
 */
import type { GaussianCloud } from '../../core/gaussianCloud.ts';
import type { RGBAImage } from '../../core/image.ts';
import type { Camera } from '../../core/camera.ts';
import { carveVisualHull } from './carve.ts';
import { cloudFromPoints, concatClouds, randomCloud } from './cloud.ts';
import { photoConsistentPoints, type PhotoPointsOptions } from './photoPoints.ts';
import type { Bounds, StageOptions, VisualHull } from './types.ts';

export interface StereoStartView {
  camera: Camera;
  rgba: RGBAImage;
  mask?: Uint8Array;
}

export interface StereoStartOptions extends StageOptions {
  /** Splats in all. Default 20 000 (the trainer's initSplats). */
  maxSplats?: number;
  /** Share of them placed at random in the bounds, at least. Default 0.25 (the hull start's photo fill). */
  fill?: number;
  shDegree?: number;
  seed?: number;
  /**
   * The sweep's settings (photoPoints.ts). Stride default: the smallest that sweeps at most
   * STEREO_RAY_BUDGET reference pixels over all views (1 up to 50 000 pixels a view for 3 views).
   * Through the whole bounds a ray is longer than through a hull and repeated texture along it
   * fails the uniqueness test more often, so more rays are needed than the hull start's stride 2
   * (the generated patterned cube: 493 points at stride 2, 1959 at 1; 3 views, 200x150).
   */
  photo?: PhotoPointsOptions;
}

export interface StereoStart {
  cloud: GaussianCloud;
  /** Splats at photo-consistent points (0 when the sweep found too few: then all are random). */
  stereoSplats: number;
  /** Points the sweep found. */
  points: number;
  /** The box carved by the views' frames, or by their masks where every view has one (then the visual hull); null with fewer than 2 views. */
  hull: VisualHull | null;
}

/**
 * Reference pixels swept at most, all views together: bounds the start's time. Measured on fern's
 * 3 views (stride 1, one thread): 126x95 4682 points in 6.6 s, 252x189 35 040 in 21 s, 504x378
 * 117 802 in 70 s; a 20 000-splat start uses 15 000 of them.
 */
export const STEREO_RAY_BUDGET = 150_000;

/** Fewer points than this: the sweep found nothing to work with (as initCloudFromViews). */
const MIN_STEREO_POINTS = 500;

export async function stereoStartCloud(views: readonly StereoStartView[], bounds: Bounds, opts: StereoStartOptions = {}): Promise<StereoStart> {
  const budget = opts.maxSplats ?? 20_000;
  const seed = opts.seed ?? 0;
  const shDegree = opts.shDegree;
  const random = (count: number) => randomCloud(bounds, count, seed, { shDegree, color: 'grey' });
  if (views.length < 2) return { cloud: random(budget), stereoSplats: 0, points: 0, hull: null };
  const hullViews = views.map((v) => {
    const { width, height } = v.camera;
    return { camera: v.camera, width, height, mask: v.mask ?? new Uint8Array(width * height).fill(1) };
  });
  const hull = await carveVisualHull(hullViews, bounds, { signal: opts.signal });
  const pixels = views.reduce((acc, v) => acc + v.camera.width * v.camera.height, 0);
  const stride = Math.max(1, Math.ceil(Math.sqrt(pixels / STEREO_RAY_BUDGET)));
  const points = await photoConsistentPoints(hull, views, { stride, ...opts.photo, signal: opts.signal, onProgress: opts.onProgress });
  if (points.count < MIN_STEREO_POINTS) return { cloud: random(budget), stereoSplats: 0, points: points.count, hull };
  const fillCount = Math.round(budget * Math.min(1, Math.max(0, opts.fill ?? 0.25)));
  const fromPoints = cloudFromPoints(points.positions, points.colors, { shDegree, maxSplats: budget - fillCount, seed });
  // Fewer points than their share: random splats make up the budget.
  const rest = budget - fromPoints.count;
  const cloud = rest > 0 ? concatClouds(fromPoints, random(rest)) : fromPoints;
  return { cloud, stereoSplats: fromPoints.count, points: points.count, hull };
}
