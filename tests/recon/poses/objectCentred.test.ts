import { describe, expect, it } from 'vitest';
import type { Camera } from '../../../src/core/camera.ts';
import { cameraCenter, orbitCamera, orbitPoseOfCamera, projectPoint, mat3Mul, mat3Transpose, radToDeg, rotationAngleBetween, rotationFromAxisAngle, transformCameraPose } from '../../../src/core/camera.ts';
import { isInputError } from '../../../src/core/errors.ts';
import {
  absolutePoseErrors, alignCamerasToReference, applySimilarity, defaultArcDeg, objectCentredStart, pairwisePoseErrors, placeWithObjectCentredStart,
  refineBySilhouettes, SilhouetteConsistency, type ObjectView, type SfmResult,
} from '../../../src/recon/poses/index.ts';
import { lopsidedObject, ringViews, RING_F, RING_H, RING_W } from './objectScene.ts';

const ELEVATION_DEG = 25;
const obj = lopsidedObject();

function scene(azimuthsDeg: number[]) {
  const { cameras, masks } = ringViews(obj, azimuthsDeg, ELEVATION_DEG);
  const views: ObjectView[] = masks.map((mask, i) => ({ width: RING_W, height: RING_H, mask, focalPx: RING_F, name: `IMG_${i + 1}.png` }));
  return { truth: cameras, views };
}

/** Median per-view rotation error (degrees) after similarity alignment, and the alignment-free median pairwise one. */
function errors(est: Camera[], truth: Camera[]) {
  const aligned = alignCamerasToReference(est, truth)!;
  return {
    aligned: absolutePoseErrors(aligned.cameras, truth).rotationDeg.median,
    pairwise: pairwisePoseErrors(est, truth).rotationDeg.median,
  };
}

const fmt = (x: number) => x.toFixed(2);

/** A ring view's mask centroid, continuous pixel coordinates. */
function maskCentroid(m: Uint8Array): [number, number] {
  let n = 0, su = 0, sv = 0;
  for (let p = 0; p < m.length; p++) if (m[p]) { n++; su += (p % RING_W) + 0.5; sv += Math.floor(p / RING_W) + 0.5; }
  return [su / n, sv / n];
}

