import { describe, expect, it } from 'vitest';
import { alignCamerasToReference } from '../../../src/recon/poses/alignSimilarity.ts';
import { betterFocalStart, incrementalSfm } from '../../../src/recon/poses/incrementalSfm.ts';
import { absolutePoseErrors, pairwisePoseErrors } from '../../../src/recon/poses/poseErrors.ts';
import { buildTracks } from '../../../src/recon/poses/tracks.ts';
import { mulberry32, randomPoints, ringCameras } from './synthetic.ts';
import { synthesise } from './sfmScene.ts';

const W = 640, H = 480;


describe('tracks', () => {
  it('joins matches into tracks and drops a track holding two keypoints of one view', () => {
    const tracks = buildTracks([3, 3, 3], [
      { a: 0, b: 1, pairs: [0, 0, 1, 1, 2, 2] },
      { a: 1, b: 2, pairs: [0, 0, 1, 1] },
      { a: 0, b: 2, pairs: [1, 2, 2, 1] }, // links (0,1)-(2,2) and (0,2)-(2,1)
    ]);
    // Track of (0,0),(1,0),(2,0) survives; (0,1),(1,1),(2,1),(2,2),(0,2),(1,2) holds two keypoints of views 0, 1 and 2.
    expect(tracks).toHaveLength(1);
    expect(tracks[0].map((o) => `${o.view}:${o.keypoint}`).sort()).toEqual(['0:0', '1:0', '2:0']);
  });
});

