import { describe, expect, it } from 'vitest';
import type { Camera } from '../../../src/core/camera.ts';
import { mat3Mul, radToDeg, rotationAngleBetween, rotationFromAxisAngle, translationFromCenter, cameraCenter } from '../../../src/core/camera.ts';
import type { Features } from '../../../src/recon/poses/features/types.ts';
import { adjustWithNewViews, matchToPoints, orbitCameraAbout, registerGuided, registerGuidedTurning } from '../../../src/recon/poses/guidedRegistration.ts';
import type { SfmPoint } from '../../../src/recon/poses/incrementalSfm.ts';
import { pairwisePoseErrors } from '../../../src/recon/poses/poseErrors.ts';
import { gaussian, mulberry32, observe, randomPoints, ringCameras } from './synthetic.ts';

const DIM = 32;

function unit(v: Float32Array): Float32Array {
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}

/**
 * 4 views on an arc; each 3D point has one descriptor, seen by each view with noise. Views 0-2 are
 * "registered" (their observations form the tracks); view 3 has the points' keypoints plus as
 * many distractors with random descriptors, and its guess is off by `offDeg` in rotation.
 */
function scene(seed: number, offDeg: number, count = 150, flat = false) {
  const rng = mulberry32(seed);
  const noise = gaussian(rng);
  const cams = ringCameras(4, 4, 60);
  // flat: a thin slab seen almost face-on, small in the frame (a label on a box).
  const X = randomPoints(rng, count, flat ? 0.4 : 1).map((p) => (flat ? [p[0], p[1], 0.02 * p[2]] as typeof p : p));
  const desc = X.map(() => unit(Float32Array.from({ length: DIM }, () => noise())));
  const features: Features[] = cams.map((cam, v) => {
    const kps: number[] = [], ds: number[] = [];
    X.forEach((p, i) => {
      const [u, w] = observe(cam, p, 0.3, noise);
      kps.push(u, w);
      ds.push(...unit(desc[i].map((d) => d + 0.15 * noise())));
    });
    if (v === 3) for (let k = 0; k < count; k++) { kps.push(rng() * cam.width, rng() * cam.height); ds.push(...unit(Float32Array.from({ length: DIM }, () => noise()))); }
    return { width: cam.width, height: cam.height, keypoints: Float32Array.from(kps), scores: new Float32Array(kps.length / 2), descriptors: Float32Array.from(ds), dim: DIM, kind: 'float' };
  });
  // Points as SfM would give them: observed by views 0-2, keypoint index = point index.
  const points: SfmPoint[] = X.map((p, i) => ({ X: [p[0] + 0.002 * noise(), p[1] + 0.002 * noise(), p[2] + 0.002 * noise()], track: [0, 1, 2].map((view) => ({ view, keypoint: i })) }));
  // The guess: the true camera turned by offDeg about a tilted axis through its centre.
  const t = cams[3];
  const a = (offDeg * Math.PI) / 180;
  const R = mat3Mul(rotationFromAxisAngle([0.6 * a, 0.8 * a, 0]), t.R);
  const guess: Camera = { ...t, R, t: translationFromCenter(R, cameraCenter(t)) };
  return { cams, features, points, guess };
}

const s0 = () => ringCameras(4, 4, 60)[1];

