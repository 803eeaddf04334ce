import { describe, expect, it } from 'vitest';
import {
  intersectBox, intersectCapsule, intersectCylinder, intersectSphere, intersectSuperellipsoid,
} from '../../src/scenegen/primitives.ts';
import { createHit, createRay, type Ray } from '../../src/scenegen/ray.ts';
import { createRng } from '../../src/core/random.ts';

/** Each primitive with an inside test (for a brute-force march) and its intersector. */
const prims: { name: string; inside: (x: number, y: number, z: number) => boolean; hit: (r: Ray, h: ReturnType<typeof createHit>) => boolean }[] = [
  { name: 'sphere', inside: (x, y, z) => x * x + y * y + z * z <= 0.49, hit: (r, h) => intersectSphere(r, 0.7, Infinity, h) },
  {
    name: 'box', inside: (x, y, z) => Math.abs(x) <= 0.5 && Math.abs(y) <= 0.3 && Math.abs(z) <= 0.6,
    hit: (r, h) => intersectBox(r, 0.5, 0.3, 0.6, Infinity, h),
  },
  {
    name: 'cylinder', inside: (x, y, z) => x * x + y * y <= 0.25 && Math.abs(z) <= 0.2,
    hit: (r, h) => intersectCylinder(r, 0.5, 0.2, Infinity, h),
  },
  {
    name: 'superellipsoid p=4', inside: (x, y, z) => (x / 0.6) ** 4 + (y / 0.4) ** 4 + (z / 0.3) ** 4 <= 1,
    hit: (r, h) => intersectSuperellipsoid(r, 0.6, 0.4, 0.3, 4, Infinity, h),
  },
  {
    name: 'capsule', inside: (x, y, z) => {
      // segment (-0.3,-0.2,-0.4) -> (0.4,0.3,0.5), radius 0.15
      const a = [-0.3, -0.2, -0.4], ba = [0.7, 0.5, 0.9], pa = [x - a[0], y - a[1], z - a[2]];
      const s = Math.max(0, Math.min(1, (pa[0] * ba[0] + pa[1] * ba[1] + pa[2] * ba[2]) / (0.49 + 0.25 + 0.81)));
      return Math.hypot(pa[0] - s * ba[0], pa[1] - s * ba[1], pa[2] - s * ba[2]) <= 0.15;
    },
    hit: (r, h) => intersectCapsule(r, -0.3, -0.2, -0.4, 0.4, 0.3, 0.5, 0.15, Infinity, h),
  },
];

describe('ray-primitive intersection', () => {
  for (const p of prims)
    it(`${p.name}: agrees with a brute-force march, normals are unit and outward`, () => {
      const rng = createRng(7);
      const r = createRay(), h = createHit();
      let hits = 0;
      for (let k = 0; k < 300; k++) {
        // From a sphere of radius 3 towards a random point near the origin.
        const u = rng.range(-1, 1), ph = rng.range(0, 2 * Math.PI), s = Math.sqrt(1 - u * u);
        const o = [3 * s * Math.cos(ph), 3 * s * Math.sin(ph), 3 * u];
        const tg = [rng.range(-0.7, 0.7), rng.range(-0.7, 0.7), rng.range(-0.7, 0.7)];
        const d = tg.map((v, i) => v - o[i]), n = Math.hypot(...d);
        Object.assign(r, { ox: o[0], oy: o[1], oz: o[2], dx: d[0] / n, dy: d[1] / n, dz: d[2] / n });
        // Brute force: first inside sample along the ray, step 1e-3.
        let tb = Infinity;
        for (let t = 0; t < 6; t += 1e-3)
          if (p.inside(r.ox + t * r.dx, r.oy + t * r.dy, r.oz + t * r.dz)) { tb = t; break; }
        const got = p.hit(r, h);
        if (tb === Infinity) {
          // Rays that miss the march can only graze the surface.
          if (got) expect(p.inside(r.ox + (h.t + 1e-3) * r.dx, r.oy + (h.t + 1e-3) * r.dy, r.oz + (h.t + 1e-3) * r.dz)).toBe(false);
          continue;
        }
        expect(got).toBe(true);
        hits++;
        expect(Math.abs(h.t - tb)).toBeLessThan(1.5e-3);
        expect(Math.hypot(h.nx, h.ny, h.nz)).toBeCloseTo(1, 6);
        expect(h.nx * r.dx + h.ny * r.dy + h.nz * r.dz).toBeLessThanOrEqual(1e-9);
        expect(h.lx).toBeCloseTo(r.ox + h.t * r.dx, 9);
      }
      expect(hits).toBeGreaterThan(30);
    });
});
