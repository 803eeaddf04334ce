import { describe, expect, it } from 'vitest';
import { colorBarTicks, errorMap, heatmapPixels, heatScale, niceCeil, quantile, viridis, VIRIDIS_LUT } from '../../src/ui/evaluate/colorMap.ts';

/** matplotlib's viridis at 0, 0.25, 0.5, 0.75, 1 (#440154, #3b528b, #21918c, #5ec962, #fde725). */
const MATPLOTLIB: [number, [number, number, number]][] = [
  [0, [68, 1, 84]],
  [0.25, [59, 82, 139]],
  [0.5, [33, 145, 140]],
  [0.75, [94, 201, 98]],
  [1, [253, 231, 37]],
];

const luminance = ([r, g, b]: number[]) => 0.2126 * r + 0.7152 * g + 0.0722 * b;

function image(width: number, height: number, rgb: (i: number) => [number, number, number]) {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < width * height; i++) data.set([...rgb(i), 255], i * 4);
  return { width, height, data };
}

describe('viridis colour map', () => {
  it('matches matplotlib\'s viridis within 5 levels at its anchor points', () => {
    for (const [t, want] of MATPLOTLIB) {
      const got = viridis(t);
      for (let c = 0; c < 3; c++) expect(Math.abs(got[c] - want[c]), `t=${t} channel ${c}: ${got} vs ${want}`).toBeLessThanOrEqual(5);
    }
  });

  it('gets lighter all the way from 0 to 1 (readable as a scale, also in grey)', () => {
    let prev = -1;
    for (let i = 0; i <= 64; i++) {
      const l = luminance(viridis(i / 64));
      expect(l, `t=${i / 64}`).toBeGreaterThan(prev);
      prev = l;
    }
  });

  it('clamps out-of-range and non-finite input', () => {
    expect(viridis(-3)).toEqual(viridis(0));
    expect(viridis(7)).toEqual(viridis(1));
    expect(viridis(Number.NaN)).toEqual(viridis(0));
  });

  it('has a 256-entry table equal to the function', () => {
    expect(VIRIDIS_LUT.length).toBe(768);
    expect([...VIRIDIS_LUT.subarray(0, 3)]).toEqual(viridis(0));
    expect([...VIRIDIS_LUT.subarray(128 * 3, 129 * 3)]).toEqual(viridis(128 / 255));
    expect([...VIRIDIS_LUT.subarray(765)]).toEqual(viridis(1));
  });
});

describe('error heat map', () => {
  it('is the mean absolute RGB difference per pixel, alpha ignored', () => {
    const a = image(2, 1, (i) => (i === 0 ? [10, 20, 30] : [255, 0, 0]));
    const b = image(2, 1, (i) => (i === 0 ? [13, 14, 30] : [0, 0, 255]));
    b.data[3] = 0;
    expect([...errorMap(a, b)]).toEqual([3, 170]);
    expect([...errorMap(b, a)]).toEqual([3, 170]);
  });

  it('refuses images of different sizes', () => {
    expect(() => errorMap(image(2, 2, () => [0, 0, 0]), image(2, 1, () => [0, 0, 0]))).toThrow(/differ in size \(2x2 vs 2x1\)/);
  });

  it('scales to a round number at the 99th percentile, so a few outliers do not wash it out', () => {
    // 1000 pixels: 991 with error 7, 9 outliers at 240 -> the 99th percentile is 7 -> scale 10.
    const err = Float32Array.from({ length: 1000 }, (_, i) => (i < 9 ? 240 : 7));
    expect(quantile(err, 0.99)).toBe(7);
    expect(heatScale(err)).toBe(10);
    // 2 % outliers reach the 99th percentile.
    const err2 = Float32Array.from({ length: 1000 }, (_, i) => (i < 20 ? 240 : 7));
    expect(heatScale(err2)).toBe(250);
    expect(heatScale(Float32Array.from({ length: 10 }, () => 300))).toBe(255);
    // A perfect render still gets a usable scale.
    expect(heatScale(new Float32Array(100))).toBe(2);
  });

  it('rounds scales up to 1, 2, 2.5 or 5 times a power of ten', () => {
    expect([0.3, 1, 1.2, 2, 2.4, 3, 7, 12, 26, 55, 130].map((x) => niceCeil(x))).toEqual([1, 1, 2, 2, 2.5, 5, 10, 20, 50, 100, 200]);
  });

  it('maps 0 to the dark end and the scale (and above) to the bright end', () => {
    const px = heatmapPixels(Float32Array.from([0, 5, 10, 40]), 10);
    expect([...px.subarray(0, 4)]).toEqual([...viridis(0), 255]);
    expect([...px.subarray(4, 8)]).toEqual([...VIRIDIS_LUT.subarray(128 * 3, 129 * 3), 255]);
    expect([...px.subarray(8, 12)]).toEqual([...viridis(1), 255]);
    expect([...px.subarray(12, 16)]).toEqual([...viridis(1), 255]);
  });

  it('turns a render with a wrong patch into a map that varies where the patch is', () => {
    const photo = image(8, 8, (i) => [i * 3, 100, 50]);
    const render = image(8, 8, (i) => (i % 8 < 4 && i < 32 ? [i * 3 + 60, 100, 50] : [i * 3, 100, 50]));
    const err = errorMap(render, photo);
    const scale = heatScale(err);
    expect(scale).toBe(20);
    const px = heatmapPixels(err, scale);
    const patch = [...px.subarray(0, 4)];
    const rest = [...px.subarray(63 * 4, 64 * 4)];
    expect(patch).toEqual([...viridis(1), 255]);
    expect(rest).toEqual([...viridis(0), 255]);
    expect(colorBarTicks(scale)).toEqual([0, 10, 20]);
  });
});
