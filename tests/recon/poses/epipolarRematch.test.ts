import { describe, expect, it } from 'vitest';
import type { Camera, Vec3 } from '../../../src/core/camera.ts';
import { cameraCenter, mat3Mul, normalize, projectPoint, rotationFromAxisAngle, translationFromCenter } from '../../../src/core/camera.ts';
import { epipolarMatches, fundamentalFromCameras, rematchAndAdjust } from '../../../src/recon/poses/epipolarRematch.ts';
import { posesFromMatches, type PhotoMatches } from '../../../src/recon/poses/estimatePoses.ts';
import { matchFeatures } from '../../../src/recon/poses/features/match.ts';
import type { Features } from '../../../src/recon/poses/features/types.ts';
import { pairwisePoseErrors } from '../../../src/recon/poses/poseErrors.ts';
import type { MatchList } from '../../../src/recon/poses/tracks.ts';
import { gaussian, INTRINSICS, mulberry32, randomPoints, ringCameras } from './synthetic.ts';

const DIM = 32;

/**
 * Features of a scene of repeated texture, where plain matching struggles: points come in pairs
 * whose descriptors are nearly alike (the ratio test then rejects both), each view detects the
 * points it sees (0.5 px noise, descriptor noise) in shuffled order. `pointOf[v][k]`: the point
 * keypoint k of view v shows.
 */
function repeatedTextureScene(cams: readonly Camera[], pts: readonly Vec3[], seed: number) {
  const rng = mulberry32(seed);
  const noise = gaussian(rng);
  const unit = (v: number[]) => { const n = Math.hypot(...v); return v.map((x) => x / n); };
  const base: number[][] = [];
  for (let j = 0; j < pts.length; j++) {
    // Odd points look like the even point before them.
    base.push(j % 2 ? unit(base[j - 1].map((x) => x + 0.015 * noise())) : unit(Array.from({ length: DIM }, noise)));
  }
  const pointOf: number[][] = [];
  const features: Features[] = cams.map((cam) => {
    const list: { u: number; v: number; j: number }[] = [];
    pts.forEach((X, j) => {
      const [u, v, z] = projectPoint(cam, X);
      if (z > 0 && u >= 0 && u < cam.width && v >= 0 && v < cam.height) list.push({ u: u + 0.5 * noise(), v: v + 0.5 * noise(), j });
    });
    for (let k = list.length - 1; k > 0; k--) { const r = Math.floor(rng() * (k + 1)); [list[k], list[r]] = [list[r], list[k]]; }
    pointOf.push(list.map((e) => e.j));
    const descriptors = new Float32Array(list.length * DIM);
    list.forEach((e, k) => descriptors.set(unit(base[e.j].map((x) => x + 0.02 * noise())), k * DIM));
    return {
      width: cam.width, height: cam.height, keypoints: Float32Array.from(list.flatMap((e) => [e.u, e.v])),
      scores: new Float32Array(list.length).fill(1), descriptors, dim: DIM, kind: 'float',
    };
  });
  return { features, pointOf };
}

function countRight(pairs: ArrayLike<number>, a: number, b: number, pointOf: number[][]): { right: number; wrong: number } {
  let right = 0, wrong = 0;
  for (let k = 0; k < pairs.length; k += 2) (pointOf[a][pairs[k]] === pointOf[b][pairs[k + 1]] ? right++ : wrong++);
  return { right, wrong };
}

