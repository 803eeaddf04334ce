/**
 * Checks of the WebGPU viewer shared by the Node tests (tests/render/, Dawn) and the browser
 * tests (tests/browser/render*.test.ts, Chromium): environment-free, the caller passes its device.
 *
 * - consistency: the viewer's RGBA8 frame against the trainer's forward rasterizer
 *   (createRasterizer: forward, readImage; float RGB clamped to [0, 1]) for the same cloud and
 *   camera: PSNR >= 40 dB, and both keep exactly the same number of splats after culling.
 * - sorting: the order the frame was drawn with is the camera's depth order: ranks in
 *   non-decreasing 16-bit log-depth key (src/render/webgpu/depthKey.ts), each rank's key the
 *   splat's own, every kept splat exactly once.
 * - saturation: saturatingScene() has opaque walls in front of many splats, so the viewer's
 *   saturation passes (src/render/webgpu/splatSaturation.wgsl) mask pixels between draw batches.
 */
import { expect } from 'vitest';
import { lookAtCamera, worldToCamera, type Camera } from '../../src/core/camera.ts';
import { colorToShDC } from '../../src/core/sh.ts';
import type { GaussianCloud } from '../../src/core/gaussianCloud.ts';
import { createRasterizer } from '../../src/gpu/rasterizer.ts';
import type { SplatRenderOptions } from '../../src/render/splatRenderer.ts';
import { depthSortKey } from '../../src/render/webgpu/depthKey.ts';
import { createWebGpuSplatRenderer, type WebGpuSplatRenderer } from '../../src/render/webgpu/webGpuSplatRenderer.ts';
import { withGpuErrorScope } from '../gpu/gpuTestUtils.ts';
import { mulberry32 } from '../gpu/gpuTestUtils.ts';
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
  /** Fraction of pixels the trainer leaves with transmittance below 5e-4 (saturated). */
  saturatedFraction: number;
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
    const saturated = image.alpha.reduce((n, a) => n + (a > 1 - 5e-4 ? 1 : 0), 0);
    return {
      ...psnrRgba8VsRgb(pixels, image.rgb),
      viewerVisible: stats.visibleSplats,
      trainerVisible: trained.visibleSplats,
      coveredFraction: covered / image.alpha.length,
      saturatedFraction: saturated / image.alpha.length,
    };
  });
}

export function expectConsistent(run: ConsistencyRun, label: string): void {
  console.log(`${label}: PSNR viewer vs trainer ${run.psnr.toFixed(2)} dB, max |diff| ${(run.maxAbs * 255).toFixed(1)}/255, visible ${run.viewerVisible} (trainer ${run.trainerVisible}), covered ${(100 * run.coveredFraction).toFixed(0)}%`);
  expect(run.coveredFraction).toBeGreaterThan(0.2);
  expect(run.viewerVisible).toBe(run.trainerVisible);
  expect(run.psnr).toBeGreaterThanOrEqual(MIN_PSNR_VS_TRAINER);
  expect(run.maxAbs * 255).toBeLessThanOrEqual(MAX_CHANNEL_DIFF_VS_TRAINER);
}

/**
 * Splats behind near-opaque walls: the left half of the image is covered by two layers of
 * opacity-0.995 splats (saturated: transmittance ~1e-4), the right half by one layer at 0.4, and
 * 2000 small coloured splats lie behind both. The walls are the nearest ~10% of the splats, so
 * they fill the first draw batches and the saturation passes after them mask the left half for
 * the rest; on the right the far splats must still show through.
 */
