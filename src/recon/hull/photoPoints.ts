/**
 * Surface points inside the visual hull by photo-consistency: a plane sweep restricted to the hull.
 *
 * Why: with 3-9 nearly frontal views the visual hull is deep (the silhouette cones barely
 * intersect), so hull voxels say little about where along a ray the surface is; splats spread
 * through that depth fit the training views and blur every other one. Where the object has
 * texture, the photos themselves say the depth: the surface point is where the other views see
 * the same patch.
 *
 * For every `stride`-th object pixel of every view (the reference), walk its ray through the
 * occupied voxels in steps of `stepVoxels` voxel sizes. At each sample, project into the other
 * views that see it inside their mask and compare a (2r+1)^2 luma patch around the projection with
 * the reference patch by normalised cross-correlation (fronto-parallel patches; the views are
 * close, so the warp is near a translation). The sample with the best mean correlation wins if
 * the reference patch has texture (luma standard deviation >= minTexture), the correlation
 * beats minNcc, and it is distinct (at least `uniqueness` above every other local maximum along
 * the ray; repeated texture is ambiguous and left out) and sharp (see maxPeakWidth).
 * Occlusion is ignored: a point whose other views see something in front of it simply fails the
 * correlation test. The point gets the reference pixel's colour.
 */
import { cameraCenter, cameraForward, pixelDirection, projectPoint } from '../../core/camera.ts';
import { cooperator } from './cooperate.ts';
import { voxelOccupied } from './occupancy.ts';
import type { ColourView, StageOptions, VisualHull } from './types.ts';

export interface PhotoPointsOptions extends StageOptions {
  /** Reference pixels sampled every `stride` pixels in x and y. Default 2. */
  stride?: number;
  /** Patch half-size in pixels. Default 2 (5x5). */
  patchRadius?: number;
  /** Depth step along a ray, in voxel sizes. Default 0.5. */
  stepVoxels?: number;
  /** Minimum mean NCC of the winning depth. Default 0.8. */
  minNcc?: number;
  /** Minimum luma standard deviation (0..1 units) of the reference patch. Default 0.02. */
  minTexture?: number;
  /** The winner's NCC must beat the best NCC away from it by this much. Default 0.05. */
  uniqueness?: number;
  /**
   * The winner's peak, the samples around it within `uniqueness` of its score, may span at most
   * this many voxel sizes of depth: a smooth colour ramp correlates with itself shifted, which
   * shows up as a wide plateau, not a second peak. Default 3.
   */
  maxPeakWidth?: number;
  /** Other views compared per reference, the nearest by viewing direction. Default 4. */
  maxNeighbours?: number;
}

export interface PhotoPoints {
  count: number;
  /** count * 3 world positions. */
  positions: Float32Array;
  /** count * 3 RGB in 0..1. */
  colors: Float32Array;
  /** Reference pixels whose rays were swept (for the report: count / rays is the acceptance rate). */
  rays: number;
}

interface PreparedView {
  view: ColourView;
  luma: Float32Array;
  centre: [number, number, number];
  forward: [number, number, number];
}

