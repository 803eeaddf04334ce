import { describe, expect, it } from 'vitest';
import type { Vec3 } from '../../src/core/camera.ts';
import { carveVisualHull, hullContains, type Bounds, type VisualHull } from '../../src/recon/hull/index.ts';
import { pointsInBall, pointsOnShell, renderViews, ringCameras, type Shape } from './hullScenes.ts';

const bounds: Bounds = { min: [-1.6, -1.6, -1.6], max: [1.6, 1.6, 1.6] };
const sphere: Shape = { kind: 'sphere', center: [0, 0, 0], radius: 1 };
const box: Shape = { kind: 'box', min: [-0.8, -0.6, -0.5], max: [0.8, 0.6, 0.5] };
const SPHERE_VOLUME = (4 / 3) * Math.PI;
const BOX_VOLUME = 1.6 * 1.2 * 1.0;

const volume = (h: VisualHull) => h.count * h.voxelSize ** 3;
const survivors = (h: VisualHull, pts: Vec3[]) => pts.filter((p) => hullContains(h, p[0], p[1], p[2])).length;

function boxInterior(n: number): Vec3[] {
  // Points of the box shrunk by 20%: well inside, away from the faces.
  return pointsInBall([0, 0, 0], 1, n, 7).map((p) => [p[0] * 0.64, p[1] * 0.48, p[2] * 0.4] as Vec3);
}

