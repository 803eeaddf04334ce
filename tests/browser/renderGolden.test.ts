/**
 * Golden images of the WebGPU viewer in headless Chromium: the fixed scene of
 * tests/render/goldenScene.ts from three cameras against the committed PNGs in
 * tests/golden/webgpu/ (RGB). Tolerance: every channel within 2/255 on at least 99.5% of the
 * pixels. `npm run golden:update` (VITE_GOLDEN_UPDATE=1) rewrites the PNGs from this run instead;
 * a missing PNG is a failure that says so.
 */
import { commands } from 'vitest/browser';
import { describe, expect, it } from 'vitest';
import { decodeImage } from '../../src/core/image.ts';
import { createWebGpuSplatRenderer } from '../../src/render/webgpu/webGpuSplatRenderer.ts';
import { encodeRgbPng } from '../../src/scenegen/compactPng.ts';
import { withGpuErrorScope } from '../gpu/gpuTestUtils.ts';
import { compareToGolden, GOLDEN_CHANNEL_TOLERANCE, GOLDEN_MIN_MATCHING, goldenCloud, goldenViews } from '../render/goldenScene.ts';
import { browserGpu } from './browserGpu.ts';

const UPDATE = import.meta.env.VITE_GOLDEN_UPDATE === '1';
const DIR = 'tests/golden/webgpu';

function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

function fromBase64(text: string): Uint8Array {
  const s = atob(text);
  return Uint8Array.from(s, (c) => c.charCodeAt(0));
}

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
      const path = `${DIR}/${view.name}.png`;
      if (UPDATE) {
        await commands.writeFile(path, toBase64(encodeRgbPng(view.camera.width, view.camera.height, pixels)), 'base64');
        console.log(`golden image written: ${path}`);
      }
      let stored: string;
      try {
        stored = await commands.readFile(path, 'base64');
      } catch (e) {
        throw new Error(`${path} is missing (${(e as Error).message}); create it on purpose with \`npm run golden:update\``);
      }
      const golden = decodeImage(fromBase64(stored), path);
      expect([golden.width, golden.height]).toEqual([view.camera.width, view.camera.height]);
      const { matching, maxDiff } = compareToGolden(pixels, golden.data);
      console.log(`${view.name}: ${(100 * matching).toFixed(2)}% of pixels within ${GOLDEN_CHANNEL_TOLERANCE}/255, max diff ${maxDiff}/255`);
      expect(matching).toBeGreaterThanOrEqual(GOLDEN_MIN_MATCHING);
    });
  }
});