export async function photoConsistentPoints(hull: VisualHull, views: readonly ColourView[], opts: PhotoPointsOptions = {}): Promise<PhotoPoints> {
  const stride = Math.max(1, Math.round(opts.stride ?? 2));
  const radius = Math.max(1, Math.round(opts.patchRadius ?? 2));
  const step = (opts.stepVoxels ?? 0.5) * hull.voxelSize;
  const minNcc = opts.minNcc ?? 0.8;
  const minTexture = opts.minTexture ?? 0.02;
  const uniqueness = opts.uniqueness ?? 0.05;
  const maxNeighbours = Math.max(1, opts.maxNeighbours ?? 4);
  const maxPeakSamples = (opts.maxPeakWidth ?? 3) / (opts.stepVoxels ?? 0.5);
  const coop = cooperator(opts.signal);
  const prepared = views.map(prepare);
  const positions: number[] = [];
  const colors: number[] = [];
  let rays = 0;
  const side = 2 * radius + 1;
  const refPatch = new Float32Array(side * side);
  const samplePatch = new Float32Array(side * side);
  const sums: number[] = [];

  for (let ri = 0; ri < prepared.length; ri++) {
    const ref = prepared[ri];
    const others = neighboursOf(prepared, ri, maxNeighbours);
    if (others.length === 0) continue;
    const { camera: c, rgba, mask } = ref.view;
    const W = rgba.width, H = rgba.height;
    for (let y = radius; y < H - radius; y += stride) {
      await coop.tick();
      opts.onProgress?.(ri * H + y, prepared.length * H);
      for (let x = radius; x < W - radius; x += stride) {
        if (mask && !mask[y * W + x]) continue;
        if (!readPatch(ref.luma, W, x, y, radius, refPatch)) continue;
        if (!normalise(refPatch, minTexture)) continue;
        rays++;
        // Ray through the pixel centre, in world coordinates: X(t) = C + t d, t = camera depth.
        const d = pixelDirection(c, x + 0.5, y + 0.5);
        const range = rayBoxDepths(ref.centre, d, hull);
        if (!range) continue;
        sums.length = 0;
        let best = -Infinity, bestK = -1;
        const stepT = step / Math.hypot(d[0], d[1], d[2]);
        for (let t = range[0], k = 0; t <= range[1]; t += stepT, k++) {
          const X = [ref.centre[0] + t * d[0], ref.centre[1] + t * d[1], ref.centre[2] + t * d[2]];
          let score = -Infinity;
          if (insideHull(hull, X)) {
            let sum = 0, n = 0;
            for (const o of others) {
              const uv = project(o.view, X);
              if (!uv) continue;
              const om = o.view.mask;
              const ow = o.view.rgba.width;
              if (om && !om[Math.floor(uv[1]) * ow + Math.floor(uv[0])]) continue;
              if (!samplePatchBilinear(o.luma, ow, o.view.rgba.height, uv[0], uv[1], radius, samplePatch)) continue;
              if (!normalise(samplePatch, 1e-4)) continue;
              sum += dot(refPatch, samplePatch) / refPatch.length;
              n++;
            }
            if (n > 0) score = sum / n;
          }
          sums.push(score);
          if (score > best) { best = score; bestK = k; }
        }
        if (bestK < 0 || !(best >= minNcc)) continue;
        // Rival: the best other local maximum (the winner's own peak spans several samples).
        let rival = -Infinity;
        for (let k = 0; k < sums.length; k++) {
          if (k === bestK || !(sums[k] > rival)) continue;
          const isPeak = (k === 0 || sums[k] >= sums[k - 1]) && (k === sums.length - 1 || sums[k] >= sums[k + 1]);
          if (isPeak && !onPeak(sums, bestK, k)) rival = sums[k];
        }
        if (rival > best - uniqueness) continue;
        let lo = bestK, hi = bestK;
        while (lo > 0 && sums[lo - 1] > best - uniqueness) lo--;
        while (hi < sums.length - 1 && sums[hi + 1] > best - uniqueness) hi++;
        if (hi - lo > maxPeakSamples) continue;
        const t = range[0] + bestK * stepT;
        positions.push(ref.centre[0] + t * d[0], ref.centre[1] + t * d[1], ref.centre[2] + t * d[2]);
        const p = (y * W + x) * 4;
        colors.push(rgba.data[p] / 255, rgba.data[p + 1] / 255, rgba.data[p + 2] / 255);
      }
    }
  }
  return { count: positions.length / 3, positions: new Float32Array(positions), colors: new Float32Array(colors), rays };
}

/** Whether sample k lies on the winner's peak: the scores rise monotonically from k to best. */
function onPeak(scores: readonly number[], best: number, k: number): boolean {
  const dir = k < best ? 1 : -1;
  for (let i = k; i !== best; i += dir) if (!(scores[i + dir] >= scores[i])) return false;
  return true;
}

function prepare(view: ColourView): PreparedView {
  const { rgba, camera: c } = view;
  const luma = new Float32Array(rgba.width * rgba.height);
  for (let i = 0; i < luma.length; i++) luma[i] = (0.299 * rgba.data[i * 4] + 0.587 * rgba.data[i * 4 + 1] + 0.114 * rgba.data[i * 4 + 2]) / 255;
  return { view, luma, centre: cameraCenter(c), forward: cameraForward(c) };
}

