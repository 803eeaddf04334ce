/**
 * The poses stage's warnings about the photos themselves, on ray-traced views of the patterned
 * cube (src/scenegen) with the model-free ORB features: the same shot twice, a blurred photo, and
 * a photo that shows something else, each named with what to do; a good set gets none.
 */
import { describe, expect, it } from 'vitest';
import type { RGBAImage } from '../../../src/core/image.ts';
import { estimatePoses } from '../../../src/recon/poses/estimatePoses.ts';
import { sharpness, BLUR_RATIO } from '../../../src/recon/poses/photoWarnings.ts';
import { buildPatternedCube } from '../../../src/scenegen/objects/patternedCube.ts';
import { renderView } from '../../../src/scenegen/render.ts';
import { dtuLikeRig } from '../../../src/scenegen/rig.ts';

/** A (2r+1)-wide box blur, applied twice: a photo taken with a shaking hand, roughly. */
function blurred(img: RGBAImage, r: number): RGBAImage {
  let src = img.data;
  for (let pass = 0; pass < 2; pass++) {
    const out = new Uint8ClampedArray(src.length);
    for (let y = 0; y < img.height; y++)
      for (let x = 0; x < img.width; x++)
        for (let c = 0; c < 4; c++) {
          let s = 0, n = 0;
          for (let dy = -r; dy <= r; dy++)
            for (let dx = -r; dx <= r; dx++) {
              const xx = Math.min(img.width - 1, Math.max(0, x + dx)), yy = Math.min(img.height - 1, Math.max(0, y + dy));
              s += src[(yy * img.width + xx) * 4 + c]; n++;
            }
          out[(y * img.width + x) * 4 + c] = s / n;
        }
    src = out;
  }
  return { width: img.width, height: img.height, data: src };
}

/** Seeded noise: a photo with structure but nothing in common with the cube. */
function noise(w: number, h: number, seed: number): RGBAImage {
  const data = new Uint8ClampedArray(w * h * 4);
  let s = seed;
  for (let i = 0; i < w * h; i++) {
    s = (s * 1664525 + 1013904223) >>> 0;
    // 4x4 blocks so that ORB finds corners.
    const v = ((Math.floor(i % w / 4) * 73856093) ^ (Math.floor(i / w / 4) * 19349663) ^ seed) % 251;
    data.set([v, (v * 7 + (s & 15)) % 256, (v * 13) % 256, 255], 4 * i);
  }
  return { width: w, height: h, data };
}

describe('photo warnings', () => {
  const obj = buildPatternedCube();
  const rig = dtuLikeRig(obj.center, obj.radius, obj.bounds, 400, 300);
  const ring = rig.filter((v) => v.ring === 1 && v.index >= 1 && v.index <= 4);
  const shots = ring.map((v) => renderView(obj, v.camera).image);
  const names = (n: number) => Array.from({ length: n }, (_, i) => `p${i}.png`);
  const warn = async (images: RGBAImage[]) => (await estimatePoses(images, { features: 'none', names: names(images.length), sfm: { seed: 1 } })).warnings;

  it('sharpness falls with blur, far below the blur threshold for a shaken photo', () => {
    const s = sharpness(shots[0]);
    expect(s).toBeGreaterThan(0);
    expect(sharpness(blurred(shots[0], 1))).toBeLessThan(s);
    expect(sharpness(blurred(shots[0], 3))).toBeLessThan(BLUR_RATIO * s);
  });

  it('a good set of neighbouring views: no warning', async () => {
    expect(await warn(shots)).toEqual([]);
  }, 240_000);

  it('names the same shot twice, a blurred photo and a photo of something else, each with what to do', { timeout: 240_000 }, async () => {
    const images = [shots[0], shots[1], shots[2], shots[1], blurred(shots[3], 3), noise(400, 300, 7)];
    const w = await warn(images);
    const by = (kind: string) => w.filter((x) => x.kind === kind);
    expect(by('duplicate').map((x) => x.view)).toEqual([3]);
    expect(by('duplicate')[0].message).toMatch(/^p3\.png looks like the same shot as p1\.png: it adds nothing\. Remove it, or retake it/);
    expect(by('blurred').map((x) => x.view)).toEqual([4]);
    expect(by('blurred')[0].message).toMatch(/^p4\.png is blurred \(\d+% of the other photos' sharpness\): retake it/);
    expect(by('unrelated').map((x) => x.view)).toEqual([5]);
    expect(by('unrelated').find((x) => x.view === 5)!.message).toMatch(/^p5\.png shares almost no features with the other photos .*if it shows another object, remove it/);
  });
});
