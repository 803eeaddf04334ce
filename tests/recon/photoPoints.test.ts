/**
 * Photo-consistent points inside the hull, scored against the scene generator's ray tracer (the
 * true surface): on a finely textured object most points lie within a voxel of it, while hull
 * voxels, with three views, lie tens of voxels away; on a smooth object the sweep refuses most
 * rays instead of guessing.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { fsSource } from '../../src/node/fsFileSource.ts';
import { loadScene } from '../../src/io/sceneFolder.ts';
import { prepareSplit, type PreparedSplit } from '../../src/recon/prepareViews.ts';
import { carveVisualHull, cloudFromPoints, concatClouds, initCloudFromViews, photoConsistentPoints, type VisualHull } from '../../src/recon/hull/index.ts';
import { surfaceDistances } from './surfaceDistance.ts';

const SIZE = { width: 200, height: 150 };

interface Case { split: PreparedSplit; hull: VisualHull; name: string }

async function setUp(name: string): Promise<Case> {
  const scene = await loadScene(fsSource(`scenes/${name}`));
  const split = prepareSplit(scene, '3', SIZE);
  const hull = await carveVisualHull(split.train.map((v) => ({ camera: v.camera, mask: v.mask!, width: SIZE.width, height: SIZE.height })), scene.manifest.bounds!);
  return { split, hull, name };
}

/** Distance along the view ray from each training camera to the true surface, the smallest, in voxels. */
function surfaceErrors(c: Case, positions: ArrayLike<number>, count: number): number[] {
  return surfaceDistances(c.name, c.split.train.map((v) => v.camera), positions, count).map((d) => d / c.hull.voxelSize).sort((a, b) => a - b);
}

const fractionWithin = (errors: number[], k: number) => errors.filter((e) => e <= k).length / errors.length;

describe('photoConsistentPoints', () => {
  let cube: Case;
  let pebbles: Case;
  beforeAll(async () => {
    cube = await setUp('patterned-cube');
    pebbles = await setUp('pebbles');
  });

  it('puts most points of a textured object on its surface, where hull voxels are far from it', async () => {
    const points = await photoConsistentPoints(cube.hull, cube.split.train);
    expect(points.count).toBeGreaterThan(500);
    expect(points.colors.length).toBe(points.count * 3);
    const photo = surfaceErrors(cube, points.positions, points.count);
    const voxels = surfaceErrors(cube, cube.hull.centers, Math.min(cube.hull.count, 3000));
    // Measured at this size: 66% of photo points and 0.6% of voxels within 2 voxels of the surface.
    expect(fractionWithin(photo, 2)).toBeGreaterThan(0.5);
    expect(fractionWithin(voxels, 2)).toBeLessThan(0.1);
    expect(photo[photo.length >> 1]).toBeLessThan(voxels[voxels.length >> 1] / 5);
  });

  it('refuses most rays on a smooth, textureless object rather than guessing', async () => {
    const points = await photoConsistentPoints(pebbles.hull, pebbles.split.train);
    expect(points.rays).toBeGreaterThan(0);
    expect(points.count / points.rays).toBeLessThan(0.2);
  });

  it('finds nothing when every view is one flat colour', async () => {
    const flat = cube.split.train.map((v) => ({ ...v, rgba: { ...v.rgba, data: new Uint8ClampedArray(v.rgba.data.length).fill(128) } }));
    const points = await photoConsistentPoints(cube.hull, flat);
    expect(points.count).toBe(0);
    expect(points.rays).toBe(0);
  });

  it('stops when aborted', async () => {
    const ctrl = new AbortController();
    ctrl.abort();
    await expect(photoConsistentPoints(cube.hull, cube.split.train, { signal: ctrl.signal })).rejects.toThrow();
  });
});

describe('initCloudFromViews with photo points', () => {
  const viewsOf = (c: Case) => c.split.train.map((v) => ({ camera: v.camera, mask: v.mask!, width: SIZE.width, height: SIZE.height, rgba: v.rgba }));

  it('seeds from photo points plus a voxel fill of the requested share', async () => {
    const cube = await setUp('patterned-cube');
    const r = await initCloudFromViews(viewsOf(cube), { bounds: cube.hull.bounds, cloud: { maxSplats: 4000, voxels: 'all', shDegree: 0 }, photo: { fill: 0.25 } });
    expect(r.photoSplats).toBeGreaterThan(500);
    expect(r.photoSplats).toBeLessThanOrEqual(3000);
    expect(r.cloud.count).toBe(r.photoSplats + 1000);
  });

  it('falls back to the voxels alone when the photos have no texture', async () => {
    const cube = await setUp('patterned-cube');
    const flat = viewsOf(cube).map((v) => ({ ...v, rgba: { ...v.rgba, data: new Uint8ClampedArray(v.rgba.data.length).fill(90) } }));
    const r = await initCloudFromViews(flat, { bounds: cube.hull.bounds, cloud: { maxSplats: 2000, voxels: 'all', shDegree: 0 }, photo: {} });
    expect(r.photoSplats).toBe(0);
    expect(r.cloud.count).toBe(2000);
  });
});

describe('cloudFromPoints / concatClouds', () => {
  it('places splats at the points with their colours and joins clouds in order', () => {
    const positions = new Float32Array([0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1]);
    const colors = new Float32Array([1, 0, 0, 0, 1, 0, 0, 0, 1, 0.5, 0.5, 0.5]);
    const a = cloudFromPoints(positions, colors, { shDegree: 0 });
    expect(a.count).toBe(4);
    expect(Array.from(a.means)).toEqual(Array.from(positions));
    expect(a.sh[0]).toBeGreaterThan(0);
    expect(a.sh[1]).toBeLessThan(0);
    for (const s of a.logScales) expect(Number.isFinite(s)).toBe(true);
    const b = cloudFromPoints(positions.slice(0, 6), colors.slice(0, 6), { shDegree: 0 });
    const ab = concatClouds(a, b);
    expect(ab.count).toBe(6);
    expect(Array.from(ab.means.slice(12))).toEqual(Array.from(positions.slice(0, 6)));
    expect(ab.quats.length).toBe(24);
    expect(() => concatClouds(a, cloudFromPoints(positions, colors, { shDegree: 1 }))).toThrow(/SH degrees/);
    expect(() => cloudFromPoints(positions, colors.slice(3))).toThrow(/colours/);
  });
});
