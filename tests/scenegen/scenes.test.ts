import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cameraCenter, isRotation, projectPoint, worldToCamera, type Camera, type Vec3,
} from '../../src/core/camera.ts';
import { isInputError } from '../../src/core/errors.ts';
import { loadScene, type LoadedScene } from '../../src/io/sceneFolder.ts';
import { fsSource } from '../../src/node/fsFileSource.ts';
import { serializeSceneManifest, validateSceneManifest } from '../../src/io/sceneFormat.ts';
import { writeSceneFolder } from '../../src/node/sceneWriter.ts';
import { checkSceneSize, generateScene, sceneIndexEntries, type GeneratedScene } from '../../src/scenegen/generate.ts';
import { OBJECT_BUILDERS } from '../../src/scenegen/objects/index.ts';
import { createHit, createRay, pixelRay, rayCamera } from '../../src/scenegen/ray.ts';
import { renderView, traceObject, SUBSAMPLES_PER_AXIS } from '../../src/scenegen/render.ts';
import { dtuLikeRig, RIG_DISTANCE_RADII } from '../../src/scenegen/rig.ts';
import { STOOL_LEG_RADIUS, STOOL_WIRE_RADIUS } from '../../src/scenegen/objects/stool.ts';

const W = 64, H = 48;
const objects = OBJECT_BUILDERS.map((b) => b.build());
const byName = (n: string) => objects.find((o) => o.name === n)!;
const generated = new Map<string, GeneratedScene>();
const loaded = new Map<string, LoadedScene>();
let dir = '';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'scenegen-'));
  for (const o of objects) {
    const g = generateScene(o, { width: W, height: H });
    generated.set(o.name, g);
    await writeSceneFolder(join(dir, o.name), g.manifest, g.files);
    loaded.set(o.name, await loadScene(fsSource(join(dir, o.name))));
  }
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

function maskAt(view: { maskData?: Uint8Array }, u: number, v: number): number {
  return view.maskData![Math.floor(v) * W + Math.floor(u)];
}
const inImage = (u: number, v: number) => u >= 0 && v >= 0 && u < W && v < H;