describe('epipolar rematching', () => {
  const truth = ringCameras(5, 4, 100);
  const pts = randomPoints(mulberry32(3), 400, 1);

  it('the fundamental matrix of two cameras puts each point\'s projections on each other\'s epipolar lines', () => {
    const F = fundamentalFromCameras(truth[0], truth[2]);
    let worst = 0;
    for (const X of pts) {
      const [ua, va] = projectPoint(truth[0], X), [ub, vb] = projectPoint(truth[2], X);
      const l = [F[0] * ua + F[1] * va + F[2], F[3] * ua + F[4] * va + F[5], F[6] * ua + F[7] * va + F[8]];
      worst = Math.max(worst, Math.abs(l[0] * ub + l[1] * vb + l[2]) / Math.hypot(l[0], l[1]));
    }
    expect(worst).toBeLessThan(1e-6);
    // And not for the wrong pair of cameras.
    const G = fundamentalFromCameras(truth[0], truth[3]);
    const [ua, va] = projectPoint(truth[0], pts[0]), [ub, vb] = projectPoint(truth[2], pts[0]);
    const l = [G[0] * ua + G[1] * va + G[2], G[3] * ua + G[4] * va + G[5], G[6] * ua + G[7] * va + G[8]];
    expect(Math.abs(l[0] * ub + l[1] * vb + l[2]) / Math.hypot(l[0], l[1])).toBeGreaterThan(1);
  });

  it('finds the look-alike points\' matches that plain matching\'s ratio test drops, and few wrong ones', () => {
    const { features, pointOf } = repeatedTextureScene(truth, pts, 7);
    const plain = countRight(matchFeatures(features[0], features[1]), 0, 1, pointOf);
    const guided = countRight(epipolarMatches(features[0], features[1], fundamentalFromCameras(truth[0], truth[1]), 5), 0, 1, pointOf);
    const shared = pointOf[0].filter((j) => pointOf[1].includes(j)).length;
    expect(guided.right).toBeGreaterThan(0.8 * shared);
    expect(guided.right).toBeGreaterThan(2 * plain.right);
    expect(guided.wrong).toBeLessThan(0.03 * guided.right);
  });

  it('matches binary descriptors (ORB\'s) by Hamming distance the same way', () => {
    // 32-byte descriptors: each point random bits; odd points copy the even one before them with 1
    // bit flipped (look-alikes); each keypoint flips 4 more of its point's bits.
    const rng = mulberry32(17);
    const bytes = 32;
    const flip = (d: Uint8Array, n: number) => { const out = d.slice(); for (let k = 0; k < n; k++) { const bit = Math.floor(rng() * 8 * bytes); out[bit >> 3] ^= 1 << (bit & 7); } return out; };
    const base: Uint8Array[] = [];
    for (let j = 0; j < pts.length; j++) base.push(j % 2 ? flip(base[j - 1], 1) : Uint8Array.from({ length: bytes }, () => Math.floor(rng() * 256)));
    const { features: floats, pointOf } = repeatedTextureScene(truth, pts, 7);
    const features: Features[] = floats.map((f, v) => {
      const descriptors = new Uint8Array(pointOf[v].length * bytes);
      pointOf[v].forEach((j, k) => descriptors.set(flip(base[j], 4), k * bytes));
      return { ...f, descriptors, dim: bytes, kind: 'binary' };
    });
    const plain = countRight(matchFeatures(features[0], features[1]), 0, 1, pointOf);
    const guided = countRight(epipolarMatches(features[0], features[1], fundamentalFromCameras(truth[0], truth[1]), 2), 0, 1, pointOf);
    expect(guided.right).toBeGreaterThan(1.5 * plain.right);
    expect(guided.wrong).toBeLessThan(0.03 * guided.right);
  });

  it('from cameras 0.3 degrees off and a focal 1% off, the adjusted cameras come within a tenth of a degree', async () => {
    const { features, pointOf } = repeatedTextureScene(truth, pts, 11);
    const rng = mulberry32(5);
    const noise = gaussian(rng);
    const f0 = INTRINSICS.fx * 1.01;
    const start = truth.map((c, i) => {
      if (i === 0) return { ...c, fx: f0, fy: f0 };
      const R = mat3Mul(rotationFromAxisAngle(normalize([noise(), noise(), noise()]).map((a) => (0.3 * a * Math.PI) / 180)), c.R);
      return { ...c, R, t: translationFromCenter(R, cameraCenter(c)), fx: f0, fy: f0 };
    });
    const matches: MatchList[] = [];
    for (let a = 0; a < truth.length; a++) for (let b = a + 1; b < truth.length; b++) matches.push({ a, b, pairs: matchFeatures(features[a], features[b]) });
    const r = await rematchAndAdjust(features, start, matches);
    expect(r).not.toBeNull();
    const before = pairwisePoseErrors(start, truth).rotationDeg.median;
    const after = pairwisePoseErrors(r!.cameras as Camera[], truth).rotationDeg;
    console.log(`rematch: ${r!.added} matches added to ${matches.reduce((n, m) => n + m.pairs.length / 2, 0)}, rotation error median ${before.toFixed(3)} -> ${after.median.toFixed(3)} deg (max ${after.max.toFixed(3)}), focal ${r!.focalPx.toFixed(2)}`);
    expect(before).toBeGreaterThan(0.2);
    expect(after.max).toBeLessThan(0.1);
    expect(Math.abs(r!.focalPx / INTRINSICS.fx - 1)).toBeLessThan(0.005);
    expect(r!.added).toBeGreaterThan(0.5 * matches.reduce((n, m) => n + m.pairs.length / 2, 0));
    // Look-alike matches do not tie tracks together: nearly every track shows one scene point.
    const mixed = r!.points.filter((p) => new Set(p.track.map((o) => pointOf[o.view][o.keypoint])).size > 1).length;
    expect(mixed).toBeLessThan(0.02 * r!.points.length);
  });

  it('reports its progress pair by pair over the rounds, and stops when cancelled while it runs', async () => {
    const { features } = repeatedTextureScene(truth, pts, 2);
    const matches: MatchList[] = [{ a: 0, b: 1, pairs: matchFeatures(features[0], features[1]) }];
    const seen: [number, number][] = [];
    expect(await rematchAndAdjust(features, truth, matches, { rounds: 2, onProgress: (done, total) => seen.push([done, total]) })).not.toBeNull();
    // 5 views: 10 pairs a round.
    expect(seen.length).toBe(20);
    expect(seen.every(([, total]) => total === 20)).toBe(true);
    expect(seen.map(([done]) => done)).toEqual(Array.from({ length: 20 }, (_, k) => k + 1));
    // Cancelled from a timer after the first pair (as a worker's Cancel message arrives): it yields
    // between pairs, so the timer runs and the next pair throws.
    const abort = new AbortController();
    let pairsDone = 0;
    const run = rematchAndAdjust(features, truth, matches, { signal: abort.signal, onProgress: (done) => { pairsDone = done; if (done === 1) setTimeout(() => abort.abort(), 0); } });
    await expect(run).rejects.toThrow(/abort/i);
    expect(pairsDone).toBeLessThan(4);
  });

  it('needs two placed cameras', async () => {
    const { features } = repeatedTextureScene(truth, pts, 1);
    expect(await rematchAndAdjust(features, [truth[0], null, null, null, null], [])).toBeNull();
  });
});

