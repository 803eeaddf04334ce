/**
 * Silhouette carving (shape from silhouette) on a voxel grid, coarse to fine.
 *
 * Levels: the grid starts at `coarseResolution` cells along the longest side of the bounds and
 * doubles up to `resolution`; only cells that survive a level are split into 8 for the next, so
 * work and memory follow the hull's size, not the grid's (128^3 = 2M cells is never enumerated).
 *
 * Tests: coarse levels use the conservative footprint test (silhouette.ts footprintEvidence), so
 * a coarse cell is only carved when no part of it can project onto the object in enough views.
 * The finest level uses, by default, the voxel centre (`finalTest: 'centre'`): it carves the
 * footprint test's half-voxel dilation away, so the hull's volume is unbiased; 'footprint' keeps
 * every voxel that touches the silhouette (thin parts survive, the hull is a shell fatter).
 *
 * Voting: each view gives INSIDE, OUTSIDE or NO_EVIDENCE (out of frame in a view whose mask is
 * cut off by the image border; see silhouette.ts for why out of frame is otherwise OUTSIDE).
 * A voxel survives when at least `minSupport` views say INSIDE and at most `tolerance` say OUTSIDE. The default tolerance, 'auto', forgives one OUTSIDE vote when at
 * least 4 views see the voxel (V-1 of V, so one wrong mask cannot cut a hole through the object)
 * and none when fewer do: with 3 views, ignoring one leaves what any two photos allow (a sphere
 * seen from 3 views: 2x its volume instead of 1.2x; from 9 views the forgiveness costs 1.08x
 * against 1.02x, so pass tolerance 0 when the masks are trusted). Both rules keep coarse-to-fine exact: a coarse cell gets
 * at least the INSIDE votes and at most the OUTSIDE votes of any of its sub-cells.
 */
import { cooperator } from './cooperate.ts';
import { bitGet, bitSet, createBitset } from './occupancy.ts';
import { prepareSilhouette, type OutOfFrameRule } from './silhouette.ts';
import type { Bounds, HullView, StageOptions, VisualHull } from './types.ts';
import { survives, type Tolerance } from './vote.ts';

export interface CarveOptions extends StageOptions {
  /** Cells along the longest side of the bounds at the finest level. Default 128. */
  resolution?: number;
  /** Cells along the longest side at the first level; levels double from here. Default 32. */
  coarseResolution?: number;
  /** OUTSIDE votes a voxel may get and survive; 'auto' (default): 1 if >= 4 views see it, else 0. */
  tolerance?: Tolerance;
  /** INSIDE votes a voxel needs. Default min(2, number of views). */
  minSupport?: number;
  /** Test at the finest level. Default 'centre'. */
  finalTest?: 'centre' | 'footprint';
  /** What a view says about voxels out of its frame; see silhouette.ts. Default 'auto'. */
  outOfFrame?: OutOfFrameRule;
}

/** 1024^3: linear indices fit a u32 and the occupancy bitset stays within 128 MB. */
const MAX_CELLS = 1024 ** 3;

export async function carveVisualHull(views: readonly HullView[], bounds: Bounds, opts: CarveOptions = {}): Promise<VisualHull> {
  const coop = cooperator(opts.signal);
  await coop.tick();
  if (views.length === 0) throw new Error('carveVisualHull: no views');
  const sils = views.map((v, i) => prepareSilhouette(v, i, opts.outOfFrame ?? 'auto'));
  const resolution = opts.resolution ?? 128;
  const levels = levelResolutions(resolution, opts.coarseResolution ?? 32);
  const tol = opts.tolerance ?? 'auto';
  const minSupport = Math.max(1, Math.min(opts.minSupport ?? 2, views.length));
  const finalCentre = (opts.finalTest ?? 'centre') === 'centre';

  const ext = [0, 1, 2].map((a) => bounds.max[a] - bounds.min[a]);
  if (!ext.every((e) => e > 0 && Number.isFinite(e))) throw new Error('carveVisualHull: bounds must have positive, finite extent');
  const longest = Math.max(...ext);
  const d0 = ext.map((e) => Math.max(1, Math.ceil((e / longest) * levels[0] - 1e-9)));
  const scaleUp = 2 ** (levels.length - 1);
  const dims = d0.map((d) => d * scaleUp) as [number, number, number];
  if (dims[0] * dims[1] * dims[2] > MAX_CELLS) throw new Error(`carveVisualHull: grid ${dims.join('x')} is too large`);
  const voxelSize = longest / levels[levels.length - 1];
  // Centre the grid on the bounds so any overhang is shared by both sides.
  const origin = [0, 1, 2].map((a) => (bounds.min[a] + bounds.max[a]) / 2 - (dims[a] * voxelSize) / 2) as [number, number, number];

  const stats: VisualHull['levels'] = [];
  const progressTotal = levels.length * 1000;
  let kept: Uint32Array | null = null;
  for (let l = 0; l < levels.length; l++) {
    const f = 2 ** (levels.length - 1 - l);
    const size = voxelSize * f;
    const ldims = [dims[0] / f, dims[1] / f, dims[2] / f];
    const last = l === levels.length - 1;
    const candidates: Uint32Array = kept === null ? allCells(ldims) : children(kept, [ldims[0] / 2, ldims[1] / 2, ldims[2] / 2]);
    const out = new Uint32Array(candidates.length);
    let nOut = 0;
    const nx = ldims[0], nxy = ldims[0] * ldims[1];
    const useCentre = last && finalCentre;
    for (let c = 0; c < candidates.length; c++) {
      if ((c & 4095) === 0) {
        await coop.tick();
        opts.onProgress?.(l * 1000 + Math.floor((1000 * c) / candidates.length), progressTotal);
      }
      const idx = candidates[c];
      const k = Math.floor(idx / nxy);
      const rem = idx - k * nxy;
      const j = Math.floor(rem / nx);
      const i = rem - j * nx;
      const x = origin[0] + (i + 0.5) * size;
      const y = origin[1] + (j + 0.5) * size;
      const z = origin[2] + (k + 0.5) * size;
      if (survives(sils, x, y, z, size / 2, useCentre, tol, minSupport)) out[nOut++] = idx;
    }
    kept = out.slice(0, nOut).sort();
    stats.push({ resolution: levels[l], tested: candidates.length, kept: nOut });
    opts.onProgress?.((l + 1) * 1000, progressTotal);
  }
  return assemble(kept!, dims, origin, voxelSize, stats);
}

