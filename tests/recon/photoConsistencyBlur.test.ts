/**
 * The photos' blur of the pseudo-view photo-consistency (photoConsistencyStage.ts): n passes of
 * [1 2 1] / 4 are a binomial kernel of variance n / 2 px^2 per axis, and --photo-consistency-blur
 * picks n so that the blur is the same fraction of the photo at any size.
 */
import { describe, expect, it } from 'vitest';
import { createImage } from '../../src/core/image.ts';
import { blurPasses, blurredRgb } from '../../src/recon/train/photoConsistencyStage.ts';

describe('photo-consistency blur', () => {
  it('spreads an impulse with variance passes / 2 on each axis and keeps its sum', () => {
    const w = 41, h = 31, cx = 20, cy = 15;
    const img = createImage(w, h);
    img.data[4 * (cy * w + cx)] = 255;
    for (const passes of [1, 4, 9]) {
      const rgb = blurredRgb(img, passes);
      let sum = 0, vx = 0, vy = 0;
      for (let y = 0; y < h; y++)
        for (let x = 0; x < w; x++) {
          const v = rgb[3 * (y * w + x)];
          sum += v; vx += v * (x - cx) ** 2; vy += v * (y - cy) ** 2;
        }
      expect(sum).toBeCloseTo(1, 5);
      expect(vx / sum).toBeCloseTo(passes / 2, 5);
      expect(vy / sum).toBeCloseTo(passes / 2, 5);
      // Green and blue stay black.
      expect(Math.max(...rgb.filter((_, i) => i % 3 !== 0))).toBe(0);
    }
  });

  it('scales the passes with the image: the same fraction is the same share of the photo', () => {
    expect(blurPasses(0, 400, 300)).toBe(1);
    // sigma = 0.007 x 100 px = 0.7 px: one pass (variance 0.5); at 400 px sigma 2.8 px: 16 passes.
    expect(blurPasses(0.007, 100, 75)).toBe(1);
    expect(blurPasses(0.007, 400, 300)).toBe(16);
    expect(blurPasses(0.007, 300, 400)).toBe(16);
    const sigma = (passes: number) => Math.sqrt(passes / 2);
    expect(sigma(blurPasses(0.01, 800, 600)) / 800).toBeCloseTo(0.01, 3);
  });
});
