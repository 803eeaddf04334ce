/**
 * The model-free cut's border model on small synthetic photos: a textured object that crosses
 * the frame on opposite sides (as DTU's brick does) is not taken for background, although its
 * colours are seen on two far-apart stretches of the border; a plain background is.
 */
import { describe, expect, it } from 'vitest';
import { createImage, type RGBAImage } from '../../../src/core/image.ts';
import { borderModel, textureMap } from '../../../src/recon/masks/colourCut.ts';
import { estimateMasks, maskIoU } from '../../../src/recon/masks/index.ts';

const W = 96, H = 72;

/** Deterministic noise in [-1, 1). */
function noise(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 31) - 1;
}

/**
 * A dark backdrop over a white table (plain), and a stone-like slab (beige with strong
 * per-pixel texture) from the left edge to the right edge, rows 34..57.
 */
function slabPhoto(textured: boolean): { img: RGBAImage; truth: Uint8Array } {
  const img = createImage(W, H);
  const truth = new Uint8Array(W * H);
  const rnd = noise(7);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      const p = y * W + x;
      const slab = y >= 34 && y < 58;
      truth[p] = slab ? 1 : 0;
      if (slab) {
        const n = textured ? 45 * rnd() : 0;
        img.data.set([190 + n, 172 + n, 150 + n, 255], p * 4);
      } else img.data.set(y < 26 ? [18, 18, 22, 255] : [242, 242, 238, 255], p * 4);
    }
  return { img, truth };
}

describe('textureMap', () => {
  it('is about zero on a plain image and large on per-pixel texture', () => {
    const { img } = slabPhoto(true);
    const t = textureMap(img);
    expect(t[5 * W + 40]).toBeLessThan(1); // backdrop
    expect(t[66 * W + 40]).toBeLessThan(1); // table
    expect(t[45 * W + 40]).toBeGreaterThan(20); // slab
  });
});

describe('borderModel and the model-free cut', () => {
  it('keeps a textured object crossing the frame on opposite sides out of the background', async () => {
    const { img, truth } = slabPhoto(true);
    const model = borderModel(img);
    // Left and right sides, segment 2 of 4 (rows 36..53): slab; segment 0: backdrop.
    expect(model.background[2 * 4 + 2]).toBe(false);
    expect(model.background[3 * 4 + 2]).toBe(false);
    expect(model.background[2 * 4 + 0]).toBe(true);
    // The slab is unlike the (backdrop + table) colours the border model kept.
    expect(model.score[45 * W + 48]).toBeGreaterThan(0.5);
    expect(model.score[66 * W + 48]).toBeLessThan(0.2);
    const res = await estimateMasks([img]);
    expect(maskIoU(res.masks[0].mask, truth)).toBeGreaterThan(0.9);
  });

  it('still takes a plain band seen on both sides for background (the texture rule needs texture)', () => {
    const { img } = slabPhoto(false);
    const model = borderModel(img);
    // Its colour is on the left and on the right, far apart round the border: background.
    expect(model.background[2 * 4 + 2]).toBe(true);
    expect(model.background[3 * 4 + 2]).toBe(true);
    expect(model.score[45 * W + 48]).toBeLessThan(0.2);
  });

  it('on a busy background raises the texture limit with the border, so the background stays background', async () => {
    // Grainy grey everywhere (a carpet), a plain red disc in the middle.
    const img = createImage(W, H);
    const truth = new Uint8Array(W * H);
    const rnd = noise(3);
    for (let y = 0; y < H; y++)
      for (let x = 0; x < W; x++) {
        const p = y * W + x;
        const disc = (x - 48) ** 2 + (y - 36) ** 2 < 18 ** 2;
        truth[p] = disc ? 1 : 0;
        const n = 40 * rnd();
        img.data.set(disc ? [200, 40, 40, 255] : [120 + n, 120 + n, 115 + n, 255], p * 4);
      }
    const model = borderModel(img);
    expect(model.textureLimit).toBeGreaterThan(30);
    expect(model.background.every(Boolean)).toBe(true);
    const res = await estimateMasks([img]);
    expect(maskIoU(res.masks[0].mask, truth)).toBeGreaterThan(0.9);
  });
});
