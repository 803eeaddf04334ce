/**
 * The masks stage in Node: model-free masks of generated scenes (exact masks, 96x72), the
 * cross-view check removing a blob added to one view's mask, a big photo worked on downscaled,
 * and bad input. OpenCV.js loads once for the file (under a second or two here).
 */
import { describe, expect, it } from 'vitest';
import { createImage, type RGBAImage } from '../../../src/core/image.ts';
import { InputError } from '../../../src/core/errors.ts';
import { buildObject } from '../../../src/scenegen/objects/index.ts';
import { renderView } from '../../../src/scenegen/render.ts';
import { dtuLikeRig } from '../../../src/scenegen/rig.ts';
import { enforceHullConsistency, estimateMasks, flatBorder, MASK_MARGIN, maskArea, maskIoU, thresholdProbability } from '../../../src/recon/masks/index.ts';
import { masksWithMargin } from '../../../src/recon/masks/maskMargin.ts';
import { renderViews, ringCameras } from '../hullScenes.ts';

function sceneViews(name: string, picks: number[]) {
  const obj = buildObject(name);
  const rig = dtuLikeRig(obj.center, obj.radius, obj.bounds, 96, 72);
  return picks.map((i) => ({ camera: rig[i].camera, ...renderView(obj, rig[i].camera) }));
}

describe('estimateMasks, model-free', () => {
  it('reaches IoU > 0.9 on generated scenes and keeps a probability map that re-thresholds', async () => {
    for (const name of ['pebbles', 'patterned-cube']) {
      const views = sceneViews(name, [3, 24, 45]);
      const res = await estimateMasks(views.map((v) => v.image), { method: 'auto' });
      expect(res.method).toBe('auto');
      res.masks.forEach((m, i) => {
        expect(maskIoU(m.mask, views[i].mask), `${name} view ${i}`).toBeGreaterThan(0.9);
        expect(m.warning).toBeNull();
        expect(m.area).toBeGreaterThan(0.05);
        expect(thresholdProbability(m.probability, 0.5)).toEqual(m.mask);
        // A stricter threshold never adds pixels.
        const strict = thresholdProbability(m.probability, 0.8);
        expect(strict.every((x, p) => x <= m.mask[p])).toBe(true);
      });
    }
  });

  it('works on a big photo downscaled under the pixel budget and returns a full-size mask', async () => {
    const W = 1600, H = 1200;
    const img = createImage(W, H);
    const truth = new Uint8Array(W * H);
    for (let y = 0; y < H; y++)
      for (let x = 0; x < W; x++) {
        const p = y * W + x;
        const inside = (x - 800) ** 2 + (y - 620) ** 2 < 380 ** 2;
        truth[p] = inside ? 1 : 0;
        // A backdrop with some noise, as a camera gives (a flat one gets no margin: below).
        const noise = ((x * 7 + y * 13) % 9) - 4;
        img.data.set(inside ? [200, 60, 40, 255] : [235 + noise, 235 + noise, 230 + noise, 255], p * 4);
      }
    expect(flatBorder(img)).toBe(false);
    const res = await estimateMasks([img], { maxPixels: 40_000, margin: 0 });
    expect(res.masks[0].width).toBe(W);
    expect(res.masks[0].mask.length).toBe(W * H);
    expect(maskIoU(res.masks[0].mask, truth)).toBeGreaterThan(0.97);

    // The default safety margin (MASK_MARGIN of the diagonal, 8 px here) grows the same mask by a
    // rim of about that width: it keeps what the exact cut kept, and holds the whole disc.
    const grown = (await estimateMasks([img], { maxPixels: 40_000 })).masks[0].mask;
    const r = Math.round(MASK_MARGIN * Math.hypot(W, H));
    expect(r).toBe(8);
    expect(res.masks[0].mask.every((v, p) => !v || grown[p])).toBe(true);
    const inner = truth.reduce((a, v) => a + v, 0);
    const covered = truth.reduce((a, v, p) => a + (v && grown[p] ? 1 : 0), 0);
    expect(covered / inner).toBeGreaterThan(0.995);
    const rim = maskArea(grown) * W * H - maskArea(res.masks[0].mask) * W * H;
    // A square max filter grows a disc of radius 380 by between the ring of width r and of r*sqrt2.
    expect(rim).toBeGreaterThan(0.8 * Math.PI * ((380 + r) ** 2 - 380 ** 2));
    expect(rim).toBeLessThan(1.6 * Math.PI * ((380 + r) ** 2 - 380 ** 2));
  });

  it('leaves the margin off a photo whose border is one flat colour (a render\'s background)', async () => {
    const W = 320, H = 240;
    const img = createImage(W, H);
    for (let y = 0; y < H; y++)
      for (let x = 0; x < W; x++) {
        const inside = (x - 160) ** 2 + (y - 124) ** 2 < 76 ** 2;
        img.data.set(inside ? [200, 60, 40, 255] : [255, 255, 255, 255], (y * W + x) * 4);
      }
    expect(flatBorder(img)).toBe(true);
    const exact = (await estimateMasks([img], { margin: 0 })).masks[0].mask;
    const byDefault = (await estimateMasks([img])).masks[0].mask;
    expect(byDefault).toEqual(exact);
    // An explicit margin still grows it, and the poses stage's copy gets the default margin back.
    const grown = (await estimateMasks([img], { margin: MASK_MARGIN })).masks[0].mask;
    expect(maskArea(grown)).toBeGreaterThan(maskArea(exact) + 0.005);
    expect(masksWithMargin([img], [exact])[0]).toEqual(grown);
    // One pixel off the flat colour in the ring changes nothing; a fine texture does, and a
    // photo that is not flat keeps its mask in the poses stage's copy.
    const speck = { ...img, data: img.data.slice() };
    speck.data.set([0, 0, 0, 255], 0);
    expect(flatBorder(speck)).toBe(true);
    const textured = { ...img, data: img.data.slice() };
    for (let p = 0; p < W * H; p += 2) if (textured.data[4 * p + 1] === 255) textured.data.set([200, 200, 200, 255], 4 * p);
    expect(flatBorder(textured)).toBe(false);
    expect(masksWithMargin([textured], [exact])[0]).toBe(exact);
  });

  it('warns on a photo with no clear object instead of failing or hanging', async () => {
    const plain = createImage(64, 48);
    for (let p = 0; p < 64 * 48; p++) plain.data.set([90 + (p % 7), 90, 95, 255], p * 4);
    const res = await estimateMasks([plain]);
    expect(res.masks[0].area).toBe(0);
    expect(res.masks[0].warning).toMatch(/photo 1: no object found/);
  });

  it('refuses photos of different sizes, a model run without a model, and a bad threshold', async () => {
    const a = createImage(40, 30), b = createImage(30, 40);
    await expect(estimateMasks([a, b], { names: ['a.jpg', 'b.jpg'] })).rejects.toThrow(/b\.jpg is 30x40 but a\.jpg is 40x30/);
    await expect(estimateMasks([a], { method: 'model' })).rejects.toThrow(InputError);
    await expect(estimateMasks([a], { threshold: 2 })).rejects.toThrow(/between 0 and 1/);
    const none = await estimateMasks([a], { method: 'none' });
    expect(none.masks[0].area).toBe(1);
  });
});

