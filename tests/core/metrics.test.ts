import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createImage, decodeImage, maskFromImage, type RGBAImage } from '../../src/core/image.ts';
import {
  applyMaskBlack,
  cropImage,
  gaussianKernel1d,
  maskBoundingBox,
  mse,
  psnr,
  psnrFromMse,
  psnrInMask,
  rgbPlanes,
  ssim,
  ssimInMaskBBox,
  ssimMap,
  ssimPlanes,
} from '../../src/core/metrics/index.ts';

const FIX = resolve(dirname(fileURLToPath(import.meta.url)), '../fixtures/metrics');

function load(name: string): RGBAImage {
  return decodeImage(new Uint8Array(readFileSync(join(FIX, name))), name);
}
function loadMask(name: string): Uint8Array {
  return maskFromImage(load(name), 'luma');
}

interface Case {
  a: string;
  b: string;
  mask: string;
  width: number;
  height: number;
  maskPixels: number;
  bbox: { x0: number; y0: number; x1: number; y1: number };
  psnr: number;
  psnrInMask: number;
  psnrMaskBlack: number;
  ssim: number;
  ssimMaskBlack: number;
  ssimBBoxBlack: number;
  ssimBBoxRaw: number;
}
const expected = JSON.parse(readFileSync(join(FIX, 'expected.json'), 'utf8')) as {
  cases: Case[];
  ssimMap: { a: string; b: string; width: number; height: number; map: number[] };
};

/** Deterministic pseudo-random image. */
function randomImage(w: number, h: number, seed: number, alpha = 255): RGBAImage {
  let s = seed >>> 0;
  const next = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) >>> 24);
  const img = createImage(w, h);
  for (let i = 0; i < w * h; i++) {
    img.data[i * 4] = next();
    img.data[i * 4 + 1] = next();
    img.data[i * 4 + 2] = next();
    img.data[i * 4 + 3] = alpha;
  }
  return img;
}

function smoothImage(w: number, h: number): RGBAImage {
  const img = createImage(w, h);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const p = (y * w + x) * 4;
      img.data[p] = 30 + (180 * x) / w;
      img.data[p + 1] = 40 + (150 * y) / h;
      img.data[p + 2] = 128 + 80 * Math.sin((x + y) / 6);
      img.data[p + 3] = 255;
    }
  return img;
}

function filled(w: number, h: number, rgb: [number, number, number]): RGBAImage {
  const img = createImage(w, h);
  for (let i = 0; i < w * h; i++) img.data.set([...rgb, 255], i * 4);
  return img;
}

/**
 * Brute-force SSIM: direct 2D 11x11 window with scipy 'reflect' borders, no separability, no
 * fusion. An independent check of the fast code on sizes the fixtures do not cover.
 */
function bruteSsim(a: RGBAImage, b: RGBAImage): number {
  const k = gaussianKernel1d(1.5, 5);
  const W = a.width, H = a.height;
  const refl = (i: number, n: number) => (i < 0 ? -i - 1 : i >= n ? 2 * n - i - 1 : i);
  let total = 0;
  for (let c = 0; c < 3; c++) {
    let sum = 0, count = 0;
    for (let y = 5; y < H - 5; y++)
      for (let x = 5; x < W - 5; x++) {
        let ux = 0, uy = 0, uxx = 0, uyy = 0, uxy = 0;
        for (let j = -5; j <= 5; j++)
          for (let i = -5; i <= 5; i++) {
            const w = k[j + 5] * k[i + 5];
            const p = (refl(y + j, H) * W + refl(x + i, W)) * 4 + c;
            const va = a.data[p] / 255, vb = b.data[p] / 255;
            ux += w * va;
            uy += w * vb;
            uxx += w * va * va;
            uyy += w * vb * vb;
            uxy += w * va * vb;
          }
        const C1 = 1e-4, C2 = 9e-4;
        sum +=
          ((2 * ux * uy + C1) * (2 * (uxy - ux * uy) + C2)) /
          ((ux * ux + uy * uy + C1) * (uxx - ux * ux + uyy - uy * uy + C2));
        count++;
      }
    total += sum / count;
  }
  return total / 3;
}

