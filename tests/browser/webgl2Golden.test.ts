/**
 * Golden images of the WebGL2 viewer in headless Chromium (WebGL2 on SwiftShader): the same fixed
 * scene and cameras as the WebGPU viewer's golden test (tests/render/goldenScene.ts) against the
 * committed PNGs in tests/golden/webgl2/ (RGB). Tolerance, shared with WebGPU: every channel within
 * 2/255 on at least 99.5% of the pixels. `npm run golden:update` (scripts/updateGolden.ts, which
 * sets VITE_GOLDEN_UPDATE=1 for every tests/browser/*Golden*.test.ts) rewrites the PNGs from this
 * run instead; a missing PNG is a failure that says so.
 */
import { commands } from 'vitest/browser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeImage } from '../../src/core/image.ts';
import type { SplatRenderer } from '../../src/render/splatRenderer.ts';
import { createWebGl2SplatRenderer } from '../../src/render/webgl2/webgl2SplatRenderer.ts';
import { encodeRgbPng } from '../../src/scenegen/compactPng.ts';
import { compareToGolden, GOLDEN_CHANNEL_TOLERANCE, GOLDEN_MIN_MATCHING, goldenCloud, goldenViews } from '../render/goldenScene.ts';

const UPDATE = import.meta.env.VITE_GOLDEN_UPDATE === '1';
const DIR = 'tests/golden/webgl2';

function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

function fromBase64(text: string): Uint8Array {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}

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
      const path = `${DIR}/${view.name}.png`; // vitest's commands resolve it from the project root
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
