import { describe, expect, it } from 'vitest';
import type { RGBAImage } from '../../../src/core/image.ts';
import { objectBounds, pointBounds, type PoseOutcome } from '../../../src/recon/poses/estimatePoses.ts';
import { lopsidedObject, ringViews, RING_H, RING_W } from './objectScene.ts';

const obj = lopsidedObject();
const { cameras, masks } = ringViews(obj, [0, 45, 90, 135, 180, 225, 270, 315], 20);
const images = cameras.map((): RGBAImage => ({ width: RING_W, height: RING_H, data: new Uint8ClampedArray(RING_W * RING_H * 4) }));
const placed: PoseOutcome[] = cameras.map((camera) => ({ registered: true, camera, observations: 10, source: 'sfm' }));

/** Matches triangulated on one part only: 20 points about the ball on top, none on the arm or the foot. */
function ballPoints(): Float64Array {
  const p = new Float64Array(60);
  for (let i = 0; i < 20; i++) {
    const a = (i / 20) * 2 * Math.PI;
    p.set([0.3 + 0.2 * Math.cos(a), 0.1 + 0.2 * Math.sin(a), 0.58 + 0.1 * Math.sin(3 * a)], 3 * i);
  }
  return p;
}

const contains = (b: { min: number[]; max: number[] }, inner: { min: number[]; max: number[] }) =>
  [0, 1, 2].every((a) => b.min[a] <= inner.min[a] + 1e-9 && b.max[a] >= inner.max[a] - 1e-9);

describe('objectBounds (the poses stage\'s scene bounds)', () => {
  it('holds the whole object when the points cover a part of it, from the placed views\' masks', () => {
    const points = pointBounds(ballPoints())!;
    expect(contains(points, obj.bounds)).toBe(false);
    const box = objectBounds(images, placed, masks, ballPoints())!;
    expect(contains(box, points)).toBe(true);
    expect(contains(box, obj.bounds)).toBe(true);
    // And stays near the object: no side more than half its size again.
    const size = [0, 1, 2].map((a) => obj.bounds.max[a] - obj.bounds.min[a]);
    for (let a = 0; a < 3; a++) expect(box.max[a] - box.min[a]).toBeLessThan(1.5 * Math.max(...size));
  });

  it('is the points\' box when a placed view has no mask, or without masks', () => {
    const points = pointBounds(ballPoints());
    expect(objectBounds(images, placed, undefined, ballPoints())).toEqual(points);
    expect(objectBounds(images, placed, masks.map((m, i) => (i === 3 ? undefined : m)), ballPoints())).toEqual(points);
  });

  it('uses the placed views only, and the carved box alone when there are too few points', () => {
    const some: PoseOutcome[] = placed.map((v, i) => (i % 2 ? { registered: false, reason: 'not placed' } : v));
    const box = objectBounds(images, some, masks.map((m, i) => (i % 2 ? undefined : m)), new Float64Array(0))!;
    expect(box).not.toBeNull();
    expect(contains(box, obj.bounds)).toBe(true);
  });

  it('falls back to the points\' box when the masks contradict each other', () => {
    // Each mask a small blob in a different corner: no cell projects inside them all.
    const corners = masks.map((_, i) => {
      const m = new Uint8Array(RING_W * RING_H);
      const x0 = i % 2 ? 0 : RING_W - 8, y0 = i % 4 < 2 ? 0 : RING_H - 8;
      for (let y = y0; y < y0 + 8; y++) for (let x = x0; x < x0 + 8; x++) m[y * RING_W + x] = 1;
      return m;
    });
    expect(objectBounds(images, placed, corners, ballPoints())).toEqual(pointBounds(ballPoints()));
  });
});