describe('incremental SfM', () => {
  it('6-view ring without EXIF: all registered, median rotation error < 0.5 deg after alignment, focal refined', () => {
    const f = 1.1 * W; // the guess (1.2 x max side) is 9% off
    const truth = ringCameras(6, 4, 360, { fx: f, fy: f, cx: W / 2, cy: H / 2, width: W, height: H });
    const pts = randomPoints(mulberry32(31), 150, 1.2);
    const { views, matches } = synthesise(truth, pts, 32);
    // A seventh photo matched too sparsely to be placed.
    views.push({ width: W, height: H, keypoints: Array.from({ length: 24 }, (_, k) => k * 10) });
    matches.push({ a: 0, b: 6, pairs: Array.from({ length: 24 }, (_, k) => k % 12) });
    const t0 = performance.now();
    const res = incrementalSfm(views, matches, { seed: 3 });
    const ms = performance.now() - t0;
    const placed = res.views.slice(0, 6);
    expect(placed.every((v) => v.registered)).toBe(true);
    expect(res.views[6]).toEqual({ registered: false, reason: 'too few matches: 12 (need 30)' });
    const cams = placed.map((v) => (v.registered ? v.camera : null)!);
    const aligned = alignCamerasToReference(cams, truth)!;
    const abs = absolutePoseErrors(aligned.cameras, truth);
    const pw = pairwisePoseErrors(cams, truth);
    const focalErr = Math.abs(res.diagnostics.focalPx / f - 1);
    console.log(`sfm (${ms.toFixed(0)} ms): ${res.points.length} points, RMS ${res.diagnostics.finalRmsPx.toFixed(3)} px, rotation median ${abs.rotationDeg.median.toFixed(3)} / max ${abs.rotationDeg.max.toFixed(3)} deg, pairwise rotation median ${pw.rotationDeg.median.toFixed(3)} deg, translation-direction median ${pw.translationDeg.median.toFixed(3)} deg, focal ${res.diagnostics.focalPx.toFixed(1)} (${(100 * focalErr).toFixed(2)}%), order ${res.diagnostics.registrationOrder}`);
    expect(abs.rotationDeg.median).toBeLessThan(0.5);
    expect(pw.rotationDeg.max).toBeLessThan(1);
    expect(pw.translationDeg.median).toBeLessThan(1);
    expect(focalErr).toBeLessThan(0.01);
    expect(res.diagnostics.finalRmsPx).toBeLessThan(1);
    expect(res.points.length).toBeGreaterThan(100);
    // The reruns from the refined focal recover the geometry of all 12 matched pairs.
    expect(res.diagnostics.pairs.filter((p) => p.inliers >= 30)).toHaveLength(12);
    expect(res.diagnostics.log[0]).toMatch(/^focal guess \d+\.\d( -> \d+\.\d)+ -> 70\d\.\d px \(reruns from each refined focal\)/);
  }, 120_000);

  it('with EXIF focal: poses recovered, focal kept; a view with no matches says so', () => {
    const f = 600;
    const truth = ringCameras(4, 4, 120, { fx: f, fy: f, cx: W / 2, cy: H / 2, width: W, height: H });
    const pts = randomPoints(mulberry32(41), 120, 1.2);
    const { views, matches } = synthesise(truth, pts, 42, 3);
    views.forEach((v) => { v.focalPx = f; });
    views.push({ width: W, height: H, keypoints: [], focalPx: f });
    const res = incrementalSfm(views, matches, { seed: 4 });
    expect(res.views.slice(0, 4).every((v) => v.registered)).toBe(true);
    expect(res.views[4]).toEqual({ registered: false, reason: 'too few matches: 0 (need 30)' });
    expect(res.diagnostics.focalPx).toBe(f);
    const cams = res.views.slice(0, 4).map((v) => (v.registered ? v.camera : null)!);
    const pw = pairwisePoseErrors(cams, truth);
    console.log(`sfm exif: pairwise rotation median ${pw.rotationDeg.median.toFixed(3)} / max ${pw.rotationDeg.max.toFixed(3)} deg, translation-direction median ${pw.translationDeg.median.toFixed(3)} deg`);
    expect(pw.rotationDeg.max).toBeLessThan(0.5);
    expect(pw.translationDeg.median).toBeLessThan(1);
  });

  it('3 views of a phone-like wide lens (f = 0.7 x width, guess 1.2 x): the fallback focal guess places all, focal within 2%', () => {
    const f = 0.7 * W;
    const truth = ringCameras(3, 4, 90, { fx: f, fy: f, cx: W / 2, cy: H / 2, width: W, height: H });
    const pts = randomPoints(mulberry32(51), 100, 1.2);
    const { views, matches } = synthesise(truth, pts, 52, 2);
    const res = incrementalSfm(views, matches, { seed: 5 });
    expect(res.views.every((v) => v.registered)).toBe(true);
    const cams = res.views.map((v) => (v.registered ? v.camera : null)!);
    const pw = pairwisePoseErrors(cams, truth);
    const focalErr = Math.abs(res.diagnostics.focalPx / f - 1);
    console.log(`sfm 3 views: pairwise rotation max ${pw.rotationDeg.max.toFixed(3)} deg, translation-direction max ${pw.translationDeg.max.toFixed(3)} deg, focal ${res.diagnostics.focalPx.toFixed(1)} (${(100 * focalErr).toFixed(2)}%)`);
    expect(pw.rotationDeg.max).toBeLessThan(0.5);
    expect(pw.translationDeg.max).toBeLessThan(1);
    expect(focalErr).toBeLessThan(0.02);
  });
});

describe('choosing between focal starts', () => {
  /** A stand-in run: `placed` of 9 views registered, at this final RMS. */
  const run = (placed: number, rms: number) => ({
    views: Array.from({ length: 9 }, (_, i) => (i < placed ? { registered: true as const, camera: null as never, observations: 1 } : { registered: false as const, reason: '' })),
    diagnostics: { finalRmsPx: rms } as never,
  });
  it('more views placed wins, then the lower RMS; one view more loses to an RMS lower by over 20% (4 views and more)', () => {
    expect(betterFocalStart(run(8, 0.4), run(8, 0.5))).toBe(true);
    expect(betterFocalStart(run(8, 0.5), run(8, 0.4))).toBe(false);
    // One view more at 10% more RMS: the view wins (adding a view raises a right run's RMS a little).
    expect(betterFocalStart(run(9, 0.44), run(8, 0.4))).toBe(true);
    // DTU 9's case: 9 views at 0.623 px (a wrong focal) against 8 at 0.476.
    expect(betterFocalStart(run(9, 0.623), run(8, 0.476))).toBe(false);
    expect(betterFocalStart(run(8, 0.476), run(9, 0.623))).toBe(true);
    // Two views more win whatever the RMS; a run without an RMS loses on views only.
    expect(betterFocalStart(run(9, 0.9), run(7, 0.4))).toBe(true);
    expect(betterFocalStart(run(9, NaN), run(8, 0.4))).toBe(true);
    // Under 4 views the RMS says little about the focal (two views fit any): the view placed wins.
    expect(betterFocalStart(run(3, 0.6), run(2, 0.2))).toBe(true);
    expect(betterFocalStart(run(4, 0.6), run(3, 0.2))).toBe(true);
  });
});

