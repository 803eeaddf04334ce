/**
 * The depth loss's float64 reference (src/gpu/loss/depthLossReference.ts): its gradient against
 * central finite differences, and the properties that make it a scale-free depth loss.
 */
import { describe, expect, it } from 'vitest';
import { depthLossReference, type DepthLossSettings } from '../../src/gpu/loss/depthLossReference.ts';
import { depthLossCase } from './depthLossCases.ts';

describe('depth loss reference', () => {
  for (const [seed, masked, P, ox, oy] of [[1, false, 8, 0, 0], [2, true, 8, 3, 5], [3, true, 5, 4, 1]] as const) {
    it(`seed ${seed}${masked ? ', masked' : ''}, ${P}px patches shifted by (${ox}, ${oy}): the gradient matches finite differences`, () => {
      const inputs = depthLossCase(seed, 23, 19, masked);
      const settings: DepthLossSettings = { weight: 0.7, patchSize: P, offset: [ox, oy] };
      const res = depthLossReference(inputs, settings);
      expect(res.patches).toBeGreaterThan(3);
      expect(res.pearson).toBeGreaterThan(0.2);
      expect(res.pearson).toBeLessThan(0.999);
      const depth = inputs.depth as Float64Array;
      const eps = 1e-6;
      let nonZero = 0;
      for (let p = 0; p < depth.length; p++) {
        const v = depth[p];
        depth[p] = v + eps;
        const lp = depthLossReference(inputs, settings).loss;
        depth[p] = v - eps;
        const lm = depthLossReference(inputs, settings).loss;
        depth[p] = v;
        const fd = (lp - lm) / (2 * eps);
        expect(Math.abs(fd - res.dLdDepth[p]), `pixel ${p}: analytic ${res.dLdDepth[p]} vs ${fd}`).toBeLessThan(1e-6 + 1e-5 * Math.abs(fd));
        if (Math.abs(fd) > 1e-4) nonZero++;
        if (inputs.mask && inputs.mask[p] === 0) expect(res.dLdDepth[p]).toBe(0);
      }
      expect(nonZero).toBeGreaterThan(depth.length / 4);
    });
  }

  it('does not change when the target is scaled and shifted (a > 0), and is 0 for an exact affine match, 2 x weight for a reversed one', () => {
    const inputs = depthLossCase(4, 30, 20, true);
    const s: DepthLossSettings = { weight: 0.5, patchSize: 10, offset: [2, 7] };
    const base = depthLossReference(inputs, s);
    const affine = depthLossReference({ ...inputs, target: Array.from(inputs.target, (t) => 0.01 * t - 40) }, s);
    expect(affine.loss).toBeCloseTo(base.loss, 10);
    expect(affine.patches).toBe(base.patches);
    for (let p = 0; p < base.dLdDepth.length; p++) expect(affine.dLdDepth[p]).toBeCloseTo(base.dLdDepth[p], 8);
    const same = depthLossReference({ ...inputs, target: Array.from(inputs.depth, (d) => 4 * d + 1) }, s);
    expect(same.loss).toBeLessThan(1e-6);
    const reversed = depthLossReference({ ...inputs, target: Array.from(inputs.depth, (d) => -d) }, s);
    expect(reversed.loss).toBeCloseTo(2 * s.weight, 5);
  });

  it('counts a patch as large as the image (one global correlation) when a quarter of the image is valid', () => {
    const inputs = depthLossCase(6, 30, 20, true);
    const res = depthLossReference(inputs, { weight: 1, patchSize: 64, offset: [0, 0] });
    expect(res.patches).toBe(1);
    expect(res.loss).toBeGreaterThan(0);
  });

  it('leaves out patches with under a quarter of their pixels on the mask and patches whose target is flat', () => {
    const width = 16, height = 8;
    const inputs = depthLossCase(5, width, height, false);
    // Two 8x8 patches: the left fully on the mask, the right with 15 of 64 pixels (under 16).
    const mask = new Uint8Array(width * height);
    for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) mask[y * width + x] = x < 8 || (y * 8 + x - 8) < 15 ? 1 : 0;
    const s: DepthLossSettings = { weight: 1, patchSize: 8, offset: [0, 0] };
    const res = depthLossReference({ ...inputs, mask }, s);
    expect(res.patches).toBe(1);
    mask[1 * width + 15] = 1; // its 16th pixel (local index 15: row 1, column 7): the right patch counts now
    expect(depthLossReference({ ...inputs, mask }, s).patches).toBe(2);
    const flat = Float64Array.from(inputs.target);
    for (let y = 0; y < height; y++) for (let x = 0; x < 8; x++) flat[y * width + x] = 2.5;
    const r = depthLossReference({ ...inputs, target: flat }, s);
    expect(r.patches).toBe(1);
    for (let y = 0; y < height; y++) for (let x = 0; x < 8; x++) expect(r.dLdDepth[y * width + x]).toBe(0);
  });
});
