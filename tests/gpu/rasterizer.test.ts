/**
 * The WebGPU rasterizer against the float64 CPU reference (which finite differences check in
 * referenceGradients.test.ts), on small random scenes that exercise every rule of the contract
 * (see rasterScenes.ts). What is checked, exactly (thresholds in rasterCompare.ts):
 * - forward: rgb and alpha of every unambiguous pixel within 1e-4 absolute of renderReference;
 * - backward, for the loss L = sum(wRgb * rgb) + sum(wAlpha * alpha) with random weights:
 *   per parameter group, ||gpu - ref|| / ||ref|| <= 1e-3, and every element within 1e-3
 *   relative of renderReferenceBackward, with an absolute floor of 1e-5 x the group's largest.
 * Ambiguous pixels (a float64 decision within a hair of a threshold, referenceMargins.ts) are
 * left out of both, and there must be few of them.
 */
import { describe, expect, it } from 'vitest';
import { lookAtCamera, type Camera } from '../../src/core/camera.ts';
import { storageBuffer } from '../../src/gpu/buffers.ts';
import { DEFAULT_PROJECT_OPTIONS } from '../../src/gpu/reference/projectReference.ts';
import { createRasterizer } from '../../src/gpu/rasterizer.ts';
import { testGpu } from './gpuTestDevice.ts';
import { expectClose, runScene } from './rasterRun.ts';
import { makeScene } from './rasterScenes.ts';

const SCENES: [number, number, number, number, number][] = [
  // seed, splats, SH degree, width, height
  [1, 300, 0, 64, 48],
  [2, 400, 1, 96, 80],
  [3, 500, 3, 128, 96],
  [4, 250, 2, 40, 33],
  [5, 600, 0, 32, 32],
];