export function saturatingScene(width: number, height: number): TestScene {
  const rnd = mulberry32(20261125);
  const means: number[] = [];
  const logScales: number[] = [];
  const opacityLogits: number[] = [];
  const sh: number[] = [];
  const add = (x: number, y: number, z: number, scale: number, opacity: number, rgb: number[]) => {
    means.push(x, y, z);
    logScales.push(Math.log(scale), Math.log(scale), Math.log(scale));
    opacityLogits.push(Math.log(opacity / (1 - opacity)));
    sh.push(...rgb.map(colorToShDC));
  };
  for (const depth of [-1.2, -1.1]) for (let i = 0; i < 10; i++) for (let j = 0; j < 10; j++) add(-2 + 0.2 * i, depth, -1 + 0.2 * j, 0.15, 0.995, [0.9, 0.2, 0.1]);
  for (let i = 0; i < 10; i++) for (let j = 0; j < 10; j++) add(0.1 + 0.2 * i, -1.1, -1 + 0.2 * j, 0.15, 0.4, [0.1, 0.3, 0.9]);
  for (let k = 0; k < 2000; k++) add(3 * rnd() - 1.5, 0.5 + rnd(), 2 * rnd() - 1, 0.04 + 0.06 * rnd(), 0.3 + 0.6 * rnd(), [rnd(), rnd(), rnd()]);
  const count = opacityLogits.length;
  const quats = new Float32Array(4 * count);
  for (let i = 0; i < count; i++) quats[4 * i] = 1;
  const cloud: GaussianCloud = { count, shDegree: 0, means: new Float32Array(means), logScales: new Float32Array(logScales), quats, opacityLogits: new Float32Array(opacityLogits), sh: new Float32Array(sh) };
  const focal = 0.9 * width;
  const camera = lookAtCamera([0, -4, 0], [0, 0, 0], [0, 0, 1], { fx: focal, fy: focal, cx: width / 2, cy: height / 2, width, height });
  return { name: `saturating walls, ${count} splats, ${width}x${height}`, cloud, camera, background: [0.1, 0.1, 0.1] };
}

/** Camera-space z of every splat, in float64. */
export function cameraDepths(cloud: GaussianCloud, camera: Camera): Float64Array {
  const z = new Float64Array(cloud.count);
  for (let i = 0; i < cloud.count; i++) z[i] = worldToCamera(camera, cloud.means.subarray(3 * i, 3 * i + 3))[2];
  return z;
}

/**
 * After renderer.render(camera): the drawn order is the camera's depth order (see the header), up
 * to the 16-bit log-depth key (src/render/webgpu/depthKey.ts): the keys equal the reference's (one
 * bucket of slack for f32 against f64 log2), never decrease, tie in index order, and two splats are
 * out of true depth order only when they share a key.
 */
export async function expectDrawnInDepthOrder(renderer: WebGpuSplatRenderer, cloud: GaussianCloud, camera: Camera, visibleSplats: number): Promise<void> {
  const { keys, splatIds, depthRange } = await renderer.readDepthOrder();
  expect(keys.length).toBe(visibleSplats);
  expect(visibleSplats).toBeGreaterThan(1);
  const z = cameraDepths(cloud, camera);
  const kept = [...splatIds].map((id) => z[id]);
  expect(depthRange[0]).toBeCloseTo(Math.min(...kept), 5);
  expect(depthRange[1]).toBeCloseTo(Math.max(...kept), 5);
  const seen = new Uint8Array(cloud.count);
  let keyInversions = 0;
  let depthInversionsAcrossKeys = 0;
  let wrongKeys = 0;
  let tieOrderErrors = 0;
  for (let k = 0; k < keys.length; k++) {
    const id = splatIds[k];
    expect(id).toBeLessThan(cloud.count);
    expect(seen[id]).toBe(0);
    seen[id] = 1;
    expect(z[id]).toBeGreaterThan(0);
    if (Math.abs(keys[k] - depthSortKey(z[id], depthRange[0], depthRange[1])) > 1) wrongKeys++;
    if (k === 0) continue;
    if (keys[k] < keys[k - 1]) keyInversions++;
    if (keys[k] === keys[k - 1] && splatIds[k] < splatIds[k - 1]) tieOrderErrors++;
    if (keys[k] !== keys[k - 1] && z[id] < z[splatIds[k - 1]]) depthInversionsAcrossKeys++;
  }
  expect({ keyInversions, depthInversionsAcrossKeys, wrongKeys, tieOrderErrors }).toEqual({ keyInversions: 0, depthInversionsAcrossKeys: 0, wrongKeys: 0, tieOrderErrors: 0 });
  // The keys resolve depth: distinct keys for most splats of a test scene.
  expect(new Set(keys).size).toBeGreaterThan(0.5 * keys.length);
}
