import { describe, expect, it } from 'vitest';
import { allocateCloud, type GaussianCloud } from '../../src/core/gaussianCloud.ts';
import type { AdamMoments } from '../../src/gpu/optim/adamCore.ts';
import type { VisualHull } from '../../src/recon/hull/index.ts';
import { unitQuatToRotation as quatToMatrix } from '../../src/core/camera.ts';
import { densifyAndPrune, SplatOrigin, viewspaceGradNorm, type DensifyInput } from '../../src/recon/train/densify.ts';
import { mcmcGrow, mcmcRelocate, relocationCorrection } from '../../src/recon/train/densifyMcmc.ts';
import { logit } from '../../src/core/gaussianCloud.ts';
import { resetOpacity } from '../../src/recon/train/densifyOpacityReset.ts';

interface Spec {
  mean: [number, number, number];
  /** World scale (all axes, or per axis). */
  scale?: number | [number, number, number];
  quat?: [number, number, number, number];
  opacity?: number;
  /** Mean view-space gradient (accumulated over 4 views). */
  grad?: number;
  radius?: number;
}

/** A degree-0 cloud from specs, with moments that name their splat (m = 100 * i + j, v = its square). */
function build(specs: Spec[]): DensifyInput {
  const n = specs.length;
  const cloud = allocateCloud(n, 0);
  specs.forEach((s, i) => {
    cloud.means.set(s.mean, 3 * i);
    const sc = typeof s.scale === 'object' ? s.scale : [s.scale ?? 0.001, s.scale ?? 0.001, s.scale ?? 0.001];
    cloud.logScales.set(sc.map(Math.log), 3 * i);
    cloud.quats.set(s.quat ?? [1, 0, 0, 0], 4 * i);
    cloud.opacityLogits[i] = logit(s.opacity ?? 0.5);
    cloud.sh.set([i, i + 0.25, i + 0.5], 3 * i);
  });
  const named = (f: (i: number, j: number) => number) => {
    const arr = (per: number) => Float32Array.from({ length: per * n }, (_, k) => f(Math.floor(k / per), k % per));
    return { means: arr(3), logScales: arr(3), quats: arr(4), opacityLogits: arr(1), sh: arr(3) };
  };
  const moments: AdamMoments = { m: named((i, j) => 100 * i + j + 1), v: named((i, j) => (100 * i + j + 1) ** 2) };
  return {
    cloud,
    moments,
    gradAccum: Float32Array.from(specs, (s) => 4 * (s.grad ?? 0)),
    gradCount: Float32Array.from(specs, () => 4),
    maxScreenRadius: Float32Array.from(specs, (s) => s.radius ?? 1),
  };
}

const base = { sceneExtent: 1, floaters: null } as const;

function expectMomentsOf(result: { moments: AdamMoments }, j: number, i: number): void {
  expect(result.moments.m.means[3 * j]).toBe(100 * i + 1);
  expect(result.moments.v.opacityLogits[j]).toBe((100 * i + 1) ** 2);
  expect(result.moments.m.sh[3 * j + 2]).toBe(100 * i + 3);
}

function expectZeroMoments(result: { moments: AdamMoments }, j: number): void {
  for (const p of [result.moments.m, result.moments.v]) {
    expect(Array.from(p.means.subarray(3 * j, 3 * j + 3))).toEqual([0, 0, 0]);
    expect(Array.from(p.quats.subarray(4 * j, 4 * j + 4))).toEqual([0, 0, 0, 0]);
    expect(p.opacityLogits[j]).toBe(0);
    expect(Array.from(p.sh.subarray(3 * j, 3 * j + 3))).toEqual([0, 0, 0]);
  }
}

