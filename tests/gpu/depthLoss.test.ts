/**
 * The depth loss's WGSL kernels (src/gpu/loss/depthLoss.ts) against the float64 reference
 * (depthLossReference.ts, checked by finite differences in depthLossReference.test.ts): the
 * terms and every pixel's dL/d(depth), with and without a mask, for shifted patch grids.
 */
import { describe, expect, it } from 'vitest';
import { readBuffer, storageBuffer } from '../../src/gpu/buffers.ts';
import { createDepthLoss, packDepthTarget } from '../../src/gpu/loss/depthLoss.ts';
import { depthLossReference } from '../../src/gpu/loss/depthLossReference.ts';
import { depthLossCase } from './depthLossCases.ts';
import { testGpu, withGpuErrorScope } from './gpuTestDevice.ts';

describe('depth loss on the GPU vs the reference', () => {
  for (const [seed, masked, width, height, P, offsets] of [
    [1, false, 64, 48, 16, [[0, 0], [5, 11]]],
    [2, true, 70, 45, 12, [[3, 7], [11, 0]]],
    [3, true, 37, 29, 24, [[23, 1]]],
    [5, true, 40, 30, 64, [[0, 0]]], // one patch over the whole image (global, as FSGS)
  ] as const) {
    it(`seed ${seed}${masked ? ', masked' : ''}, ${width}x${height}, ${P}px patches: terms and dL/ddepth match`, async () => {
      const { device } = await testGpu();
      const inputs = depthLossCase(seed, width, height, masked);
      await withGpuErrorScope(device, async () => {
        const loss = createDepthLoss(device, { width, height }, P);
        const depthBuf = storageBuffer(device, 'depth', 4 * width * height);
        device.queue.writeBuffer(depthBuf, 0, Float32Array.from(inputs.depth));
        const target = loss.uploadTarget(Float32Array.from(inputs.target), inputs.mask);
        try {
          for (const offset of offsets) {
            const ref = depthLossReference(inputs, { weight: 0.3, patchSize: P, offset });
            loss.run(null, depthBuf, target, 0.3, offset);
            const terms = await loss.readTerms();
            const grad = new Float32Array(await readBuffer(device, loss.outputs.dLdDepth, 4 * width * height));
            expect(ref.patches, 'patches that count').toBeGreaterThanOrEqual(P >= width ? 1 : 2);
            expect(terms.patches).toBe(ref.patches);
            expect(terms.pearson).toBeCloseTo(ref.pearson, 4);
            expect(terms.loss).toBeCloseTo(ref.loss, 4);
            const maxRef = Math.max(...Array.from(ref.dLdDepth, Math.abs));
            expect(maxRef).toBeGreaterThan(0);
            for (let p = 0; p < grad.length; p++) {
              expect(Math.abs(grad[p] - ref.dLdDepth[p]), `pixel ${p}, offset ${offset}: gpu ${grad[p]} vs ${ref.dLdDepth[p]}`).toBeLessThanOrEqual(1e-3 * maxRef);
              if (ref.dLdDepth[p] === 0) expect(grad[p]).toBe(0);
            }
          }
        } finally {
          loss.destroy();
          target.destroy();
          depthBuf.destroy();
        }
      });
    });
  }

  it('writes zero terms and gradient when no patch counts, and packs targets with their mask', async () => {
    const { device } = await testGpu();
    const width = 20, height = 10;
    const inputs = depthLossCase(4, width, height, false);
    const loss = createDepthLoss(device, { width, height }, 8);
    const depthBuf = storageBuffer(device, 'depth', 4 * width * height);
    device.queue.writeBuffer(depthBuf, 0, Float32Array.from(inputs.depth));
    const mask = new Uint8Array(width * height);
    mask.fill(1, 0, 5); // 5 pixels: under a quarter of any 8x8 patch
    const target = loss.uploadTarget(Float32Array.from(inputs.target), mask);
    try {
      loss.run(null, depthBuf, target, 1, [0, 0]);
      expect(await loss.readTerms()).toEqual({ loss: 0, pearson: 0, patches: 0 });
      expect(Math.max(...new Float32Array(await readBuffer(device, loss.outputs.dLdDepth, 4 * width * height)).map(Math.abs))).toBe(0);
      expect(Array.from(packDepthTarget([2, 3, NaN, 5], Uint8Array.of(1, 0, 1, 1), 2, 2))).toEqual([2, 1, 0, 0, 0, 0, 5, 1]);
      expect(() => loss.run(null, depthBuf, target, 1, [8, 0])).toThrow(/offset/);
    } finally {
      loss.destroy();
      target.destroy();
      depthBuf.destroy();
    }
  });
});