describe('metrics agree with scikit-image (tests/fixtures/metrics/expected.json)', () => {
  const close = (got: number, want: number, tol: number) =>
    expect(Math.abs(got - want), `got ${got}, skimage ${want}`).toBeLessThanOrEqual(tol);

  for (const c of expected.cases) {
    it(`${c.a} vs ${c.b} (${c.width}x${c.height}, mask ${c.mask})`, () => {
      const a = load(c.a), b = load(c.b), m = loadMask(c.mask);
      expect([a.width, a.height]).toEqual([c.width, c.height]);
      expect(m.reduce((s, v) => s + v, 0)).toBe(c.maskPixels);
      expect(maskBoundingBox(m, a.width, a.height)).toEqual(c.bbox);

      const dB = (want: number) => 1e-6 * Math.max(1, Math.abs(want));
      close(psnr(a, b), c.psnr, dB(c.psnr));
      close(psnrInMask(a, b, m), c.psnrInMask, dB(c.psnrInMask));
      close(psnr(applyMaskBlack(a, m), applyMaskBlack(b, m)), c.psnrMaskBlack, dB(c.psnrMaskBlack));

      close(ssim(a, b), c.ssim, 1e-5);
      close(ssim(applyMaskBlack(a, m), applyMaskBlack(b, m)), c.ssimMaskBlack, 1e-5);
      close(ssimInMaskBBox(a, b, m), c.ssimBBoxBlack, 1e-5);
      close(ssimInMaskBBox(a, b, m, { blackBackground: true }), c.ssimBBoxBlack, 1e-5);
      close(ssimInMaskBBox(a, b, m, { blackBackground: false }), c.ssimBBoxRaw, 1e-5);
    });
  }

  it(`SSIM map of ${expected.ssimMap.a} vs ${expected.ssimMap.b} matches skimage full=True, border included`, () => {
    // The scalar SSIM never reads past the image edge (crop 5 = window radius 5); the map's
    // border does, so this is what pins scipy's 'reflect' extension.
    const e = expected.ssimMap;
    const { map, width, height } = ssimMap(load(e.a), load(e.b));
    expect([width, height]).toEqual([e.width, e.height]);
    let maxDiff = 0;
    for (let i = 0; i < map.length; i++) maxDiff = Math.max(maxDiff, Math.abs(map[i] - e.map[i]));
    expect(maxDiff).toBeLessThan(1e-6); // map is float32, JSON rounded to 1e-9
  });

  it('the fixtures cover odd sizes, partial alpha and low SSIM', () => {
    expect(expected.cases.some((c) => c.width % 2 === 1 && c.height % 2 === 1)).toBe(true);
    expect(expected.cases.some((c) => c.ssim < 0.1)).toBe(true);
    const o = load('odd37_a.png');
    expect(o.data.some((v, i) => i % 4 === 3 && v !== 255)).toBe(true);
  });
});