/** Level resolutions from coarse to fine, halving the finest while it stays >= coarse and even. */
export function levelResolutions(resolution: number, coarse: number): number[] {
  if (!(Number.isInteger(resolution) && resolution >= 1)) throw new Error(`carveVisualHull: resolution must be a positive integer, got ${resolution}`);
  const out = [resolution];
  let r = resolution;
  while (r % 2 === 0 && r / 2 >= Math.max(1, coarse)) {
    r /= 2;
    out.unshift(r);
  }
  return out;
}

function allCells(d: number[]): Uint32Array {
  const n = d[0] * d[1] * d[2];
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  return out;
}

/** The 8 children of each parent cell (parent dims pd), as indices in the doubled grid. */
function children(parents: Uint32Array, pd: number[]): Uint32Array {
  const out = new Uint32Array(parents.length * 8);
  const cx = pd[0] * 2, cxy = pd[0] * 2 * pd[1] * 2;
  const pxy = pd[0] * pd[1];
  let o = 0;
  for (let p = 0; p < parents.length; p++) {
    const idx = parents[p];
    const k = Math.floor(idx / pxy);
    const rem = idx - k * pxy;
    const j = Math.floor(rem / pd[0]);
    const i = rem - j * pd[0];
    const base = 2 * i + cx * 2 * j + cxy * 2 * k;
    out[o++] = base;
    out[o++] = base + 1;
    out[o++] = base + cx;
    out[o++] = base + cx + 1;
    out[o++] = base + cxy;
    out[o++] = base + cxy + 1;
    out[o++] = base + cxy + cx;
    out[o++] = base + cxy + cx + 1;
  }
  return out;
}

function assemble(
  indices: Uint32Array,
  dims: [number, number, number],
  origin: [number, number, number],
  voxelSize: number,
  levels: VisualHull['levels'],
): VisualHull {
  const [nx, ny, nz] = dims;
  const nxy = nx * ny;
  const occupancy = createBitset(nx * ny * nz);
  for (let n = 0; n < indices.length; n++) bitSet(occupancy, indices[n]);
  const count = indices.length;
  const centers = new Float32Array(count * 3);
  const surface = new Uint8Array(count);
  let surfaceCount = 0;
  for (let n = 0; n < count; n++) {
    const idx = indices[n];
    const k = Math.floor(idx / nxy);
    const rem = idx - k * nxy;
    const j = Math.floor(rem / nx);
    const i = rem - j * nx;
    centers[n * 3] = origin[0] + (i + 0.5) * voxelSize;
    centers[n * 3 + 1] = origin[1] + (j + 0.5) * voxelSize;
    centers[n * 3 + 2] = origin[2] + (k + 0.5) * voxelSize;
    const open =
      i === 0 || j === 0 || k === 0 || i === nx - 1 || j === ny - 1 || k === nz - 1 ||
      !bitGet(occupancy, idx - 1) || !bitGet(occupancy, idx + 1) ||
      !bitGet(occupancy, idx - nx) || !bitGet(occupancy, idx + nx) ||
      !bitGet(occupancy, idx - nxy) || !bitGet(occupancy, idx + nxy);
    if (open) {
      surface[n] = 1;
      surfaceCount++;
    }
  }
  const gridBounds = {
    min: [origin[0], origin[1], origin[2]] as [number, number, number],
    max: [origin[0] + nx * voxelSize, origin[1] + ny * voxelSize, origin[2] + nz * voxelSize] as [number, number, number],
  };
  return { bounds: gridBounds, origin, voxelSize, dims, count, centers, indices, surface, surfaceCount, occupancy, levels };
}
