/**
 * Object bounds from posed views when the scene does not give them.
 *
 * 1. Centre: the point closest, in the least-squares sense, to the viewing rays through each
 *    mask's centroid (the image centre for a view without a mask or with an empty one).
 * 2. A generous cube around it, of half-side the largest camera distance, so it surely holds the
 *    object (and may hold cameras: the footprint test treats cells at a camera plane as INSIDE).
 * 3. Twice: carve that cube at a coarse resolution with the conservative footprint test and the
 *    carving vote, and shrink the box to the surviving cells plus a margin. A view without a mask
 *    votes with its whole frame (object in frame, nothing known inside it), so without masks
 *    this is the intersection of the view frustums.
 * If nothing survives (masks that contradict each other), the generous cube is returned: carving
 * in it still works, only coarser.
 */
import { cameraCenter, pixelDirection, type Camera, type Vec3 } from '../../core/camera.ts';
import { prepareSilhouette, type Silhouette } from './silhouette.ts';
import type { Bounds } from './types.ts';
import { survives } from './vote.ts';

export interface BoundsView {
  camera: Camera;
  mask?: Uint8Array;
  width: number;
  height: number;
}

export interface EstimateBoundsOptions {
  /** Cells along the longest side for each shrinking pass. Default 32. */
  resolution?: number;
  /** Extra room around the carved cells, as a fraction of the box size. Default 0.05. */
  margin?: number;
  /** Views whose masks must hold a cell for it to count. Default 2 (or the number of views, if fewer). */
  minSupport?: number;
}

export function estimateBounds(views: readonly BoundsView[], opts: EstimateBoundsOptions = {}): Bounds {
  return carveBounds(views, opts).box;
}

/**
 * The box the masks carve, or null when they carve nothing (masks that contradict each other, as
 * from wrong cameras): for a caller that has a box of its own to fall back on.
 */
export function silhouetteBounds(views: readonly BoundsView[], opts: EstimateBoundsOptions = {}): Bounds | null {
  const r = carveBounds(views, opts);
  return r.carved ? r.box : null;
}

function carveBounds(views: readonly BoundsView[], opts: EstimateBoundsOptions): { box: Bounds; carved: boolean } {
  if (views.length < 2) throw new Error('estimateBounds needs at least two posed views');
  const res = opts.resolution ?? 32;
  const margin = opts.margin ?? 0.05;
  // A view without a mask still says the object is in its frame: its frustum bounds the object.
  const sils = views.map((v, i) =>
    v.mask
      ? prepareSilhouette({ camera: v.camera, width: v.width, height: v.height, mask: v.mask }, i)
      : prepareSilhouette({ camera: v.camera, width: v.width, height: v.height, mask: new Uint8Array(v.width * v.height).fill(1) }, i, 'outside'),
  );
  const centre = centroidRaysMeet(views);
  const reach = Math.max(...views.map((v) => dist(cameraCenter(v.camera), centre)));
  let box: Bounds = {
    min: [centre[0] - reach, centre[1] - reach, centre[2] - reach],
    max: [centre[0] + reach, centre[1] + reach, centre[2] + reach],
  };
  let carvedOnce = false;
  for (let pass = 0; pass < 2; pass++) {
    const carved = carvedBox(sils, box, res, margin, Math.min(opts.minSupport ?? 2, sils.length));
    if (!carved) break;
    box = carved;
    carvedOnce = true;
  }
  return { box, carved: carvedOnce };
}

