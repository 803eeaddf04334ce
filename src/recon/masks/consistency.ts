/**
 * Consistency of masks across posed views: a point of the object projects inside the mask of
 * every view that sees it, so a mask pixel whose viewing ray meets no voxel of the visual hull
 * carved from the *other* views' masks is suspicious (a shadow, a reflection, a bit of
 * background the graph cut took for the object) and is removed.
 *
 * For each view: carve the hull of the other views (src/recon/hull, coarse: `resolution` cells
 * along the box), splat every hull voxel's projected footprint (its bounding square, plus
 * `marginPx`) into a support image, and keep the mask where it is supported. Leaving the view
 * out matters: its own mask would support itself. The hull of the others is larger than the
 * object (a superset for correct masks), so correct parts of a mask are kept; with one wrong
 * mask among the others the carving's tolerance ('auto': one OUTSIDE vote forgiven when 4 views
 * see a voxel) keeps a hole in that mask from cutting into the rest.
 */
import type { Camera } from '../../core/camera.ts';
import { InputError } from '../../core/errors.ts';
import { carveVisualHull, estimateBounds, type Bounds } from '../hull/index.ts';

export interface ConsistencyView {
  camera: Camera;
  /** width*height, non-zero = object. */
  mask: Uint8Array;
  width: number;
  height: number;
}

export interface ConsistencyOptions {
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
  /** Object bounds; estimated from all the masks when absent. */
  bounds?: Bounds;
  /** Hull cells along the longest side of the bounds. Default 64. */
  resolution?: number;
  /** Extra pixels around each voxel's footprint. Default 2. */
  marginPx?: number;
}

export interface ConsistencyResult {
  /** The masks with unsupported pixels removed (1 = object). */
  masks: Uint8Array[];
  /** Pixels removed per view. */
  removed: number[];
}

export async function enforceHullConsistency(views: readonly ConsistencyView[], opts: ConsistencyOptions = {}): Promise<ConsistencyResult> {
  if (views.length < 3)
    throw new InputError(`checking masks against each other needs at least 3 posed views (got ${views.length})`);
  views.forEach((v, i) => {
    if (v.mask.length !== v.width * v.height) throw new InputError(`view ${i + 1}: its mask has ${v.mask.length} pixels, expected ${v.width}x${v.height}`);
    if (v.camera.width !== v.width || v.camera.height !== v.height)
      throw new InputError(`view ${i + 1}: its camera is ${v.camera.width}x${v.camera.height} but the photo is ${v.width}x${v.height}`);
  });
  const bounds = opts.bounds ?? estimateBounds(views);
  const resolution = opts.resolution ?? 64;
  const margin = opts.marginPx ?? 2;
  const masks: Uint8Array[] = [];
  const removed: number[] = [];
  for (let i = 0; i < views.length; i++) {
    opts.signal?.throwIfAborted();
    const others = views.filter((_, j) => j !== i);
    const hull = await carveVisualHull(others, bounds, { resolution, coarseResolution: Math.min(16, resolution), signal: opts.signal });
    const v = views[i];
    const support = supportImage(v, hull.centers, hull.voxelSize, margin);
    const out = new Uint8Array(v.width * v.height);
    let gone = 0;
    for (let p = 0; p < out.length; p++) {
      if (v.mask[p] === 0) continue;
      if (support[p]) out[p] = 1;
      else gone++;
    }
    masks.push(out);
    removed.push(gone);
    opts.onProgress?.(i + 1, views.length);
  }
  return { masks, removed };
}

/** 1 where some voxel's projected footprint (bounding square of its circumscribed sphere) lands. */
function supportImage(v: ConsistencyView, centers: Float32Array, voxelSize: number, margin: number): Uint8Array {
  const { camera: c, width: W, height: H } = v;
  const R = c.R, t = c.t;
  const out = new Uint8Array(W * H);
  const rad = voxelSize * 0.8661;
  for (let n = 0; n < centers.length / 3; n++) {
    const x = centers[n * 3], y = centers[n * 3 + 1], z = centers[n * 3 + 2];
    const zc = R[6] * x + R[7] * y + R[8] * z + t[2];
    if (zc <= rad) continue;
    const u = (c.fx * (R[0] * x + R[1] * y + R[2] * z + t[0])) / zc + c.cx;
    const w = (c.fy * (R[3] * x + R[4] * y + R[5] * z + t[1])) / zc + c.cy;
    const ru = (c.fx * rad) / (zc - rad) + margin, rv = (c.fy * rad) / (zc - rad) + margin;
    const i0 = Math.max(0, Math.floor(u - ru)), i1 = Math.min(W - 1, Math.floor(u + ru));
    const j0 = Math.max(0, Math.floor(w - rv)), j1 = Math.min(H - 1, Math.floor(w + rv));
    for (let j = j0; j <= j1; j++) out.fill(1, j * W + i0, j * W + i1 + 1);
  }
  return out;
}
