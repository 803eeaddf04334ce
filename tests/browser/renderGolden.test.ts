/**
 * Golden images of the WebGPU viewer in headless Chromium: the fixed scene of
 * tests/render/goldenScene.ts from three cameras against the committed PNGs in
 * tests/golden/webgpu/ (RGB). Tolerance: every channel within 2/255 on at least 99.5% of the
 * pixels. `npm run golden:update` (VITE_GOLDEN_UPDATE=1) rewrites the PNGs from this run instead;
 * a missing PNG is a failure that says so.
 */
import { describe, expect, it } from 'vitest';
import { createWebGpuSplatRenderer } from '../../src/render/webgpu/webGpuSplatRenderer.ts';
import { withGpuErrorScope } from '../gpu/gpuTestUtils.ts';
import { goldenCloud, goldenViews } from '../render/goldenScene.ts';
import { expectMatchesGolden } from './goldenImage.ts';
import { browserGpu } from './browserGpu.ts';

const DIR = 'tests/golden/webgpu';

describe('WebGPU viewer golden images (Chromium)', () => {
  const cloud = goldenCloud();
  for (const view of goldenViews()) {
    it(`${view.name}: ${view.camera.width}x${view.camera.height} matches ${DIR}/${view.name}.png`, async () => {
      const { device } = await browserGpu();
      const renderer = createWebGpuSplatRenderer(device, 'offscreen');
      const pixels = await withGpuErrorScope(device, async () => {
        renderer.setCloud(cloud, { antialiased: view.antialiased });
        const stats = await renderer.render(view.camera, view.background);
        expect(stats.visibleSplats).toBeGreaterThan(100);
        return renderer.readPixels();
      });
      renderer.destroy();
      await expectMatchesGolden(DIR, view, pixels);
    });
  }
});
