/**
 * Root-mean-square distance from each point to its k nearest others, the scale 3DGS gives a new
 * splat (simple_knn's distCUDA2 with k = 3). A uniform grid with about two points per cell and
 * shells searched outward, so it stays near-linear for the 10^4-10^5 points of an initial cloud.
 */

export function knnRmsDistance(points: Float32Array, k = 3): Float32Array {
  const n = points.length / 3;
  const out = new Float32Array(n);
  if (n < 2) return out.fill(1e-3);
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
  const cellOf = (p: number, a: number) => Math.min(d[a] - 1, Math.floor((points[p * 3 + a] - lo[a]) / h));
  const nCells = d[0] * d[1] * d[2];
  const start = new Uint32Array(nCells + 1);
  const cellIdx = new Uint32Array(n);
  for (let p = 0; p < n; p++) {
    const c = cellOf(p, 0) + d[0] * (cellOf(p, 1) + d[1] * cellOf(p, 2));
    cellIdx[p] = c;
    start[c + 1]++;
  }
  for (let c = 0; c < nCells; c++) start[c + 1] += start[c];
  const fill = start.slice(0, nCells);
  const order = new Uint32Array(n);
  for (let p = 0; p < n; p++) order[fill[cellIdx[p]]++] = p;

  const kk = Math.min(k, n - 1);
  const best = new Float64Array(kk);
  const maxRing = Math.max(d[0], d[1], d[2]);
  for (let p = 0; p < n; p++) {
    best.fill(Infinity);
    const px = points[p * 3], py = points[p * 3 + 1], pz = points[p * 3 + 2];
    const ci = cellOf(p, 0), cj = cellOf(p, 1), ck = cellOf(p, 2);
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
              if (o === p) continue;
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
      // Unsearched points are at least r cells away along some axis.
      if (best[kk - 1] <= r * h * (r * h)) break;
    }
    let s = 0;
    for (let m = 0; m < kk; m++) s += best[m];
    out[p] = Math.sqrt(Math.max(s / kk, 1e-14));
  }
  return out;
}
