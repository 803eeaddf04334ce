/**
 * Decoded pixels are capped per photo and per drop: photos past the cap are box-filtered down
 * by one integer factor (the same for the whole set, so they stay one size), and the label says
 * so in a note. The caps are lowered here so tiny photos exercise the same code as 48 MP ones.
 */
import { describe, expect, it } from 'vitest';
import { createImage, encodePng } from '../../src/core/image.ts';
import { factorToFit } from '../../src/io/downscale.ts';
import { ingest, MAX_DROP_PIXELS, MAX_PHOTO_PIXELS } from '../../src/recon/ingest.ts';

function photo(w: number, h: number, seed: number) {
  const img = createImage(w, h);
  for (let i = 0; i < img.data.length; i++) img.data[i] = i % 4 === 3 ? 255 : (i * 31 + seed * 17) % 256;
  return img;
}

describe('decoded-pixel caps', () => {
  it('the defaults keep nine photos under 256 MB of RGBA', () => {
    expect(MAX_DROP_PIXELS * 4).toBeLessThanOrEqual(256 * 2 ** 20);
    expect(MAX_PHOTO_PIXELS).toBeLessThanOrEqual(MAX_DROP_PIXELS);
    // A 48 MP phone photo in a drop of nine: 7.1 MP each at most.
    const f = factorToFit(8000, 6000, Math.floor(MAX_DROP_PIXELS / 9));
    expect(f).toBe(3);
    expect(Math.floor(8000 / f) * Math.floor(6000 / f)).toBeLessThanOrEqual(MAX_DROP_PIXELS / 9);
  });

  it('photos over the per-drop share are downscaled by one factor, box-filtered, and a note says so', async () => {
    const imgs = [0, 1, 2].map((s) => photo(40, 30, s));
    const files = imgs.map((img, i) => ({ name: `p${i}.png`, bytes: encodePng(img) }));
    // 300 pixels per photo: 40x30 = 1200 needs factor 2 (20x15 = 300).
    const res = await ingest(files, { maxDropPixels: 900 });
    expect(res.label).toBe('3 photos');
    expect(res.kind === 'photos' && res.notes?.join(' ')).toMatch(/^Downscaled the photos 2x, from 40x30 to 20x15, to keep memory in bounds/);
    for (const [i, v] of res.scene.views.entries()) {
      expect([v.rgba.width, v.rgba.height]).toEqual([20, 15]);
      // Output pixel (3, 2), red channel: the mean of the 2x2 block at (6..7, 4..5).
      const src = imgs[i].data;
      const at = (x: number, y: number) => src[(y * 40 + x) * 4];
      expect(v.rgba.data[(2 * 20 + 3) * 4]).toBe(Math.round((at(6, 4) + at(7, 4) + at(6, 5) + at(7, 5)) / 4));
    }
  });

  it('the per-photo cap applies even when the drop has room', async () => {
    const files = [0, 1, 2].map((s) => ({ name: `p${s}.png`, bytes: encodePng(photo(40, 30, s)) }));
    const res = await ingest(files, { maxPhotoPixels: 150 });
    expect([res.scene.views[0].rgba.width, res.scene.views[0].rgba.height]).toEqual([13, 10]);
    const untouched = await ingest(files);
    expect(untouched.kind === 'photos' && untouched.notes).toEqual([]);
    expect(untouched.scene.views[0].rgba.width).toBe(40);
  });
});
