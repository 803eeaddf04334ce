/**
 * Stereo depth maps (the plane sweep's points drawn into each view): the drawing against hand-made
 * points, and the maps of a generated textured object against its ray-traced true depth.
 */
import { describe, expect, it } from 'vitest';
import type { Camera } from '../../../src/core/camera.ts';
import { cameraCenter, cameraForward, pixelDirection } from '../../../src/core/camera.ts';
import { fsSource } from '../../../src/node/fsFileSource.ts';
import { loadScene } from '../../../src/io/sceneFolder.ts';
import { prepareSplit } from '../../../src/recon/prepareViews.ts';
import { depthMapsFromPoints, stereoDepthMaps } from '../../../src/recon/depth/stereoDepth.ts';
import { buildObject } from '../../../src/scenegen/objects/index.ts';
import { createHit, createRay } from '../../../src/scenegen/ray.ts';
import { traceObject } from '../../../src/scenegen/render.ts';

/** A 20x10 camera at the origin looking down +z (R = I), f = 10. */
const cam: Camera = { R: [1, 0, 0, 0, 1, 0, 0, 0, 1], t: [0, 0, 0], fx: 10, fy: 10, cx: 10, cy: 5, width: 20, height: 10 };

describe('depthMapsFromPoints', () => {
  it('draws each point at its depth over a square of pixels, the nearest winning, NaN elsewhere', () => {
    // Two points projecting to pixel (10, 5) at depths 4 and 2, one to (2, 2) at depth 3, one behind the camera.
    const pts = new Float32Array([0.05 * 4, 0.05 * 4, 4, 0.05 * 2, 0.05 * 2, 2, -0.75 * 3, -0.25 * 3, 3, 0, 0, -1]);
    const [map] = depthMapsFromPoints(pts, [cam], 1);
    expect(map[5 * 20 + 10]).toBeCloseTo(2, 5);
    expect(map[4 * 20 + 9]).toBeCloseTo(2, 5); // the square's corner
    expect(map[2 * 20 + 2]).toBeCloseTo(3, 5);
    expect(map[1 * 20 + 1]).toBeCloseTo(3, 5);
    const finite = Array.from(map).filter(Number.isFinite).length;
    expect(finite).toBe(9 + 9);
    expect(Number.isNaN(map[9 * 20 + 19])).toBe(true);
    // Radius 0: one pixel a point.
    expect(Array.from(depthMapsFromPoints(pts, [cam], 0)[0]).filter(Number.isFinite).length).toBe(2);
    expect(() => depthMapsFromPoints(new Float32Array(4), [cam], 0)).toThrow(/whole number of points/);
  });
});

describe('stereoDepthMaps', () => {
  it('gives a textured object\'s true depth where it gives any, over a good share of its pixels', async () => {
    const SIZE = { width: 200, height: 150 };
    const scene = await loadScene(fsSource('scenes/patterned-cube'));
    const split = prepareSplit(scene, '3', SIZE);
    const r = await stereoDepthMaps(split.train, { bounds: scene.manifest.bounds! });
    expect(r.points).toBeGreaterThan(500);
    const obj = buildObject('patterned-cube');
    const ray = createRay(), hit = createHit();
    const errors: number[] = [];
    split.train.forEach((v, i) => {
      const map = r.maps[i]!;
      expect(map.length).toBe(SIZE.width * SIZE.height);
      const C = cameraCenter(v.camera), fwd = cameraForward(v.camera);
      for (let p = 0; p < map.length; p += 7) {
        if (!Number.isFinite(map[p])) continue;
        expect(v.mask![p]).not.toBe(0); // only inside the hull, so on the mask
        const d = pixelDirection(v.camera, (p % SIZE.width) + 0.5, Math.floor(p / SIZE.width) + 0.5);
        Object.assign(ray, { ox: C[0], oy: C[1], oz: C[2], dx: d[0], dy: d[1], dz: d[2] });
        if (traceObject(obj, ray, hit) < 0) continue;
        const trueDepth = hit.t * (d[0] * fwd[0] + d[1] * fwd[1] + d[2] * fwd[2]);
        errors.push(Math.abs(map[p] - trueDepth) / trueDepth);
      }
    });
    errors.sort((a, b) => a - b);
    const median = errors[errors.length >> 1];
    console.log(`stereo depth: ${r.points} points, coverage ${r.coverage.map((c) => (100 * c).toFixed(0) + '%').join(' ')}, median relative depth error ${(100 * median).toFixed(2)}% over ${errors.length} pixels`);
    expect(errors.length).toBeGreaterThan(200);
    expect(median).toBeLessThan(0.02);
    for (const c of r.coverage) expect(c).toBeGreaterThan(0.35); // measured 50-63%
  });

  it('gives no maps without masks (no hull to sweep)', async () => {
    const scene = await loadScene(fsSource('scenes/patterned-cube'));
    const split = prepareSplit(scene, '3', { width: 40, height: 30 });
    const r = await stereoDepthMaps(split.train.map(({ mask: _m, ...v }) => v));
    expect(r.maps).toEqual([undefined, undefined, undefined]);
    expect(r.points).toBe(0);
  });
});
