/**
 * The WebGPU rasterizer in the browser's own WebGPU (headless Chromium, SwiftShader) against the
 * float64 CPU reference: the same scenes builder, runs and thresholds as the Node tests
 * (tests/gpu/rasterizer.test.ts, rasterRun.ts, rasterCompare.ts): forward image within 1e-4 of
 * renderReference on the unambiguous pixels, gradients within 1e-3 of renderReferenceBackward
 * (norm-relative per group, and per element with a floor). Small scenes: SwiftShader is slow.
 */
import { describe, expect, it } from 'vitest';
import { GRAD_GROUPS, gradErrors } from '../gpu/rasterCompare.ts';
import { expectClose, runScene } from '../gpu/rasterRun.ts';
import { makeScene } from '../gpu/rasterScenes.ts';
import { browserGpu } from './browserGpu.ts';

const SCENES: [number, number, number, number, number][] = [
  // seed, splats, SH degree, width, height
  [1, 300, 0, 64, 48],
  [11, 250, 1, 48, 40],
  [12, 200, 3, 40, 32],
];

describe('GPU rasterizer in Chromium vs CPU reference', () => {
  const totals = { clampedAlpha: 0, terminated: 0, tiedPairs: 0 };

  it('runs on the browser WebGPU adapter', async () => {
    const { adapter, description } = await browserGpu();
    expect(adapter).toBeTruthy();
    console.log(`browser WebGPU adapter: ${description}`);
  });

  for (const [seed, count, degree, width, height] of SCENES) {
    it(`seed ${seed}: ${count} splats, SH ${degree}, ${width}x${height}: image and gradients match`, async () => {
      const { device } = await browserGpu();
      const run = await runScene(device, makeScene(seed, count, degree, width, height));
      const errs = gradErrors(run.grads, run.refGrads);
      console.log(
        `seed ${seed}: image max error ${run.imageMaxError.toExponential(2)} (${run.ambiguous} ambiguous px); ` +
          GRAD_GROUPS.map((g, i) => `${g} norm ${errs[i].normRel.toExponential(2)} elem ${errs[i].elemRel.toExponential(2)}`).join(', '),
      );
      expectClose(run, width * height);
      totals.clampedAlpha += run.coverage.counts.clampedAlpha;
      totals.terminated += run.coverage.counts.terminated;
      totals.tiedPairs += run.coverage.counts.tiedPairs;
    });
  }

  it('expected depth (the depth variants): depth image and the gradients of a loss on rgb, alpha and depth match', async () => {
    const { device } = await browserGpu();
    const scene = makeScene(13, 250, 1, 48, 40);
    const run = await runScene(device, scene, scene.camera, undefined, true, false, true);
    console.log(`expected depth: depth max relative error ${run.depthMaxError!.toExponential(2)}`);
    expectClose(run, 48 * 40);
    expect(run.depthMaxError).toBeDefined();
  });

  it('the scenes exercised alpha clamping, early termination and depth ties', () => {
    expect(totals.clampedAlpha).toBeGreaterThan(0);
    expect(totals.terminated).toBeGreaterThan(0);
    expect(totals.tiedPairs).toBeGreaterThan(0);
  });
});
