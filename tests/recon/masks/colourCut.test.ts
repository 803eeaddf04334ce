/**
 * The model-free cut's border model on small synthetic photos: a textured object that crosses
 * the frame on opposite sides (as DTU's brick does) is not taken for background, although its
 * colours are seen on two far-apart stretches of the border; a plain background is. And the
 * cut seeded by a salient-object model's map (a stand-in here: a map the test draws).
 */
import { describe, expect, it } from 'vitest';
import { createImage, type RGBAImage } from '../../../src/core/image.ts';
import { borderModel, colourCut, textureMap } from '../../../src/recon/masks/colourCut.ts';
import { estimateMasks, loadOpenCv, maskIoU, type SalientModel } from '../../../src/recon/masks/index.ts';

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

/** A stand-in salient-object model whose map is `map` (at the photo's size). */
function fakeModel(map: Float32Array): SalientModel {
  return {
    model: { name: 'fake', file: 'fake.onnx', sha256: '' },
    inputWidth: W,
    inputHeight: H,
    probability: async () => map.slice(),
    dispose: async () => {},
  };
}

describe('the cut seeded by a model map (prior)', () => {
  const WHITE = [240, 240, 235];

  it("finds the part of the object the model leaves out, and the model's map alone does not", async () => {
    // A red box (x 20..75, y 16..55) on white; the model sees only its top half.
    const img = createImage(W, H);
    const truth = new Uint8Array(W * H);
    const map = new Float32Array(W * H);
    for (let y = 0; y < H; y++)
      for (let x = 0; x < W; x++) {
        const p = y * W + x;
        const box = x >= 20 && x < 76 && y >= 16 && y < 56;
        truth[p] = box ? 1 : 0;
        map[p] = box && y < 36 ? 0.97 : 0.02;
        img.data.set(box ? [190, 40, 35, 255] : [...WHITE, 255], p * 4);
      }
    const alone = await estimateMasks([img], { method: 'model', model: fakeModel(map), refine: false });
    const refined = await estimateMasks([img], { method: 'model', model: fakeModel(map) });
    expect(maskIoU(alone.masks[0].mask, truth)).toBeLessThan(0.6);
    expect(maskIoU(refined.masks[0].mask, truth)).toBeGreaterThan(0.95);
  });

  it("trusts the model's sure pixels where the photo shows texture, not on plain background", async () => {
    const { cv } = await loadOpenCv();
    // White wall over a grey table (from row 40); a red box x 20..49, y 20..51; right of it,
    // x 50..69, y 24..47, a patch striped in the wall's and the table's colours (shiny metal:
    // every colour of it is a background colour); above the box, y 6..19, plain wall the
    // model is wrongly sure of.
    const GREY = [200, 200, 196];
    const img = createImage(W, H);
    const map = new Float32Array(W * H);
    const box = (x: number, y: number) => x >= 20 && x < 50 && y >= 20 && y < 52;
    const metal = (x: number, y: number) => x >= 50 && x < 70 && y >= 24 && y < 48;
    const wrong = (x: number, y: number) => x >= 20 && x < 50 && y >= 6 && y < 20;
    for (let y = 0; y < H; y++)
      for (let x = 0; x < W; x++) {
        const p = y * W + x;
        const c = box(x, y) ? [190, 40, 35] : metal(x, y) ? (Math.floor(x / 2) % 2 ? GREY : WHITE) : y < 40 ? WHITE : GREY;
        img.data.set([...c, 255], p * 4);
        map[p] = box(x, y) || metal(x, y) || wrong(x, y) ? 0.97 : 0.02;
      }
    const model = borderModel(img);
    // Preconditions: the stripes are textured, and their colours are the background's.
    expect(model.texture[36 * W + 60]).toBeGreaterThanOrEqual(model.textureLimit);
    expect(model.score[36 * W + 60]).toBeLessThan(0.3);
    expect(model.score[36 * W + 62]).toBeLessThan(0.3);
    const cut = colourCut(cv, img, { prior: map });
    const inMask = (x: number, y: number) => cut.probability[y * W + x] >= 0.5;
    expect(inMask(35, 36)).toBe(true);
    for (const x of [55, 60, 65]) expect(inMask(x, 36), `stripes at x ${x}`).toBe(true);
    for (const y of [8, 12, 16]) expect(inMask(35, y), `plain wall at y ${y}`).toBe(false);
    // Without the model the stripes are background.
    expect(colourCut(cv, img).probability[36 * W + 60]).toBeLessThan(0.5);
  });
});

describe('clean-up and repeatability', () => {
  it('keeps a thin leg joined to the object (the open would remove it) and drops nothing else', async () => {
    const { cv } = await loadOpenCv();
    // A 160x120 photo: brown seat (disc r 30 at 80, 40) on black, a 2 px wide leg from it down to row 100.
    const w = 160, h = 120;
    const img = createImage(w, h);
    const truth = new Uint8Array(w * h);
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) {
        const on = (x - 80) ** 2 + (y - 40) ** 2 < 30 ** 2 || (x >= 79 && x < 81 && y >= 40 && y < 100);
        truth[y * w + x] = on ? 1 : 0;
        img.data.set(on ? [150, 100, 60, 255] : [10, 10, 12, 255], (y * w + x) * 4);
      }
    const cut = colourCut(cv, img);
    const mask = Uint8Array.from(cut.probability, (v) => (v >= 0.5 ? 1 : 0));
    for (const y of [75, 85, 95]) expect(mask[y * w + 79] || mask[y * w + 80], `leg at row ${y}`).toBe(1);
    expect(maskIoU(mask, truth)).toBeGreaterThan(0.97);
  });

  it('gives a photo the same mask whatever was cut before it', async () => {
    const { cv } = await loadOpenCv();
    // Random colours inside an ellipse on random greys: grabCut's GMMs (k-means from OpenCV's
    // global RNG) start differently on each call unless the RNG is seeded per cut.
    const img = createImage(W, H);
    const rnd = noise(99);
    for (let y = 0; y < H; y++)
      for (let x = 0; x < W; x++) {
        const inside = (x - 48) ** 2 / 900 + (y - 36) ** 2 / 500 < 1;
        const c = inside ? [0, 0, 0].map(() => 128 + 127 * rnd()) : [0, 0, 0].map(() => 140 + 40 * rnd());
        img.data.set([...c, 255], (y * W + x) * 4);
      }
    const first = colourCut(cv, img).probability;
    colourCut(cv, slabPhoto(true).img);
    colourCut(cv, img);
    expect(colourCut(cv, img).probability).toEqual(first);
  });
});
