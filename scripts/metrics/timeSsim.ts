/**
 * Times SSIM, the SSIM map and PSNR on a 400x300 pair (and a 1600x1200 one) in Node:
 *   npx tsx scripts/metrics/timeSsim.ts
 * Prints a table; no assertions (timings never go into tests).
 */
import { createImage, type RGBAImage } from '../../src/core/image.ts';
import { psnr, ssim, ssimMap } from '../../src/core/metrics/index.ts';

function pair(w: number, h: number): [RGBAImage, RGBAImage] {
  const a = createImage(w, h), b = createImage(w, h);
  let s = 12345;
  const noise = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) >>> 27) - 16;
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const p = (y * w + x) * 4;
      const v = [40 + (170 * x) / w, 30 + (180 * y) / h, 128 + 90 * Math.sin((x + y) / 11)];
      for (let c = 0; c < 3; c++) {
        a.data[p + c] = v[c];
        b.data[p + c] = v[c] + noise();
      }
      a.data[p + 3] = b.data[p + 3] = 255;
    }
  return [a, b];
}

function time(fn: () => unknown, runs: number): { median: number; min: number } {
  for (let i = 0; i < 3; i++) fn(); // warm up the JIT
  const t: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    t.push(performance.now() - t0);
  }
  t.sort((x, y) => x - y);
  return { median: t[Math.floor(t.length / 2)], min: t[0] };
}

const rows: Record<string, string>[] = [];
for (const [w, h, runs] of [[400, 300, 30], [1600, 1200, 5]] as const) {
  const [a, b] = pair(w, h);
  for (const [name, fn] of [
    ['ssim', () => ssim(a, b)],
    ['ssimMap', () => ssimMap(a, b)],
    ['psnr', () => psnr(a, b)],
  ] as const) {
    const r = time(fn, runs);
    rows.push({ size: `${w}x${h}`, metric: name, 'median ms': r.median.toFixed(2), 'min ms': r.min.toFixed(2) });
  }
}
console.table(rows);
