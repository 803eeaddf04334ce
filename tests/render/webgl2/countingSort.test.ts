/**
 * The WebGL2 renderer's depth counting sort against a plain Array.sort by (quantised key, index):
 * exactly equal orders, so the sort is stable and exact. Depths include NaN (frustum-culled),
 * +-Infinity, negative and below-near-plane values (behind the camera), many exact duplicates
 * and a single repeated depth; sizes 0, 1 and several thousand; every bit width edge.
 */
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../src/core/random.ts';
import {
  bucketScale,
  countingSortByDepth,
  createDepthSortScratch,
  depthBucket,
  isSortableDepth,
} from '../../../src/render/webgl2/countingSort.ts';

function expectedOrder(depths: ArrayLike<number>, nearPlane: number, bits: number): number[] {
  const idx: number[] = [];
  for (let i = 0; i < depths.length; i++) if (isSortableDepth(depths[i], nearPlane)) idx.push(i);
  if (idx.length === 0) return [];
  const zs = idx.map((i) => depths[i]);
  const min = Math.min(...zs), max = Math.max(...zs);
  const buckets = 1 << bits;
  const scale = bucketScale(min, max, buckets);
  const key = (i: number) => depthBucket(depths[i], min, scale, buckets);
  return idx.sort((a, b) => key(a) - key(b) || a - b);
}

function randomDepths(seed: number, n: number): Float32Array {
  const rnd = mulberry32(seed);
  const d = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const r = rnd();
    if (r < 0.05) d[i] = NaN;
    else if (r < 0.08) d[i] = -rnd() * 3; // behind the camera
    else if (r < 0.09) d[i] = 0.005; // before a 0.01 near plane
    else if (r < 0.1) d[i] = rnd() < 0.5 ? Infinity : -Infinity;
    else if (r < 0.3 && i > 0) d[i] = d[Math.floor(rnd() * i)]; // exact duplicates (ties)
    else d[i] = 0.01 + 40 * rnd() ** 3; // dense near the camera, as in real scenes
  }
  return d;
}

describe('countingSortByDepth', () => {
  it('sorts nothing: 0 splats, and only unsortable depths', () => {
    expect(Array.from(countingSortByDepth(new Float32Array(0)).order)).toEqual([]);
    const r = countingSortByDepth(Float32Array.from([NaN, -1, Infinity, -Infinity, 0.001]), { nearPlane: 0.01 });
    expect(r.order.length).toBe(0);
    expect([r.minDepth, r.maxDepth, r.bucketWidth]).toEqual([0, 0, 0]);
  });

  it('sorts one splat, visible or culled', () => {
    expect(Array.from(countingSortByDepth(Float32Array.from([2.5])).order)).toEqual([0]);
    expect(Array.from(countingSortByDepth(Float32Array.from([NaN])).order)).toEqual([]);
    expect(Array.from(countingSortByDepth(Float32Array.from([-2.5])).order)).toEqual([]);
  });

  it('keeps index order for equal depths (stable), including one single depth for all', () => {
    expect(Array.from(countingSortByDepth(new Float32Array(7).fill(3)).order)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(Array.from(countingSortByDepth(Float32Array.from([5, 1, 5, 1, NaN, 5, 3])).order)).toEqual([1, 3, 6, 0, 2, 5]);
  });

  for (const [seed, n, bits, nearPlane] of [
    [1, 5000, 16, 0.01],
    [2, 3000, 16, 0],
    [3, 4000, 8, 0.01],
    [4, 2000, 1, 0.01],
    [5, 257, 12, 0.5],
  ] as const) {
    it(`equals Array.sort by (${bits}-bit key, index): seed ${seed}, ${n} depths, near plane ${nearPlane}`, () => {
      const depths = randomDepths(seed, n);
      const result = countingSortByDepth(depths, { bits, nearPlane });
      const expected = expectedOrder(depths, nearPlane, bits);
      expect(expected.length).toBeGreaterThan(n * 0.5); // the case is not vacuous
      expect(expected.length).toBeLessThan(n);
      expect(Array.from(result.order)).toEqual(expected);
      // Depth order is never contradicted by more than one bucket.
      for (let k = 1; k < result.order.length; k++) {
        expect(depths[result.order[k]]).toBeGreaterThanOrEqual(depths[result.order[k - 1]] - result.bucketWidth);
      }
    });
  }

  it('16-bit buckets by default: depths one part in 10^4 of the range apart are ordered', () => {
    const depths = Float32Array.from([2.0003, 2.0002, 3, 2.0001, 2]);
    expect(Array.from(countingSortByDepth(depths).order)).toEqual([4, 3, 1, 0, 2]);
    expect(countingSortByDepth(depths).bucketWidth).toBeCloseTo(1 / 65535, 6);
  });

  it('reuses a recycled output buffer and scratch across clouds of different sizes', () => {
    const scratch = createDepthSortScratch(10);
    const out = new Uint32Array(6000);
    for (const [seed, n] of [[7, 100], [8, 5000], [9, 3]]) {
      const depths = randomDepths(seed, n);
      const r = countingSortByDepth(depths, { scratch, out, nearPlane: 0.01 });
      expect(Array.from(r.order)).toEqual(expectedOrder(depths, 0.01, 16));
      expect(r.order.buffer).toBe(out.buffer);
    }
  });

  it('rejects a key width outside 1..16 bits', () => {
    expect(() => countingSortByDepth(new Float32Array(1), { bits: 17 })).toThrow(/bits/);
    expect(() => countingSortByDepth(new Float32Array(1), { bits: 0 })).toThrow(/bits/);
  });
});
