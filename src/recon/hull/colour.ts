/**
 * Colours for hull voxels from the photos that actually see them.
 *
 * Visibility: per view, a depth buffer of the surface voxels' centres, each splatted over the
 * pixels its bounding sphere covers (large enough that a closed surface leaves no holes for
 * far-side voxels to show through). A voxel counts as visible in a view when its depth is within
 * a tolerance of the buffer at its pixel, its pixel is object in that view's mask (a voxel kept
 * by the tolerant vote may project onto background there), and it faces the camera according to
 * a normal estimated from the empty voxels around it. The tolerance is `depthTolerance` voxel
 * sizes plus the depth the surface itself spans across one splat when seen obliquely (splat
 * radius * tan of the angle between normal and view ray, capped): with a fixed tolerance, the
 * nearer neighbours' splats hide every voxel seen at more than ~55 degrees, the top of an object
 * photographed from 30 degrees above among them.
 *
 * Colour: the views' bilinear samples at the projected centre, weighted by the cosine between
 * that normal and the direction to the camera (grazing views mix in neighbouring surface and
 * background), RGB in 0..1 straight from the stored sRGB bytes, as the trainer uses them.
 * Only surface voxels are sampled. Surface voxels no view sees (the underside of an object shot
 * from the side) take the mean colour of their coloured neighbours, spreading a few voxels; what
 * is left, and interior voxels, get the mean of all coloured voxels (or mid grey). `views` says
 * how many views each voxel averaged (0 = filled in).
 */
import { cameraCenter } from '../../core/camera.ts';
import { cooperator } from './cooperate.ts';
import { voxelOccupied } from './occupancy.ts';
import type { ColourView, StageOptions, VisualHull } from './types.ts';

export interface ColourOptions extends StageOptions {
  /** Depth slack for the visibility test, in voxel sizes, before the obliquity term. Default 1.5. */
  depthTolerance?: number;
  /** Neighbour-filling passes for unseen surface voxels. Default 8. */
  fillPasses?: number;
}

/** Cap on tan(angle) in the obliquity term, so grazing views cannot see through thin walls. */
const MAX_TAN = 3;

export interface HullColours {
  /** hull.count * 3, RGB in 0..1. */
  colors: Float32Array;
  /** hull.count: number of views averaged (0 = fallback colour). */
  views: Uint16Array;
}

const NEAR = 1e-6;

