import { describe, expect, it } from 'vitest';
import { cameraCenter, lookAtCamera, mat3Mul, radToDeg, rotationAngleBetween, rotationFromAxisAngle } from '../../../src/core/camera.ts';
import { ransacPnp } from '../../../src/recon/poses/pnp.ts';
import { ransacPnpKnownRotation, translationFromRays } from '../../../src/recon/poses/pnpKnownRotation.ts';
import { gaussian, INTRINSICS, mulberry32, observe } from './synthetic.ts';

/** Points on a plane (a table top) seen by one camera, with noise and outliers. */
function planarScene(seed: number, n: number, sigma: number, outlierRatio: number) {
  const rng = mulberry32(seed);
  const noise = gaussian(rng);
  const cam = lookAtCamera([1.2, -2, -3], [0, 0, 0], [0, -1, 0], INTRINSICS);
  const points = new Float64Array(3 * n), pixels = new Float64Array(2 * n);
  const outlier = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const X: [number, number, number] = [2 * rng() - 1, 0, 2 * rng() - 1];
    points.set(X, 3 * i);
    let p = observe(cam, X, sigma, noise);
    if (rng() < outlierRatio) { outlier[i] = 1; p = [rng() * INTRINSICS.width, rng() * INTRINSICS.height]; }
    pixels.set(p, 2 * i);
  }
  return { cam, points, pixels, outlier };
}

describe('PnP with a known rotation', () => {
  it('two exact rays give the exact translation', () => {
    const s = planarScene(1, 2, 0, 0);
    const t = translationFromRays(s.points, s.pixels, INTRINSICS, s.cam.R, [0, 1])!;
    t.forEach((v, i) => expect(v).toBeCloseTo(s.cam.t[i], 8));
  });

  it('places a view from 20 planar points with 25% outliers, where the 6-point DLT cannot', () => {
    const s = planarScene(2, 20, 0.7, 0.25);
    // The prior: the true rotation off by 1 degree, as two-view geometry gives it.
    const R = mat3Mul(rotationFromAxisAngle([0.0175 * 0.6, 0.0175 * 0.8, 0]), s.cam.R);
    const res = ransacPnpKnownRotation(s.points, s.pixels, INTRINSICS, R, { thresholdPx: 4, seed: 3 })!;
    const c = cameraCenter(res), cTrue = cameraCenter(s.cam);
    const centreErr = Math.hypot(c[0] - cTrue[0], c[1] - cTrue[1], c[2] - cTrue[2]) / Math.hypot(...cTrue);
    let right = 0;
    s.outlier.forEach((o, i) => { right += (res.inliers[i] === 1) === (o === 0) ? 1 : 0; });
    expect(right).toBe(20);
    // The 6-DOF refinement on the inliers takes out most of the prior's 1 degree.
    expect(radToDeg(rotationAngleBetween(res.R, s.cam.R))).toBeLessThan(0.5);
    expect(centreErr).toBeLessThan(0.03);
    const dlt = ransacPnp(s.points, s.pixels, INTRINSICS, { thresholdPx: 4, seed: 3 });
    expect(dlt === null || dlt.inlierCount < res.inlierCount || radToDeg(rotationAngleBetween(dlt.R, s.cam.R)) > 1).toBe(true);
  });

  it('keeps the prior rotation when there are too few inliers to refine all six degrees of freedom', () => {
    const s = planarScene(4, 5, 0, 0);
    const R = mat3Mul(rotationFromAxisAngle([0, 0.01, 0]), s.cam.R);
    const res = ransacPnpKnownRotation(s.points, s.pixels, INTRINSICS, R, { thresholdPx: 8, seed: 1 })!;
    expect(res.R).toEqual(R);
    expect(res.inlierCount).toBeGreaterThanOrEqual(3);
  });

  it('needs three correspondences', () => {
    const s = planarScene(5, 2, 0, 0);
    expect(ransacPnpKnownRotation(s.points, s.pixels, INTRINSICS, s.cam.R, { thresholdPx: 4, seed: 1 })).toBeNull();
  });
});