describe('procedural scenes', () => {
  it('bundles three objects of different character, the first being the default', () => {
    expect(objects.map((o) => o.name)).toEqual(['pebbles', 'patterned-cube', 'stool']);
    const idx = sceneIndexEntries(objects);
    expect(idx[0]).toMatchObject({ name: 'pebbles', path: 'pebbles' });
    for (const e of idx) expect(e.title.length && e.description.length).toBeTruthy();
    for (const o of objects) expect(o.radius).toBeLessThan(1.2);
  });

  it('is deterministic: generating again gives byte-identical files', () => {
    for (const o of [byName('patterned-cube')]) {
      const again = generateScene(OBJECT_BUILDERS.find((b) => b.name === o.name)!.build(), { width: W, height: H });
      const first = generated.get(o.name)!;
      expect(serializeSceneManifest(again.manifest)).toBe(serializeSceneManifest(first.manifest));
      expect([...again.files.keys()]).toEqual([...first.files.keys()]);
      for (const [k, v] of again.files) expect(Buffer.compare(Buffer.from(v), Buffer.from(first.files.get(k)!)), k).toBe(0);
    }
  });

  it('rig: 49 proper rotations looking at the object centre from a cap above the ground, centred principal point', () => {
    for (const o of objects) {
      const rig = dtuLikeRig(o.center, o.radius, o.bounds, W, H);
      expect(rig.length).toBe(49);
      for (const { camera: c } of rig) {
        expect(isRotation(c.R, 1e-9)).toBe(true);
        expect(c.cx).toBe(W / 2);
        expect(c.cy).toBe(H / 2);
        expect(c.fx).toBe(c.fy);
        const [u, v, z] = projectPoint(c, o.center);
        expect(u).toBeCloseTo(W / 2, 9);
        expect(v).toBeCloseTo(H / 2, 9);
        expect(z).toBeCloseTo(RIG_DISTANCE_RADII * o.radius, 9);
        // World up (+z) is image up; the camera is above the object centre (elevation 10..60 deg).
        expect(projectPoint(c, [o.center[0], o.center[1], o.center[2] + 0.1])[1]).toBeLessThan(H / 2);
        const elev = Math.asin((cameraCenter(c)[2] - o.center[2]) / z) * (180 / Math.PI);
        expect(elev).toBeGreaterThan(9.99);
        expect(elev).toBeLessThan(60.01);
        // Every bounding-box corner is in the frame.
        for (let k = 0; k < 8; k++) {
          const p = [0, 1, 2].map((a) => ((k >> a) & 1 ? o.bounds.max[a] : o.bounds.min[a])) as Vec3;
          const [pu, pv] = projectPoint(c, p);
          expect(inImage(pu, pv)).toBe(true);
        }
      }
    }
  });

  it('splits: 3 and 9 train views (9 contains 3), one shared test list of >= 10 views, disjoint', () => {
    for (const o of objects) {
      const m = loaded.get(o.name)!.manifest;
      const ids = new Set(m.views.map((v) => v.id));
      const s3 = m.splits['3'], s9 = m.splits['9'];
      expect(s3.train.length).toBe(3);
      expect(s9.train.length).toBe(9);
      for (const id of s3.train) expect(s9.train).toContain(id);
      expect(s3.test).toEqual(s9.test);
      expect(s3.test.length).toBeGreaterThanOrEqual(10);
      for (const id of [...s9.train, ...s9.test]) expect(ids.has(id)).toBe(true);
      for (const id of s3.test) expect(s9.train).not.toContain(id);
      expect(new Set(s9.test).size).toBe(s9.test.length);
    }
  });

  it('writes a folder that loads back and validates, with masks, cameras and padded bounds', () => {
    for (const o of objects) {
      const s = loaded.get(o.name)!;
      expect(() => validateSceneManifest(JSON.parse(JSON.stringify(s.manifest)))).not.toThrow();
      expect(s.views.length).toBe(49);
      for (const v of s.views) {
        expect(v.rgba.width).toBe(W);
        expect(v.camera).toBeDefined();
        expect(v.maskData?.length).toBe(W * H);
      }
      const b = s.manifest.bounds!;
      for (let k = 0; k < 3; k++) {
        expect(b.min[k]).toBeLessThan(o.bounds.min[k]);
        expect(b.max[k]).toBeGreaterThan(o.bounds.max[k]);
        expect(o.bounds.min[k] - b.min[k]).toBeLessThan(0.05);
      }
      expect(s.manifest.background).toEqual([0, 0, 0]);
    }
  });

  it('PNG round trip is lossless: loaded pixels equal the rendered ones', () => {
    const o = byName('patterned-cube');
    const s = loaded.get(o.name)!;
    for (const i of [0, 24, 48]) {
      const r = renderView(o, s.views[i].camera!);
      expect(Buffer.compare(Buffer.from(s.views[i].rgba.data), Buffer.from(r.image.data))).toBe(0);
      expect(Buffer.compare(Buffer.from(s.views[i].maskData!), Buffer.from(r.mask))).toBe(0);
    }
  });

  it('a camera ray through (u, v) reprojects to (u, v): pixel centres at i + 0.5', () => {
    const o = byName('pebbles');
    const cam = loaded.get(o.name)!.views[24].camera!;
    const rc = rayCamera(cam), ray = createRay(), hit = createHit();
    for (const [u, v] of [[32, 24], [30.5, 20.5], [35.25, 27.75]]) {
      pixelRay(rc, u, v, ray);
      expect(traceObject(o, ray, hit)).toBeGreaterThanOrEqual(0);
      const p: Vec3 = [ray.ox + hit.t * ray.dx, ray.oy + hit.t * ray.dy, ray.oz + hit.t * ray.dz];
      const [pu, pv] = projectPoint(cam, p);
      expect(pu).toBeCloseTo(u, 9);
      expect(pv).toBeCloseTo(v, 9);
    }
  });

  it('masks are exact: landmarks are 1 where clearly visible, points beside the object are 0', () => {
    for (const o of objects) {
      const s = loaded.get(o.name)!;
      let checked = 0;
      for (const view of s.views) {
        const cam = view.camera!;
        const rc = rayCamera(cam), ray = createRay(), hit = createHit();
        const C = cameraCenter(cam);
        for (const P of o.landmarks) {
          const [u, v] = projectPoint(cam, P);
          if (!inImage(u, v)) continue;
          pixelRay(rc, u, v, ray);
          if (traceObject(o, ray, hit) < 0) continue;
          const dist = Math.hypot(P[0] - C[0], P[1] - C[1], P[2] - C[2]);
          const facing = -(hit.nx * ray.dx + hit.ny * ray.dy + hit.nz * ray.dz);
          if (Math.abs(hit.t - dist) > 1e-6 * dist || facing < 0.3) continue; // occluded or grazing
          expect(maskAt(view, u, v), `${o.name} ${view.id} landmark ${P}`).toBe(1);
          checked++;
        }
        // Points 1.6 bounding radii beside the centre (along the image axes) are background.
        for (const [ax, sgn] of [[0, 1], [0, -1], [1, 1], [1, -1]] as const) {
          const k = 1.6 * o.radius * sgn;
          const P: Vec3 = [0, 1, 2].map((i) => o.center[i] + k * cam.R[ax * 3 + i]) as Vec3;
          const [u, v] = projectPoint(cam, P);
          if (!inImage(u, v)) continue;
          expect(maskAt(view, u, v), `${o.name} ${view.id}`).toBe(0);
          const p = (Math.floor(v) * W + Math.floor(u)) * 4;
          expect([view.rgba.data[p], view.rgba.data[p + 1], view.rgba.data[p + 2]]).toEqual([0, 0, 0]);
        }
      }
      expect(checked, o.name).toBeGreaterThan(40);
    }
  });

  it('mask = at least half of the 3x3 subsamples hit (recomputed independently)', () => {
    const o = byName('stool');
    const view = loaded.get(o.name)!.views[10];
    const rc = rayCamera(view.camera!), ray = createRay(), hit = createHit();
    const n = SUBSAMPLES_PER_AXIS;
    let ones = 0;
    for (let j = 0; j < H; j++)
      for (let i = 0; i < W; i++) {
        let hits = 0;
        for (let b = 0; b < n; b++)
          for (let a = 0; a < n; a++) {
            pixelRay(rc, i + (a + 0.5) / n, j + (b + 0.5) / n, ray);
            if (traceObject(o, ray, hit) >= 0) hits++;
          }
        const expected = 2 * hits >= n * n ? 1 : 0;
        ones += expected;
        if (view.maskData![j * W + i] !== expected) expect.fail(`pixel ${i},${j}: ${hits} hits, mask ${view.maskData![j * W + i]}`);
      }
    expect(ones).toBeGreaterThan(100);
  });

  it('objects differ in character: texture detail (gradients) and thin parts (short mask runs)', () => {
    // Central view (v24) at the default 400x300, where patterns are resolved.
    const FW = 400, FH = 300;
    const renders = new Map(objects.map((o) => [o.name, renderView(o, dtuLikeRig(o.center, o.radius, o.bounds, FW, FH)[24].camera)]));
    // Mean luminance gradient magnitude inside the mask (away from its edges).
    const meanGrad = (name: string) => {
      const { image, mask: m } = renders.get(name)!;
      const d = image.data;
      const lum = (x: number, y: number) => { const p = (y * FW + x) * 4; return 0.299 * d[p] + 0.587 * d[p + 1] + 0.114 * d[p + 2]; };
      let sum = 0, count = 0;
      for (let y = 1; y < FH - 1; y++)
        for (let x = 1; x < FW - 1; x++) {
          const i = y * FW + x;
          if (!(m[i] && m[i - 1] && m[i + 1] && m[i - FW] && m[i + FW])) continue;
          sum += Math.hypot(lum(x + 1, y) - lum(x - 1, y), lum(x, y + 1) - lum(x, y - 1)) / 2;
          count++;
        }
      return sum / count;
    };
    const smooth = meanGrad('pebbles'), busy = meanGrad('patterned-cube');
    expect(busy).toBeGreaterThan(4 * smooth); // measured: ~27 vs ~5.4 grey levels per pixel
    // Thin parts: mask pixels whose horizontal or vertical run through them is at most 3 px.
    const thinFraction = (name: string) => {
      const { mask } = renders.get(name)!;
      const run = (x: number, y: number, dx: number, dy: number) => {
        let n = 1;
        for (const s of [1, -1])
          for (let k = 1; ; k++) {
            const xx = x + s * k * dx, yy = y + s * k * dy;
            if (xx < 0 || yy < 0 || xx >= FW || yy >= FH || !mask[yy * FW + xx]) break;
            n++;
          }
        return n;
      };
      let all = 0, thin = 0;
      for (let y = 0; y < FH; y++)
        for (let x = 0; x < FW; x++) {
          if (!mask[y * FW + x]) continue;
          all++;
          if (run(x, y, 1, 0) <= 3 || run(x, y, 0, 1) <= 3) thin++;
        }
      return thin / all;
    };
    const thinStool = thinFraction('stool'), thinPebbles = thinFraction('pebbles');
    expect(thinStool).toBeGreaterThan(0.05); // measured: ~0.09
    expect(thinPebbles).toBeLessThan(0.005); // measured: 0
    // The legs are about 2 px wide and the wires about 1 px at 400x300.
    const stool = byName('stool');
    const cam: Camera = dtuLikeRig(stool.center, stool.radius, stool.bounds, FW, FH)[24].camera;
    for (const p of [[0, -0.45, -0.3], [0.35, 0.2, -0.3]] as Vec3[]) {
      const pxPerUnit = cam.fx / worldToCamera(cam, p)[2];
      expect(2 * STOOL_LEG_RADIUS * pxPerUnit).toBeGreaterThan(1.4);
      expect(2 * STOOL_LEG_RADIUS * pxPerUnit).toBeLessThan(2.5);
      expect(2 * STOOL_WIRE_RADIUS * pxPerUnit).toBeLessThan(1.2);
    }
  });

  it('refuses sizes above 1600x1200 with a clear message', () => {
    expect(() => checkSceneSize(1600, 1200)).not.toThrow();
    try {
      checkSceneSize(1601, 1200);
      expect.fail('should throw');
    } catch (e) {
      expect(isInputError(e)).toBe(true);
      expect((e as Error).message).toMatch(/1600x1200/);
    }
    expect(() => generateScene(objects[0], { width: 2000, height: 1500 })).toThrow(/limit is 1600x1200/);
  });
});
