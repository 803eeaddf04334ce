import { describe, expect, it } from 'vitest';
import { buildRandomObject, PRIMITIVE_KINDS } from '../../src/scenegen/objects/random/randomObject.ts';
import { MATERIAL_KINDS } from '../../src/scenegen/objects/random/materials.ts';
import { renderView } from '../../src/scenegen/render.ts';
import { dtuLikeRig } from '../../src/scenegen/rig.ts';

const W = 32, H = 24;
/** A few rig views spread over the cap: low left, middle front, high right. */
const VIEWS = [0, 24, 48];

function render(seed: number) {
  const obj = buildRandomObject(seed);
  const rig = dtuLikeRig(obj.center, obj.radius, obj.bounds, W, H);
  return VIEWS.map((i) => renderView(obj, rig[i].camera));
}

describe('seeded random objects (repair-prior training data)', () => {
  it('is deterministic: the same seed gives the same object and the same pixels', () => {
    const a = render(5), b = render(5);
    expect(buildRandomObject(5).description).toBe(buildRandomObject(5).description);
    for (let k = 0; k < a.length; k++) {
      expect(Buffer.compare(Buffer.from(a[k].image.data), Buffer.from(b[k].image.data))).toBe(0);
      expect(Buffer.compare(Buffer.from(a[k].mask), Buffer.from(b[k].mask))).toBe(0);
    }
  });

  it('varies with the seed: every primitive and material kind appears over a few dozen seeds', () => {
    const prims = new Set<string>(), mats = new Set<string>(), descriptions = new Set<string>();
    for (let s = 1; s <= 40; s++) {
      const o = buildRandomObject(s);
      o.info.primitives.forEach((p) => prims.add(p));
      o.info.materials.forEach((m) => mats.add(m));
      descriptions.add(o.description);
      expect(o.info.primitives.length).toBeGreaterThanOrEqual(1);
      expect(o.info.primitives.length).toBeLessThanOrEqual(4);
    }
    expect([...prims].sort()).toEqual([...PRIMITIVE_KINDS].sort());
    expect([...mats].sort()).toEqual([...MATERIAL_KINDS].sort());
    expect(descriptions.size).toBeGreaterThan(30);
  });

  it('has sensible masks: the object is in frame, not touching the border, and black around it', () => {
    for (const seed of [1, 2, 3, 900001]) {
      for (const { image, mask } of render(seed)) {
        const covered = mask.reduce((a, b) => a + b, 0) / mask.length;
        expect(covered, `seed ${seed}`).toBeGreaterThan(0.02);
        expect(covered, `seed ${seed}`).toBeLessThan(0.7);
        for (let i = 0; i < W; i++) expect(mask[i] + mask[(H - 1) * W + i]).toBe(0);
        for (let j = 0; j < H; j++) expect(mask[j * W] + mask[j * W + W - 1]).toBe(0);
        // Pixels whose 3x3 neighbourhood has no object are the black background.
        for (let j = 1; j < H - 1; j++)
          for (let i = 1; i < W - 1; i++) {
            let near = 0;
            for (let dj = -1; dj <= 1; dj++) for (let di = -1; di <= 1; di++) near += mask[(j + dj) * W + i + di];
            if (near === 0) expect(image.data[(j * W + i) * 4] + image.data[(j * W + i) * 4 + 1] + image.data[(j * W + i) * 4 + 2]).toBe(0);
          }
        // Inside the mask the object is lit: not all black.
        let lit = 0;
        for (let p = 0; p < W * H; p++) if (mask[p] && image.data[p * 4] + image.data[p * 4 + 1] + image.data[p * 4 + 2] > 30) lit++;
        expect(lit).toBeGreaterThan(0);
      }
    }
  });

  it('leaves the bundled objects alone', async () => {
    const { objectNames } = await import('../../src/scenegen/objects/index.ts');
    expect(objectNames()).toEqual(['pebbles', 'patterned-cube', 'stool']);
  });
});
