/**
 * The finest grid as a bitset (1 bit per voxel: 128^3 is 256 KB, 512^3 is 16 MB), so neighbour
 * and containment queries stay O(1) without keeping a dense byte grid.
 */
import type { VisualHull } from './types.ts';

export function createBitset(n: number): Uint32Array {
  return new Uint32Array(Math.ceil(n / 32));
}
export function bitSet(bits: Uint32Array, i: number): void {
  bits[i >>> 5] |= 1 << (i & 31);
}
export function bitGet(bits: Uint32Array, i: number): boolean {
  return (bits[i >>> 5] & (1 << (i & 31))) !== 0;
}

/** Whether voxel (i, j, k) is occupied; anything outside the grid is empty. */
export function voxelOccupied(hull: Pick<VisualHull, 'dims' | 'occupancy'>, i: number, j: number, k: number): boolean {
  const [nx, ny, nz] = hull.dims;
  if (i < 0 || j < 0 || k < 0 || i >= nx || j >= ny || k >= nz) return false;
  return bitGet(hull.occupancy, i + nx * (j + ny * k));
}

/**
 * Whether a world point lies in an occupied voxel, or within `dilate` voxels of one (Chebyshev
 * distance), for pruning floaters against the hull without cutting splats that sit just on it.
 */
export function hullContains(hull: VisualHull, x: number, y: number, z: number, dilate = 0): boolean {
  const s = hull.voxelSize;
  const i = Math.floor((x - hull.origin[0]) / s);
  const j = Math.floor((y - hull.origin[1]) / s);
  const k = Math.floor((z - hull.origin[2]) / s);
  const d = Math.max(0, Math.ceil(dilate));
  for (let dk = -d; dk <= d; dk++)
    for (let dj = -d; dj <= d; dj++)
      for (let di = -d; di <= d; di++) if (voxelOccupied(hull, i + di, j + dj, k + dk)) return true;
  return false;
}
