/**
 * Pseudo-view sampling and weights (src/recon/prior/novelViews.ts) on rigs whose answer is known:
 * inputs on a circle around the object, a full ring, two inputs, one input.
 */
import { describe, expect, it } from 'vitest';
import { cameraCenter, isRotation, lookAtCamera, normalize, projectPoint, sub, dot, type Camera, type Vec3 } from '../../../src/core/camera.ts';
import { distanceWeight, nearestInput, sampleNovelViews, slerpQuat } from '../../../src/recon/prior/novelViews.ts';

const intr = { fx: 50, fy: 50, cx: 32, cy: 24, width: 64, height: 48 };
const centre: Vec3 = [0.2, -0.1, 0.3];
const deg = Math.PI / 180;

/** A camera at azimuth `az` (degrees) on a circle of `r` about `centre` in the z = const plane, looking at it. */
function ringCamera(az: number, r = 3, el = 0): Camera {
  const eye: Vec3 = [centre[0] + r * Math.cos(el * deg) * Math.sin(az * deg), centre[1] - r * Math.cos(el * deg) * Math.cos(az * deg), centre[2] + r * Math.sin(el * deg)];
  return lookAtCamera(eye, centre, [0, 0, 1], intr);
}

const azimuthOf = (c: Camera) => {
  const d = sub(cameraCenter(c), centre);
  return Math.atan2(d[0], -d[1]) / deg;
};

