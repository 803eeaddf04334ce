/**
 * The WebGPU viewer in the browser's own WebGPU (headless Chromium, SwiftShader) against the
 * trainer's forward rasterizer on the same device: PSNR >= 40 dB and the same culling for small
 * random clouds (SH 0 and 3, with and without the Mip-Splatting filter, 64-128 px), and every
 * frame drawn in its own camera's depth order. Same checks as the Node tests (tests/render/).
 */
import { describe, expect, it } from 'vitest';
import { lookAtCamera } from '../../src/core/camera.ts';
import { createWebGpuSplatRenderer } from '../../src/render/webgpu/webGpuSplatRenderer.ts';
import { withGpuErrorScope } from '../gpu/gpuTestUtils.ts';
import { consistencyScene, expectConsistent, expectDrawnInDepthOrder, runConsistency, type ConsistencyCase } from '../render/renderCases.ts';
import { browserGpu } from './browserGpu.ts';

const CASES: ConsistencyCase[] = [
  [51, 800, 0, 64, 64, false],
  [52, 2000, 3, 96, 96, true],
  [53, 1200, 3, 128, 80, false],
  [54, 600, 0, 72, 56, true],
];

describe('WebGPU viewer in Chromium vs the trainer', () => {
  for (const c of CASES) {
    const scene = consistencyScene(c);
    it(`${scene.name}: PSNR >= 40 dB, no channel off by more than 6/255, same culling`, async () => {
      const { device } = await browserGpu();
      expectConsistent(await runConsistency(device, scene), `browser ${scene.name}`);
    });
  }

  it('draws two successive cameras each in its own depth order (orderAge 0)', async () => {
    const { device } = await browserGpu();
    const scene = consistencyScene([55, 1000, 0, 64, 48, false]);
    const renderer = createWebGpuSplatRenderer(device, 'offscreen');
    await withGpuErrorScope(device, async () => {
      renderer.setCloud(scene.cloud);
      const cameras = [scene.camera, lookAtCamera([-0.5, 3, 0.8], [0, 0, 0], [0, 0, 1], { fx: 70, fy: 70, cx: 32, cy: 24, width: 64, height: 48 })];
      for (const camera of cameras) {
        const stats = await renderer.render(camera, scene.background);
        expect(stats.orderAge).toBe(0);
        expect(stats.sortMs).toBeNull(); // the browser tests' device has no timestamp queries
        await expectDrawnInDepthOrder(renderer, scene.cloud, camera, stats.visibleSplats);
      }
    });
    renderer.destroy();
  });
});
