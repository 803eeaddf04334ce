/** Mutual nearest neighbours + Lowe's ratio test on hand-made descriptors. */
import { describe, expect, it } from 'vitest';
import { matchBinary, matchFeatures, matchFloat, matchPairs } from '../../../src/recon/poses/index.ts';

const unit = (v: number[]) => { const n = Math.hypot(...v); return v.map((x) => x / n); };

describe('float descriptors', () => {
  // A0 <-> B0: clear mutual match. A1: two almost equally close candidates (B1, B2): fails the ratio.
  // A2's nearest is B3, but B3's nearest is A3: not mutual for A2; A3 <-> B3 is kept.
  const A = [unit([1, 0, 0, 0]), unit([0, 1, 0, 0]), unit([0, 0, 1, 0.3]), unit([0, 0, 1, 0.1])];
  const B = [unit([0.98, 0.1, 0, 0]), unit([0, 1, 0.2, 0]), unit([0, 1, -0.2, 0]), unit([0, 0, 1, 0.12])];
  const da = Float32Array.from(A.flat()), db = Float32Array.from(B.flat());

  it('keeps mutual nearest neighbours that pass the ratio test', () => {
    expect(Array.from(matchFloat(da, db, 4, 0.8))).toEqual([0, 0, 3, 3]);
  });
  it('an exact tie is never a match, even at ratio 1; a non-mutual nearest neighbour never either', () => {
    // A1 is equally close to B1 and B2; A2's nearest (B3) prefers A3.
    expect(Array.from(matchFloat(da, db, 4, 1.0))).toEqual([0, 0, 3, 3]);
    // Break the tie: B2 a little further from A1; at ratio 0.99 A1 <-> B1 passes, at 0.5 it does not.
    const db2 = Float32Array.from([...B.slice(0, 2), unit([0, 1, -0.3, 0]), B[3]].flat());
    expect(Array.from(matchFloat(da, db2, 4, 0.99))).toEqual([0, 0, 1, 1, 3, 3]);
    expect(Array.from(matchFloat(da, db2, 4, 0.5))).toEqual([0, 0, 3, 3]);
  });
  it('matchFeatures dispatches on the descriptor kind and refuses mixed kinds', () => {
    const fa = { width: 1, height: 1, keypoints: new Float32Array(8), scores: new Float32Array(4), descriptors: da, dim: 4, kind: 'float' as const };
    const fb = { ...fa, descriptors: db };
    expect(Array.from(matchFeatures(fa, fb, { ratio: 0.8 }))).toEqual([0, 0, 3, 3]);
    expect(() => matchFeatures(fa, { ...fb, kind: 'binary', descriptors: new Uint8Array(4), dim: 1 })).toThrow(/cannot match/);
  });
});

describe('binary descriptors (Hamming)', () => {
  it('mutual nearest by bit count, ratio on distances', () => {
    // One byte each. A0=0b11110000: B0 (1 bit off) vs B1 (4 bits off): kept.
    // A1=0b00001111: B2 and B3 both 1 bit off: ambiguous, dropped at ratio 0.8.
    const da = Uint8Array.of(0b11110000, 0b00001111);
    const db = Uint8Array.of(0b11110001, 0b11000011, 0b00001110, 0b00011111);
    expect(Array.from(matchBinary(da, db, 1, 0.8))).toEqual([0, 0]);
  });
});

describe('pairs to match', () => {
  it('all pairs up to 12 views, a window beyond', () => {
    expect(matchPairs(4)).toEqual([[0, 1], [0, 2], [0, 3], [1, 2], [1, 3], [2, 3]]);
    expect(matchPairs(12)).toHaveLength(66);
    const p = matchPairs(20);
    expect(p.every(([a, b]) => b - a <= 6)).toBe(true);
    expect(p.length).toBeLessThan(190);
  });
});
