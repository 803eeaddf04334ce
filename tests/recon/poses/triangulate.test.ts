import { describe, expect, it } from 'vitest';
import { cameraCenter } from '../../../src/core/camera.ts';
import { reprojectionError, triangulatePixels, triangulationAngleDeg } from '../../../src/recon/poses/triangulate.ts';
import { gaussian, mulberry32, observe, randomPoints, ringCameras } from './synthetic.ts';

describe('triangulation', () => {
  const cams = ringCameras(4, 5, 60);

  it('exact two-view and multi-view observations give the point back', () => {
    const rng = mulberry32(11);
    for (const X of randomPoints(rng, 20)) {
      const obs = cams.map((c) => observe(c, X, 0, () => 0));
      const two = triangulatePixels(cams.slice(0, 2), obs.slice(0, 2))!;
      const all = triangulatePixels(cams, obs)!;
      for (let i = 0; i < 3; i++) {
        expect(two[i]).toBeCloseTo(X[i], 8);
        expect(all[i]).toBeCloseTo(X[i], 8);
      }
      cams.forEach((c, k) => expect(reprojectionError(c, all, obs[k][0], obs[k][1])).toBeLessThan(1e-6));
    }
  });

  it('1 px noise: reprojection error stays near the noise, more views give a better point', () => {
    const rng = mulberry32(12);
    const noise = gaussian(rng);
    let err2 = 0, err4 = 0, reproj = 0;
    const pts = randomPoints(rng, 200);
    for (const X of pts) {
      const obs = cams.map((c) => observe(c, X, 1, noise));
      const two = triangulatePixels(cams.slice(0, 2), obs.slice(0, 2))!;
      const all = triangulatePixels(cams, obs)!;
      err2 += Math.hypot(two[0] - X[0], two[1] - X[1], two[2] - X[2]);
      err4 += Math.hypot(all[0] - X[0], all[1] - X[1], all[2] - X[2]);
      cams.forEach((c, k) => { reproj += reprojectionError(c, all, obs[k][0], obs[k][1]) ** 2; });
    }
    const rms = Math.sqrt(reproj / (pts.length * cams.length));
    console.log(`triangulation: mean 3D error 2 views ${(err2 / pts.length).toFixed(4)}, 4 views ${(err4 / pts.length).toFixed(4)}, reprojection RMS ${rms.toFixed(3)} px`);
    expect(err4).toBeLessThan(err2);
    expect(err4 / pts.length).toBeLessThan(0.03);
    // 4 views x 2 coordinates, 3 unknowns: expected 2D RMS sigma * sqrt(2 * 5/8) ~ 1.12 px.
    expect(rms).toBeGreaterThan(0.95);
    expect(rms).toBeLessThan(1.3);
  });

  it('reprojection error is infinite behind the camera; triangulation angle is the angle between rays', () => {
    expect(reprojectionError(cams[0], [0, 1.5, -10], 320, 240)).toBe(Infinity);
    // Centres (+-1, 0, 0), point (0, 0, 1): rays at 45 degrees each side -> 90 degrees.
    expect(triangulationAngleDeg([[-1, 0, 0], [1, 0, 0]], [0, 0, 1])).toBeCloseTo(90, 10);
    // Several centres: the widest pair counts; a far point has a small angle, 2 atan(1 / 100).
    expect(triangulationAngleDeg([[-1, 0, 0], [1, 0, 0], [0, 0, -1]], [0, 0, 1])).toBeCloseTo(90, 10);
    expect(triangulationAngleDeg([[-1, 0, 0], [1, 0, 0]], [0, 0, 100])).toBeCloseTo((2 * Math.atan(0.01) * 180) / Math.PI, 10);
    expect(triangulationAngleDeg(cams.map((c) => cameraCenter(c)), [0, 0, 0])).toBeGreaterThan(50);
  });
});