describe('carveVisualHull', () => {
  const results = new Map<string, VisualHull>();
  const carve = async (shape: Shape, n: number) => {
    const key = `${shape.kind}${n}`;
    if (!results.has(key)) results.set(key, await carveVisualHull(renderViews(ringCameras(n), [shape]), bounds, { resolution: 64 }));
    return results.get(key)!;
  };

  for (const n of [3, 5, 9]) {
    it(`keeps everything well inside a sphere and a box, and carves far points (${n} views)`, async () => {
      const hs = await carve(sphere, n);
      const inner = pointsInBall([0, 0, 0], 0.9, 400);
      expect(survivors(hs, inner), `sphere, ${n} views: interior points kept`).toBe(inner.length);
      const hb = await carve(box, n);
      const innerBox = boxInterior(400);
      expect(survivors(hb, innerBox), `box, ${n} views: interior points kept`).toBe(innerBox.length);
      // The bounds' corners are far from both objects; every view carves them.
      const corners: Vec3[] = [];
      for (const x of [-1.5, 1.5]) for (const y of [-1.5, 1.5]) for (const z of [-1.5, 1.5]) corners.push([x, y, z]);
      expect(survivors(hs, corners), `sphere, ${n} views: bounds corners carved`).toBe(0);
      expect(survivors(hb, corners), `box, ${n} views: bounds corners carved`).toBe(0);
      expect(hs.surfaceCount).toBeGreaterThan(0);
      expect(hs.surfaceCount).toBeLessThan(hs.count);
    });
  }

  it('is tighter with 9 views than with 3 (fewer voxels, volume closer to the truth)', async () => {
    for (const [shape, truth] of [[sphere, SPHERE_VOLUME], [box, BOX_VOLUME]] as const) {
      const h3 = await carve(shape, 3), h9 = await carve(shape, 9);
      const msg = `${shape.kind}: true volume ${truth.toFixed(3)}, 3 views ${volume(h3).toFixed(3)} (${h3.count} voxels), 9 views ${volume(h9).toFixed(3)} (${h9.count} voxels)`;
      expect(h9.count, msg).toBeLessThan(h3.count);
      expect(Math.abs(volume(h9) - truth), msg).toBeLessThan(Math.abs(volume(h3) - truth));
      // A visual hull contains the object: at most a voxel shell of it can be lost to sampling.
      expect(volume(h9), msg).toBeGreaterThan(truth * 0.97);
    }
    const h9 = await carve(sphere, 9);
    expect(volume(h9) / SPHERE_VOLUME, `sphere, 9 views: volume ratio ${(volume(h9) / SPHERE_VOLUME).toFixed(3)}`).toBeLessThan(1.15);
  });

  it('carves a shell well outside the sphere with 9 views', async () => {
    const h9 = await carve(sphere, 9);
    const shell = pointsOnShell([0, 0, 0], 1.35, 600);
    expect(survivors(h9, shell), 'points at 1.35 r kept').toBe(0);
  });

  it('forgives one wrong mask when enough views see the object (V-1 of V)', async () => {
    for (const n of [5, 9]) {
      const views = renderViews(ringCameras(n), [sphere]);
      views[1] = { ...views[1], mask: new Uint8Array(views[1].mask.length) }; // segmentation missed the object
      const inner = pointsInBall([0, 0, 0], 0.9, 300);
      const tolerant = await carveVisualHull(views, bounds, { resolution: 32 });
      expect(survivors(tolerant, inner), `${n} views, one empty mask, tolerance auto`).toBe(inner.length);
      const strict = await carveVisualHull(views, bounds, { resolution: 32, tolerance: 0 });
      expect(strict.count, `${n} views, one empty mask, tolerance 0 carves everything`).toBe(0);
    }
    // With 3 views 'auto' is strict (see carve.ts); tolerance 1 has to be asked for.
    const views = renderViews(ringCameras(3), [sphere]);
    views[0] = { ...views[0], mask: new Uint8Array(views[0].mask.length) };
    const inner = pointsInBall([0, 0, 0], 0.9, 300);
    expect((await carveVisualHull(views, bounds, { resolution: 32 })).count).toBe(0);
    expect(survivors(await carveVisualHull(views, bounds, { resolution: 32, tolerance: 1 }), inner)).toBe(inner.length);
  });

  it('treats out of frame as no evidence only where the object is cut off by the border', async () => {
    const cams = ringCameras(6);
    // A close-up whose silhouette runs off the image: the part out of frame must not be carved.
    cams.push(ringCameras(1, { distance: 1.9 })[0]);
    const views = renderViews(cams, [sphere]);
    const close = views[6].mask;
    const W = views[6].width;
    expect(close[0 * W + W / 2] + close[(views[6].height - 1) * W + W / 2], 'close-up mask touches the border').toBeGreaterThan(0);
    const inner = pointsInBall([0, 0, 0], 0.9, 300);
    const auto = await carveVisualHull(views, bounds, { resolution: 32, tolerance: 0 });
    expect(survivors(auto, inner), 'auto: sphere kept').toBe(inner.length);
    const forced = await carveVisualHull(views, bounds, { resolution: 32, tolerance: 0, outOfFrame: 'outside' });
    expect(survivors(forced, inner), 'outside forced: the out-of-frame part is cut').toBeLessThan(inner.length);
  });

  it('coarse-to-fine gives exactly the single-level result (the coarse test is conservative)', async () => {
    const cams = ringCameras(5);
    cams.push(ringCameras(1, { distance: 1.9 })[0]);
    const views = renderViews(cams, [sphere, { kind: 'box', min: [0.6, -0.2, -0.2], max: [1.2, 0.2, 0.2] }]);
    for (const tolerance of ['auto', 0] as const)
      for (const finalTest of ['centre', 'footprint'] as const) {
        const pyramid = await carveVisualHull(views, bounds, { resolution: 48, coarseResolution: 6, tolerance, finalTest });
        const flat = await carveVisualHull(views, bounds, { resolution: 48, coarseResolution: 48, tolerance, finalTest });
        expect(pyramid.levels.map((l) => l.resolution)).toEqual([6, 12, 24, 48]);
        expect(flat.levels).toHaveLength(1);
        expect(pyramid.count, `${tolerance}/${finalTest}`).toBe(flat.count);
        expect(pyramid.indices).toEqual(flat.indices);
        expect(pyramid.levels[3].tested, 'only children of kept cells are tested').toBeLessThan(48 ** 3 / 4);
      }
  });

  it('footprint final test keeps a fatter hull than the centre test', async () => {
    const views = renderViews(ringCameras(9), [sphere]);
    const centre = await carveVisualHull(views, bounds, { resolution: 48, coarseResolution: 12 });
    const foot = await carveVisualHull(views, bounds, { resolution: 48, coarseResolution: 12, finalTest: 'footprint' });
    expect(foot.count, `centre ${centre.count}, footprint ${foot.count}`).toBeGreaterThan(centre.count);
    expect(centre.levels.map((l) => l.resolution)).toEqual([12, 24, 48]);
  });

  it('reports progress and stops on abort', async () => {
    const views = renderViews(ringCameras(5), [sphere]);
    const pre = new AbortController();
    pre.abort();
    await expect(carveVisualHull(views, bounds, { signal: pre.signal })).rejects.toMatchObject({ name: 'AbortError' });
    const ac = new AbortController();
    const seen: number[] = [];
    const run = carveVisualHull(views, bounds, {
      resolution: 128,
      signal: ac.signal,
      onProgress: (done, total) => {
        seen.push(done / total);
        if (done / total >= 1 / 3) ac.abort();
      },
    });
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(seen.length).toBeGreaterThan(1);
    expect(Math.max(...seen)).toBeLessThan(1);
    const full: number[] = [];
    await carveVisualHull(views, bounds, { resolution: 32, onProgress: (d, t) => full.push(d / t) });
    expect(full[full.length - 1]).toBe(1);
    expect([...full].sort((a, b) => a - b)).toEqual(full);
  });

  it('carves 128^3 from 9 views of 400x300 quickly (timing printed, not asserted)', async () => {
    const views = renderViews(ringCameras(9, { width: 400, height: 300 }), [sphere]);
    const t0 = performance.now();
    const hull = await carveVisualHull(views, bounds, { resolution: 128 });
    const ms = performance.now() - t0;
    const ratio = volume(hull) / SPHERE_VOLUME;
    const report = `128^3 from 9 views of 400x300: ${ms.toFixed(0)} ms, ${hull.count} voxels (${hull.surfaceCount} surface), volume ratio ${ratio.toFixed(3)}, levels ${JSON.stringify(hull.levels)}`;
    console.log(report);
    expect(hull.levels.map((l) => l.resolution), report).toEqual([32, 64, 128]);
    expect(ratio, report).toBeGreaterThan(0.99);
    expect(ratio, report).toBeLessThan(1.1);
  });
});
