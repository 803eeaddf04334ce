/**
 * Splat dropout (DropGaussian): the reference's gradient chain against finite differences, its
 * drop rate and compensation, and dropout.wgsl's two passes against the reference.
 */
import { describe, expect, it } from 'vitest';
import { readBuffer, storageBuffer } from '../../src/gpu/buffers.ts';
import { flatParamLayout } from '../../src/core/gaussianCloud.ts';
import { SplatDropout } from '../../src/gpu/train/dropout.ts';
import {
  DROPPED_LOGIT, OPACITY_CAP, compensatedLogit, compensatedLogitGrad, dropThreshold, dropoutLogitGrads, dropoutLogits, isDropped,
} from '../../src/gpu/train/dropoutReference.ts';
import { mulberry32, testGpu, withGpuErrorScope } from './gpuTestDevice.ts';

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

describe('dropout reference', () => {
  it('chains the logit gradient as central finite differences of the compensated logit', () => {
    const rate = 0.2;
    let capped = 0;
    for (let l = -8; l <= 8; l += 0.37) {
      const h = 1e-6;
      const fd = (compensatedLogit(l + h, rate) - compensatedLogit(l - h, rate)) / (2 * h);
      // Away from the cap's kink (where the derivative jumps to 0) the two must agree.
      if (Math.abs(sigmoid(l) / (1 - rate) - OPACITY_CAP) < 1e-4) continue;
      if (sigmoid(l) / (1 - rate) >= OPACITY_CAP) capped++;
      expect(compensatedLogitGrad(l, rate)).toBeCloseTo(fd, 6);
    }
    expect(capped).toBeGreaterThan(0); // the capped branch (zero gradient) is exercised
  });

  it('drops about `rate` of the splats, a different set per seed, and keeps the mean opacity', () => {
    const n = 20000, rate = 0.25;
    const t = dropThreshold(rate);
    const a = Array.from({ length: n }, (_, i) => isDropped(i, 7, t));
    const b = Array.from({ length: n }, (_, i) => isDropped(i, 8, t));
    const frac = a.filter(Boolean).length / n;
    expect(Math.abs(frac - rate)).toBeLessThan(0.015);
    const both = a.filter((x, i) => x && b[i]).length / n;
    expect(Math.abs(both - rate * rate)).toBeLessThan(0.015); // independent across steps
    // Expected opacity a pixel sees is unchanged (uncapped splats): mean of compensated ~ mean of plain.
    const rand = mulberry32(3);
    const logits = Array.from({ length: n }, () => -4 + 4.5 * rand()); // s <= 0.62: k s stays under the cap
    const swapped = dropoutLogits(logits, n, rate, 7);
    const mean = (f: (i: number) => number) => Array.from({ length: n }, (_, i) => f(i)).reduce((s, x) => s + x, 0) / n;
    const plain = mean((i) => sigmoid(logits[i]));
    const dropped = mean((i) => (swapped[i] === DROPPED_LOGIT ? 0 : sigmoid(swapped[i])));
    expect(Math.abs(dropped - plain) / plain).toBeLessThan(0.02);
    expect(dropThreshold(0)).toBe(0);
    expect(Array.from({ length: 1000 }, (_, i) => isDropped(i, 1, 0)).some(Boolean)).toBe(false);
  });
});

describe('dropout.wgsl', () => {
  it('swaps the logits as the reference, then restores them exactly and chains their gradient', async () => {
    const { device } = await testGpu();
    const count = 700, capacity = 768, rate = 0.3, seed = 12345;
    const layout = flatParamLayout(capacity, 1);
    const rand = mulberry32(9);
    const params = new Float32Array(layout.length).map(() => rand() - 0.5);
    const logits = new Float32Array(count).map(() => -7 + 14 * rand());
    params.set(logits, layout.opacityLogits);
    const grads = new Float32Array(layout.length).map(() => rand() - 0.5);
    const paramsBuf = storageBuffer(device, 'params', 4 * layout.length);
    const gradsBuf = storageBuffer(device, 'grads', 4 * layout.length);
    device.queue.writeBuffer(paramsBuf, 0, params);
    device.queue.writeBuffer(gradsBuf, 0, grads);
    const dropout = new SplatDropout(device);
    const [swapped, saved, restored, chained] = await withGpuErrorScope(device, async () => {
      dropout.apply(paramsBuf, layout, count, rate, seed);
      const sw = new Float32Array(await readBuffer(device, paramsBuf, 4 * layout.length));
      const sv = await dropout.readSavedLogits(count);
      dropout.restore(paramsBuf, gradsBuf);
      return [sw, sv, new Float32Array(await readBuffer(device, paramsBuf, 4 * layout.length)), new Float32Array(await readBuffer(device, gradsBuf, 4 * layout.length))];
    });
    const wantLogits = dropoutLogits(logits, count, rate, seed);
    const opacityGrads = grads.subarray(layout.opacityLogits, layout.opacityLogits + count);
    const wantGrads = dropoutLogitGrads(logits, opacityGrads, count, rate, seed);
    let drops = 0;
    for (let i = 0; i < count; i++) {
      const got = swapped[layout.opacityLogits + i];
      if (wantLogits[i] === DROPPED_LOGIT) drops++;
      expect(got === DROPPED_LOGIT).toBe(wantLogits[i] === DROPPED_LOGIT);
      expect(Math.abs(got - wantLogits[i])).toBeLessThan(2e-4 * Math.max(1, Math.abs(wantLogits[i])));
      // Near the cap, 1 - k s cancels in f32: a relative tolerance.
      expect(Math.abs(chained[layout.opacityLogits + i] - wantGrads[i])).toBeLessThan(1e-4 * Math.max(1, Math.abs(wantGrads[i])));
    }
    expect(drops).toBeGreaterThan(0.2 * count);
    expect(drops).toBeLessThan(0.4 * count);
    expect(saved).toEqual(logits);
    // Everything but the opacity logits' gradient is left alone; the parameters come back bit for bit.
    expect(restored).toEqual(params);
    for (let j = 0; j < layout.length; j++) if (j < layout.opacityLogits || j >= layout.opacityLogits + count) expect(chained[j]).toBe(grads[j]);
    for (const b of [paramsBuf, gradsBuf]) b.destroy();
    dropout.destroy();
  });
});
