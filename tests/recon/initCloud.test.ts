import { describe, expect, it } from 'vitest';
import type { GaussianCloud } from '../../src/core/gaussianCloud.ts';
import { shCoeffCount } from '../../src/core/gaussianCloud.ts';
import { colorToShDC, shToColorDC } from '../../src/core/sh.ts';
import { carveVisualHull, cloudFromHull, initCloudFromViews, knnRmsDistance, randomCloud, type Bounds } from '../../src/recon/hull/index.ts';
import { renderViews, ringCameras, type Shape } from './hullScenes.ts';

const bounds: Bounds = { min: [-1.4, -1.4, -1.4], max: [1.4, 1.4, 1.4] };
const sphere: Shape = { kind: 'sphere', center: [0, 0, 0], radius: 1, color: (p) => (p[0] > 0 ? [220, 30, 20] : [20, 40, 230]) };
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

function expectValidCloud(c: GaussianCloud, degree: number): void {
  const K = shCoeffCount(degree);
  expect(c.shDegree).toBe(degree);
  expect(c.means.length).toBe(c.count * 3);
  expect(c.logScales.length).toBe(c.count * 3);
  expect(c.quats.length).toBe(c.count * 4);
  expect(c.opacityLogits.length).toBe(c.count);
  expect(c.sh.length).toBe(c.count * K * 3);
  // Collected, not asserted per value: tens of thousands of expect() calls take seconds.
  const bad: string[] = [];
  for (let i = 0; i < c.count && bad.length < 5; i++) {
    const q = c.quats.subarray(i * 4, i * 4 + 4);
    if (Math.abs(Math.hypot(...q) - 1) > 1e-6) bad.push(`splat ${i}: quaternion not unit`);
    const o = sigmoid(c.opacityLogits[i]);
    if (!(o >= 0.05 && o <= 0.5)) bad.push(`splat ${i}: opacity ${o}`);
    for (let a = 0; a < 3; a++)
      if (!Number.isFinite(c.logScales[i * 3 + a]) || !Number.isFinite(c.means[i * 3 + a])) bad.push(`splat ${i}: non-finite`);
    // Isotropic at the start, as 3DGS.
    if (c.logScales[i * 3] !== c.logScales[i * 3 + 1] || c.logScales[i * 3] !== c.logScales[i * 3 + 2]) bad.push(`splat ${i}: anisotropic`);
    for (let k = 1; k < K; k++) for (let ch = 0; ch < 3; ch++) if (c.sh[(i * K + k) * 3 + ch] !== 0) bad.push(`splat ${i}: band ${k} not zero`);
  }
  expect(bad).toEqual([]);
}

describe('cloudFromHull', () => {
  it('puts one valid splat on each surface voxel, coloured from the views', async () => {
    const views = renderViews(ringCameras(9), [sphere]);
    const { cloud, hull, colours } = await initCloudFromViews(views, { bounds, carve: { resolution: 48, coarseResolution: 12, tolerance: 0 }, cloud: { shDegree: 2 } });
    expect(cloud.count).toBe(hull.surfaceCount);
    expectValidCloud(cloud, 2);
    expect(sigmoid(cloud.opacityLogits[0])).toBeCloseTo(0.1, 6);
    expect(Math.exp(cloud.logScales[0]) / hull.voxelSize).toBeCloseTo(0.6, 5);
    expect(colours).not.toBeNull();
    let red = 0, redSide = 0;
    const K = shCoeffCount(2);
    let rmin = Infinity, rmax = 0;
    for (let i = 0; i < cloud.count; i++) {
      const r = Math.hypot(cloud.means[i * 3], cloud.means[i * 3 + 1], cloud.means[i * 3 + 2]);
      rmin = Math.min(rmin, r);
      rmax = Math.max(rmax, r);
      if (cloud.means[i * 3] < 0.25) continue;
      redSide++;
      if (shToColorDC(cloud.sh[i * K * 3]) > 0.7 && shToColorDC(cloud.sh[i * K * 3 + 2]) < 0.3) red++;
    }
    expect(red / redSide, `${red}/${redSide} red-side splats are red`).toBeGreaterThan(0.95);
    // Splats start on the surface shell: within a voxel or two of the unit sphere (a bit more at the poorly seen poles).
    expect(rmin, 'splats start near the surface').toBeGreaterThan(0.9);
    expect(rmax, 'splats start near the surface').toBeLessThan(1.35);
  });

  it('caps the count with a deterministic subsample and widens the splats to keep coverage', async () => {
    const views = renderViews(ringCameras(5), [sphere]);
    const hull = await carveVisualHull(views, bounds, { resolution: 48, coarseResolution: 12 });
    const cap = Math.floor(hull.surfaceCount / 4);
    const a = cloudFromHull(hull, { maxSplats: cap, seed: 3, shDegree: 0 });
    const b = cloudFromHull(hull, { maxSplats: cap, seed: 3, shDegree: 0 });
    const c = cloudFromHull(hull, { maxSplats: cap, seed: 4, shDegree: 0 });
    expect(a.count).toBe(cap);
    expectValidCloud(a, 0);
    expect(a.means).toEqual(b.means);
    expect(a.means).not.toEqual(c.means);
    // A quarter of the splats: twice the spacing on a surface, so twice the sigma.
    expect(Math.exp(a.logScales[0]) / hull.voxelSize).toBeCloseTo(0.6 * Math.sqrt(hull.surfaceCount / cap), 4);
    const grey = shToColorDC(a.sh[0]);
    expect(grey).toBeCloseTo(0.5, 6);
    const all = cloudFromHull(hull, { voxels: 'all', maxSplats: 1e9, opacity: 0.3, scale: 'knn' });
    expect(all.count).toBe(hull.count);
    expect(sigmoid(all.opacityLogits[0])).toBeCloseTo(0.3, 6);
    // Voxel centres one voxel apart: inside the hull the 3 nearest are at exactly one voxel.
    const ratios = Array.from({ length: all.count }, (_, i) => Math.exp(all.logScales[i * 3]) / hull.voxelSize).sort((x, y) => x - y);
    expect(ratios[all.count >> 1]).toBeCloseTo(1, 4);
  });

  it('rejects colours of the wrong length and bad options', async () => {
    const views = renderViews(ringCameras(3), [sphere]);
    const hull = await carveVisualHull(views, bounds, { resolution: 16, coarseResolution: 16 });
    expect(() => cloudFromHull(hull, { colors: new Float32Array(3) })).toThrow(/colors/);
    expect(() => cloudFromHull(hull, { opacity: 1 })).toThrow(/opacity/);
    expect(() => cloudFromHull(hull, { shDegree: 4 })).toThrow(/degree/);
  });
});