/** The other views, most similar viewing direction first (they see the reference's patches least warped). */
function neighboursOf(views: PreparedView[], ri: number, max: number): PreparedView[] {
  const f = views[ri].forward;
  return views
    .filter((_, i) => i !== ri)
    .map((v) => ({ v, cos: v.forward[0] * f[0] + v.forward[1] * f[1] + v.forward[2] * f[2] }))
    .sort((a, b) => b.cos - a.cos)
    .slice(0, max)
    .map((e) => e.v);
}

/** Camera-depth interval [t0, t1] where C + t d crosses the hull's box, or null. */
function rayBoxDepths(C: readonly number[], d: readonly number[], hull: VisualHull): [number, number] | null {
  let t0 = 1e-6, t1 = Infinity;
  for (let a = 0; a < 3; a++) {
    const lo = hull.bounds.min[a], hi = hull.bounds.max[a];
    if (Math.abs(d[a]) < 1e-12) {
      if (C[a] < lo || C[a] > hi) return null;
      continue;
    }
    let ta = (lo - C[a]) / d[a], tb = (hi - C[a]) / d[a];
    if (ta > tb) [ta, tb] = [tb, ta];
    t0 = Math.max(t0, ta);
    t1 = Math.min(t1, tb);
  }
  return t1 > t0 ? [t0, t1] : null;
}

function insideHull(hull: VisualHull, X: readonly number[]): boolean {
  const s = hull.voxelSize;
  return voxelOccupied(hull, Math.floor((X[0] - hull.origin[0]) / s), Math.floor((X[1] - hull.origin[1]) / s), Math.floor((X[2] - hull.origin[2]) / s));
}

function project(view: ColourView, X: readonly number[]): [number, number] | null {
  const [u, v, z] = projectPoint(view.camera, X);
  if (!(z > 1e-6)) return null;
  if (!(u >= 0 && v >= 0 && u < view.rgba.width && v < view.rgba.height)) return null;
  return [u, v];
}

function readPatch(luma: Float32Array, W: number, x: number, y: number, r: number, out: Float32Array): boolean {
  let i = 0;
  for (let dy = -r; dy <= r; dy++) for (let dx = -r; dx <= r; dx++) out[i++] = luma[(y + dy) * W + x + dx];
  return true;
}

/**
 * Patch around continuous image position (u, v) (pixel centres at i + 0.5), bilinear; false when
 * it leaves the image.
 */
function samplePatchBilinear(luma: Float32Array, W: number, H: number, u: number, v: number, r: number, out: Float32Array): boolean {
  const x0 = u - 0.5 - r, y0 = v - 0.5 - r;
  if (x0 < 0 || y0 < 0 || x0 + 2 * r >= W - 1 || y0 + 2 * r >= H - 1) return false;
  const ix = Math.floor(x0), iy = Math.floor(y0);
  const fx = x0 - ix, fy = y0 - iy;
  let i = 0;
  for (let dy = 0; dy <= 2 * r; dy++) {
    const row = (iy + dy) * W;
    for (let dx = 0; dx <= 2 * r; dx++) {
      const p = row + ix + dx;
      const top = luma[p] + fx * (luma[p + 1] - luma[p]);
      const bottom = luma[p + W] + fx * (luma[p + W + 1] - luma[p + W]);
      out[i++] = top + fy * (bottom - top);
    }
  }
  return true;
}

/** Zero mean, unit variance in place; false when the standard deviation is below minStd. */
function normalise(p: Float32Array, minStd: number): boolean {
  let mean = 0;
  for (let i = 0; i < p.length; i++) mean += p[i];
  mean /= p.length;
  let v = 0;
  for (let i = 0; i < p.length; i++) v += (p[i] - mean) ** 2;
  const std = Math.sqrt(v / p.length);
  if (!(std >= minStd)) return false;
  for (let i = 0; i < p.length; i++) p[i] = (p[i] - mean) / std;
  return true;
}

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

