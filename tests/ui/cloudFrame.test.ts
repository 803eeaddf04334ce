import { describe, expect, it } from 'vitest';
import { add, scale, type Vec3 } from '../../src/core/camera.ts';
import type { GaussianCloud } from '../../src/core/gaussianCloud.ts';
import { cloudBounds, cloudFrame } from '../../src/ui/cloudFrame.ts';

function cloudAt(points: Vec3[], logScale = Math.log(0.01)): GaussianCloud {
  const n = points.length;
  return {
    count: n,
    shDegree: 0,
    means: Float32Array.from(points.flat()),
    logScales: new Float32Array(3 * n).fill(logScale),
    quats: Float32Array.from({ length: 4 * n }, (_, i) => (i % 4 === 0 ? 1 : 0)),
    opacityLogits: new Float32Array(n),
    sh: new Float32Array(3 * n),
  };
}

describe('framing a cloud shown without cameras', () => {
  it('bounds every splat of a small cloud, widened by its size', () => {
    const b = cloudBounds(cloudAt([[0, 0, 0], [1, -2, 3], [-1, 0.5, 2]], Math.log(0.1)))!;
    for (let a = 0; a < 3; a++) {
      expect(b.min[a]).toBeCloseTo([-1, -2, 0][a] - 0.2, 6);
      expect(b.max[a]).toBeCloseTo([1, 0.5, 3][a] + 0.2, 6);
    }
  });

  it('leaves a few far floaters of a big cloud out of the bounds', () => {
    const pts: Vec3[] = [];
    for (let i = 0; i < 1000; i++) pts.push([Math.sin(i) * 0.5, Math.cos(i * 1.3) * 0.5, Math.sin(i * 0.7) * 0.5]);
    for (let i = 0; i < 5; i++) pts.push([100 + i, -200, 300]);
    const b = cloudBounds(cloudAt(pts))!;
    expect(Math.max(...b.max.map(Math.abs), ...b.min.map(Math.abs))).toBeLessThan(0.6);
  });

  it('is null for an empty cloud; the frame still exists', () => {
    expect(cloudBounds(cloudAt([]))).toBeNull();
    const f = cloudFrame(cloudAt([]));
    expect(f.radius).toBeGreaterThan(0);
  });

  it('centres on the bounds, fits them in the radius, looks from the front (-z) and above (y is down)', () => {
    const c = cloudAt([[2, 1, 5], [4, 3, 9]]);
    const f = cloudFrame(c);
    const b = cloudBounds(c)!;
    expect(f.target).toEqual(scale(add(b.min, b.max), 0.5).map((v) => expect.closeTo(v, 6)));
    const corner = b.max;
    expect(Math.hypot(...corner.map((v, a) => v - f.target[a]))).toBeLessThanOrEqual(f.radius + 1e-9);
    expect(f.up).toEqual([0, -1, 0]);
    expect(Math.hypot(...f.viewDir)).toBeCloseTo(1, 9);
    expect(f.viewDir[2]).toBeLessThan(0); // the camera sits on the -z side, looking along +z
    expect(f.viewDir[1]).toBeLessThan(0); // above: up is -y
    // The floor is the bottom of the bounds (largest y), below the target along up.
    expect(f.floor).toBeCloseTo(-(b.max[1] - f.target[1]), 2);
    expect(f.floor).toBeLessThan(0);
  });
});