describe('sampleNovelViews', () => {
  const inputs = [ringCamera(-30), ringCamera(0), ringCamera(40)];

  it('puts between views on the arc between neighbouring inputs, looking at the object, in proportion to the gaps', () => {
    const views = sampleNovelViews(inputs, centre, { count: 7, outsideShare: 0 });
    expect(views.length).toBe(7);
    expect(views.every((v) => v.kind === 'between')).toBe(true);
    const az = views.map((v) => azimuthOf(v.camera)).sort((a, b) => a - b);
    // Gaps 30 and 40 degrees: 3 views in the first (every 7.5), 4 in the second (every 8).
    [-22.5, -15, -7.5, 8, 16, 24, 32].forEach((a, i) => expect(az[i]).toBeCloseTo(a, 6));
    for (const v of views) {
      expect(isRotation(v.camera.R)).toBe(true);
      expect(Math.hypot(...sub(cameraCenter(v.camera), centre))).toBeCloseTo(3, 6);
      // Slerped rotations of cameras that look at the centre look at the centre.
      const [u, w] = projectPoint(v.camera, centre);
      expect(u).toBeCloseTo(intr.cx, 4);
      expect(w).toBeCloseTo(intr.cy, 4);
    }
  });

  it('puts outside views past both ends of the inputs, up to the mean gap', () => {
    const views = sampleNovelViews(inputs, centre, { count: 8, outsideShare: 0.5 });
    const outside = views.filter((v) => v.kind === 'outside').map((v) => azimuthOf(v.camera)).sort((a, b) => a - b);
    expect(outside.length).toBe(4);
    // Mean gap 35 degrees: two views past each end, at 17.5 and 35 degrees.
    [-65, -47.5, 57.5, 75].forEach((a, i) => expect(outside[i]).toBeCloseTo(a, 6));
    for (const v of views.filter((x) => x.kind === 'outside')) {
      const [u, w] = projectPoint(v.camera, centre);
      expect(u).toBeCloseTo(intr.cx, 4);
      expect(w).toBeCloseTo(intr.cy, 4);
    }
  });

  it('weighs each view by its angle to the nearest input: 0 at an input, full weight from half the mean gap on', () => {
    const views = sampleNovelViews(inputs, centre, { count: 8, outsideShare: 0.5, maxWeight: 2 });
    for (const v of views) {
      const az = azimuthOf(v.camera);
      const dists = inputs.map((c) => Math.abs(azimuthOf(c) - az));
      const k = dists.indexOf(Math.min(...dists));
      expect(v.nearest).toBe(k);
      expect(v.distance / deg).toBeCloseTo(dists[k], 5);
      expect(v.weight).toBeCloseTo(2 * Math.min(1, dists[k] / 17.5), 5);
    }
    // Farther views never weigh less.
    const sorted = [...views].sort((a, b) => a.distance - b.distance);
    for (let i = 1; i < sorted.length; i++) expect(sorted[i].weight).toBeGreaterThanOrEqual(sorted[i - 1].weight);
    expect(distanceWeight(0, 1, 3)).toBe(0);
    expect(distanceWeight(0.5, 1, 3)).toBe(1.5);
    expect(distanceWeight(4, 1, 3)).toBe(3);
  });

  it('finds where a full ring of inputs is open, whatever order the inputs come in', () => {
    const ring = [90, 0, 270, 45, 180, 135, 225].map((a) => ringCamera(a, 2.5, 20)); // 315 missing: the open gap
    const views = sampleNovelViews(ring, centre, { count: 14, outsideShare: 2 / 14 });
    const between = views.filter((v) => v.kind === 'between');
    expect(between.length).toBe(12);
    // Two views in each 45-degree gap, none across the open 90-degree gap from 270 to 360.
    const az = between.map((v) => ((azimuthOf(v.camera) % 360) + 360) % 360);
    expect(az.filter((a) => a > 270).length).toBe(0);
    const outside = views.filter((v) => v.kind === 'outside').map((v) => ((azimuthOf(v.camera) % 360) + 360) % 360).sort((a, b) => a - b);
    // Into the open gap from both sides, up to the mean gap (45) capped at half the open gap (45).
    expect(outside[0]).toBeCloseTo(315, 4);
    expect(outside[1]).toBeCloseTo(315, 4);
    // The slerped views keep the rig's elevation.
    for (const v of between) {
      const d = normalize(sub(cameraCenter(v.camera), centre));
      expect(Math.asin(d[2]) / deg).toBeCloseTo(20, 4);
    }
  });

  it('turns one input about its image up axis, both ways', () => {
    const one = [ringCamera(10)];
    const views = sampleNovelViews(one, centre, { count: 4, outsideAngle: 40 * deg });
    expect(views.every((v) => v.kind === 'outside' && v.nearest === 0)).toBe(true);
    expect(views.map((v) => azimuthOf(v.camera)).sort((a, b) => a - b).map((a) => Math.round(a * 1e6) / 1e6)).toEqual([-30, -10, 30, 50]);
    const w = views.map((v) => v.weight).sort();
    [0.5, 0.5, 1, 1].forEach((x, i) => expect(w[i]).toBeCloseTo(x, 9));
  });

  it('gives none for no inputs or no count, and two inputs get the arc between them', () => {
    expect(sampleNovelViews([], centre, { count: 3 })).toEqual([]);
    expect(sampleNovelViews(inputs, centre, { count: 0 })).toEqual([]);
    const views = sampleNovelViews([ringCamera(0), ringCamera(60)], centre, { count: 3, outsideShare: 0 });
    expect(views.map((v) => azimuthOf(v.camera)).sort((a, b) => a - b).map((a) => Math.round(a * 1e6) / 1e6)).toEqual([15, 30, 45]);
    expect(views.find((v) => Math.abs(azimuthOf(v.camera) - 30) < 1e-6)!.weight).toBeCloseTo(1, 9);
  });
});

describe('slerpQuat and nearestInput', () => {
  it('slerps along the short arc, ends included', () => {
    const a = [1, 0, 0, 0], b = [Math.cos(0.5), 0, 0, Math.sin(0.5)];
    const m = slerpQuat(a, b, 0.5);
    expect(m[0]).toBeCloseTo(Math.cos(0.25), 12);
    expect(m[3]).toBeCloseTo(Math.sin(0.25), 12);
    expect(slerpQuat(a, b.map((v) => -v), 1)[3]).toBeCloseTo(Math.sin(0.5), 12);
  });

  it('names the input whose centre is at the smallest angle', () => {
    const ins = [ringCamera(0), ringCamera(90), ringCamera(200)];
    const near = nearestInput(cameraCenter(ringCamera(150, 7)), ins, centre);
    expect(near.index).toBe(2);
    expect(near.distance / deg).toBeCloseTo(50, 6);
    expect(dot([1, 0, 0], [1, 0, 0])).toBe(1);
  });
});
