/**
 * The trainer's small kernels (regularizers.wgsl, densifyStats.wgsl) against their float64
 * reference (src/gpu/train/trainExtrasReference.ts), and the reference's regulariser gradients
 * against central finite differences of its loss.
 */
import { describe, expect, it } from 'vitest';
import { readBuffer, storageBuffer } from '../../src/gpu/buffers.ts';
import { flatParamLayout as paramLayout } from '../../src/core/gaussianCloud.ts';
import { TrainExtras, type RegularizerWeights } from '../../src/gpu/train/trainExtras.ts';
import { PROJECTED_GRAD_STRIDE as G } from '../../src/gpu/rasterUniforms.ts';
import { densifyStatsStep, regularizerGradients, regularizerLoss } from '../../src/gpu/train/trainExtrasReference.ts';
import { mulberry32, testGpu, withGpuErrorScope } from './gpuTestDevice.ts';

const WEIGHTS: RegularizerWeights = { scale: 0.3, opacity: 0.7, aniso: 0.05, anisoMaxRatio: 4 };

/** Log-scales with a spread that puts some splats over the ratio bound and some under it. */
function randomSplats(count: number, seed: number): { logScales: Float32Array; opacityLogits: Float32Array } {
  const rand = mulberry32(seed);
  const logScales = new Float32Array(3 * count).map(() => -3 + 3 * rand());
  const opacityLogits = new Float32Array(count).map(() => -4 + 8 * rand());
  return { logScales, opacityLogits };
}

describe('regulariser reference', () => {
  it('gradients match central finite differences of the loss', () => {
    const count = 12;
    const { logScales, opacityLogits } = randomSplats(count, 3);
    const p = { count, logScales: Float64Array.from(logScales), opacityLogits: Float64Array.from(opacityLogits) };
    const g = regularizerGradients(p, WEIGHTS);
    const h = 1e-6;
    let overBound = 0;
    for (let i = 0; i < count; i++) {
      const ls = Array.from(p.logScales.slice(3 * i, 3 * i + 3));
      if (Math.exp(Math.max(...ls) - Math.min(...ls)) > 4 + 1e-3) overBound++;
    }
    expect(overBound).toBeGreaterThan(2); // the anisotropy term is exercised
    for (const [key, grad] of [['logScales', g.logScales], ['opacityLogits', g.opacityLogits]] as const) {
      for (let j = 0; j < grad.length; j++) {
        const arr = p[key];
        const x = arr[j];
        arr[j] = x + h;
        const up = regularizerLoss(p, WEIGHTS);
        arr[j] = x - h;
        const down = regularizerLoss(p, WEIGHTS);
        arr[j] = x;
        expect(grad[j]).toBeCloseTo((up - down) / (2 * h), 6);
      }
    }
  });
});

describe('trainer kernels on the GPU', () => {
  it('regularizers.wgsl adds the reference gradients to the flat gradient buffer', async () => {
    const { device } = await testGpu();
    const count = 300, capacity = 320, shDegree = 1;
    const layout = paramLayout(capacity, shDegree);
    const { logScales, opacityLogits } = randomSplats(count, 7);
    const params = new Float32Array(layout.length);
    params.set(logScales, layout.logScales);
    params.set(opacityLogits, layout.opacityLogits);
    const rand = mulberry32(11);
    const gradsBefore = new Float32Array(layout.length).map(() => rand() - 0.5);
    const paramsBuf = storageBuffer(device, 'params', 4 * layout.length);
    const gradsBuf = storageBuffer(device, 'grads', 4 * layout.length);
    device.queue.writeBuffer(paramsBuf, 0, params);
    device.queue.writeBuffer(gradsBuf, 0, gradsBefore);
    const extras = new TrainExtras(device);
    const got = await withGpuErrorScope(device, async () => {
      extras.addRegularizers(paramsBuf, gradsBuf, layout, count, WEIGHTS);
      return new Float32Array(await readBuffer(device, gradsBuf, 4 * layout.length));
    });
    const ref = regularizerGradients({ count, logScales, opacityLogits }, WEIGHTS);
    for (let j = 0; j < layout.length; j++) {
      let delta = 0;
      if (j >= layout.logScales && j < layout.logScales + 3 * count) delta = ref.logScales[j - layout.logScales];
      else if (j >= layout.opacityLogits && j < layout.opacityLogits + count) delta = ref.opacityLogits[j - layout.opacityLogits];
      const want = gradsBefore[j] + delta;
      expect(Math.abs(got[j] - want)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(want)));
    }
    // All weights zero: the kernel is not even dispatched, nothing changes.
    extras.addRegularizers(paramsBuf, gradsBuf, layout, count, { scale: 0, opacity: 0 });
    expect(new Float32Array(await readBuffer(device, gradsBuf, 4 * layout.length))).toEqual(got);
    for (const b of [paramsBuf, gradsBuf]) b.destroy();
    extras.destroy();
  });

  it('densifyStats.wgsl accumulates the reference statistics over steps, skipping unseen splats', async () => {
    const { device } = await testGpu();
    const count = 200, width = 64, height = 48;
    const extras = new TrainExtras(device);
    extras.resetStats(count);
    const rand = mulberry32(5);
    const gradBuf = storageBuffer(device, 'gradProjected', 4 * G * count);
    const sum = new Float64Array(count), seen = new Float64Array(count);
    for (let step = 0; step < 3; step++) {
      const g = new Float32Array(G * count).map(() => (rand() - 0.5) * 1e-3);
      for (let i = 0; i < count; i++) if (rand() < 0.3) g.fill(0, G * i, G * i + G); // culled in this view
      for (let i = 0; i < count; i += 17) g.fill(0, G * i, G * i + 2).fill(1e-4, G * i + 5, G * i + 6); // seen, no motion
      for (let i = 5; i < count; i += 23) g.fill(0, G * i, G * i + G).fill(1e-4, G * i + 9, G * i + 10); // seen through its depth gradient only
      device.queue.writeBuffer(gradBuf, 0, g);
      extras.gatherStats(gradBuf, count, width, height);
      densifyStatsStep(g, count, width, height, sum, seen);
    }
    const stats = await extras.readStats(count);
    expect(Array.from(stats.gradCount)).toEqual(Array.from(seen));
    for (let i = 0; i < count; i++) expect(Math.abs(stats.gradAccum[i] - sum[i])).toBeLessThanOrEqual(1e-6 * Math.max(1e-3, sum[i]));
    expect(seen.some((s) => s === 0) || seen.some((s) => s < 3)).toBe(true);
    gradBuf.destroy();
    extras.destroy();
  });
});