export async function colourHull(hull: VisualHull, views: readonly ColourView[], opts: ColourOptions = {}): Promise<HullColours> {
  const coop = cooperator(opts.signal);
  await coop.tick();
  const baseTol = (opts.depthTolerance ?? 1.5) * hull.voxelSize;
  const surf = surfaceList(hull);
  const normals = surfaceNormals(hull, surf);
  const sum = new Float64Array(surf.length * 3);
  const wsum = new Float64Array(surf.length);
  const nviews = new Uint16Array(hull.count);
  const P = hull.centers;
  const sphere = (Math.sqrt(3) / 2) * hull.voxelSize;
  const total = views.length * 2;

  for (let vi = 0; vi < views.length; vi++) {
    const { camera: c, rgba, mask } = views[vi];
    const W = rgba.width, H = rgba.height;
    if (c.width !== W || c.height !== H) throw new Error(`colourHull: view ${vi} camera is ${c.width}x${c.height} but its image is ${W}x${H}`);
    if (mask && mask.length !== W * H) throw new Error(`colourHull: view ${vi} mask has ${mask.length} bytes, expected ${W}x${H}`);
    const R = c.R, t = c.t;
    const C = cameraCenter(c);
    // Camera-space (u, v, depth) of every surface voxel, computed once for splat and lookup.
    const uvz = new Float32Array(surf.length * 3);
    for (let s = 0; s < surf.length; s++) {
      const n = surf[s] * 3;
      const x = P[n], y = P[n + 1], z = P[n + 2];
      const zc = R[6] * x + R[7] * y + R[8] * z + t[2];
      uvz[s * 3 + 2] = zc;
      if (zc <= NEAR) continue;
      uvz[s * 3] = (c.fx * (R[0] * x + R[1] * y + R[2] * z + t[0])) / zc + c.cx;
      uvz[s * 3 + 1] = (c.fy * (R[3] * x + R[4] * y + R[5] * z + t[1])) / zc + c.cy;
    }

    const depth = new Float32Array(W * H).fill(Infinity);
    for (let s = 0; s < surf.length; s++) {
      if ((s & 8191) === 0) await coop.tick();
      const zc = uvz[s * 3 + 2];
      if (zc <= NEAR) continue;
      const u = uvz[s * 3], v = uvz[s * 3 + 1];
      const ru = (c.fx * sphere) / zc, rv = (c.fy * sphere) / zc;
      // Pixels whose centres fall in the footprint, plus the pixel holding the centre itself.
      const i0 = Math.max(0, Math.min(Math.ceil(u - ru - 0.5), Math.floor(u)));
      const i1 = Math.min(W - 1, Math.max(Math.floor(u + ru - 0.5), Math.floor(u)));
      const j0 = Math.max(0, Math.min(Math.ceil(v - rv - 0.5), Math.floor(v)));
      const j1 = Math.min(H - 1, Math.max(Math.floor(v + rv - 0.5), Math.floor(v)));
      for (let j = j0; j <= j1; j++)
        for (let i = i0; i <= i1; i++) {
          const p = j * W + i;
          if (zc < depth[p]) depth[p] = zc;
        }
    }
    opts.onProgress?.(vi * 2 + 1, total);

    const img = rgba.data;
    for (let s = 0; s < surf.length; s++) {
      if ((s & 8191) === 0) await coop.tick();
      const zc = uvz[s * 3 + 2];
      if (zc <= NEAR) continue;
      const u = uvz[s * 3], v = uvz[s * 3 + 1];
      if (!(u >= 0 && u < W && v >= 0 && v < H)) continue;
      const p = Math.floor(v) * W + Math.floor(u);
      if (mask && mask[p] === 0) continue;
      const n = surf[s] * 3;
      let w = 1;
      const nx = normals[s * 3], ny = normals[s * 3 + 1], nz = normals[s * 3 + 2];
      if (nx !== 0 || ny !== 0 || nz !== 0) {
        const dx = C[0] - P[n], dy = C[1] - P[n + 1], dz = C[2] - P[n + 2];
        w = (nx * dx + ny * dy + nz * dz) / Math.hypot(dx, dy, dz);
        if (w <= 0.05) continue;
      }
      const tan = Math.min(Math.sqrt(1 - w * w) / w, MAX_TAN);
      if (zc > depth[p] + baseTol + sphere * tan) continue;
      bilinear(img, W, H, u - 0.5, v - 0.5, sum, s * 3, w);
      wsum[s] += w;
      nviews[surf[s]]++;
    }
    opts.onProgress?.(vi * 2 + 2, total);
  }

  const colors = new Float32Array(hull.count * 3);
  const mean = [0, 0, 0];
  let seen = 0;
  for (let s = 0; s < surf.length; s++) {
    if (wsum[s] === 0) continue;
    for (let ch = 0; ch < 3; ch++) {
      const val = sum[s * 3 + ch] / wsum[s] / 255;
      colors[surf[s] * 3 + ch] = val;
      mean[ch] += val;
    }
    seen++;
  }
  const filled = new Uint8Array(hull.count);
  for (let n = 0; n < hull.count; n++) filled[n] = nviews[n] > 0 ? 1 : 0;
  fillFromNeighbours(hull, surf, colors, filled, opts.fillPasses ?? 8);
  const fallback = seen > 0 ? mean.map((m) => m / seen) : [0.5, 0.5, 0.5];
  for (let n = 0; n < hull.count; n++)
    if (!filled[n]) for (let ch = 0; ch < 3; ch++) colors[n * 3 + ch] = fallback[ch];
  return { colors, views: nviews };
}