describe('object-centred pose start', () => {
  // Truth: rings at 25 degrees elevation. The 3-view azimuths are the default -45/0/+45 arc's
  // relative steps plus 25 degrees; the 5-view ones are 360/5 spacing perturbed by 22-26 degrees.
  const three = [0, 70, 115];
  const five = [0, 50, 170, 190, 310];

  it('(a) with the true relative rotations, the start is within a few degrees of the truth after similarity alignment', () => {
    for (const az of [three, five]) {
      const { truth, views } = scene(az);
      const relativeRotations = az.slice(1).map((_, k) => ({ a: k, b: k + 1, R: mat3Mul(truth[k + 1].R, mat3Transpose(truth[k].R)) }));
      const perView = objectCentredStart(views, { relativeRotations });
      const shared = objectCentredStart(views, { relativeRotations, distance: 'shared' });
      expect(perView.azimuthSource).toEqual(az.map((_, i) => (i === 0 ? 'evenly spaced' : 'chained')));
      const e = errors(perView.cameras, truth), es = errors(shared.cameras, truth);
      console.log(`(a) ${az.length} views: aligned median rotation error ${fmt(e.aligned)} deg (per-view distances), ${fmt(es.aligned)} (shared); pairwise ${fmt(e.pairwise)}`);
      // The chained rotations are exact; what is left comes from the centres (centroid rays, mask-size distances).
      expect(e.pairwise).toBeLessThan(1e-6);
      expect(e.aligned).toBeLessThan(8);
      expect(es.aligned).toBeLessThan(3);
      // Every camera sees the origin at its mask centroid, in front of it.
      for (const cam of perView.cameras) expect(Math.hypot(...cameraCenter(cam))).toBeGreaterThan(1);
    }
  });

  it('evenly spaced defaults: 360/n for 4 and more views, a 90 degree arc for 3', () => {
    expect(defaultArcDeg(5)).toBe(288);
    expect(defaultArcDeg(3)).toBe(90);
    const { views } = scene(three);
    const start = objectCentredStart(views);
    expect(start.poses.map((p) => Math.round(radToDeg(p.azimuth)))).toEqual([-45, 0, 45]);
    start.poses.forEach((p) => {
      expect(radToDeg(p.elevation)).toBeCloseTo(20, 6);
      expect(p.roll).toBeCloseTo(0, 9);
    });
    expect(start.azimuthSource).toEqual(['evenly spaced', 'evenly spaced', 'evenly spaced']);
  });

  for (const [label, az] of [['3', three], ['5', five]] as const)
    it(`(b) ${label} views: refineBySilhouettes from evenly spaced azimuths (off by 20-30 degrees) reduces the rotation error and raises silhouette consistency`, async () => {
      const { truth, views } = scene(az);
      const start = objectCentredStart(views);
      const sc = new SilhouetteConsistency(views, { halfExtent: start.halfExtent });
      const atTruth = sc.evaluate(truth);
      const refined = await refineBySilhouettes(start.cameras, views, { halfExtent: start.halfExtent });
      const before = errors(start.cameras, truth), after = errors(refined.cameras, truth);
      console.log(
        `(b) ${label} views: median pairwise rotation error ${fmt(before.pairwise)} -> ${fmt(after.pairwise)} deg, aligned ${fmt(before.aligned)} -> ${fmt(after.aligned)}; ` +
        `coverage ${fmt(refined.before.score)} -> ${fmt(refined.after.score)} (true cameras ${fmt(atTruth.score)}), IoU ${fmt(refined.before.iou)} -> ${fmt(refined.after.iou)} (true ${fmt(atTruth.iou)}); ${refined.evaluations} evaluations`,
      );
      expect(before.pairwise).toBeGreaterThan(18);
      expect(after.pairwise).toBeLessThan(0.6 * before.pairwise);
      expect(after.aligned).toBeLessThan(before.aligned);
      expect(refined.after.score).toBeGreaterThan(refined.before.score + 0.02);
      expect(refined.after.iou).toBeGreaterThan(refined.before.iou);
      // The first camera is the gauge and stays.
      expect(refined.cameras[0]).toEqual(start.cameras[0]);
    });

  it('(c) an empty mask is an InputError naming the photo', async () => {
    const { views } = scene(three);
    const bad = views.map((v, i) => (i === 1 ? { ...v, mask: new Uint8Array(v.mask.length) } : v));
    const expectNamed = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        expect(isInputError(e)).toBe(true);
        expect((e as Error).message).toMatch(/^IMG_2\.png: the mask is empty/);
        return;
      }
      throw new Error('no error thrown');
    };
    expectNamed(() => objectCentredStart(bad));
    expectNamed(() => new SilhouetteConsistency(bad));
    await expect(refineBySilhouettes(objectCentredStart(views).cameras, bad)).rejects.toThrow(/IMG_2\.png: the mask is empty/);
    const unnamed = bad.map(({ name: _name, ...v }) => v);
    expect(() => objectCentredStart(unnamed)).toThrow(/^photo 2: the mask is empty/);
    expect(() => objectCentredStart([{ ...views[0], mask: new Uint8Array(5) }])).toThrow(/IMG_1\.png: the mask has 5 pixels/);
  });

  it('placeWithObjectCentredStart: SfM placed 2 of 3 views; the third gets a camera in their frame, the two stay as SfM left them', async () => {
    const { truth, views } = scene([0, 40, 110]);
    // SfM's frame: the true one moved by an arbitrary similarity (SfM fixes neither scale nor orientation).
    const S = rotationFromAxisAngle([0.4, -1.1, 0.7]), s = 0.37, u = [2, -1, 5];
    const inSfm = truth.map((c) => transformCameraPose(c, s, S, u));
    const sfm: SfmResult = {
      views: [
        { registered: true, camera: inSfm[0], observations: 40 },
        { registered: true, camera: inSfm[1], observations: 40 },
        { registered: false, reason: 'too few matches with registered views' },
      ],
      points: [],
      diagnostics: { pairs: [], initialPair: [0, 1], registrationOrder: [0, 1], focalPx: RING_F, focalSource: 'exif', finalRmsPx: 0.5, log: [] },
    };
    const placed = await placeWithObjectCentredStart(sfm, views);
    expect(placed.source).toEqual(['sfm', 'sfm', 'object-centred']);
    expect(placed.cameras[0]).toBe(inSfm[0]);
    expect(placed.cameras[1]).toBe(inSfm[1]);
    const third = placed.cameras[2];
    const rotErr = radToDeg(rotationAngleBetween(third.R, inSfm[2].R));
    const c = cameraCenter(third), ct = cameraCenter(inSfm[2]);
    const baseline = Math.hypot(...cameraCenter(inSfm[0]).map((v, k) => v - cameraCenter(inSfm[1])[k]));
    const centreErr = Math.hypot(c[0] - ct[0], c[1] - ct[1], c[2] - ct[2]) / baseline;
    const pair = pairwisePoseErrors(placed.cameras, inSfm);
    console.log(
      `place: third view rotation error ${fmt(rotErr)} deg in SfM's frame, centre error ${fmt(centreErr)} baselines; pairwise rotation median ${fmt(pair.rotationDeg.median)} max ${fmt(pair.rotationDeg.max)}; ` +
      `silhouette coverage ${fmt(placed.refinement!.before.score)} -> ${fmt(placed.refinement!.after.score)}`,
    );
    // Consistent with the first two's frame: orientation and position, not just some camera.
    expect(rotErr).toBeLessThan(15);
    expect(centreErr).toBeLessThan(0.6);
    // The frame mapping (rotation, scale, translation from the two SfM views): the object's centre
    // in SfM's frame lands near the third photo's mask centroid.
    const centroid = maskCentroid(views[2].mask);
    const centre = projectPoint(third, applySimilarity({ s, R: S, t: u as [number, number, number] }, obj.center));
    const px = Math.hypot(centre[0] - centroid[0], centre[1] - centroid[1]);
    console.log(`place: object centre projects ${fmt(px)} px from the third mask's centroid`);
    expect(centre[2]).toBeGreaterThan(0);
    expect(px).toBeLessThan(4);
    // The orbit axis handed to guided matching: the object's centre and the vertical in SfM's frame
    // (the truth's vertical is +z, world up of the orbit cameras).
    const trueCentre = applySimilarity({ s, R: S, t: u as [number, number, number] }, obj.center);
    const upTrue = [S[2], S[5], S[8]]; // S (0, 0, 1)
    const o = placed.orbit!;
    const upErr = radToDeg(Math.acos(Math.min(1, (o.up[0] * upTrue[0] + o.up[1] * upTrue[1] + o.up[2] * upTrue[2]) / Math.hypot(...o.up))));
    const centreOff = Math.hypot(...o.centre.map((x, k) => x - trueCentre[k])) / baseline;
    console.log(`place: orbit axis ${fmt(upErr)} deg from the vertical, centre ${fmt(centreOff)} baselines off`);
    expect(upErr).toBeLessThan(10);
    expect(centreOff).toBeLessThan(0.2);
    // The object-centred placement in SfM's frame without refinement would be at the default slot (+45 deg): refinement moved it towards the truth.
    expect(placed.refinement!.after.score).toBeGreaterThan(placed.refinement!.before.score);
  });

  it('placeWithObjectCentredStart: with no view placed, the rotations of pairs too weak for SfM turn the guess the right way', async () => {
    // Four photos 20 degrees apart: the even full-circle spacing (90 apart) is far off; the weak
    // pairs' rotations (as the essential matrix of 12-29 matches gives them, a little noisy) are not.
    const { truth, views } = scene([0, 20, 40, 60]);
    const noisy = (R: Camera['R'], k: number) => mat3Mul(rotationFromAxisAngle([0.01 * Math.sin(k), 0.01 * Math.cos(k), 0.005]), R);
    const pairs = [[0, 1], [1, 2], [2, 3]].map(([a, b], k) => ({ a, b, matches: 25, inliers: 18 - k, medianAngleDeg: 0, R: noisy(mat3Mul(truth[b].R, mat3Transpose(truth[a].R)), k) }));
    const sfm: SfmResult = {
      views: truth.map(() => ({ registered: false as const, reason: 'too few matches: 25 (need 30)' })),
      points: [],
      diagnostics: { pairs, initialPair: null, registrationOrder: [], focalPx: RING_F, focalSource: 'exif', finalRmsPx: NaN, log: [] },
    };
    const withPairs = pairwisePoseErrors((await placeWithObjectCentredStart(sfm, views)).cameras, truth);
    const without = pairwisePoseErrors((await placeWithObjectCentredStart(sfm, views, { weakPairs: false })).cameras, truth);
    console.log(`weak pairs: pairwise rotation median ${fmt(withPairs.rotationDeg.median)} deg with them, ${fmt(without.rotationDeg.median)} without`);
    expect(withPairs.rotationDeg.median).toBeLessThan(5);
    expect(without.rotationDeg.median).toBeGreaterThan(4 * withPairs.rotationDeg.median);
  });

  it('placeWithObjectCentredStart: clusters of views that only chain among themselves are turned round the object as one', async () => {
    // Wide baselines (Blender lego's 8 views come in three clusters 85-130 degrees apart): SfM
    // places one cluster; the other two are each chained by a weak pair's rotation, but where they
    // stand round the object only the silhouettes can say.
    // The clusters stand about 110 and 140 degrees from where the evenly spaced guess puts them.
    const az = [0, 20, 40, 260, 285, 120, 140];
    const { truth, views } = scene(az);
    const weak = [[3, 4], [5, 6]].map(([a, b]) => ({ a, b, matches: 25, inliers: 18, medianAngleDeg: 0, R: mat3Mul(truth[b].R, mat3Transpose(truth[a].R)) }));
    const sfm: SfmResult = {
      views: truth.map((camera, i) => (i < 3 ? { registered: true as const, camera, observations: 40 } : { registered: false as const, reason: 'sees too few reconstructed points: 0 (need 15)' })),
      points: [],
      diagnostics: { pairs: weak, initialPair: [0, 1], registrationOrder: [0, 1, 2], focalPx: RING_F, focalSource: 'exif', finalRmsPx: 0.5, log: [] },
    };
    const grouped = await placeWithObjectCentredStart(sfm, views);
    const single = await placeWithObjectCentredStart(sfm, views, { groups: [] });
    const e = (r: typeof grouped) => pairwisePoseErrors(r.cameras, truth).rotationDeg;
    console.log(`clusters: pairwise rotation median / max ${fmt(e(grouped).median)} / ${fmt(e(grouped).max)} deg moved as groups, ${fmt(e(single).median)} / ${fmt(e(single).max)} one view at a time`);
    expect(grouped.source).toEqual(['sfm', 'sfm', 'sfm', 'object-centred', 'object-centred', 'object-centred', 'object-centred']);
    expect(e(grouped).max).toBeLessThan(15);
    expect(e(single).max).toBeGreaterThan(2 * e(grouped).max);
  });

  it('refineBySilhouettes frees the aim: views started with the object centre at their mask centroids (not where the centre projects) end nearer the truth than with the aim held', async () => {
    // The lopsided object's mask centroid is off the projection of its centre, so a camera forced
    // to aim its centroid at the centre is turned away from the truth. (On these 96x72 masks the
    // local search drifts from a start 3-4 degrees off either way; what is compared is how far.)
    const { truth, views } = scene([0, 40, 110, 200]);
    // The object-centred frame: the object's centre at the origin.
    const centred = truth.map((c) => transformCameraPose(c, 1, [1, 0, 0, 0, 1, 0, 0, 0, 1], obj.center.map((x) => -x)));
    const start = centred.map((c, i) => (i < 2 ? c : orbitCamera(orbitPoseOfCamera(c).pose, c, maskCentroid(views[i].mask))));
    const fixed = [true, true, false, false];
    const opts = { fixed, azimuthRangeDeg: 0 };
    const withAim = await refineBySilhouettes(start, views, opts);
    const without = await refineBySilhouettes(start, views, { ...opts, parameters: ['azimuth', 'elevation', 'roll', 'distance'] });
    const [e0, eAim, eHeld] = [start, withAim.cameras, without.cameras].map((cams) => pairwisePoseErrors(cams, centred).rotationDeg);
    console.log(`aim: pairwise rotation median / max ${fmt(e0.median)} / ${fmt(e0.max)} deg at the start, ` +
      `${fmt(eAim.median)} / ${fmt(eAim.max)} with the aim free, ${fmt(eHeld.median)} / ${fmt(eHeld.max)} held`);
    expect(e0.max).toBeGreaterThan(2);
    expect(eAim.max).toBeLessThan(eHeld.max);
    expect(withAim.after.score).toBeGreaterThanOrEqual(without.after.score);
  });

  it('placeWithObjectCentredStart keeps a complete SfM result as it is', async () => {
    const { truth, views } = scene(three);
    const sfm: SfmResult = {
      views: truth.map((camera) => ({ registered: true as const, camera, observations: 10 })),
      points: [],
      diagnostics: { pairs: [], initialPair: [0, 1], registrationOrder: [0, 1, 2], focalPx: RING_F, focalSource: 'exif', finalRmsPx: 0.5, log: [] },
    };
    const placed = await placeWithObjectCentredStart(sfm, views);
    expect(placed.source).toEqual(['sfm', 'sfm', 'sfm']);
    expect(placed.cameras).toEqual(truth);
    expect(placed.refinement).toBeNull();
  });

  it('SilhouetteConsistency updates its last evaluation: the same scores, to the last bit, as a fresh carve, when one camera or several move', () => {
    const { truth, views } = scene(five);
    const incremental = new SilhouetteConsistency(views, { resolution: 24 });
    let current = [...truth];
    const turn = (c: Camera, deg: number, axis: [number, number, number]) =>
      transformCameraPose(c, 1, rotationFromAxisAngle(axis.map((a) => (a * deg * Math.PI) / 180) as [number, number, number]), [0, 0, 0]);
    const moves: Camera[][] = [];
    for (let n = 0; n < 24; n++) {
      const trial = [...current];
      // Mostly one camera at a time (as the searches move them), every fifth call three at once.
      for (const v of n % 5 === 4 ? [1, 2, 3] : [1 + (n % 4)]) trial[v] = turn(current[v], n % 2 ? 3 : -2, [0.3, 0.9, 0.1]);
      moves.push(trial);
      if (n % 3 === 0) current = trial;
    }
    let differs = 0;
    for (const cams of moves) {
      const got = incremental.evaluate(cams);
      const fresh = new SilhouetteConsistency(views, { resolution: 24 }).evaluate(cams);
      expect(got.perView).toEqual(fresh.perView);
      expect(got.perViewIou).toEqual(fresh.perViewIou);
      if (Math.abs(fresh.score - incremental.evaluate(truth).score) > 1e-6) differs++;
    }
    // The moves change the score (the check is not of a constant).
    expect(differs).toBeGreaterThan(10);
  });
});