describe('cross-view consistency', () => {
  const sphere = { kind: 'sphere' as const, center: [0, 0, 0] as [number, number, number], radius: 0.8 };

  it('removes a blob added to one view and keeps the true silhouettes', async () => {
    const views = renderViews(ringCameras(5, { width: 96, height: 72, focal: 80 }), [sphere]);
    const truth = views.map((v) => v.mask.slice());
    const bad = views[2].mask;
    let blob = 0;
    for (let y = 6; y < 20; y++)
      for (let x = 4; x < 18; x++) if (!bad[y * 96 + x]) (bad[y * 96 + x] = 1), blob++;
    expect(blob).toBeGreaterThan(150);
    const res = await enforceHullConsistency(views);
    expect(res.removed[2]).toBeGreaterThanOrEqual(blob * 0.95);
    let left = 0;
    for (let y = 6; y < 20; y++) for (let x = 4; x < 18; x++) left += res.masks[2][y * 96 + x];
    expect(left).toBe(0);
    res.masks.forEach((m, i) => expect(maskIoU(m, truth[i]), `view ${i}`).toBeGreaterThan(0.97));
  });

  it('runs inside estimateMasks when cameras are given', async () => {
    const views = renderViews(ringCameras(4, { width: 64, height: 48, focal: 56 }), [sphere]);
    // Photos: grey sphere on white; one gets a red square near a corner the cut keeps as a second object.
    const photos: RGBAImage[] = views.map((v) => ({ ...v.rgba, data: v.rgba.data.slice() }));
    for (let y = 3; y < 21; y++) for (let x = 3; x < 21; x++) photos[1].data.set([200, 30, 30, 255], (y * 64 + x) * 4);
    const withoutCams = await estimateMasks(photos);
    const withCams = await estimateMasks(photos, { cameras: views.map((v) => v.camera) });
    expect(withCams.consistency).toBe(true);
    expect(withoutCams.masks[1].mask[10 * 64 + 10]).toBe(1);
    expect(withCams.masks[1].mask[10 * 64 + 10]).toBe(0);
    expect(withCams.masks[1].inconsistentPixels).toBeGreaterThan(200);
    // Three other views leave a generous hull: a rim of the square next to the sphere stays.
    withCams.masks.forEach((m, i) => expect(maskIoU(m.mask, views[i].mask)).toBeGreaterThan(i === 1 ? 0.85 : 0.95));
    expect(maskIoU(withoutCams.masks[1].mask, views[1].mask)).toBeLessThan(0.6);
  });
});