/** Each pass gives unfilled surface voxels the mean colour of their filled 26-neighbours. */
function fillFromNeighbours(hull: VisualHull, surf: Uint32Array, colors: Float32Array, filled: Uint8Array, passes: number): void {
  const [nx, ny] = hull.dims;
  const nxy = nx * ny;
  for (let pass = 0; pass < passes; pass++) {
    const newly: number[] = [];
    const acc: number[] = [];
    for (let s = 0; s < surf.length; s++) {
      const n = surf[s];
      if (filled[n]) continue;
      const idx = hull.indices[n];
      const k = Math.floor(idx / nxy), j = Math.floor((idx - k * nxy) / nx), i = idx - k * nxy - j * nx;
      let r = 0, g = 0, b = 0, c = 0;
      for (let dk = -1; dk <= 1; dk++)
        for (let dj = -1; dj <= 1; dj++)
          for (let di = -1; di <= 1; di++) {
            if ((di | dj | dk) === 0 || !voxelOccupied(hull, i + di, j + dj, k + dk)) continue;
            const m = findVoxel(hull.indices, idx + di + nx * dj + nxy * dk);
            if (m < 0 || !filled[m]) continue;
            r += colors[m * 3];
            g += colors[m * 3 + 1];
            b += colors[m * 3 + 2];
            c++;
          }
      if (c > 0) {
        newly.push(n);
        acc.push(r / c, g / c, b / c);
      }
    }
    if (newly.length === 0) return;
    // Commit after the pass so colour spreads one ring per pass, evenly from all sides.
    newly.forEach((n, q) => {
      colors.set(acc.slice(q * 3, q * 3 + 3), n * 3);
      filled[n] = 1;
    });
  }
}

/** Position of a linear voxel index in the hull's sorted index list, or -1. */
function findVoxel(indices: Uint32Array, idx: number): number {
  let lo = 0, hi = indices.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = indices[mid];
    if (v === idx) return mid;
    if (v < idx) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

function surfaceList(hull: VisualHull): Uint32Array {
  const out = new Uint32Array(hull.surfaceCount);
  let o = 0;
  for (let n = 0; n < hull.count; n++) if (hull.surface[n]) out[o++] = n;
  return out;
}

/** Outward normals: the normalised sum of offsets to the empty voxels among the 26 neighbours. */
function surfaceNormals(hull: VisualHull, surf: Uint32Array): Float32Array {
  const out = new Float32Array(surf.length * 3);
  const [nx, ny] = hull.dims;
  for (let s = 0; s < surf.length; s++) {
    const idx = hull.indices[surf[s]];
    const k = Math.floor(idx / (nx * ny));
    const j = Math.floor((idx - k * nx * ny) / nx);
    const i = idx - k * nx * ny - j * nx;
    let gx = 0, gy = 0, gz = 0;
    for (let dk = -1; dk <= 1; dk++)
      for (let dj = -1; dj <= 1; dj++)
        for (let di = -1; di <= 1; di++) {
          if ((di | dj | dk) === 0 || voxelOccupied(hull, i + di, j + dj, k + dk)) continue;
          const inv = 1 / Math.hypot(di, dj, dk);
          gx += di * inv;
          gy += dj * inv;
          gz += dk * inv;
        }
    const len = Math.hypot(gx, gy, gz);
    if (len > 1e-6) {
      out[s * 3] = gx / len;
      out[s * 3 + 1] = gy / len;
      out[s * 3 + 2] = gz / len;
    }
  }
  return out;
}

/** Adds w * the bilinear RGB sample at continuous pixel-index coordinates (x, y) into acc[o..o+2]. */
function bilinear(img: Uint8ClampedArray, W: number, H: number, x: number, y: number, acc: Float64Array, o: number, w: number): void {
  const fx = Math.min(Math.max(x, 0), W - 1), fy = Math.min(Math.max(y, 0), H - 1);
  const x0 = Math.floor(fx), y0 = Math.floor(fy);
  const x1 = Math.min(x0 + 1, W - 1), y1 = Math.min(y0 + 1, H - 1);
  const ax = fx - x0, ay = fy - y0;
  const w00 = (1 - ax) * (1 - ay) * w, w10 = ax * (1 - ay) * w, w01 = (1 - ax) * ay * w, w11 = ax * ay * w;
  const p00 = (y0 * W + x0) * 4, p10 = (y0 * W + x1) * 4, p01 = (y1 * W + x0) * 4, p11 = (y1 * W + x1) * 4;
  for (let ch = 0; ch < 3; ch++)
    acc[o + ch] += img[p00 + ch] * w00 + img[p10 + ch] * w10 + img[p01 + ch] * w01 + img[p11 + ch] * w11;
}