describe('psnr', () => {
  it('identical images give Infinity; a known MSE gives the known PSNR', () => {
    const a = smoothImage(20, 15);
    expect(psnr(a, a)).toBe(Infinity);
    expect(psnr(a, structuredClone(a))).toBe(Infinity);
    // Every RGB value off by 51 = 0.2: MSE 0.04, PSNR 10 log10(25).
    const black = filled(7, 5, [0, 0, 0]), grey = filled(7, 5, [51, 51, 51]);
    expect(mse(black, grey)).toBeCloseTo(0.04, 15);
    expect(psnr(black, grey)).toBeCloseTo(10 * Math.log10(25), 12);
    // Only red off: the mean is over the three channels, MSE 0.04 / 3.
    const red = filled(7, 5, [51, 0, 0]);
    expect(psnr(black, red)).toBeCloseTo(10 * Math.log10(75), 12);
    // One pixel of 35 differs by 255 in all channels: MSE 1/35.
    const one = filled(7, 5, [0, 0, 0]);
    one.data.set([255, 255, 255], 0);
    expect(psnr(black, one)).toBeCloseTo(10 * Math.log10(35), 12);
    expect(psnrFromMse(0.01)).toBeCloseTo(20, 12);
  });

  it('is symmetric and ignores alpha', () => {
    const a = randomImage(16, 12, 1), b = randomImage(16, 12, 2, 17);
    expect(psnr(a, b)).toBe(psnr(b, a));
    const b2 = structuredClone(b);
    for (let i = 3; i < b2.data.length; i += 4) b2.data[i] = 200;
    expect(psnr(a, b2)).toBe(psnr(a, b));
  });

  it('refuses images of different sizes', () => {
    expect(() => psnr(createImage(4, 4), createImage(4, 5))).toThrow(RangeError);
  });
});

describe('psnrInMask and applyMaskBlack', () => {
  const W = 10, H = 8;
  const mask = new Uint8Array(W * H);
  for (let y = 2; y < 6; y++) for (let x = 3; x < 7; x++) mask[y * W + x] = 1;

  it('only pixels inside the mask count', () => {
    const a = randomImage(W, H, 5), b = randomImage(W, H, 6);
    const before = psnrInMask(a, b, mask);
    const outside = structuredClone(b);
    outside.data.set([0, 255, 0], (0 * W + 0) * 4); // (0,0) is background
    outside.data.set([1, 2, 3], (7 * W + 9) * 4);
    expect(psnrInMask(a, outside, mask)).toBe(before);
    expect(psnr(a, outside)).not.toBe(psnr(a, b));
    const inside = structuredClone(b);
    inside.data[(3 * W + 4) * 4] ^= 0x80;
    expect(psnrInMask(a, inside, mask)).not.toBe(before);
  });

  it('equals the PSNR of the masked pixels by hand, and the mask value only needs to be nonzero', () => {
    const a = filled(W, H, [100, 100, 100]), b = filled(W, H, [0, 0, 0]);
    // Inside: error 10 in every channel; outside: error 100.
    for (let i = 0; i < W * H; i++) if (mask[i]) b.data.set([90, 110, 90], i * 4);
    expect(psnrInMask(a, b, mask)).toBeCloseTo(-10 * Math.log10((10 / 255) ** 2), 12);
    const m255 = mask.map((v) => v * 255);
    expect(psnrInMask(a, b, m255)).toBe(psnrInMask(a, b, mask));
    expect(psnrInMask(a, a, mask)).toBe(Infinity);
  });

  it('an empty mask gives NaN; a mask of the wrong size throws', () => {
    const a = randomImage(W, H, 1), b = randomImage(W, H, 2);
    expect(psnrInMask(a, b, new Uint8Array(W * H))).toBeNaN();
    expect(() => psnrInMask(a, b, new Uint8Array(W * H - 1))).toThrow(RangeError);
  });

  it('applyMaskBlack blackens the background of a copy and keeps object pixels and alpha', () => {
    const a = randomImage(W, H, 9, 77);
    const copy = structuredClone(a);
    const m = applyMaskBlack(a, mask);
    expect(a).toEqual(copy); // input untouched
    for (let i = 0; i < W * H; i++) {
      const px = Array.from(m.data.subarray(i * 4, i * 4 + 4));
      if (mask[i]) expect(px).toEqual(Array.from(a.data.subarray(i * 4, i * 4 + 4)));
      else expect(px).toEqual([0, 0, 0, 77]);
    }
    // Full mask: nothing changes, and the DTU metric equals the plain one.
    const b = randomImage(W, H, 10);
    const full = new Uint8Array(W * H).fill(1);
    expect(psnr(applyMaskBlack(a, full), applyMaskBlack(b, full))).toBe(psnr(a, b));
  });
});

