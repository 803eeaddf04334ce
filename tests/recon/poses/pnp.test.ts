import { describe, expect, it } from 'vitest';
import { cameraCenter, lookAtCamera, radToDeg, rotationAngleBetween } from '../../../src/core/camera.ts';
import { pnpDlt, ransacPnp } from '../../../src/recon/poses/pnp.ts';
import { gaussian, INTRINSICS, mulberry32, observe, randomPoints } from './synthetic.ts';

function scene(seed: number, sigma: number, outlierRatio: number) {
  const rng = mulberry32(seed);
  const noise = gaussian(rng);
  const cam = lookAtCamera([1.5, -1, -3.5], [0.2, 0.1, 0], [0, -1, 0], INTRINSICS);
  const pts = randomPoints(rng, 120, 1.2);
  const points = new Float64Array(pts.flat());
  const pixels = new Float64Array(2 * pts.length);
  const outlier = new Uint8Array(pts.length);
  pts.forEach((X, i) => {
    let p = observe(cam, X, sigma, noise);
    if (rng() < outlierRatio) {
      outlier[i] = 1;
      p = [rng() * INTRINSICS.width, rng() * INTRINSICS.height];
    }
    pixels.set(p, 2 * i);
  });
  return { cam, points, pixels, outlier, n: pts.length };
}

describe('PnP', () => {
  it('DLT recovers the exact pose from exact correspondences', () => {
    const s = scene(1, 0, 0);
    const pose = pnpDlt(s.points, s.pixels, INTRINSICS, [0, 1, 2, 3, 4, 5])!;
    expect(radToDeg(rotationAngleBetween(pose.R, s.cam.R))).toBeLessThan(1e-6);
    pose.t.forEach((v, i) => expect(v).toBeCloseTo(s.cam.t[i], 8));
  });

  it('1 px noise, 30% outliers: rotation < 0.2 deg, centre error < 1% of its distance, outliers rejected', () => {
    const s = scene(2, 1, 0.3);
    const res = ransacPnp(s.points, s.pixels, INTRINSICS, { thresholdPx: 4, seed: 9 })!;
    const rotErr = radToDeg(rotationAngleBetween(res.R, s.cam.R));
    const c = cameraCenter(res), cTrue = cameraCenter(s.cam);
    const centreErr = Math.hypot(c[0] - cTrue[0], c[1] - cTrue[1], c[2] - cTrue[2]) / Math.hypot(...cTrue);
    let right = 0;
    for (let i = 0; i < s.n; i++) right += (res.inliers[i] === 1) === (s.outlier[i] === 0) ? 1 : 0;
    console.log(`pnp: rotation ${rotErr.toFixed(4)} deg, centre ${(100 * centreErr).toFixed(3)}%, RMS ${res.rmsPx.toFixed(3)} px, mask ${right}/${s.n}, ${res.iterations} iterations`);
    expect(rotErr).toBeLessThan(0.2);
    expect(centreErr).toBeLessThan(0.01);
    expect(right / s.n).toBeGreaterThan(0.95);
    // Refinement leaves the inliers at the noise level (2D RMS of 1 px noise ~ 1.4 px).
    expect(res.rmsPx).toBeLessThan(1.6);
  });

  it('needs six correspondences', () => {
    const s = scene(3, 0, 0);
    expect(ransacPnp(s.points.slice(0, 15), s.pixels.slice(0, 10), INTRINSICS, { thresholdPx: 2, seed: 1 })).toBeNull();
  });
});