describe('epipolar rematching in the poses stage', () => {
  it('is the stage\'s last step: every placed view sees more points, one focal for all, the stage\'s RMS its own', async () => {
    const truth = ringCameras(5, 4, 100);
    const pts = randomPoints(mulberry32(8), 400, 1);
    const { features } = repeatedTextureScene(truth, pts, 13);
    const matches: MatchList[] = [];
    for (let a = 0; a < truth.length; a++) for (let b = a + 1; b < truth.length; b++) matches.push({ a, b, pairs: matchFeatures(features[a], features[b]) });
    const images = truth.map((c) => ({ width: c.width, height: c.height, data: new Uint8ClampedArray(4 * c.width * c.height) }));
    const photoMatches: PhotoMatches = { features, matches, turns: truth.map(() => 0), model: null, times: { featuresMs: 0, matchingMs: 0 }, log: [] };
    const stages: string[] = [];
    const run = (rematch: boolean) => posesFromMatches(images, photoMatches, { features: 'none', rematch, onProgress: (p) => stages.push(p.stage) });
    const without = await run(false);
    const withIt = await run(true);
    const cams = (r: typeof withIt) => r.views.map((v) => (v.registered ? v.camera : null));
    expect(cams(without).every(Boolean) && cams(withIt).every(Boolean)).toBe(true);
    withIt.views.forEach((v, i) => {
      const before = without.views[i];
      expect(v.registered && before.registered && v.observations > before.observations).toBe(true);
    });
    for (const c of cams(withIt)) expect(c!.fx).toBe(withIt.focalPx);
    expect(withIt.log.some((l) => l.startsWith('epipolar rematching: '))).toBe(true);
    expect(withIt.finalRmsPx).not.toBe(without.finalRmsPx);
    expect(pairwisePoseErrors(cams(withIt) as Camera[], truth).rotationDeg.max).toBeLessThan(0.2);
    // Its progress comes last.
    expect(stages[stages.length - 1]).toBe('rematch');
  });
});
