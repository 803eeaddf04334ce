/**
 * Depth maps from the photos themselves (issue 14's "sparse depth the project already computes"):
 * the photo-consistent points of the plane sweep inside the visual hull (hull/photoPoints.ts),
 * drawn into each training view with a depth buffer, on its mask only. The result is a
 * TrainView.depth target for the trainer's depth loss: depth in scene units where the sweep found
 * a surface, NaN elsewhere (the loss leaves non-finite pixels out).
 *
 * Why this and not only a monocular model: the sweep's depths come from the views' own geometry,
 * so they hold on any object (FastDepth is trained on rooms), and they are metric in the scene's
 * frame. The patch-wise Pearson loss uses them up to scale and shift all the same; what they add
 * is where along each ray the textured surface is, which 3-9 views' photometric loss leaves free.
 *
 * Platform-agnostic: no DOM, no GPU.
 */
import type { Camera } from '../../core/camera.ts';
import { mat3MulVec } from '../../core/camera.ts';
import type { RGBAImage } from '../../core/image.ts';
import { carveVisualHull, estimateBounds, photoConsistentPoints, type Bounds, type PhotoPointsOptions, type StageOptions } from '../hull/index.ts';

/**
 * Each point drawn as a square of side 2 * radiusPx + 1 pixels at its depth in every camera that
 * sees it in front; the nearest depth wins a pixel (points on the far side of the object are
 * hidden by the near side's, where the near side has points). Pixels no point reaches are NaN.
 */
export function depthMapsFromPoints(positions: Float32Array, cameras: readonly Camera[], radiusPx: number): Float32Array[] {
  if (positions.length % 3 !== 0) throw new Error(`depthMapsFromPoints: ${positions.length} coordinates is not a whole number of points`);
  const r = Math.max(0, Math.round(radiusPx));
  return cameras.map((cam) => {
    const { width: W, height: H } = cam;
    const map = new Float32Array(W * H).fill(Infinity);
    for (let p = 0; p < positions.length; p += 3) {
      const x = mat3MulVec(cam.R, [positions[p], positions[p + 1], positions[p + 2]]);
      const z = x[2] + cam.t[2];
      if (!(z > 1e-9)) continue;
      const u = (cam.fx * (x[0] + cam.t[0])) / z + cam.cx;
      const v = (cam.fy * (x[1] + cam.t[1])) / z + cam.cy;
      const i = Math.floor(u), j = Math.floor(v);
      for (let b = Math.max(0, j - r); b <= Math.min(H - 1, j + r); b++)
        for (let a = Math.max(0, i - r); a <= Math.min(W - 1, i + r); a++) if (z < map[b * W + a]) map[b * W + a] = z;
    }
    for (let k = 0; k < map.length; k++) if (map[k] === Infinity) map[k] = NaN;
    return map;
  });
}

export interface StereoDepthView {
  camera: Camera;
  rgba: RGBAImage;
  /** width*height, non-zero = object: the sweep runs inside the hull these carve. */
  mask?: Uint8Array;
}

export interface StereoDepthOptions extends StageOptions {
  /** Object bounds; estimated from the masks when absent. */
  bounds?: Bounds;
  /** The plane sweep's settings (hull/photoPoints.ts); stride default 1 here (every object pixel). */
  photo?: PhotoPointsOptions;
  /**
   * Half side of the square each point fills, pixels. Default 1 (3x3): the sweep finds a point on
   * 10-30% of the object's pixels, and the depth loss counts a patch only when a quarter of it has
   * a target.
   */
  radiusPx?: number;
}

export interface StereoDepth {
  /** Per view, its depth map (NaN where the sweep found nothing), or undefined when it has none at all. */
  maps: (Float32Array | undefined)[];
  /** Photo-consistent points found. */
  points: number;
  /** Share of the object pixels (all pixels for a view without a mask) each map covers. */
  coverage: number[];
}

/**
 * The stereo depth maps of posed views with masks: carve their hull, sweep it for photo-consistent
 * points, draw those into every view. Views without masks carve nothing and are swept with the
 * others; with no mask at all there is no hull to sweep, and every map is undefined.
 */
export async function stereoDepthMaps(views: readonly StereoDepthView[], opts: StereoDepthOptions = {}): Promise<StereoDepth> {
  const masked = views.filter((v): v is StereoDepthView & { mask: Uint8Array } => v.mask !== undefined);
  if (masked.length < 2) return { maps: views.map(() => undefined), points: 0, coverage: views.map(() => 0) };
  const hullViews = masked.map((v) => ({ camera: v.camera, mask: v.mask, width: v.camera.width, height: v.camera.height }));
  const bounds = opts.bounds ?? estimateBounds(hullViews);
  const hull = await carveVisualHull(hullViews, bounds, { signal: opts.signal });
  const stride = opts.photo?.stride ?? 1;
  const points = await photoConsistentPoints(hull, views, { ...opts.photo, stride, signal: opts.signal, onProgress: opts.onProgress });
  const maps = depthMapsFromPoints(points.positions, views.map((v) => v.camera), opts.radiusPx ?? 1);
  const coverage = maps.map((m, i) => {
    const mask = views[i].mask;
    let inside = 0, hit = 0;
    for (let k = 0; k < m.length; k++) {
      // Off its mask a view sees background: a point there is the hull's overhang, not its surface.
      if (mask && !mask[k]) {
        m[k] = NaN;
        continue;
      }
      inside++;
      if (Number.isFinite(m[k])) hit++;
    }
    return inside ? hit / inside : 0;
  });
  return { maps: maps.map((m, i) => (coverage[i] > 0 ? m : undefined)), points: points.count, coverage };
}