describe('guided registration', () => {
  it('places a view from a guess 4 degrees off: projections matched in a window, PnP, then a narrow second round', () => {
    const s = scene(5, 4);
    const g = registerGuided(s.features, 3, s.guess, s.points)!;
    expect(g).not.toBeNull();
    const err = radToDeg(rotationAngleBetween(g.camera.R, s.cams[3].R));
    const dC = Math.hypot(...cameraCenter(g.camera).map((c, k) => c - cameraCenter(s.cams[3])[k]));
    console.log(`guided: ${g.matches.length} inliers of ${g.candidates} candidates, window ${g.windowPx} px, rotation error ${err.toFixed(3)} deg, centre off ${dC.toFixed(4)}`);
    expect(err).toBeLessThan(0.3);
    expect(dC).toBeLessThan(0.02);
    expect(g.matches.length).toBeGreaterThan(120);
    // Every kept match pairs a point with its own keypoint, none with a distractor.
    expect(g.matches.every((m) => m.point === m.keypoint)).toBe(true);
  });

  it('a guess far off (25 degrees) falls back to wider windows and still places the view', () => {
    const s = scene(6, 25);
    const g = registerGuided(s.features, 3, s.guess, s.points)!;
    expect(g).not.toBeNull();
    expect(radToDeg(rotationAngleBetween(g.camera.R, s.cams[3].R))).toBeLessThan(0.3);
  });

  it('the window keeps a look-alike elsewhere in the image from taking a point', () => {
    const s = scene(7, 2);
    // A distractor with point 0's own descriptor, far from its projection.
    const f = s.features[3];
    const k = s.points.length; // first distractor
    f.descriptors.set(f.descriptors.subarray(0, DIM), k * DIM);
    const near = matchToPoints(s.features, 3, s.guess, s.points, 40, 0.95);
    expect(near.find((m) => m.point === 0)?.keypoint).toBe(0);
    const anywhere = matchToPoints(s.features, 3, s.guess, s.points, Infinity, 0.95);
    expect(anywhere.find((m) => m.point === 0)).toBeUndefined(); // two equal candidates: the ratio test drops it
  });

  it('few nearly planar points small in the frame, guess 8 degrees off: placed within a degree', () => {
    const s = scene(11, 8, 30, true);
    const g = registerGuided(s.features, 3, s.guess, s.points)!;
    expect(g).not.toBeNull();
    const err = radToDeg(rotationAngleBetween(g.camera.R, s.cams[3].R));
    console.log(`guided, 30 flat points: ${g.matches.length} inliers, rotation error ${err.toFixed(3)} deg`);
    expect(err).toBeLessThan(1);
    expect(g.matches.length).toBeGreaterThanOrEqual(25);
  });

  it('no view is placed from descriptors that match nothing', () => {
    const s = scene(8, 3);
    const rng = mulberry32(9), noise = gaussian(rng);
    s.features[3].descriptors = Float32Array.from({ length: s.features[3].descriptors.length }, () => noise());
    expect(registerGuided(s.features, 3, s.guess, s.points)).toBeNull();
  });

  it('a guess half a turn off round the object (a silhouette looks alike from behind): the turned guesses place it', () => {
    const s = scene(12, 2);
    // The ring turns about the y axis through the origin (synthetic.ts ringCameras).
    const orbit = { centre: [0, 0, 0] as [number, number, number], up: [0, -1, 0] as [number, number, number] };
    const far = orbitCameraAbout(s.guess, orbit.centre, orbit.up, 160);
    expect(radToDeg(rotationAngleBetween(far.R, s.cams[3].R))).toBeGreaterThan(150);
    // Narrow windows only, so that only a guess near the truth finds the points' keypoints (the
    // synthetic descriptors are too distinct to fail in the whole image, as real ones do).
    const narrow = { windowsPx: [15], turnedWindowsPx: [15], turnStepDeg: 30 };
    expect(registerGuided(s.features, 3, far, s.points, narrow)).toBeNull();
    expect(registerGuidedTurning(s.features, 3, far, s.points, null, narrow)).toBeNull();
    const g = registerGuidedTurning(s.features, 3, far, s.points, orbit, narrow)!;
    expect(g).not.toBeNull();
    const err = radToDeg(rotationAngleBetween(g.camera.R, s.cams[3].R));
    console.log(`turned guesses: placed from the guess turned ${g.turnDeg} deg, ${g.matches.length} inliers, rotation error ${err.toFixed(3)} deg`);
    expect(Math.abs(((g.turnDeg + 160 + 540) % 360) - 180)).toBeLessThanOrEqual(30); // a turn near undoing the 160
    expect(err).toBeLessThan(0.3);
    expect(g.matches.every((m) => m.point === m.keypoint)).toBe(true);
  });

  it('a turned guess must place the view clearly: too few inliers and it is refused, with the reason', () => {
    // 30 points: a right placement from the turned guess keeps at most 30 inliers, under the
    // default 40 a long shot needs.
    const s = scene(14, 2, 30);
    const orbit = { centre: [0, 0, 0] as [number, number, number], up: [0, -1, 0] as [number, number, number] };
    const far = orbitCameraAbout(s.guess, orbit.centre, orbit.up, 160);
    const narrow = { windowsPx: [25], turnedWindowsPx: [25], turnStepDeg: 30 };
    expect(registerGuided(s.features, 3, far, s.points, narrow)).toBeNull();
    const said: string[] = [];
    expect(registerGuidedTurning(s.features, 3, far, s.points, orbit, { ...narrow, log: (l) => said.push(l) })).toBeNull();
    expect(said.join(' ')).toMatch(/not clear enough/);
    const g = registerGuidedTurning(s.features, 3, far, s.points, orbit, { ...narrow, turnedMinInliers: 15 });
    expect(g).not.toBeNull();
    expect(radToDeg(rotationAngleBetween(g!.camera.R, s.cams[3].R))).toBeLessThan(0.5);
  });

  it('orbitCameraAbout keeps the distance to the axis and turns the camera by the angle', () => {
    const cam = s0();
    const c: [number, number, number] = [0.3, -0.2, 0.1], up: [number, number, number] = [0, -1, 0];
    const turned = orbitCameraAbout(cam, c, up, 90);
    expect(radToDeg(rotationAngleBetween(turned.R, cam.R))).toBeCloseTo(90, 6);
    const d = (x: number[]) => Math.hypot(x[0] - c[0], x[2] - c[2]);
    expect(d(cameraCenter(turned))).toBeCloseTo(d(cameraCenter(cam)), 9);
    expect(cameraCenter(turned)[1]).toBeCloseTo(cameraCenter(cam)[1], 9);
    const back = orbitCameraAbout(turned, c, up, -90);
    expect(radToDeg(rotationAngleBetween(back.R, cam.R))).toBeLessThan(1e-6);
  });

  it('bundle adjustment with the new view keeps the registered ones and the new one on the truth', () => {
    const s = scene(10, 4);
    const g = registerGuided(s.features, 3, s.guess, s.points)!;
    const cams = [s.cams[0], s.cams[1], s.cams[2], g.camera];
    const adj = adjustWithNewViews(s.features, cams, s.points, g.matches.map((m) => ({ view: 3, ...m })), 2);
    const e = pairwisePoseErrors(adj.cameras as Camera[], s.cams);
    console.log(`guided + BA: RMS ${adj.rmsBefore.toFixed(3)} -> ${adj.rmsAfter.toFixed(3)} px, pairwise rotation max ${e.rotationDeg.max.toFixed(3)} deg`);
    expect(adj.rmsAfter).toBeLessThan(0.6);
    expect(e.rotationDeg.max).toBeLessThan(0.2);
  });
});
