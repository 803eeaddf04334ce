/**
 * Golden images of the WebGL2 viewer in headless Chromium (WebGL2 on SwiftShader): the same fixed
 * scene and cameras as the WebGPU viewer's golden test (tests/render/goldenScene.ts) against the
 * committed PNGs in tests/golden/webgl2/ (RGB). Tolerance, shared with WebGPU: every channel within
 * 2/255 on at least 99.5% of the pixels. `npm run golden:update` (scripts/updateGolden.ts, which
 * sets VITE_GOLDEN_UPDATE=1 for every tests/browser/*Golden*.test.ts) rewrites the PNGs from this
 * run instead; a missing PNG is a failure that says so.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SplatRenderer } from '../../src/render/splatRenderer.ts';
import { createWebGl2SplatRenderer } from '../../src/render/webgl2/webgl2SplatRenderer.ts';
import { goldenCloud, goldenViews } from '../render/goldenScene.ts';
import { expectMatchesGolden } from './goldenImage.ts';

const DIR = 'tests/golden/webgl2';

describe('WebGL2 viewer golden images (Chromium)', () => {
  const cloud = goldenCloud();
  let renderer: SplatRenderer;
  beforeAll(() => {
    renderer = createWebGl2SplatRenderer(document.createElement('canvas'));
  });
  afterAll(() => renderer.destroy());

  for (const view of goldenViews()) {
    it(`${view.name}: ${view.camera.width}x${view.camera.height} matches ${DIR}/${view.name}.png`, async () => {
      renderer.setCloud(cloud, { antialiased: view.antialiased });
      const stats = await renderer.render(view.camera, view.background);
      expect(stats.visibleSplats).toBeGreaterThan(100);
      const pixels = await renderer.readPixels();
      await expectMatchesGolden(DIR, view, pixels);
    });
  }
});