describe('densifyAndPrune: 3DGS rules', () => {
  it('clones a small splat with a high view-space gradient; the clone starts Adam afresh', () => {
    const input = build([{ mean: [0, 0, 0], grad: 0.001 }, { mean: [1, 0, 0], grad: 0.0001 }, { mean: [2, 0, 0], grad: 0.00021 }]);
    const r = densifyAndPrune(input, base);
    expect(r.cloud.count).toBe(5);
    expect(r.cloned).toBe(2);
    expect(r.split).toBe(0);
    expect(Array.from(r.source)).toEqual([0, 1, 2, 0, 2]);
    expect(Array.from(r.origin)).toEqual([SplatOrigin.Kept, SplatOrigin.Kept, SplatOrigin.Kept, SplatOrigin.Cloned, SplatOrigin.Cloned]);
    // A clone is an exact copy (the gradients pull the two apart later).
    expect(Array.from(r.cloud.means.subarray(9, 12))).toEqual([0, 0, 0]);
    expect(Array.from(r.cloud.logScales.subarray(9, 12))).toEqual(Array.from(input.cloud.logScales.subarray(0, 3)));
    expect(Array.from(r.cloud.sh.subarray(12, 15))).toEqual([2, 2.25, 2.5]);
    for (let j = 0; j < 3; j++) expectMomentsOf(r, j, j);
    expectZeroMoments(r, 3);
    expectZeroMoments(r, 4);
  });

  it('splits a large splat into two samples of its Gaussian with scales / 1.6', () => {
    const h = Math.SQRT1_2;
    const parent: Spec = { mean: [1, 2, 3], scale: [0.08, 0.02, 0.04], quat: [h, 0, 0, h], grad: 0.01 };
    const input = build([{ mean: [0, 0, 0] }, parent]);
    const r = densifyAndPrune(input, { ...base, seed: 7 });
    expect(r.split).toBe(1);
    expect(r.cloud.count).toBe(3);
    expect(Array.from(r.source)).toEqual([0, 1, 1]);
    expect(Array.from(r.origin)).toEqual([SplatOrigin.Kept, SplatOrigin.SplitChild, SplatOrigin.SplitChild]);
    const R = new Float64Array(9);
    quatToMatrix(parent.quat!, 0, R);
    const scales = parent.scale as number[];
    for (const j of [1, 2]) {
      for (let a = 0; a < 3; a++) expect(Math.exp(r.cloud.logScales[3 * j + a])).toBeCloseTo(scales[a] / 1.6, 6);
      // The offset in the parent's frame, in units of its axes: inside its 3-sigma ellipsoid.
      const d = [0, 1, 2].map((a) => r.cloud.means[3 * j + a] - parent.mean[a]);
      const local = [0, 1, 2].map((b) => (R[b] * d[0] + R[3 + b] * d[1] + R[6 + b] * d[2]) / scales[b]);
      const mahalanobis = Math.hypot(...local);
      expect(mahalanobis).toBeGreaterThan(0);
      expect(mahalanobis).toBeLessThan(3);
      expect(Array.from(r.cloud.quats.subarray(4 * j, 4 * j + 4))).toEqual(Array.from(input.cloud.quats.subarray(4, 8)));
      expect(r.cloud.opacityLogits[j]).toBe(input.cloud.opacityLogits[1]);
      expectZeroMoments(r, j);
    }
    expect(r.cloud.means[3]).not.toBe(r.cloud.means[6]);
    // Deterministic with a seed, different with another.
    expect(densifyAndPrune(input, { ...base, seed: 7 }).cloud.means).toEqual(r.cloud.means);
    expect(densifyAndPrune(input, { ...base, seed: 8 }).cloud.means).not.toEqual(r.cloud.means);
  });

  it('prunes low opacity, huge world size, and large screen size when asked', () => {
    const input = build([
      { mean: [0, 0, 0] },
      { mean: [1, 0, 0], opacity: 0.004 },
      { mean: [2, 0, 0], scale: 0.2 },
      { mean: [3, 0, 0], radius: 30 },
      { mean: [4, 0, 0], opacity: 0.006 },
    ]);
    const r = densifyAndPrune(input, { ...base, sceneExtent: 1.5 });
    expect(Array.from(r.source)).toEqual([0, 3, 4]);
    expect(r.pruned).toMatchObject({ opacity: 1, worldSize: 1, screenSize: 0 });
    const s = densifyAndPrune(input, { ...base, sceneExtent: 1.5, maxScreenSize: 20 });
    expect(Array.from(s.source)).toEqual([0, 4]);
    expect(s.pruned.screenSize).toBe(1);
    // Adam state follows the splats it belongs to.
    expectMomentsOf(s, 0, 0);
    expectMomentsOf(s, 1, 4);
    // Only the scene extent makes a splat huge: the same splat survives a larger scene.
    expect(densifyAndPrune(input, { ...base, sceneExtent: 3 }).pruned.worldSize).toBe(0);
  });

  it('removes a far outlier as a floater (neighbour distance > mean + 3 std)', () => {
    const specs: Spec[] = [];
    for (let x = 0; x < 4; x++) for (let y = 0; y < 4; y++) for (let z = 0; z < 2; z++) specs.push({ mean: [0.1 * x, 0.1 * y, 0.1 * z] });
    specs.splice(13, 0, { mean: [3, 3, 3] });
    const input = build(specs);
    const r = densifyAndPrune(input, { sceneExtent: 1 });
    expect(r.pruned.floater).toBe(1);
    expect(r.cloud.count).toBe(32);
    expect(Array.from(r.source)).not.toContain(13);
    expectMomentsOf(r, 13, 14);
    expect(densifyAndPrune(input, base).pruned.floater).toBe(0);
  });

  it('removes splats outside the (dilated) visual hull', () => {
    // 4^3 grid of 0.25 voxels from the origin; only the central 2x2x2 block is occupied.
    const occupancy = new Uint32Array(2);
    for (let k = 1; k <= 2; k++) for (let j = 1; j <= 2; j++) for (let i = 1; i <= 2; i++) {
      const idx = i + 4 * (j + 4 * k);
      occupancy[idx >>> 5] |= 1 << (idx & 31);
    }
    const hull: VisualHull = {
      bounds: { min: [0, 0, 0], max: [1, 1, 1] },
      origin: [0, 0, 0],
      voxelSize: 0.25,
      dims: [4, 4, 4],
      count: 8,
      centers: new Float32Array(24),
      indices: new Uint32Array(8),
      surface: new Uint8Array(8),
      surfaceCount: 8,
      occupancy,
      levels: [],
    };
    const input = build([{ mean: [0.5, 0.5, 0.5] }, { mean: [0.1, 0.1, 0.1] }, { mean: [0.9, 0.5, 0.5] }, { mean: [5, 5, 5] }]);
    const strict = densifyAndPrune(input, { ...base, hull: { hull, dilate: 0 } });
    expect(Array.from(strict.source)).toEqual([0]);
    expect(strict.pruned.hull).toBe(3);
    const dilated = densifyAndPrune(input, { ...base, hull: { hull } });
    expect(Array.from(dilated.source)).toEqual([0, 1, 2]);
  });

  it('respects maxSplats: densifies the highest gradients first, and prunes the faintest when over', () => {
    const specs: Spec[] = Array.from({ length: 6 }, (_, i) => ({ mean: [i, 0, 0] as [number, number, number], grad: 0.001 * (i + 1), opacity: 0.1 + 0.1 * i }));
    specs[5].scale = 0.05; // splits: +1 like a clone
    const input = build(specs);
    const r = densifyAndPrune(input, { ...base, maxSplats: 9 });
    expect(r.cloud.count).toBe(9);
    expect(r.deferred).toBe(3);
    expect(r.split).toBe(1);
    expect(Array.from(r.source)).toEqual([0, 1, 2, 3, 4, 3, 4, 5, 5]);
    const over = densifyAndPrune(input, { ...base, maxSplats: 4 });
    expect(Array.from(over.source)).toEqual([2, 3, 4, 5]);
    expect(over.pruned.cap).toBe(2);
    expect(over.cloned + over.split).toBe(0);
    expectMomentsOf(over, 0, 2);
  });

  it('never sees a splat that was never visible as a candidate', () => {
    const input = build([{ mean: [0, 0, 0], grad: 1 }]);
    input.gradCount[0] = 0;
    expect(densifyAndPrune(input, base).cloud.count).toBe(1);
  });

  it('rejects arrays of the wrong length', () => {
    const input = build([{ mean: [0, 0, 0] }]);
    expect(() => densifyAndPrune({ ...input, gradAccum: new Float32Array(2) }, base)).toThrow(/gradAccum has 2 values/);
    expect(() => densifyAndPrune({ ...input, moments: { ...input.moments, v: { ...input.moments.v, sh: new Float32Array(1) } } }, base)).toThrow(/v.sh/);
  });

  it('converts pixel gradients to 3DGS view-space units', () => {
    expect(viewspaceGradNorm(0.001, 0, 200, 100)).toBeCloseTo(0.1, 12);
    expect(viewspaceGradNorm(3e-4, 4e-4, 2, 2)).toBeCloseTo(5e-4, 12);
  });
});

