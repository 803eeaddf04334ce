import { describe, expect, it } from 'vitest';
import { createImage } from '../../../src/core/image.ts';
import { keypointsToSource, rotateImage } from '../../../src/recon/poses/features/rotatedImage.ts';
import { searchUprightAngles, spanningTreeTurns } from '../../../src/recon/poses/features/uprightSearch.ts';
import type { Features } from '../../../src/recon/poses/features/types.ts';

describe('rotated image', () => {
  it('a bright pixel lands where toSource says, and keypoints map back to it', () => {
    const img = createImage(40, 30);
    for (let i = 0; i < 40 * 30; i++) img.data[4 * i + 3] = 255;
    const bright = (u: number, v: number) => { const o = (v * 40 + u) * 4; img.data[o] = img.data[o + 1] = img.data[o + 2] = 255; };
    bright(30, 5);
    for (const deg of [0, 30, -90, 135]) {
      const r = rotateImage(img, deg, 0);
      let best = -1, bu = 0, bv = 0;
      for (let y = 0; y < r.image.height; y++)
        for (let x = 0; x < r.image.width; x++) {
          const g = r.image.data[(y * r.image.width + x) * 4];
          if (g > best) { best = g; bu = x + 0.5; bv = y + 0.5; }
        }
      const kp = Float32Array.of(bu, bv);
      keypointsToSource(kp, r);
      expect(Math.hypot(kp[0] - 30.5, kp[1] - 5.5)).toBeLessThan(1.01);
      // The canvas holds the whole photo: its valid area is the photo's.
      const area = r.valid.reduce((s, v) => s + v, 0);
      expect(Math.abs(area / (40 * 30) - 1)).toBeLessThan(0.12);
    }
  });
  it('the valid mask keeps `border` pixels off the photo edges', () => {
    const r = rotateImage(createImage(20, 20), 0, 3);
    expect(r.valid[0]).toBe(0);
    expect(r.valid[3 * 20 + 3]).toBe(1);
    expect(r.valid[16 * 20 + 16]).toBe(1);
    expect(r.valid[17 * 20 + 17]).toBe(0);
  });
});

describe('per-photo turns', () => {
  it('sums the strongest pairs rolls from photo 0, ignoring a weak contradicting pair', () => {
    const turns = spanningTreeTurns(4, [
      { a: 0, b: 1, degrees: 30, matches: 200, matchesUnturned: 10 },
      { a: 1, b: 2, degrees: 60, matches: 150, matchesUnturned: 3 },
      { a: 0, b: 2, degrees: 0, matches: 12, matchesUnturned: 12 }, // wrong and weak
      { a: 3, b: 2, degrees: -30, matches: 90, matchesUnturned: 5 }, // 3 turned by 90 - (-30)
    ]);
    expect(turns).toEqual([0, 30, 90, 120]);
  });
  it('wraps to (-180, 180] and leaves an unconnected photo unturned', () => {
    expect(spanningTreeTurns(3, [{ a: 0, b: 1, degrees: 150, matches: 50, matchesUnturned: 0 }, { a: 1, b: 2, degrees: 90, matches: 50, matchesUnturned: 0 }])).toEqual([0, 150, -120]);
    expect(spanningTreeTurns(2, [])).toEqual([0, 0]);
  });
  it('searchUprightAngles detects the first photo unturned only (pairs match it unturned) and every other photo at each of the 12 turns', async () => {
    const photos = [0, 1, 2, 3].map(() => createImage(48, 32));
    const sizes: string[] = [];
    // Every call sees the same 16 keypoints with the same descriptors: every turn ties, so the turns stay 0.
    const detect = async (img: { width: number; height: number }): Promise<Features> => {
      sizes.push(`${img.width}x${img.height}`);
      const count = 16, dim = 8;
      const descriptors = new Float32Array(count * dim);
      for (let k = 0; k < count; k++) {
        // Unit vectors, each nearest to itself.
        const c = 1 - 0.01 * k;
        descriptors[k * dim + (k % dim)] = c;
        descriptors[k * dim + ((k + 1) % dim)] = Math.sqrt(1 - c * c);
      }
      const keypoints = Float32Array.from({ length: 2 * count }, (_, i) => 10 + (i % 7));
      return { width: img.width, height: img.height, keypoints, scores: new Float32Array(count).fill(1), descriptors, dim, kind: 'float' };
    };
    const progress: number[] = [];
    const r = await searchUprightAngles(photos, photos.map(() => undefined), detect, { onProgress: (done, total) => progress.push(total) });
    expect(sizes.length).toBe(1 + 3 * 12);
    expect(new Set(progress)).toEqual(new Set([1 + 3 * 12]));
    expect(r.pairs).toHaveLength(6);
    expect(r.degrees).toEqual([0, 0, 0, 0]);
  });
});