function centroidRaysMeet(views: readonly BoundsView[]): Vec3 {
  // Normal equations of sum_i |(I - d_i d_i^T)(p - C_i)|^2.
  const A = new Float64Array(9);
  const b = new Float64Array(3);
  for (const v of views) {
    const [u, w] = maskCentroid(v);
    const c = v.camera;
    const d = pixelDirection(c, u, w);
    const n = Math.hypot(d[0], d[1], d[2]);
    d[0] /= n; d[1] /= n; d[2] /= n;
    const C = cameraCenter(c);
    for (let r = 0; r < 3; r++)
      for (let q = 0; q < 3; q++) {
        const m = (r === q ? 1 : 0) - d[r] * d[q];
        A[r * 3 + q] += m;
        b[r] += m * C[q];
      }
  }
  const p = solve3(A, b);
  if (!p) throw new Error('estimateBounds: the views look along parallel lines, so the object cannot be placed; give bounds explicitly');
  return p;
}

function maskCentroid(v: BoundsView): [number, number] {
  if (v.mask) {
    let sx = 0, sy = 0, n = 0;
    for (let y = 0; y < v.height; y++)
      for (let x = 0; x < v.width; x++)
        if (v.mask[y * v.width + x] !== 0) {
          sx += x + 0.5;
          sy += y + 0.5;
          n++;
        }
    if (n > 0) return [sx / n, sy / n];
  }
  return [v.width / 2, v.height / 2];
}

/** Bounding box of the cells of `box` that survive, grown by a margin; null when none survive. */
function carvedBox(sils: readonly Silhouette[], box: Bounds, res: number, margin: number, minSupport: number): Bounds | null {
  const ext = [0, 1, 2].map((a) => box.max[a] - box.min[a]);
  const size = Math.max(...ext) / res;
  const n = ext.map((e) => Math.max(1, Math.ceil(e / size - 1e-9)));
  const lo = [Infinity, Infinity, Infinity], hi = [-Infinity, -Infinity, -Infinity];
  for (let k = 0; k < n[2]; k++)
    for (let j = 0; j < n[1]; j++)
      for (let i = 0; i < n[0]; i++) {
        const x = box.min[0] + (i + 0.5) * size, y = box.min[1] + (j + 0.5) * size, z = box.min[2] + (k + 0.5) * size;
        if (!survives(sils, x, y, z, size / 2, false, 'auto', minSupport)) continue;
        lo[0] = Math.min(lo[0], x); lo[1] = Math.min(lo[1], y); lo[2] = Math.min(lo[2], z);
        hi[0] = Math.max(hi[0], x); hi[1] = Math.max(hi[1], y); hi[2] = Math.max(hi[2], z);
      }
  if (lo[0] > hi[0]) return null;
  const pad = size / 2 + margin * Math.max(hi[0] - lo[0], hi[1] - lo[1], hi[2] - lo[2], size);
  return { min: [lo[0] - pad, lo[1] - pad, lo[2] - pad], max: [hi[0] + pad, hi[1] + pad, hi[2] + pad] };
}

function solve3(A: Float64Array, b: Float64Array): Vec3 | null {
  const det =
    A[0] * (A[4] * A[8] - A[5] * A[7]) - A[1] * (A[3] * A[8] - A[5] * A[6]) + A[2] * (A[3] * A[7] - A[4] * A[6]);
  const tr = (A[0] + A[4] + A[8]) / 3;
  if (!(Math.abs(det) > 1e-9 * tr * tr * tr)) return null;
  const inv = (r: number, c: number) => {
    // Cofactor of A^T, i.e. adjugate entry (r, c).
    const rows = [0, 1, 2].filter((x) => x !== c), cols = [0, 1, 2].filter((x) => x !== r);
    const m = A[rows[0] * 3 + cols[0]] * A[rows[1] * 3 + cols[1]] - A[rows[0] * 3 + cols[1]] * A[rows[1] * 3 + cols[0]];
    return ((r + c) % 2 === 0 ? m : -m) / det;
  };
  const out: Vec3 = [0, 0, 0];
  for (let r = 0; r < 3; r++) out[r] = inv(r, 0) * b[0] + inv(r, 1) * b[1] + inv(r, 2) * b[2];
  return out;
}

function dist(a: ArrayLike<number>, b: ArrayLike<number>): number {
  return Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
}
