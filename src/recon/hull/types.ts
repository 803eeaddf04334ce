/**
 * Plain data shared by the visual-hull stage (src/recon/hull): the views it carves from, the
 * box it carves in, and the voxel set it returns.
 */
import type { Camera, Vec3 } from '../../core/camera.ts';
import type { RGBAImage } from '../../core/image.ts';

/** Axis-aligned box in world coordinates (the same shape as scene.json's `bounds`). */
export interface Bounds {
  min: Vec3;
  max: Vec3;
}

/** A view as the carver needs it: a posed camera and a silhouette (1 = object, as LoadedView.maskData). */
export interface HullView {
  camera: Camera;
  /** width * height bytes, row-major from the top-left; non-zero = object. */
  mask: Uint8Array;
  width: number;
  height: number;
}

/** A view as the colouring step needs it. The mask, when given, keeps background pixels out. */
export interface ColourView {
  camera: Camera;
  rgba: RGBAImage;
  mask?: Uint8Array;
}

/** What every stage function takes (DESIGN.md): abort and progress, nothing else hidden. */
export interface StageOptions {
  signal?: AbortSignal;
  /** `done` of `total` units of work; units differ between functions, only the ratio means anything. */
  onProgress?: (done: number, total: number) => void;
}

/**
 * Occupied voxels of the finest level. Cubic voxels of side `voxelSize`; voxel (i, j, k) spans
 * origin + [i, i+1) * voxelSize on x (likewise y, z), and its linear index is i + dims[0] * (j + dims[1] * k).
 */
export interface VisualHull {
  /** The box the grid covers (it may overhang the requested bounds by less than a coarse voxel). */
  bounds: Bounds;
  origin: Vec3;
  voxelSize: number;
  dims: [number, number, number];
  count: number;
  /** count * 3 voxel centres. */
  centers: Float32Array;
  /** count linear voxel indices, ascending (same order as centers and surface). */
  indices: Uint32Array;
  /** count flags: 1 when at least one 6-neighbour is empty (or outside the grid). */
  surface: Uint8Array;
  surfaceCount: number;
  /** Bitset over all dims[0]*dims[1]*dims[2] voxels, bit set = occupied; for containment queries. */
  occupancy: Uint32Array;
  /** Per refinement level: grid resolution (longest axis), cells tested, cells kept. */
  levels: { resolution: number; tested: number; kept: number }[];
}