describe('opacity reset', () => {
  it('caps opacities at 0.01 and zeroes their moments only', () => {
    const input = build([{ mean: [0, 0, 0], opacity: 0.9 }, { mean: [1, 0, 0], opacity: 0.005 }]);
    const r = resetOpacity(input.cloud, input.moments);
    expect(1 / (1 + Math.exp(-r.cloud.opacityLogits[0]))).toBeCloseTo(0.01, 6);
    expect(r.cloud.opacityLogits[1]).toBe(input.cloud.opacityLogits[1]);
    expect(Array.from(r.moments.m.opacityLogits)).toEqual([0, 0]);
    expect(r.moments.m.means).toBe(input.moments.m.means);
    expect(input.cloud.opacityLogits[0]).toBeCloseTo(logit(0.9), 5);
  });
});

describe('3DGS-MCMC relocation and growth', () => {
  it('relocationCorrection: N copies composite to the original opacity; N = 1 is the identity', () => {
    expect(relocationCorrection(0.6, 1)).toEqual({ opacity: 0.6, scaleFactor: 1 });
    for (const N of [2, 3, 7]) {
      const c = relocationCorrection(0.6, N);
      expect(1 - (1 - c.opacity) ** N).toBeCloseTo(0.6, 12);
      expect(c.scaleFactor).toBeLessThan(relocationCorrection(0.6, N - 1).scaleFactor + 1e-12);
      expect(c.scaleFactor).toBeGreaterThan(0);
    }
  });

  it('moves dead splats onto live ones, sampled by opacity, with the correction', () => {
    const input = build([{ mean: [0, 0, 0], opacity: 0.001 }, { mean: [1, 0, 0], opacity: 0.6, scale: 0.1 }, { mean: [2, 0, 0], opacity: 0.3 }, { mean: [3, 0, 0], opacity: 0.002 }]);
    const r = mcmcRelocate(input.cloud, input.moments, { seed: 3 });
    expect(r.cloud.count).toBe(4);
    expect(r.moved).toBe(2);
    for (const d of [0, 3]) {
      const s = r.source[d];
      expect([1, 2]).toContain(s);
      expect(r.cloud.means[3 * d]).toBe(s);
      expectZeroMoments(r, d);
      expectZeroMoments(r, s);
    }
    // Every copy of a source (and the source) shares one opacity that composites back to it.
    for (const s of [1, 2]) {
      const copies = [0, 1, 2, 3].filter((j) => r.source[j] === s);
      if (copies.length === 1) continue;
      const o = 1 / (1 + Math.exp(-r.cloud.opacityLogits[s]));
      expect(1 - (1 - o) ** copies.length).toBeCloseTo(s === 1 ? 0.6 : 0.3, 5);
      const factor = relocationCorrection(s === 1 ? 0.6 : 0.3, copies.length).scaleFactor;
      for (const j of copies) expect(r.cloud.logScales[3 * j]).toBeCloseTo(input.cloud.logScales[3 * s] + Math.log(factor), 5);
    }
    expect(mcmcRelocate(input.cloud, input.moments, { seed: 3 }).source).toEqual(r.source);
  });

  it('grows by 5% up to the cap', () => {
    const input = build(Array.from({ length: 40 }, (_, i) => ({ mean: [i, 0, 0] as [number, number, number], opacity: i === 7 ? 0.99 : 1e-6 })));
    const r = mcmcGrow(input.cloud, input.moments, { maxSplats: 1000, seed: 1 });
    expect(r.cloud.count).toBe(42);
    expect(r.moved).toBe(2);
    expect(Array.from(r.source.subarray(40))).toEqual([7, 7]);
    expectZeroMoments(r, 41);
    expectZeroMoments(r, 7);
    expectMomentsOf(r, 6, 6);
    expect(mcmcGrow(input.cloud, input.moments, { maxSplats: 41 }).cloud.count).toBe(41);
    expect(mcmcGrow(input.cloud, input.moments, { maxSplats: 40 }).cloud.count).toBe(40);
  });
});