describe('ssim', () => {
  it('identical images give exactly 1', () => {
    const a = randomImage(31, 23, 3);
    expect(ssim(a, a)).toBe(1);
    expect(ssim(smoothImage(11, 11), smoothImage(11, 11))).toBe(1);
  });

  it('is symmetric, below 1 for different images, and ignores alpha', () => {
    const a = smoothImage(40, 30);
    const b = structuredClone(a);
    for (let i = 0; i < b.data.length; i += 4) b.data[i] = Math.min(255, b.data[i] + ((i >> 2) % 7) * 3);
    const s = ssim(a, b);
    expect(s).toBeLessThan(1);
    expect(s).toBeGreaterThan(0.5);
    expect(ssim(b, a)).toBeCloseTo(s, 14);
    const r1 = randomImage(40, 30, 1), r2 = randomImage(40, 30, 2, 3);
    expect(Math.abs(ssim(r1, r2))).toBeLessThan(0.1);
    const r2a = structuredClone(r2);
    for (let i = 3; i < r2a.data.length; i += 4) r2a.data[i] = 255;
    expect(ssim(r1, r2a)).toBe(ssim(r1, r2));
  });

  it('matches a brute-force 2D-window implementation on sizes the fixtures miss', () => {
    for (const [w, h, seed] of [[11, 11, 1], [12, 19, 2], [26, 13, 3]] as const) {
      const a = randomImage(w, h, seed), b = structuredClone(a);
      for (let i = 0; i < b.data.length; i++) if (i % 4 !== 3) b.data[i] = (b.data[i] + (i % 13) * 5) & 255;
      expect(ssim(a, b)).toBeCloseTo(bruteSsim(a, b), 12);
      const c = smoothImage(w, h);
      expect(ssim(a, c)).toBeCloseTo(bruteSsim(a, c), 12);
    }
  });

  it('the SSIM map averages to the SSIM over the interior and marks where images differ', () => {
    const a = smoothImage(48, 36), b = structuredClone(a);
    for (let y = 20; y < 26; y++) for (let x = 30; x < 36; x++) b.data.set([255, 0, 255], (y * 48 + x) * 4);
    const { ssim: s, map, width, height } = ssimMap(a, b);
    expect([width, height, map.length]).toEqual([48, 36, 48 * 36]);
    expect(s).toBe(ssim(a, b));
    let sum = 0;
    for (let y = 5; y < 31; y++) for (let x = 5; x < 43; x++) sum += map[y * 48 + x];
    expect(sum / (38 * 26)).toBeCloseTo(s, 6); // map is float32
    expect(map[22 * 48 + 32]).toBeLessThan(0.5); // in the changed patch
    expect(map[5 * 48 + 5]).toBeCloseTo(1, 6); // far from it
    for (const v of map) expect(v).toBeLessThanOrEqual(1 + 1e-6);
  });

  it('ssimPlanes on float planes equals ssim on the bytes', () => {
    const a = randomImage(20, 14, 4), b = smoothImage(20, 14);
    expect(ssimPlanes(rgbPlanes(a), rgbPlanes(b), 20, 14)).toBe(ssim(a, b));
    const f32 = rgbPlanes(a).map((p) => Float32Array.from(p));
    expect(ssimPlanes(f32, rgbPlanes(b), 20, 14)).toBeCloseTo(ssim(a, b), 6);
  });

  it('refuses images smaller than the 11x11 window and mismatched sizes', () => {
    expect(() => ssim(createImage(10, 20), createImage(10, 20))).toThrow(RangeError);
    expect(() => ssim(createImage(20, 10), createImage(20, 10))).toThrow(RangeError);
    expect(() => ssim(createImage(20, 20), createImage(20, 21))).toThrow(RangeError);
  });
});

