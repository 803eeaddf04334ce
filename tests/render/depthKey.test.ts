import { describe, expect, it } from 'vitest';
import { DEPTH_KEY_BITS, depthSortKey } from '../../src/render/webgpu/depthKey.ts';

describe('depthSortKey (16-bit log depth)', () => {
  it('spans the whole key range from the nearest to the farthest splat', () => {
    expect(depthSortKey(0.5, 0.5, 80)).toBe(0);
    expect(depthSortKey(80, 0.5, 80)).toBe(2 ** DEPTH_KEY_BITS - 1);
    expect(depthSortKey(Math.sqrt(0.5 * 80), 0.5, 80)).toBe(2 ** (DEPTH_KEY_BITS - 1)); // geometric middle
  });

  it('is 0 when every kept splat has one depth (no span to divide)', () => {
    expect(depthSortKey(3, 3, 3)).toBe(0);
  });

  it('never decreases with depth and gives every depth the same relative resolution', () => {
    let last = -1;
    for (let z = 1; z <= 100; z *= 1.0001) {
      const k = depthSortKey(z, 1, 100);
      expect(k).toBeGreaterThanOrEqual(last);
      last = k;
    }
    // Two depths 0.02% apart are told apart near and far alike (log2(100) / 65536 = 0.0101% per key).
    expect(depthSortKey(1.0002, 1, 100)).toBeGreaterThan(depthSortKey(1, 1, 100));
    expect(depthSortKey(99.99, 1, 100)).toBeGreaterThan(depthSortKey(99.97, 1, 100));
  });
});
