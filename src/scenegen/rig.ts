/**
 * A DTU-like camera rig: 49 cameras on a spherical cap in front of the object (7 rings of
 * elevation 10..60 degrees x 7 azimuths -60..+60 degrees, the front being -y), all looking at
 * the object centre with world up +z, and sparse-view splits in the SpaRe style.
 *
 * View ids are v00..v48, numbered ring by ring from the lowest ring, left to right.
 */
import { lookAtCamera, projectPoint, type Camera, type Vec3 } from '../core/camera.ts';
import type { Bounds } from './shapes.ts';
import type { SceneSplit } from '../io/sceneFormat.ts';

export const RIG_RINGS = 7;
export const RIG_PER_RING = 7;
export const RIG_ELEVATIONS_DEG = [10, 60] as const;
export const RIG_AZIMUTH_SPAN_DEG = 120;
/** Camera distance from the object centre, in bounding-sphere radii. */
export const RIG_DISTANCE_RADII = 3.5;
/**
 * Framing: the focal length is the largest for which every corner of the object's bounding box
 * stays within this fraction of the half-width and half-height from the image centre in every
 * view (the object itself then fills roughly 60% of the frame).
 */
export const RIG_FILL = 0.9;

type Intrinsics = Parameters<typeof lookAtCamera>[3];

export interface RigView {
  id: string;
  ring: number;
  /** Index within the ring, 0 = leftmost (azimuth -60 degrees). */
  index: number;
  elevationDeg: number;
  azimuthDeg: number;
  camera: Camera;
}

export function viewId(ring: number, index: number): string {
  return `v${String(ring * RIG_PER_RING + index).padStart(2, '0')}`;
}

/**
 * Cameras looking at `center` from RIG_DISTANCE_RADII * `radius` away, at width x height, for
 * an object inside `bounds`. One focal length for all views (fx = fy, see RIG_FILL); principal
 * point at the image centre (cx = W/2, cy = H/2).
 */
export function dtuLikeRig(center: Vec3, radius: number, bounds: Bounds, width: number, height: number): RigView[] {
  const unit = placeRig(center, radius, { fx: 1, fy: 1, cx: 0, cy: 0, width, height });
  // Largest normalised extent of the box corners over all views at f = 1.
  let extent = 0;
  for (const v of unit)
    for (let c = 0; c < 8; c++) {
      const p: Vec3 = [0, 1, 2].map((k) => ((c >> k) & 1 ? bounds.max[k] : bounds.min[k])) as Vec3;
      const [u, w] = projectPoint(v.camera, p);
      extent = Math.max(extent, Math.abs(u) / (width / 2), Math.abs(w) / (height / 2));
    }
  const f = RIG_FILL / extent;
  return placeRig(center, radius, { fx: f, fy: f, cx: width / 2, cy: height / 2, width, height });
}

function placeRig(center: Vec3, radius: number, intr: Intrinsics): RigView[] {
  const dist = RIG_DISTANCE_RADII * radius;
  const views: RigView[] = [];
  const [e0, e1] = RIG_ELEVATIONS_DEG;
  for (let ring = 0; ring < RIG_RINGS; ring++) {
    const elevationDeg = e0 + ((e1 - e0) * ring) / (RIG_RINGS - 1);
    for (let index = 0; index < RIG_PER_RING; index++) {
      const azimuthDeg = -RIG_AZIMUTH_SPAN_DEG / 2 + (RIG_AZIMUTH_SPAN_DEG * index) / (RIG_PER_RING - 1);
      const el = (elevationDeg * Math.PI) / 180, az = (azimuthDeg * Math.PI) / 180;
      const eye: Vec3 = [
        center[0] + dist * Math.cos(el) * Math.sin(az),
        center[1] - dist * Math.cos(el) * Math.cos(az),
        center[2] + dist * Math.sin(el),
      ];
      views.push({ id: viewId(ring, index), ring, index, elevationDeg, azimuthDeg, camera: lookAtCamera(eye, center, [0, 0, 1], intr) });
    }
  }
  return views;
}

/**
 * Train/test splits in the SpaRe style. "3": three front-facing neighbouring cameras on the
 * middle ring (azimuth -20, 0, +20 degrees), like DTU's 25, 22, 28. "9": those three plus three
 * on a low and three on a high ring (azimuth -40, 0, +40). Both share one test list of 18
 * views that are in no train split, spread over the whole cap (including its edges).
 */
export function rigSplits(): Record<string, SceneSplit> {
  const train3 = [viewId(3, 3), viewId(3, 2), viewId(3, 4)];
  const train9 = [...train3, viewId(1, 3), viewId(1, 1), viewId(1, 5), viewId(5, 3), viewId(5, 1), viewId(5, 5)];
  const test: string[] = [];
  for (const ring of [0, 2, 4, 6]) for (const index of [0, 2, 4, 6]) test.push(viewId(ring, index));
  test.push(viewId(3, 0), viewId(3, 6));
  test.sort();
  return { '3': { train: train3, test: [...test] }, '9': { train: train9, test: [...test] } };
}
