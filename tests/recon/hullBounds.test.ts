import { describe, expect, it } from 'vitest';
import type { Vec3 } from '../../src/core/camera.ts';
import { estimateBounds, type Bounds } from '../../src/recon/hull/index.ts';
import { renderViews, ringCameras, type Shape } from './hullScenes.ts';

const contains = (b: Bounds, p: Vec3) => p.every((v, a) => v >= b.min[a] && v <= b.max[a]);
const fmt = (b: Bounds) => `[${b.min.map((v) => v.toFixed(2))}]..[${b.max.map((v) => v.toFixed(2))}]`;

describe('estimateBounds', () => {
  const c: Vec3 = [0.4, -0.3, 0.2];
  const sphere: Shape = { kind: 'sphere', center: c, radius: 0.7 };
  const box: Shape = { kind: 'box', min: [c[0] - 0.8, c[1] - 0.5, c[2] - 0.3], max: [c[0] + 0.8, c[1] + 0.5, c[2] + 0.3] };
  const extremes = (s: Shape): Vec3[] => {
    if (s.kind === 'box') {
      const out: Vec3[] = [];
      for (const x of [s.min[0], s.max[0]]) for (const y of [s.min[1], s.max[1]]) for (const z of [s.min[2], s.max[2]]) out.push([x, y, z]);
      return out;
    }
    const r = s.radius, o = s.center;
    return [[o[0] + r, o[1], o[2]], [o[0] - r, o[1], o[2]], [o[0], o[1] + r, o[2]], [o[0], o[1] - r, o[2]], [o[0], o[1], o[2] + r], [o[0], o[1], o[2] - r]];
  };

  for (const n of [3, 5, 9])
    it(`contains an off-centre sphere and box seen by a ring of ${n} cameras, and is not much larger`, () => {
      // The ring is aimed at the origin, not at the object: the centre must come from the masks.
      const cams = ringCameras(n, { distance: 4.5 });
      for (const shape of [sphere, box]) {
        const b = estimateBounds(renderViews(cams, [shape]));
        for (const p of extremes(shape)) expect(contains(b, p), `${shape.kind}, ${n} views: ${fmt(b)} misses ${p}`).toBe(true);
        const size = Math.max(...[0, 1, 2].map((a) => b.max[a] - b.min[a]));
        const truth = shape.kind === 'sphere' ? 1.4 : 1.6;
        expect(size, `${shape.kind}, ${n} views: ${fmt(b)}`).toBeLessThan(truth * 2.2);
      }
    });

  it('without masks falls back to where the view frustums meet', () => {
    const cams = ringCameras(6, { distance: 4.5, target: c, width: 120, height: 90 });
    const views = renderViews(cams, [sphere]).map(({ camera, width, height }) => ({ camera, width, height }));
    const b = estimateBounds(views);
    for (const p of extremes(sphere)) expect(contains(b, p), `${fmt(b)} misses ${p}`).toBe(true);
    // All cameras stay outside: the frustums meet in front of them.
    for (const cam of cams) {
      const C = [0, 1, 2].map((a) => -(cam.R[a] * cam.t[0] + cam.R[3 + a] * cam.t[1] + cam.R[6 + a] * cam.t[2])) as Vec3;
      expect(contains(b, C), `camera ${C} inside ${fmt(b)}`).toBe(false);
    }
  });

  it('refuses views that cannot place the object', () => {
    const [cam] = ringCameras(1);
    expect(() => estimateBounds([{ camera: cam, width: cam.width, height: cam.height }])).toThrow(/two/);
    expect(() => estimateBounds([cam, cam].map((camera) => ({ camera, width: cam.width, height: cam.height })))).toThrow(/parallel/);
  });
});
