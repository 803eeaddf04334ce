/**
 * Nearest-neighbour distances over a uniform grid with about two points per cell, shells searched
 * outward, so it stays near-linear for the 10^4-10^5 points of a cloud:
 * - knnRmsDistance: root-mean-square distance from each point to its k nearest others, the scale
 *   3DGS gives a new splat (simple_knn's distCUDA2 with k = 3);
 * - nearestDistance: distance from each query point to the nearest point of another set (the
 *   co-pruning of two clouds, src/recon/train/coPrune.ts).
 */

interface PointGrid {
  points: Float32Array;
  lo: number[];
  /** Cell side. */
  h: number;
  /** Cells along each axis. */
  d: number[];
  /** Points of cell c: order[start[c] .. start[c + 1]). */
  start: Uint32Array;
  order: Uint32Array;
}

function buildGrid(points: Float32Array): PointGrid {
  const n = points.length / 3;
  const lo = [Infinity, Infinity, Infinity], hi = [-Infinity, -Infinity, -Infinity];
  for (let p = 0; p < n; p++)
    for (let a = 0; a < 3; a++) {
      lo[a] = Math.min(lo[a], points[p * 3 + a]);
      hi[a] = Math.max(hi[a], points[p * 3 + a]);
    }
  const ext = [0, 1, 2].map((a) => Math.max(hi[a] - lo[a], 1e-9));
  // Cell size so that n / 2 cells cover the box (at most 2^21 cells whatever n is).
  const cells = Math.min(n / 2, 2 ** 21);
  let h = Math.cbrt((ext[0] * ext[1] * ext[2]) / Math.max(cells, 1));
  h = Math.max(h, Math.max(...ext) / 128);
  const d = ext.map((e) => Math.max(1, Math.min(Math.ceil(e / h), 1024)));
  const grid = { points, lo, h, d, start: new Uint32Array(d[0] * d[1] * d[2] + 1), order: new Uint32Array(n) };
  const nCells = d[0] * d[1] * d[2];
  const cellIdx = new Uint32Array(n);
  for (let p = 0; p < n; p++) {
    const c = cellAt(grid, 0, points[p * 3]) + d[0] * (cellAt(grid, 1, points[p * 3 + 1]) + d[1] * cellAt(grid, 2, points[p * 3 + 2]));
    cellIdx[p] = c;
    grid.start[c + 1]++;
  }
  for (let c = 0; c < nCells; c++) grid.start[c + 1] += grid.start[c];
  const fill = grid.start.slice(0, nCells);
  for (let p = 0; p < n; p++) grid.order[fill[cellIdx[p]]++] = p;
  return grid;
}

/** The cell of coordinate x along axis a, clamped into the grid (queries may lie outside it). */
function cellAt(g: Pick<PointGrid, 'lo' | 'h' | 'd'>, a: number, x: number): number {
  return Math.max(0, Math.min(g.d[a] - 1, Math.floor((x - g.lo[a]) / g.h)));
}

/**
 * The kk smallest squared distances from (px, py, pz) to the grid's points other than `exclude`,
 * ascending, into `best` (Infinity where there are fewer).
 */
function nearestSquared(g: PointGrid, px: number, py: number, pz: number, exclude: number, best: Float64Array): void {
  const { points, d, start, order, h } = g;
  const kk = best.length;
  best.fill(Infinity);
  const ci = cellAt(g, 0, px), cj = cellAt(g, 1, py), ck = cellAt(g, 2, pz);
  const maxRing = Math.max(d[0], d[1], d[2]);
  for (let r = 0; r <= maxRing; r++) {
    for (let dk = -r; dk <= r; dk++) {
      const k2 = ck + dk;
      if (k2 < 0 || k2 >= d[2]) continue;
      for (let dj = -r; dj <= r; dj++) {
        const j2 = cj + dj;
        if (j2 < 0 || j2 >= d[1]) continue;
        const onShell = Math.abs(dk) === r || Math.abs(dj) === r;
        const step = onShell ? 1 : 2 * r;
        for (let di = -r; di <= r; di += step || 1) {
          const i2 = ci + di;
          if (i2 < 0 || i2 >= d[0]) continue;
          const c = i2 + d[0] * (j2 + d[1] * k2);
          for (let q = start[c]; q < start[c + 1]; q++) {
            const o = order[q];
            if (o === exclude) continue;
            const dx = points[o * 3] - px, dy = points[o * 3 + 1] - py, dz = points[o * 3 + 2] - pz;
            const dd = dx * dx + dy * dy + dz * dz;
            if (dd >= best[kk - 1]) continue;
            let m = kk - 1;
            while (m > 0 && best[m - 1] > dd) {
              best[m] = best[m - 1];
              m--;
            }
            best[m] = dd;
          }
        }
      }
    }
    // Unsearched points are at least r cells away along some axis (a query outside the grid is
    // farther still: its clamped cell is the nearest one on that axis).
    if (best[kk - 1] <= r * h * (r * h)) break;
  }
}

export function knnRmsDistance(points: Float32Array, k = 3): Float32Array {
  const n = points.length / 3;
  const out = new Float32Array(n);
  if (n < 2) return out.fill(1e-3);
  const grid = buildGrid(points);
  const best = new Float64Array(Math.min(k, n - 1));
  for (let p = 0; p < n; p++) {
    nearestSquared(grid, points[p * 3], points[p * 3 + 1], points[p * 3 + 2], p, best);
    let s = 0;
    for (let m = 0; m < best.length; m++) s += best[m];
    out[p] = Math.sqrt(Math.max(s / best.length, 1e-14));
  }
  return out;
}

/** For each query point (N*3), its distance to the nearest of `points` (M*3); Infinity when M = 0. */
export function nearestDistance(queries: Float32Array, points: Float32Array): Float32Array {
  const n = queries.length / 3;
  const out = new Float32Array(n);
  if (points.length < 3) return out.fill(Infinity);
  const grid = buildGrid(points);
  const best = new Float64Array(1);
  for (let p = 0; p < n; p++) {
    nearestSquared(grid, queries[p * 3], queries[p * 3 + 1], queries[p * 3 + 2], -1, best);
    out[p] = Math.sqrt(best[0]);
  }
  return out;
}
