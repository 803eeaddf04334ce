/**
 * EXIF: 35 mm-equivalent focal -> pixels, Orientation applied by ingest before anything else
 * sees the pixels, tags read from a JPEG whose EXIF block is written by hand here.
 */
import jpeg from 'jpeg-js';
import { describe, expect, it } from 'vitest';
import { focalPxFrom35mm } from '../../../src/core/camera.ts';
import { createImage, orientImage } from '../../../src/core/image.ts';
import { readPhotoExif } from '../../../src/io/exif.ts';
import { ingest } from '../../../src/recon/ingest.ts';

/** A JPEG of a w x h image (pixel (x, y) red = 20x, green = 20y) with an EXIF APP1 block. */
function jpegWithExif(w: number, h: number, orientation: number, focal35: number): Uint8Array {
  const data = new Uint8Array(w * h * 4);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data.set([20 * x, 20 * y, 0, 255], 4 * (y * w + x));
  const body = new Uint8Array(jpeg.encode({ width: w, height: h, data }, 100).data);
  const tiff: number[] = [];
  const u16 = (v: number) => tiff.push(v & 255, v >> 8);
  const u32 = (v: number) => tiff.push(v & 255, (v >> 8) & 255, (v >> 16) & 255, v >>> 24);
  tiff.push(0x49, 0x49); u16(42); u32(8); // little-endian TIFF header, IFD0 at 8
  u16(2); // IFD0: Orientation, ExifIFD pointer
  u16(0x0112); u16(3); u32(1); u16(orientation); u16(0);
  u16(0x8769); u16(4); u32(1); u32(8 + 2 + 2 * 12 + 4);
  u32(0);
  u16(1); // Exif IFD: FocalLengthIn35mmFormat
  u16(0xa405); u16(3); u32(1); u16(focal35); u16(0);
  u32(0);
  const payload = [0x45, 0x78, 0x69, 0x66, 0, 0, ...tiff]; // "Exif\0\0"
  const len = payload.length + 2;
  return Uint8Array.from([0xff, 0xd8, 0xff, 0xe1, len >> 8, len & 255, ...payload, ...body.subarray(2)]);
}

describe('EXIF focal length', () => {
  it('35 mm equivalent: f35 / 36 x the long side, either orientation', () => {
    expect(focalPxFrom35mm(26, 4032, 3024)).toBeCloseTo(2912, 9);
    expect(focalPxFrom35mm(26, 3024, 4032)).toBeCloseTo(2912, 9);
    expect(focalPxFrom35mm(50, 6000, 4000)).toBeCloseTo(50 / 36 * 6000, 9);
  });
});

describe('EXIF orientation', () => {
  const img = createImage(3, 2);
  for (let i = 0; i < 6; i++) img.data[4 * i] = i; // red = index: row 0 = 0 1 2, row 1 = 3 4 5
  const reds = (im: ReturnType<typeof createImage>) => Array.from({ length: im.width * im.height }, (_, i) => im.data[4 * i]);
  it('6 rotates 90 degrees clockwise, 8 counter-clockwise, 3 by 180, 1 not at all', () => {
    const r6 = orientImage(img, 6);
    expect([r6.width, r6.height]).toEqual([2, 3]);
    expect(reds(r6)).toEqual([3, 0, 4, 1, 5, 2]);
    expect(reds(orientImage(img, 8))).toEqual([2, 5, 1, 4, 0, 3]);
    expect(reds(orientImage(img, 3))).toEqual([5, 4, 3, 2, 1, 0]);
    expect(orientImage(img, 1)).toBe(img);
  });

  it('reads the tags with exifr; ingest turns the photos upright and keeps the focal', async () => {
    const bytes = jpegWithExif(8, 4, 6, 26);
    expect(await readPhotoExif(bytes)).toMatchObject({ orientation: 6, focal35mm: 26 });
    expect(await readPhotoExif(Uint8Array.of(1, 2, 3))).toEqual({});
    const res = await ingest([1, 2, 3].map((k) => ({ name: `p${k}.jpg`, bytes })));
    expect(res.kind).toBe('photos');
    const v = res.scene.views[0].rgba;
    expect([v.width, v.height]).toEqual([4, 8]);
    // Upright pixel (x, y) comes from stored (y, h - 1 - x): top-left shows stored (0, 3) (green 60).
    expect(v.data[0]).toBeLessThan(12);
    expect(Math.abs(v.data[1] - 60)).toBeLessThan(12);
    // Top-right shows stored (0, 0); bottom-left stored (7, 3).
    expect(Math.abs(v.data[4 * 3 + 1] - 0)).toBeLessThan(12);
    expect(Math.abs(v.data[4 * (7 * 4)] - 140)).toBeLessThan(12);
    expect(res.kind === 'photos' && res.exif?.[0].focal35mm).toBe(26);
  });
});