describe('randomCloud', () => {
  it('is deterministic, inside the bounds, with k-NN scales', () => {
    const b: Bounds = { min: [-1, 0, 2], max: [1, 3, 2.5] };
    const a = randomCloud(b, 2000, 42);
    const again = randomCloud(b, 2000, 42);
    const other = randomCloud(b, 2000, 43);
    expect(a.count).toBe(2000);
    expectValidCloud(a, 3);
    expect(a.means).toEqual(again.means);
    expect(a.logScales).toEqual(again.logScales);
    expect(a.means).not.toEqual(other.means);
    expect(a.means.every((v, i) => v >= b.min[i % 3] && v <= b.max[i % 3])).toBe(true);
    expect(a.sh[0]).toBeCloseTo(colorToShDC(0.5), 6);
    // Poisson points: the mean k-NN distance scales as density^(-1/3) (about 0.7 for k = 1..3).
    const spacing = Math.cbrt((2 * 3 * 0.5) / 2000);
    let mean = 0;
    for (let i = 0; i < a.count; i++) mean += Math.exp(a.logScales[i * 3]);
    mean /= a.count;
    expect(mean / spacing, `mean scale ${mean.toFixed(4)}, spacing ${spacing.toFixed(4)}`).toBeGreaterThan(0.5);
    expect(mean / spacing).toBeLessThan(1.1);
    const coloured = randomCloud(b, 10, 1, { color: 'random', shDegree: 1 });
    expectValidCloud(coloured, 1);
    expect(new Set(Array.from(coloured.sh.filter((_, i) => i % 12 === 0))).size).toBeGreaterThan(1);
  });
});

describe('knnRmsDistance', () => {
  it('matches brute force', () => {
    const pts = randomCloud({ min: [0, 0, 0], max: [1, 2, 0.2] }, 700, 9, { shDegree: 0 }).means;
    const fast = knnRmsDistance(pts, 3);
    for (let p = 0; p < 700; p += 7) {
      const d: number[] = [];
      for (let q = 0; q < 700; q++) if (q !== p) d.push((pts[p * 3] - pts[q * 3]) ** 2 + (pts[p * 3 + 1] - pts[q * 3 + 1]) ** 2 + (pts[p * 3 + 2] - pts[q * 3 + 2]) ** 2);
      d.sort((x, y) => x - y);
      expect(fast[p]).toBeCloseTo(Math.sqrt((d[0] + d[1] + d[2]) / 3), 5);
    }
  });
});

describe('initCloudFromViews', () => {
  it('estimates bounds when none are given and reports progress to 1', async () => {
    const views = renderViews(ringCameras(5), [sphere]);
    const seen: number[] = [];
    const res = await initCloudFromViews(views, { carve: { resolution: 32 }, onProgress: (d, t) => seen.push(d / t) });
    expect(res.cloud.count).toBeGreaterThan(100);
    expect(seen[seen.length - 1]).toBe(1);
    for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeGreaterThanOrEqual(seen[i - 1]);
    const pre = new AbortController();
    pre.abort();
    await expect(initCloudFromViews(views, { signal: pre.signal })).rejects.toMatchObject({ name: 'AbortError' });
  });
});