describe('essential-matrix restarts', () => {
  it('a weak pair (a third of the matches right, few RANSAC iterations): restarts keep the run with the most inliers, and their pose is right where one run fails', () => {
    const f = 600;
    const truth = ringCameras(2, 4, 30, { fx: f, fy: f, cx: W / 2, cy: H / 2, width: W, height: H });
    const pts = randomPoints(mulberry32(7), 80, 1.2);
    const { views, matches } = synthesise(truth, pts, 11);
    // More wrong matches than the helper's 20%: about a third right, as in lego's weak pairs.
    const rng = mulberry32(5);
    const pairs = Array.from(matches[0].pairs);
    const correct = pairs.length / 2;
    for (let k = 0; k < 1.2 * correct; k++) pairs.push(Math.floor(rng() * (views[0].keypoints.length / 2)), Math.floor(rng() * (views[1].keypoints.length / 2)));
    matches[0] = { ...matches[0], pairs };
    const exif = views.map((v) => ({ ...v, focalPx: f }));
    const run = (seed: number, essentialRestarts: number) => {
      const r = incrementalSfm(exif, matches, { seed, essentialIterations: 1500, essentialRestarts });
      const cams = r.views.map((v) => (v.registered ? v.camera : null));
      return { inliers: r.diagnostics.pairs[0].inliers, err: cams.every(Boolean) ? pairwisePoseErrors(cams as never, truth).rotationDeg.max : Infinity };
    };
    const seeds = [1, 2, 3, 4, 5, 6];
    const once = seeds.map((s) => run(s, 1));
    const many = seeds.map((s) => run(s, 10));
    console.log(`one run: inliers ${once.map((r) => r.inliers)}, rotation error ${once.map((r) => r.err.toFixed(2))}; ten: inliers ${many.map((r) => r.inliers)}, rotation error ${many.map((r) => r.err.toFixed(2))}`);
    const right = (rs: typeof once) => rs.filter((r) => r.err < 1).length;
    expect(right(many)).toBeGreaterThan(right(once));
    // Measured: none of the six seeds with one run, four with ten.
    expect(right(many)).toBeGreaterThanOrEqual(4);
  });

  it('the initial pair must fit one geometry: one whose inliers are under minInitialInlierShare of its matches is refused (repeated texture), over it placed', () => {
    const f = 600;
    const truth = ringCameras(2, 4, 30, { fx: f, fy: f, cx: W / 2, cy: H / 2, width: W, height: H });
    const { views, matches } = synthesise(truth, randomPoints(mulberry32(7), 80, 1.2), 11);
    const exif = views.map((v) => ({ ...v, focalPx: f }));
    const run = (minInitialInlierShare: number) => incrementalSfm(exif, matches, { seed: 1, minInitialInlierShare });
    // About 80% of this pair's matches are right (the helper mixes in 20% wrong ones).
    const placed = run(0.6);
    const share = placed.diagnostics.pairs[0].inliers / placed.diagnostics.pairs[0].matches;
    expect(share).toBeGreaterThan(0.6);
    const cams = placed.views.map((v) => (v.registered ? v.camera : null));
    expect(cams.every(Boolean)).toBe(true);
    expect(pairwisePoseErrors(cams as never, truth).rotationDeg.max).toBeLessThan(1);
    const refused = run(share + 0.05);
    expect(refused.views.every((v) => !v.registered && /repeated texture matched to itself/.test(v.reason))).toBe(true);
    expect(refused.diagnostics.initialPair).toBeNull();
  });
});
