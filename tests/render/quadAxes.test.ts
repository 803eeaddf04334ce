import { describe, expect, it } from 'vitest';
import { quadAxes } from '../../src/render/webgpu/quadAxes.ts';
import { mulberry32 } from '../gpu/gpuTestUtils.ts';

/** Coordinates of d in the rectangle's axes, as fractions of the half-axes (|s|, |t| <= 1 inside). */
function inRectangle([ax, ay, bx, by]: number[], dx: number, dy: number): [number, number] {
  return [(dx * ax + dy * ay) / (ax * ax + ay * ay), (dx * bx + dy * by) / (bx * bx + by * by)];
}

describe('quadAxes (oriented quad around the alpha >= 1/255 ellipse)', () => {
  const rnd = mulberry32(7);
  const cases = Array.from({ length: 300 }, () => {
    // Random ellipse: sigmas 0.5..60 px, any angle, plus the 0.3 px^2 low-pass.
    const s1 = 0.5 + 60 * rnd() ** 2;
    const s2 = 0.5 + 60 * rnd() ** 2;
    const th = Math.PI * rnd();
    const [co, si] = [Math.cos(th), Math.sin(th)];
    const cov: [number, number, number] = [co * co * s1 * s1 + si * si * s2 * s2 + 0.3, co * si * (s1 * s1 - s2 * s2), si * si * s1 * s1 + co * co * s2 * s2 + 0.3];
    return { cov, radius: Math.sqrt(2 * Math.log((0.05 + 0.94 * rnd()) * 255)) };
  });

  it('contains the whole ellipse (every point of the contour is inside)', () => {
    for (const { cov, radius } of cases) {
      const axes = quadAxes(cov, radius);
      // Contour points: d = r L u with Sigma = L L^T (Cholesky), u on the unit circle.
      const l11 = Math.sqrt(cov[0]);
      const l21 = cov[1] / l11;
      const l22 = Math.sqrt(cov[2] - l21 * l21);
      for (let k = 0; k < 64; k++) {
        const [ux, uy] = [Math.cos((2 * Math.PI * k) / 64), Math.sin((2 * Math.PI * k) / 64)];
        const [s, t] = inRectangle(axes, radius * l11 * ux, radius * (l21 * ux + l22 * uy));
        expect(Math.abs(s)).toBeLessThanOrEqual(1);
        expect(Math.abs(t)).toBeLessThanOrEqual(1);
      }
    }
  });

  it('is tight: the ellipse touches each side within the 1% margin, and thin tilted ellipses get far less area than their box', () => {
    let thinTiltedSaving = 0;
    for (const { cov, radius } of cases) {
      const [ax, ay, bx, by] = quadAxes(cov, radius);
      // Half-axis lengths equal 1.01 r sqrt(eigenvalues) (+1e-3).
      const tr = cov[0] + cov[2];
      const det = cov[0] * cov[2] - cov[1] ** 2;
      const l1 = tr / 2 + Math.sqrt(tr * tr / 4 - det);
      expect(Math.hypot(ax, ay)).toBeCloseTo(1.01 * radius * Math.sqrt(l1) + 1e-3, 4);
      expect(Math.hypot(bx, by)).toBeCloseTo(1.01 * radius * Math.sqrt(det / l1) + 1e-3, 4);
      expect(ax * bx + ay * by).toBeCloseTo(0, 6); // perpendicular
      const rectArea = 4 * Math.hypot(ax, ay) * Math.hypot(bx, by);
      const boxArea = 4 * radius * radius * Math.sqrt(cov[0] * cov[2]);
      expect(rectArea).toBeLessThanOrEqual(boxArea * 1.01 ** 2 + 1);
      if (Math.abs(cov[1]) > 0.4 * Math.sqrt(cov[0] * cov[2])) thinTiltedSaving = Math.max(thinTiltedSaving, 1 - rectArea / boxArea);
    }
    expect(thinTiltedSaving).toBeGreaterThan(0.5);
  });

  it('is axis-aligned for axis-aligned ellipses, and a square for round ones', () => {
    expect(quadAxes([9, 0, 4], 2).map((x) => +x.toFixed(4) + 0)).toEqual([6.061, 0, 0, 4.041]); // + 0: -0 -> 0
    const [ax, ay, bx, by] = quadAxes([4, 0, 4], 1);
    expect([Math.hypot(ax, ay), Math.hypot(bx, by)].map((x) => +x.toFixed(4))).toEqual([2.021, 2.021]);
  });
});
