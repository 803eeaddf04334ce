/**
 * The WebGPU viewer in Node (Dawn, the same WGSL as in the browser), rendering to an offscreen
 * texture: agreement with the trainer's forward rasterizer, the per-frame depth order, SH degree
 * truncation, empty clouds and FrameStats. The same checks run in headless Chromium
 * (tests/browser/renderConsistency.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { lookAtCamera } from '../../src/core/camera.ts';
import { getGpuDevice } from '../../src/gpu/device.ts';
import { projectSplat } from '../../src/gpu/reference/projectReference.ts';
import { covarianceFromConic, quadAxes } from '../../src/render/webgpu/quadAxes.ts';
import { createWebGpuSplatRenderer } from '../../src/render/webgpu/webGpuSplatRenderer.ts';
import { testGpu, withGpuErrorScope } from '../gpu/gpuTestDevice.ts';
import { consistencyScene, expectConsistent, expectDrawnInDepthOrder, runConsistency, saturatingScene, type ConsistencyCase } from './renderCases.ts';

const CASES: ConsistencyCase[] = [
  [31, 600, 0, 64, 64, false],
  [32, 1500, 3, 96, 72, true],
  [33, 2500, 3, 128, 96, false],
  [34, 900, 0, 80, 64, true],
];

describe('WebGPU viewer (Node, Dawn) vs the trainer', () => {
  for (const c of CASES) {
    const scene = consistencyScene(c);
    it(`${scene.name}: PSNR >= 40 dB, no channel off by more than 6/255, same culling`, async () => {
      const { device } = await testGpu();
      expectConsistent(await runConsistency(device, scene), scene.name);
    });
  }
});

describe('WebGPU viewer (Node, Dawn): saturation between draw batches', () => {
  it('pixels behind opaque walls stop early and still match the trainer; the rest sees the far splats', async () => {
    const { device } = await testGpu();
    const scene = saturatingScene(64, 48);
    const run = await runConsistency(device, scene);
    expectConsistent(run, scene.name);
    console.log(`${scene.name}: ${(100 * run.saturatedFraction).toFixed(0)}% of pixels saturated`);
    expect(run.saturatedFraction).toBeGreaterThan(0.3);
    expect(run.saturatedFraction).toBeLessThan(0.7);
  });
});

describe('WebGPU viewer (Node, Dawn): oriented quads', () => {
  it('quadAxesFromSplat equals the reference quadAxes of each kept splat (up to the axes\' signs)', async () => {
    const { device } = await testGpu();
    const scene = consistencyScene([45, 1500, 0, 96, 72, false]);
    const renderer = createWebGpuSplatRenderer(device, 'offscreen');
    renderer.setCloud(scene.cloud);
    await renderer.render(scene.camera, scene.background);
    const gpu = await renderer.readQuadAxes();
    const { splatIds } = await renderer.readDepthOrder();
    renderer.destroy();
    let thin = 0;
    for (const id of splatIds) {
      const p = projectSplat(scene.cloud, id, scene.camera)!;
      const cov = covarianceFromConic(p.conicA, p.conicB, p.conicC);
      const ref = quadAxes(cov, Math.sqrt(2 * Math.log(Math.max(p.opacity * 255, 1))));
      const g = gpu.subarray(4 * id, 4 * id + 4);
      const lengths = (v: ArrayLike<number>) => [Math.hypot(v[0], v[1]), Math.hypot(v[2], v[3])];
      const [r1, r2] = lengths(ref);
      const [g1, g2] = lengths(g);
      expect(Math.abs(g1 - r1)).toBeLessThanOrEqual(1e-3 * r1 + 1e-4);
      expect(Math.abs(g2 - r2)).toBeLessThanOrEqual(1e-3 * r2 + 1e-4);
      if (r1 > 1.05 * r2) {
        thin++;
        expect(Math.abs(g[0] * ref[0] + g[1] * ref[1]) / (g1 * r1)).toBeGreaterThan(0.9999); // same long axis (either sign)
      }
    }
    expect(splatIds.length).toBeGreaterThan(500);
    expect(thin).toBeGreaterThan(100);
  });
});

describe('WebGPU viewer (Node, Dawn): frames', () => {
  it('draws every frame in the depth order of its own camera (orderAge 0)', async () => {
    const { device } = await testGpu();
    const scene = consistencyScene([41, 1200, 1, 64, 48, false]);
    const renderer = createWebGpuSplatRenderer(device, 'offscreen');
    await withGpuErrorScope(device, async () => {
      renderer.setCloud(scene.cloud);
      const first = await renderer.render(scene.camera, scene.background);
      expect(first.orderAge).toBe(0);
      await expectDrawnInDepthOrder(renderer, scene.cloud, scene.camera, first.visibleSplats);
      // The opposite side: the order must be rebuilt, not reused.
      const other = lookAtCamera([0.4, 3, -0.6], [0, 0, 0], [0, 0, 1], { fx: 70, fy: 70, cx: 32, cy: 24, width: 64, height: 48 });
      const second = await renderer.render(other, scene.background);
      expect(second.orderAge).toBe(0);
      await expectDrawnInDepthOrder(renderer, scene.cloud, other, second.visibleSplats);
    });
    renderer.destroy();
  });

  it('maxShDegree renders as the trainer does with the SH cut to that degree', async () => {
    const { device } = await testGpu();
    const scene = consistencyScene([42, 700, 3, 64, 64, false]);
    const cut = { ...scene.cloud, shDegree: 1, sh: new Float32Array(scene.cloud.count * 4 * 3) };
    for (let i = 0; i < cut.count; i++) cut.sh.set(scene.cloud.sh.subarray(48 * i, 48 * i + 12), 12 * i);
    // The viewer gets the full SH-3 cloud and maxShDegree 1; the trainer gets the cut cloud.
    const run = await runConsistency(device, { ...scene, cloud: cut }, { cloud: scene.cloud, options: { maxShDegree: 1 } });
    expectConsistent(run, `${scene.name}, maxShDegree 1`);
  });

  it('an empty cloud, or none, draws the background; no timestamp queries, no sortMs', async () => {
    const { device } = await testGpu();
    const renderer = createWebGpuSplatRenderer(device, 'offscreen');
    const camera = lookAtCamera([0, -3, 0], [0, 0, 0], [0, 0, 1], { fx: 40, fy: 40, cx: 16, cy: 12, width: 32, height: 24 });
    const none = await renderer.render(camera, [0.2, 0.4, 0.6]);
    expect(none).toEqual({ visibleSplats: 0, sortMs: null, orderAge: 0 });
    const pixels = await renderer.readPixels();
    expect(pixels.length).toBe(32 * 24 * 4);
    for (let p = 0; p < 32 * 24; p++) expect([...pixels.subarray(4 * p, 4 * p + 4)]).toEqual([51, 102, 153, 255]);
    const scene = consistencyScene([43, 300, 0, 32, 24, false]);
    renderer.setCloud(scene.cloud);
    const some = await renderer.render(scene.camera, scene.background);
    expect(some.visibleSplats).toBeGreaterThan(0);
    expect(device.features.has('timestamp-query')).toBe(false); // testGpu asks for none
    expect(some.sortMs).toBeNull();
    renderer.setCloud({ ...scene.cloud, count: 0, means: new Float32Array(0), logScales: new Float32Array(0), quats: new Float32Array(0), opacityLogits: new Float32Array(0), sh: new Float32Array(0) });
    expect((await renderer.render(camera, [0, 0, 0])).visibleSplats).toBe(0);
    renderer.destroy();
  });

  it('times the depth sort with timestamp queries when the device has them', async () => {
    await testGpu(); // chooses the Vulkan driver
    const { device, hasTimestamps } = await getGpuDevice({ timestamps: true });
    expect(hasTimestamps).toBe(true); // Dawn on SwiftShader and lavapipe both offer 'timestamp-query'
    const scene = consistencyScene([44, 400, 0, 48, 32, false]);
    const renderer = createWebGpuSplatRenderer(device, 'offscreen');
    renderer.setCloud(scene.cloud);
    const times: (number | null)[] = [];
    for (let k = 0; k < 2; k++) times.push((await renderer.render(scene.camera, scene.background)).sortMs);
    console.log(`sort times with timestamp queries: ${times.map((t) => t?.toFixed(3)).join(', ')} ms`);
    for (const t of times) {
      expect(t).not.toBeNull();
      expect(t!).toBeGreaterThanOrEqual(0);
      expect(t!).toBeLessThan(10_000);
    }
    renderer.destroy();
    device.destroy();
  });
});