describe('ssimInMaskBBox', () => {
  const W = 40, H = 30;
  // An L-shaped object: bbox columns 8..27, rows 5..22 (20 x 18).
  const mask = new Uint8Array(W * H);
  for (let y = 5; y <= 22; y++) for (let x = 8; x <= 12; x++) mask[y * W + x] = 1;
  for (let y = 18; y <= 22; y++) for (let x = 8; x <= 27; x++) mask[y * W + x] = 1;

  it('finds the bounding box of the mask', () => {
    expect(maskBoundingBox(mask, W, H)).toEqual({ x0: 8, y0: 5, x1: 28, y1: 23 });
    expect(maskBoundingBox(new Uint8Array(W * H), W, H)).toBeNull();
    const one = new Uint8Array(W * H);
    one[W * H - 1] = 3;
    expect(maskBoundingBox(one, W, H)).toEqual({ x0: W - 1, y0: H - 1, x1: W, y1: H });
  });

  it('equals SSIM of the hand-cropped images, and ignores everything outside the box', () => {
    const a = randomImage(W, H, 11), b = smoothImage(W, H);
    const box = { x0: 8, y0: 5, x1: 28, y1: 23 };
    const raw = ssimInMaskBBox(a, b, mask, { blackBackground: false });
    expect(raw).toBe(ssim(cropImage(a, box), cropImage(b, box)));
    const b2 = structuredClone(b);
    b2.data.set([255, 0, 0], (2 * W + 2) * 4); // outside the box
    b2.data.set([0, 255, 0], (29 * W + 39) * 4);
    expect(ssimInMaskBBox(a, b2, mask, { blackBackground: false })).toBe(raw);
    expect(ssimInMaskBBox(a, b2, mask)).toBe(ssimInMaskBBox(a, b, mask));
  });

  it('with a black background (the default), background pixels inside the box do not count either', () => {
    const a = randomImage(W, H, 12), b = smoothImage(W, H);
    const def = ssimInMaskBBox(a, b, mask);
    const b2 = structuredClone(b);
    b2.data.set([255, 255, 0], (8 * W + 20) * 4); // inside the box, outside the L
    expect(ssimInMaskBBox(a, b2, mask)).toBe(def);
    expect(ssimInMaskBBox(a, b2, mask, { blackBackground: false })).not.toBe(
      ssimInMaskBBox(a, b, mask, { blackBackground: false }),
    );
    const box = { x0: 8, y0: 5, x1: 28, y1: 23 };
    const cm = new Uint8Array(20 * 18);
    for (let y = 0; y < 18; y++) for (let x = 0; x < 20; x++) cm[y * 20 + x] = mask[(y + 5) * W + x + 8];
    expect(def).toBe(ssim(applyMaskBlack(cropImage(a, box), cm), applyMaskBlack(cropImage(b, box), cm)));
    expect(ssimInMaskBBox(a, a, mask)).toBe(1);
  });

  it('an empty mask or a box under 11 pixels gives NaN; wrong sizes throw', () => {
    const a = randomImage(W, H, 1), b = randomImage(W, H, 2);
    expect(ssimInMaskBBox(a, b, new Uint8Array(W * H))).toBeNaN();
    const thin = new Uint8Array(W * H);
    for (let y = 0; y < H; y++) for (let x = 0; x < 10; x++) thin[y * W + x] = 1;
    expect(ssimInMaskBBox(a, b, thin)).toBeNaN();
    thin[10] = 1; // now 11 wide
    expect(ssimInMaskBBox(a, b, thin)).not.toBeNaN();
    expect(() => ssimInMaskBBox(a, b, new Uint8Array(5))).toThrow(RangeError);
  });
});

describe('gaussianKernel1d', () => {
  it('has 11 symmetric taps summing to 1 (scipy sigma 1.5, truncate 3.5)', () => {
    const k = gaussianKernel1d();
    expect(k.length).toBe(11);
    expect(k.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 15);
    for (let i = 0; i < 5; i++) expect(k[i]).toBe(k[10 - i]);
    expect(k[5] / k[4]).toBeCloseTo(Math.exp(0.5 / 2.25), 14);
  });
});
