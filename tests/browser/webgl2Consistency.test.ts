/**
 * The WebGL2 viewer against the trainer's float64 CPU rasterizer (renderReference) in headless
 * Chromium (WebGL2 on SwiftShader): random clouds built to exercise every rule of the contract
 * (tests/gpu/rasterScenes.ts: splats behind the camera, off-screen, outside the widened frustum,
 * huge, tiny, near-opaque, nearly invisible, depth ties), SH degrees 0 and 3, antialiasing off
 * and on, 64 to 128 px.
 *
 * Measure: PSNR of the RGBA8 frame against the reference clamped to [0, 1]. The 8-bit output alone
 * caps it near 58.9 dB (uniform rounding error of 1/255 width); what remains is float32 projection,
 * half-float SH and blending, and the one rule fixed-function blending cannot follow (the trainer
 * stops at transmittance 1e-4). The issue asks for >= 40 dB; measured values are about 57-58 dB,
 * so the test holds them to >= 50 dB: anything lower means a real disagreement, not rounding.
 *
 * PSNR alone misses local errors (dropping the antialiasing compensation still scores 50-53 dB),
 * so every channel must also be within 4/255: rounding gives 0.5/255, and the 1e-4 stop at most
 * T * |colour - background| with T <= 0.0101 (two alpha-0.99 layers) and |colour - background|
 * <= 1.3 in these scenes, 3.4/255. Measured: <= 1.9/255.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderReference } from '../../src/gpu/reference/rasterizeReference.ts';
import { DEFAULT_PROJECT_OPTIONS } from '../../src/gpu/reference/projectReference.ts';
import type { SplatRenderer } from '../../src/render/splatRenderer.ts';
import { createWebGl2SplatRenderer } from '../../src/render/webgl2/webgl2SplatRenderer.ts';
import { makeScene } from '../gpu/rasterScenes.ts';

const CONTRACT_PSNR = 40;
const REGRESSION_PSNR = 50;
const MAX_CHANNEL_DIFF = 4 / 255;

const SCENES: [seed: number, splats: number, shDegree: number, width: number, height: number, antialiased: boolean][] = [
  [31, 300, 0, 64, 64, false],
  [32, 300, 3, 96, 72, true],
  [33, 400, 3, 128, 96, false],
  [34, 300, 0, 128, 128, true],
];

describe('WebGL2 viewer vs the trainer reference (Chromium)', () => {
  let renderer: SplatRenderer;
  beforeAll(() => {
    renderer = createWebGl2SplatRenderer(document.createElement('canvas'));
  });
  afterAll(() => renderer.destroy());

  for (const [seed, count, degree, width, height, antialiased] of SCENES) {
    it(`seed ${seed}: ${count} splats, SH ${degree}, ${width}x${height}, antialiased ${antialiased}: PSNR >= ${REGRESSION_PSNR} dB, every channel within 4/255`, async () => {
      const scene = makeScene(seed, count, degree, width, height);
      renderer.setCloud(scene.cloud, { antialiased });
      const stats = await renderer.render(scene.camera, scene.background);
      const pixels = await renderer.readPixels();
      const ref = renderReference(scene.cloud, scene.camera, { ...DEFAULT_PROJECT_OPTIONS, antialiased, background: scene.background });

      let squared = 0;
      let maxDiff = 0;
      for (let p = 0; p < width * height; p++) {
        for (let c = 0; c < 3; c++) {
          const d = pixels[4 * p + c] / 255 - Math.min(1, Math.max(0, ref.rgb[3 * p + c]));
          squared += d * d;
          maxDiff = Math.max(maxDiff, Math.abs(d));
        }
        expect(pixels[4 * p + 3]).toBe(255);
      }
      const psnr = 10 * Math.log10((3 * width * height) / squared);
      console.log(`seed ${seed} (SH ${degree}, ${width}x${height}, antialiased ${antialiased}): PSNR ${psnr.toFixed(2)} dB, max |diff| ${(255 * maxDiff).toFixed(2)}/255, ${stats.visibleSplats}/${count} splats after culling, sort ${stats.sortMs?.toFixed(2)} ms`);
      expect(stats.orderAge).toBe(0);
      expect(stats.visibleSplats).toBeGreaterThan(count / 3);
      expect(stats.visibleSplats).toBeLessThan(count);
      expect(psnr).toBeGreaterThanOrEqual(CONTRACT_PSNR);
      expect(psnr).toBeGreaterThanOrEqual(REGRESSION_PSNR);
      expect(maxDiff).toBeLessThanOrEqual(MAX_CHANNEL_DIFF);
    });
  }
});
