/**
 * Visual-hull initialisation for sparse-view Gaussian splatting: bounds (when unknown), silhouette
 * carving, colouring from the photos, and the initial cloud. `initCloudFromViews` runs them in
 * order; each piece is also exported for the trainer (hullContains for floater pruning) and tests.
 */
import type { GaussianCloud } from '../../core/gaussianCloud.ts';
import type { RGBAImage } from '../../core/image.ts';
import { estimateBounds } from './bounds.ts';
import { carveVisualHull, type CarveOptions } from './carve.ts';
import { cloudFromHull, cloudFromPoints, concatClouds, type HullCloudOptions } from './cloud.ts';
import { photoConsistentPoints, type PhotoPointsOptions } from './photoPoints.ts';
import { colourHull, type ColourOptions, type HullColours } from './colour.ts';
import type { Bounds, HullView, StageOptions, VisualHull } from './types.ts';

export { estimateBounds, type BoundsView, type EstimateBoundsOptions } from './bounds.ts';
export { carveVisualHull, type CarveOptions } from './carve.ts';
export { colourHull, type ColourOptions, type HullColours } from './colour.ts';
export { cloudFromHull, cloudFromPoints, concatClouds, randomCloud, type HullCloudOptions, type PointCloudOptions, type RandomCloudOptions } from './cloud.ts';
export { photoConsistentPoints, type PhotoPoints, type PhotoPointsOptions } from './photoPoints.ts';
export { stereoStartCloud, type StereoStart, type StereoStartOptions, type StereoStartView } from './stereoStart.ts';
export { hullContains, voxelOccupied } from './occupancy.ts';
export { knnRmsDistance, nearestDistance } from './knn.ts';
export type { Bounds, ColourView, HullView, StageOptions, VisualHull } from './types.ts';

export interface InitCloudOptions extends StageOptions {
  /** Object bounds; estimated from the views when absent. */
  bounds?: Bounds;
  carve?: Omit<CarveOptions, keyof StageOptions>;
  colour?: Omit<ColourOptions, keyof StageOptions>;
  cloud?: Omit<HullCloudOptions, 'colors'>;
  /**
   * Seed splats at photo-consistent points inside the hull (photoPoints.ts) instead of only at
   * voxels; `fill` (default 0.25) of the budget still comes from the voxels selected by
   * `cloud.voxels`, so textureless parts, where stereo finds nothing, are covered too. Needs images.
   */
  photo?: (PhotoPointsOptions & { fill?: number }) | null;
}

export interface InitCloudResult {
  cloud: GaussianCloud;
  hull: VisualHull;
  bounds: Bounds;
  colours: HullColours | null;
  /** Splats seeded from photo-consistent points (0 without `photo`). */
  photoSplats: number;
}

/** Fewer stereo points than this: the sweep found no texture to work with; use the voxels alone. */
const MIN_PHOTO_POINTS = 500;

/**
 * Posed, masked views (with images, for colour) to an initial cloud. Views without `rgba` are
 * carved with but not sampled; with no images at all the splats are mid grey.
 */
export async function initCloudFromViews(
  views: readonly (HullView & { rgba?: RGBAImage })[],
  opts: InitCloudOptions = {},
): Promise<InitCloudResult> {
  opts.signal?.throwIfAborted();
  const bounds = opts.bounds ?? estimateBounds(views);
  // Progress: carving is most of the work, colouring the rest.
  const report = (from: number, span: number) => (done: number, total: number) =>
    opts.onProgress?.(Math.round((from + (span * done) / Math.max(total, 1)) * 1000), 1000);
  const photo = opts.photo ?? null;
  const hull = await carveVisualHull(views, bounds, { ...opts.carve, signal: opts.signal, onProgress: report(0, photo ? 0.4 : 0.7) });
  const coloured = views.filter((v): v is HullView & { rgba: RGBAImage } => v.rgba !== undefined);
  const colours = coloured.length
    ? await colourHull(hull, coloured, { ...opts.colour, signal: opts.signal, onProgress: report(photo ? 0.4 : 0.7, 0.3) })
    : null;
  opts.signal?.throwIfAborted();
  const budget = opts.cloud?.maxSplats ?? 50_000;
  if (photo && coloured.length >= 2) {
    const points = await photoConsistentPoints(hull, coloured, { ...photo, signal: opts.signal, onProgress: report(0.7, 0.3) });
    if (points.count >= MIN_PHOTO_POINTS) {
      const fill = Math.min(1, Math.max(0, photo.fill ?? 0.25));
      const fillCount = Math.round(budget * fill);
      const shDegree = opts.cloud?.shDegree;
      const fromPoints = cloudFromPoints(points.positions, points.colors, { shDegree, opacity: opts.cloud?.opacity, maxSplats: budget - fillCount, seed: opts.cloud?.seed });
      const cloud = fillCount > 0
        ? concatClouds(fromPoints, cloudFromHull(hull, { ...opts.cloud, maxSplats: fillCount, colors: colours?.colors }))
        : fromPoints;
      opts.onProgress?.(1000, 1000);
      return { cloud, hull, bounds, colours, photoSplats: fromPoints.count };
    }
  }
  const cloud = cloudFromHull(hull, { ...opts.cloud, colors: colours?.colors });
  opts.onProgress?.(1000, 1000);
  return { cloud, hull, bounds, colours, photoSplats: 0 };
}