// A hang guard, not a speed check: the first test of each shader variant compiles its pipelines,
// which took 30 s on lavapipe beside another test file on 2 cores.
describe('GPU rasterizer vs CPU reference', { timeout: 120_000 }, () => {
  const totals = { clampedAlpha: 0, terminated: 0, tiedPairs: 0, jClampedWithGradient: 0, behindCamera: 0 };

  for (const [seed, count, degree, width, height] of SCENES) {
    it(`seed ${seed}: ${count} splats, SH ${degree}, ${width}x${height}: image and gradients match`, async () => {
      const { device } = await testGpu();
      const scene = makeScene(seed, count, degree, width, height);
      const run = await runScene(device, scene);
      expectClose(run, width * height);
      totals.clampedAlpha += run.coverage.counts.clampedAlpha;
      totals.terminated += run.coverage.counts.terminated;
      totals.tiedPairs += run.coverage.counts.tiedPairs;

      // Splats behind the camera have no gradient on the GPU; splats clamped in J do.
      const { R, t, fx, cx, width: W } = scene.camera;
      const limX = [(W - cx) / fx + (0.3 * W) / fx, cx / fx + (0.3 * W) / fx];
      for (let i = 0; i < count; i++) {
        const m = scene.cloud.means.subarray(3 * i, 3 * i + 3);
        const x = R[0] * m[0] + R[1] * m[1] + R[2] * m[2] + t[0];
        const z = R[6] * m[0] + R[7] * m[1] + R[8] * m[2] + t[2];
        const g = Math.hypot(run.refGrads.means[3 * i], run.refGrads.means[3 * i + 1], run.refGrads.means[3 * i + 2]);
        if (z < DEFAULT_PROJECT_OPTIONS.nearPlane) {
          totals.behindCamera++;
          expect(Array.from(run.grads.means.subarray(3 * i, 3 * i + 3))).toEqual([0, 0, 0]);
        } else if ((x / z > limX[0] || x / z < -limX[1]) && g > 0) totals.jClampedWithGradient++;
      }
    });
  }

  for (const [seed, count, degree, width, height] of [[6, 400, 1, 64, 48], [7, 300, 3, 48, 40]] as const) {
    it(`antialiased (Mip-Splatting 2D filter), seed ${seed}: ${count} splats, SH ${degree}, ${width}x${height}: image and gradients match`, async () => {
      const { device } = await testGpu();
      const scene = { ...makeScene(seed, count, degree, width, height), antialiased: true };
      const run = await runScene(device, scene);
      expectClose(run, width * height);
      // The filter must change the picture, or this test would not test it.
      const plain = await runScene(device, { ...scene, antialiased: false });
      let diff = 0;
      for (let k = 0; k < plain.image.rgb.length; k++) diff = Math.max(diff, Math.abs(plain.image.rgb[k] - run.image.rgb[k]));
      expect(diff).toBeGreaterThan(1e-2);
    });
  }

  for (const [seed, count, degree, width, height, antialiased] of [[11, 400, 1, 64, 48, false], [12, 300, 0, 40, 33, true]] as const) {
    it(`expected depth, seed ${seed}${antialiased ? ', antialiased' : ''}: depth image and the gradients of a loss on rgb, alpha and depth match`, async () => {
      const { device } = await testGpu();
      const scene = { ...makeScene(seed, count, degree, width, height), antialiased };
      const run = await runScene(device, scene, scene.camera, undefined, true, false, true);
      expectClose(run, width * height);
      expect(run.depthMaxError).toBeDefined();
      expect(Math.max(...run.image.depth!), 'the depth image has depth in it').toBeGreaterThan(1);
      // The depth term changes the gradients (else this would only re-check the colour path).
      const plain = await runScene(device, scene);
      expect(plain.image.depth, 'no depth buffer without the option').toBeUndefined();
      let diff = 0;
      for (let k = 0; k < plain.grads.means.length; k++) diff = Math.max(diff, Math.abs(plain.grads.means[k] - run.grads.means[k]));
      expect(diff).toBeGreaterThan(1e-3);
      // A depth rasterizer given no depth gradient gives the plain gradients (of the reference without depth).
      const withDepthBuffer = createRasterizer(device, { width, height, shDegree: degree, maxSplats: count, antialiased, depth: true });
      try {
        expectClose(await runScene(device, scene, scene.camera, withDepthBuffer), width * height);
      } finally {
        withDepthBuffer.destroy();
      }
    });
  }

  it('the scenes exercised alpha clamping, early termination, depth ties, the J clamp and culling', () => {
    expect(totals.clampedAlpha).toBeGreaterThan(0);
    expect(totals.terminated).toBeGreaterThan(0);
    expect(totals.tiedPairs).toBeGreaterThan(0);
    expect(totals.jClampedWithGradient).toBeGreaterThan(0);
    expect(totals.behindCamera).toBeGreaterThan(0);
  });

  it('one rasterizer serves several views, grows its splat and intersection buffers, and backward works without dL/dalpha', async () => {
    const { device } = await testGpu();
    const scene = makeScene(6, 300, 1, 48, 40);
    const r = createRasterizer(device, { width: 48, height: 40, shDegree: 1, maxSplats: 10, maxIntersections: 16 });
    try {
      const views: Camera[] = [
        scene.camera,
        lookAtCamera([2.2, 1.5, 1.4], [0.1, 0, 0], [0, 0, 1], { fx: 50, fy: 52, cx: 24, cy: 20, width: 48, height: 40 }),
      ];
      for (const [k, view] of views.entries()) {
        const cam: Camera = { ...view, R: view.R.map(Math.fround) as Camera['R'], t: view.t.map(Math.fround) as Camera['t'] };
        const run = await runScene(device, scene, cam, r, k === 0);
        expectClose(run, 48 * 40);
      }
      expect(r.capacities.splats).toBeGreaterThanOrEqual(300);
      expect(await r.readCloud()).toEqual(scene.cloud);
      expect(r.capacities.intersections).toBeGreaterThan(16);
    } finally {
      r.destroy();
    }
  });

  it('reports the regrowth of the intersection buffers and never blends a truncated list', async () => {
    const { device } = await testGpu();
    const scene = makeScene(7, 200, 0, 48, 48);
    const r = createRasterizer(device, { width: 48, height: 48, shDegree: 0, maxSplats: 200, maxIntersections: 16 });
    try {
      r.upload(scene.cloud);
      const first = await r.forward(scene.camera, scene.background);
      expect(first.regrows).toBeGreaterThan(0);
      expect(first.intersections).toBeGreaterThan(16);
      expect(r.capacities.intersections).toBeGreaterThanOrEqual(first.intersections);
      const grown = await r.readImage();
      const again = await r.forward(scene.camera, scene.background);
      expect(again).toEqual({ ...first, regrows: 0 });
      const roomy = createRasterizer(device, { width: 48, height: 48, shDegree: 0, maxSplats: 200 });
      roomy.upload(scene.cloud);
      expect((await roomy.forward(scene.camera, scene.background)).regrows).toBe(0);
      const reference = await roomy.readImage();
      roomy.destroy();
      expect(Array.from(grown.rgb)).toEqual(Array.from(reference.rgb));
    } finally {
      r.destroy();
    }
  });

  it("returns piggybacked ranges of other buffers with the forward's one read, as they were before it", async () => {
    const { device } = await testGpu();
    const scene = makeScene(10, 50, 0, 32, 32);
    const r = createRasterizer(device, { width: 32, height: 32, shDegree: 0, maxSplats: 50 });
    const a = storageBuffer(device, 'piggyback a', 64);
    const b = storageBuffer(device, 'piggyback b', 16);
    try {
      device.queue.writeBuffer(a, 0, Float32Array.from({ length: 16 }, (_, i) => i + 0.5));
      device.queue.writeBuffer(b, 0, Uint32Array.from([7, 8, 9, 10]));
      r.upload(scene.cloud);
      const f = await r.forward(scene.camera, scene.background, [{ buffer: a, offset: 8, size: 12 }, { buffer: b, size: 16 }]);
      expect(f.visibleSplats).toBeGreaterThan(0);
      expect(Array.from(new Float32Array(f.piggyback, 0, 3))).toEqual([2.5, 3.5, 4.5]);
      expect(Array.from(new Uint32Array(f.piggyback, 12, 4))).toEqual([7, 8, 9, 10]);
      await expect(r.forward(scene.camera, scene.background, [{ buffer: a, size: 6 }])).rejects.toThrow(/multiples of 4/);
    } finally {
      r.destroy();
      a.destroy();
      b.destroy();
    }
  });

  it('renders an empty cloud as the background', async () => {
    const { device } = await testGpu();
    const scene = makeScene(9, 1, 0, 20, 18);
    const empty = { ...scene.cloud, count: 0, means: new Float32Array(0), logScales: new Float32Array(0), quats: new Float32Array(0), opacityLogits: new Float32Array(0), sh: new Float32Array(0) };
    const r = createRasterizer(device, { width: 20, height: 18, shDegree: 0, maxSplats: 4 });
    try {
      r.upload(empty);
      expect(await r.forward(scene.camera, scene.background)).toEqual({ visibleSplats: 0, intersections: 0, regrows: 0, piggyback: new ArrayBuffer(0) });
      const image = await r.readImage();
      expect(Math.max(...image.alpha)).toBe(0);
      for (let p = 0; p < 20 * 18; p++) expect(Array.from(image.rgb.subarray(3 * p, 3 * p + 3))).toEqual(scene.background);
    } finally {
      r.destroy();
    }
  });

  it('rejects a camera of another size and a cloud of another SH degree', async () => {
    const { device } = await testGpu();
    const scene = makeScene(8, 20, 1, 32, 32);
    const r = createRasterizer(device, { width: 32, height: 32, shDegree: 0, maxSplats: 20 });
    try {
      expect(() => r.upload(scene.cloud)).toThrow(/SH degree 0/);
      await expect(r.forward({ ...scene.camera, width: 40 }, scene.background)).rejects.toThrow(/32x32/);
      expect(() => r.backward(storageBuffer(device, 'x', 16))).toThrow(/forward/);
    } finally {
      r.destroy();
    }
  });
});
