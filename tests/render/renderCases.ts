/**
 * Checks of the WebGPU viewer shared by the Node tests (tests/render/, Dawn) and the browser
 * tests (tests/browser/render*.test.ts, Chromium): environment-free, the caller passes its device.
 *
 * - consistency: the viewer's RGBA8 frame against the trainer's forward rasterizer
 *   (createRasterizer: forward, readImage; float RGB clamped to [0, 1]) for the same cloud and
 *   camera: PSNR >= 40 dB, and both keep exactly the same number of splats after culling.
 * - sorting: the order the frame was drawn with is the camera's depth order: ranks in
 *   non-decreasing camera z, each rank's key the splat's own z, every kept splat exactly once.
 */
import { expect } from 'vitest';
import { worldToCamera, type Camera } from '../../src/core/camera.ts';
import type { GaussianCloud } from '../../src/core/gaussianCloud.ts';
import { createRasterizer } from '../../src/gpu/rasterizer.ts';
import type { SplatRenderOptions } from '../../src/render/splatRenderer.ts';
import { createWebGpuSplatRenderer, type WebGpuSplatRenderer } from '../../src/render/webgpu/webGpuSplatRenderer.ts';
import { withGpuErrorScope } from '../gpu/gpuTestUtils.ts';
import { makeScene, type TestScene } from '../gpu/rasterScenes.ts';

export const MIN_PSNR_VS_TRAINER = 40;
/**
 * No pixel may be off by more than this (of 255) in any channel: PSNR alone averages local
 * errors away (rendering without the trainer's Mip filter still scores ~48 dB on these scenes,
 * with single pixels off by 15-70).
 */
export const MAX_CHANNEL_DIFF_VS_TRAINER = 6;

/** seed, splats, SH degree, width, height, antialiased: hundreds to a few thousand splats, 64-128 px. */
export type ConsistencyCase = [number, number, number, number, number, boolean];

export function consistencyScene([seed, count, degree, width, height, antialiased]: ConsistencyCase): TestScene {
  const scene = makeScene(seed, count, degree, width, height);
  return { ...scene, name: antialiased ? `${scene.name}, antialiased` : scene.name, antialiased };
}

/** PSNR (dB) of an RGBA8 image against a float RGB image clamped to [0, 1], over the RGB channels. */
export function psnrRgba8VsRgb(rgba: Uint8Array, rgb: Float32Array): { psnr: number; maxAbs: number } {
  const pixels = rgb.length / 3;
  let se = 0;
  let maxAbs = 0;
  for (let p = 0; p < pixels; p++) {
    for (let c = 0; c < 3; c++) {
      const d = rgba[4 * p + c] / 255 - Math.min(1, Math.max(0, rgb[3 * p + c]));
      se += d * d;
      maxAbs = Math.max(maxAbs, Math.abs(d));
    }
  }
  const mse = se / (3 * pixels);
  return { psnr: mse === 0 ? Infinity : -10 * Math.log10(mse), maxAbs };
}

export interface ConsistencyRun {
  psnr: number;
  maxAbs: number;
  viewerVisible: number;
  trainerVisible: number;
  /** Fraction of pixels the background does not show through alone (the test draws something). */
  coveredFraction: number;
}

export interface ViewerInput {
  /** The cloud the viewer gets (default: the scene's, which the trainer gets). */
  cloud?: GaussianCloud;
  options?: SplatRenderOptions;
}

export async function runConsistency(device: GPUDevice, scene: TestScene, viewerInput: ViewerInput = {}): Promise<ConsistencyRun> {
  return withGpuErrorScope(device, async () => {
    const { cloud, camera, background } = scene;
    const rasterizer = createRasterizer(device, { width: camera.width, height: camera.height, shDegree: cloud.shDegree, maxSplats: cloud.count, antialiased: scene.antialiased });
    rasterizer.upload(cloud);
    const trained = await rasterizer.forward(camera, background);
    const image = await rasterizer.readImage();
    rasterizer.destroy();

    const viewer = createWebGpuSplatRenderer(device, 'offscreen');
    viewer.setCloud(viewerInput.cloud ?? cloud, { antialiased: scene.antialiased, ...viewerInput.options });
    const stats = await viewer.render(camera, background);
    const pixels = await viewer.readPixels();
    viewer.destroy();
    const covered = image.alpha.reduce((n, a) => n + (a > 1 / 255 ? 1 : 0), 0);
    return { ...psnrRgba8VsRgb(pixels, image.rgb), viewerVisible: stats.visibleSplats, trainerVisible: trained.visibleSplats, coveredFraction: covered / image.alpha.length };
  });
}

export function expectConsistent(run: ConsistencyRun, label: string): void {
  console.log(`${label}: PSNR viewer vs trainer ${run.psnr.toFixed(2)} dB, max |diff| ${(run.maxAbs * 255).toFixed(1)}/255, visible ${run.viewerVisible} (trainer ${run.trainerVisible}), covered ${(100 * run.coveredFraction).toFixed(0)}%`);
  expect(run.coveredFraction).toBeGreaterThan(0.2);
  expect(run.viewerVisible).toBe(run.trainerVisible);
  expect(run.psnr).toBeGreaterThanOrEqual(MIN_PSNR_VS_TRAINER);
  expect(run.maxAbs * 255).toBeLessThanOrEqual(MAX_CHANNEL_DIFF_VS_TRAINER);
}

/** Camera-space z of every splat, in float64. */
export function cameraDepths(cloud: GaussianCloud, camera: Camera): Float64Array {
  const z = new Float64Array(cloud.count);
  for (let i = 0; i < cloud.count; i++) z[i] = worldToCamera(camera, cloud.means.subarray(3 * i, 3 * i + 3))[2];
  return z;
}

/** After renderer.render(camera): the drawn order is the camera's depth order (see the header). */
export async function expectDrawnInDepthOrder(renderer: WebGpuSplatRenderer, cloud: GaussianCloud, camera: Camera, visibleSplats: number): Promise<void> {
  const { depths, splatIds } = await renderer.readDepthOrder();
  expect(depths.length).toBe(visibleSplats);
  expect(visibleSplats).toBeGreaterThan(1);
  const z = cameraDepths(cloud, camera);
  const seen = new Uint8Array(cloud.count);
  let inversions = 0;
  let wrongKeys = 0;
  let tieOrderErrors = 0;
  for (let k = 0; k < depths.length; k++) {
    const id = splatIds[k];
    expect(id).toBeLessThan(cloud.count);
    expect(seen[id]).toBe(0);
    seen[id] = 1;
    if (Math.abs(depths[k] - z[id]) > 1e-5 * Math.max(1, Math.abs(z[id]))) wrongKeys++;
    if (k > 0 && depths[k] < depths[k - 1]) inversions++;
    if (k > 0 && depths[k] === depths[k - 1] && splatIds[k] < splatIds[k - 1]) tieOrderErrors++;
    expect(z[id]).toBeGreaterThan(0);
  }
  expect({ inversions, wrongKeys, tieOrderErrors }).toEqual({ inversions: 0, wrongKeys: 0, tieOrderErrors: 0 });
}
