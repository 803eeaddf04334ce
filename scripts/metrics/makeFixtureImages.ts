/**
 * Writes the small deterministic image pairs and masks that the metric tests compare against
 * scikit-image (tests/fixtures/metrics/*.png). Run:
 *   npx tsx scripts/metrics/makeFixtureImages.ts
 *   /usr/bin/python3 scripts/metrics/skimage_fixtures.py   # -> tests/fixtures/metrics/expected.json
 * Same output on every run (seeded PRNG, no dates), so the PNGs only change when this script does.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createImage, encodeGreyPng, encodePng, type RGBAImage } from '../../src/core/image.ts';

const OUT = resolve(dirname(fileURLToPath(import.meta.url)), '../../tests/fixtures/metrics');

import { mulberry32 as rng } from '../../src/core/random.ts';
/** Approximately normal noise (sum of 4 uniforms, variance 1). */
function gauss(r: () => number): number {
  return (r() + r() + r() + r() - 2) * Math.sqrt(3);
}

function fromFn(w: number, h: number, f: (x: number, y: number) => [number, number, number, number?]): RGBAImage {
  const img = createImage(w, h);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const [r, g, b, a = 255] = f(x, y);
      const p = (y * w + x) * 4;
      img.data[p] = Math.round(r);
      img.data[p + 1] = Math.round(g);
      img.data[p + 2] = Math.round(b);
      img.data[p + 3] = Math.round(a);
    }
  return img;
}

function px(img: RGBAImage, x: number, y: number, c: number): number {
  const cx = Math.min(Math.max(x, 0), img.width - 1), cy = Math.min(Math.max(y, 0), img.height - 1);
  return img.data[(cy * img.width + cx) * 4 + c];
}

function addNoise(img: RGBAImage, sigma: number, seed: number, bias = 0): RGBAImage {
  const r = rng(seed);
  return fromFn(img.width, img.height, (x, y) => [
    px(img, x, y, 0) + bias + sigma * gauss(r),
    px(img, x, y, 1) + bias + sigma * gauss(r),
    px(img, x, y, 2) + bias + sigma * gauss(r),
    px(img, x, y, 3),
  ]);
}

function shift(img: RGBAImage, dx: number, dy: number): RGBAImage {
  return fromFn(img.width, img.height, (x, y) => [0, 1, 2, 3].map((c) => px(img, x - dx, y - dy, c)) as [number, number, number, number]);
}

function boxBlur3(img: RGBAImage): RGBAImage {
  return fromFn(img.width, img.height, (x, y) => {
    const out: [number, number, number, number] = [0, 0, 0, px(img, x, y, 3)];
    for (let c = 0; c < 3; c++) {
      let s = 0;
      for (let j = -1; j <= 1; j++) for (let i = -1; i <= 1; i++) s += px(img, x + i, y + j, c);
      out[c] = s / 9;
    }
    return out;
  });
}

/** Irregular blob: a wobbly ellipse plus a smaller lobe, 0/255. */
function blobMask(w: number, h: number, cx: number, cy: number, rx: number, ry: number): Uint8Array {
  const m = new Uint8Array(w * h);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const dx = (x + 0.5 - cx) / rx, dy = (y + 0.5 - cy) / ry;
      const ang = Math.atan2(dy, dx);
      const wobble = 1 + 0.18 * Math.sin(3 * ang + 0.7) + 0.1 * Math.cos(5 * ang);
      const lobe = ((x + 0.5 - (cx + rx * 0.9)) / (rx * 0.35)) ** 2 + ((y + 0.5 - (cy - ry * 0.6)) / (ry * 0.35)) ** 2;
      m[y * w + x] = Math.hypot(dx, dy) < wobble || lobe < 1 ? 255 : 0;
    }
  return m;
}

function write(name: string, bytes: Uint8Array): void {
  writeFileSync(join(OUT, name), bytes);
}

mkdirSync(OUT, { recursive: true });

// 64x48: smooth gradient with gentle waves; noisy, shifted and blurred copies.
const g64 = fromFn(64, 48, (x, y) => [
  40 + 170 * (x / 63) + 20 * Math.sin(y / 5),
  30 + 180 * (y / 47) + 15 * Math.cos(x / 7),
  128 + 90 * Math.sin((x + y) / 11),
]);
write('grad64_a.png', encodePng(g64));
write('grad64_noise.png', encodePng(addNoise(g64, 12, 1)));
write('grad64_shift.png', encodePng(shift(g64, 2, 1)));
write('grad64_blur.png', encodePng(boxBlur3(g64)));
write('mask64.png', encodeGreyPng(64, 48, blobMask(64, 48, 30, 25, 16, 12)));

// 37x29 (odd sizes): a checker-ish texture with varying alpha (must be ignored), and a noisy,
// brighter copy with different alpha.
const o37 = fromFn(37, 29, (x, y) => [
  ((x >> 2) + (y >> 2)) % 2 ? 200 - 2 * y : 50 + 3 * x,
  100 + 80 * Math.sin(x / 3) * Math.cos(y / 4),
  (x * 7 + y * 5) % 256,
  128 + 127 * Math.sin(x + y),
]);
write('odd37_a.png', encodePng(o37));
const o37b = addNoise(o37, 20, 2, 10);
for (let i = 3; i < o37b.data.length; i += 4) o37b.data[i] = 255 - o37b.data[i];
write('odd37_b.png', encodePng(o37b));
write('mask37.png', encodeGreyPng(37, 29, blobMask(37, 29, 17, 15, 9, 8)));

// 23x17: two independent uniform-noise images (low, even negative, SSIM).
const r1 = rng(3), r2 = rng(4);
write('rand23_a.png', encodePng(fromFn(23, 17, () => [r1() * 255, r1() * 255, r1() * 255])));
write('rand23_b.png', encodePng(fromFn(23, 17, () => [r2() * 255, r2() * 255, r2() * 255])));
write('mask23.png', encodeGreyPng(23, 17, blobMask(23, 17, 11, 9, 7, 6)));

console.log(`wrote fixtures to ${OUT}`);
