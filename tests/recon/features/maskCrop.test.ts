import { describe, expect, it } from 'vitest';
import { createImage } from '../../../src/core/image.ts';
import { cropImage, cropMask, maskCropRect } from '../../../src/recon/poses/features/maskCrop.ts';

function boxMask(w: number, h: number, x0: number, y0: number, x1: number, y1: number): Uint8Array {
  const m = new Uint8Array(w * h);
  for (let y = y0; y < y1; y++) m.fill(1, y * w + x0, y * w + x1);
  return m;
}

describe('maskCropRect', () => {
  it('is the mask box grown by the margin of its longest side, clamped to the image', () => {
    // A 40x20 object at (100, 50): margin 0.25 of 40 = 10 px each side.
    expect(maskCropRect(boxMask(400, 300, 100, 50, 140, 70), 400, 300, 0.25)).toEqual({ x: 90, y: 40, width: 60, height: 40 });
    // Against the left/top edges the box is clamped.
    expect(maskCropRect(boxMask(400, 300, 0, 0, 40, 20), 400, 300, 0.25)).toEqual({ x: 0, y: 0, width: 50, height: 30 });
  });

  it('gives no crop for an empty mask or one that covers nearly the whole photo', () => {
    expect(maskCropRect(new Uint8Array(400 * 300), 400, 300)).toBeNull();
    expect(maskCropRect(boxMask(400, 300, 10, 10, 390, 290), 400, 300)).toBeNull();
  });
});

describe('cropImage / cropMask', () => {
  it('copy the rectangle’s pixels', () => {
    const img = createImage(8, 6);
    for (let i = 0; i < 48; i++) img.data[4 * i] = i;
    const mask = Uint8Array.from({ length: 48 }, (_, i) => i % 2);
    const r = { x: 2, y: 1, width: 3, height: 2 };
    const c = cropImage(img, r);
    expect([c.width, c.height]).toEqual([3, 2]);
    expect(Array.from({ length: 6 }, (_, i) => c.data[4 * i])).toEqual([10, 11, 12, 18, 19, 20]);
    expect(Array.from(cropMask(mask, 8, r))).toEqual([0, 1, 0, 0, 1, 0]);
  });
});
