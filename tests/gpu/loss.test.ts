/**
 * The training loss. The float64 reference: finite differences check its gradients, and its SSIM
 * map agrees with the skimage-convention metric (src/core/metrics) wherever the two are defined
 * the same way, i.e. away from the 5-pixel border where the loss zero-pads and the metric
 * reflects. The WGSL kernels: loss terms and gradients against the reference.
 */
import { describe, expect, it } from 'vitest';
import { ssimPlanes } from '../../src/core/metrics/ssim.ts';
import { lossReference, targetPrimePlanes, type LossInputs, type LossWeights } from '../../src/gpu/loss/lossReference.ts';
import { mulberry32, testGpu } from './gpuTestDevice.ts';
import { asF32, expectLossMatches, gpuLoss, gradError, randomLossInputs } from './lossCases.ts';

/** Central differences of the loss over every rgb and alpha value. */
function checkGradients(inputs: LossInputs, weights: Partial<LossWeights>) {
  const ref = lossReference(inputs, weights);
  // |rgb - t'| >= 1e-3 (randomLossInputs), so the L1 kink is never inside a step.
  const h = 1e-4;
  let maxErr = 0, maxGrad = 0;
  const elems: [number, number][] = [];
  const probe = (arr: Float64Array, i: number, analytic: number) => {
    const v = arr[i];
    arr[i] = v + h;
    const up = lossReference(inputs, weights).loss;
    arr[i] = v - h;
    const down = lossReference(inputs, weights).loss;
    arr[i] = v;
    const fd = (up - down) / (2 * h);
    const err = Math.abs(fd - analytic);
    maxErr = Math.max(maxErr, err);
    maxGrad = Math.max(maxGrad, Math.abs(analytic));
    elems.push([err, Math.abs(analytic)]);
  };
  const rgb = inputs.rgb as Float64Array, alpha = inputs.alpha as Float64Array;
  for (let i = 0; i < rgb.length; i++) probe(rgb, i, ref.dLdRgb[i]);
  for (let i = 0; i < alpha.length; i++) probe(alpha, i, ref.dLdAlpha[i]);
  // Per element, with a floor: gradients near 0 are below the finite differences' own noise.
  const maxElemRel = Math.max(...elems.map(([err, a]) => err / Math.max(a, 1e-3 * maxGrad)));
  return { rel: maxErr / maxGrad, maxElemRel, ref };
}

describe('loss reference (float64)', () => {
  const cases: [number, number, boolean, Partial<LossWeights>][] = [
    [16, 12, false, {}],
    [16, 12, true, {}],
    [23, 17, false, {}],
    [23, 17, true, { ssimWeight: 0.2, maskWeight: 0.5 }],
    // SSIM alone, so an SSIM gradient error cannot hide behind the L1 term.
    [23, 17, true, { ssimWeight: 1, maskWeight: 0 }],
    // A weighted view (the repair prior's pseudo views).
    [16, 12, true, { ssimWeight: 0.2, maskWeight: 0.5, viewWeight: 2.5 }],
  ];
  for (const [w, h, withMask, weights] of cases) {
    it(`matches finite differences, ${w}x${h}, ${withMask ? 'mask' : 'no mask'}, ${JSON.stringify(weights)}`, () => {
      const inputs = randomLossInputs(w, h, withMask, w * 100 + h + (withMask ? 1 : 0));
      const { rel, maxElemRel, ref } = checkGradients(inputs, weights);
      expect(rel, `max |fd - analytic| / max |analytic| = ${rel.toExponential(2)} (per element ${maxElemRel.toExponential(2)})`).toBeLessThan(1e-5);
      expect(maxElemRel).toBeLessThan(1e-5);
      if (!withMask) expect(ref.dLdAlpha.every((v) => v === 0)).toBe(true);
      expect(ref.loss).toBeGreaterThan(0);
    });
  }

  it('gives L1 0, SSIM 1, zero gradients for identical images (target over background with a mask)', () => {
    for (const withMask of [false, true]) {
      const inputs = randomLossInputs(20, 14, withMask, 5);
      const yp = targetPrimePlanes(inputs.target, inputs.mask, inputs.background, 20 * 14);
      const rgb = inputs.rgb as Float64Array;
      for (let p = 0; p < 20 * 14; p++) for (let c = 0; c < 3; c++) rgb[3 * p + c] = yp[c][p];
      if (inputs.mask) (inputs.alpha as Float64Array).set(inputs.mask);
      const ref = lossReference(inputs);
      expect(ref.l1).toBe(0);
      expect(ref.ssim).toBeCloseTo(1, 14);
      expect(ref.maskMse).toBe(0);
      expect(ref.loss).toBeCloseTo(0, 14);
      expect(Math.max(...ref.dLdRgb.map(Math.abs))).toBeLessThan(1e-12);
    }
  });

  it("SSIM map equals the skimage-convention metric's away from the border", () => {
    const [w, h] = [32, 24];
    const inputs = randomLossInputs(w, h, true, 77);
    const n = w * h;
    const ref = lossReference(inputs);
    const xs = [0, 1, 2].map((c) => Float64Array.from({ length: n }, (_, p) => inputs.rgb[3 * p + c]));
    const ys = targetPrimePlanes(inputs.target, inputs.mask, inputs.background, n);
    const metricMap = new Float32Array(n);
    const metric = ssimPlanes(xs, ys, w, h, metricMap);
    // Interior = pixels whose whole 11x11 window is inside the image: no padding is read there.
    let sum = 0, count = 0, maxMapDiff = 0;
    for (let y = 5; y < h - 5; y++)
      for (let x = 5; x < w - 5; x++) {
        const p = y * w + x;
        const mine = (ref.ssimMaps[0][p] + ref.ssimMaps[1][p] + ref.ssimMaps[2][p]) / 3;
        sum += mine;
        count++;
        maxMapDiff = Math.max(maxMapDiff, Math.abs(mine - metricMap[p]));
      }
    expect(Math.abs(sum / count - metric)).toBeLessThan(1e-12);
    expect(maxMapDiff).toBeLessThan(1e-6); // metricMap is float32
    // And the border really differs (zero vs reflect padding), so the test above is not vacuous.
    expect(Math.abs(ref.ssimMaps[0][0] - metricMap[0])).toBeGreaterThan(1e-4);
  });
});

describe('GPU loss vs the reference', () => {
  for (const [w, h] of [[32, 24], [64, 48]]) {
    it(`matches the reference at ${w}x${h}, with and without mask`, async () => {
      const weights: Partial<LossWeights>[] = [{}, { ssimWeight: 0.2, maskWeight: 0.3 }, { ssimWeight: 0.5, maskWeight: 0 }, { ssimWeight: 0.2, maskWeight: 0.3, viewWeight: 0.35 }];
      const cases = [
        randomLossInputs(w, h, false, w + 1),
        randomLossInputs(w, h, true, w + 2),
        randomLossInputs(w, h, true, w + 3),
        randomLossInputs(w, h, true, w + 4),
      ].map(asF32);
      const { device } = await testGpu();
      const gpu = await gpuLoss(device, cases, weights);
      for (let i = 0; i < cases.length; i++) expectLossMatches(gpu[i], cases[i], weights[i], `case ${i}`);
    });
  }

  it('stays accurate near convergence: smooth object, flat background rendered exactly', async () => {
    // Flat regions are where f32 hurts: sigma -> 0, the SSIM partials grow to ~1/C2 and the
    // gradient is a difference of large terms.
    const [w, h] = [64, 48];
    const n = w * h;
    const rnd = mulberry32(4242);
    const target = new Uint8Array(4 * n);
    const mask = new Uint8Array(n);
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) {
        const p = y * w + x;
        mask[p] = (x - 30) ** 2 + (y - 22) ** 2 < 15 ** 2 ? 1 : 0;
        target[4 * p] = 40 + 3 * x;
        target[4 * p + 1] = 200 - 2 * y;
        target[4 * p + 2] = 128 + ((x * y) % 64);
        target[4 * p + 3] = 255;
      }
    const background = [0.25, 0.5, 0.75] as const;
    const yp = targetPrimePlanes(target, mask, background, n);
    const rgb = new Float64Array(3 * n);
    const alpha = new Float64Array(n);
    for (let p = 0; p < n; p++) {
      alpha[p] = mask[p] ? 1 - 0.02 * rnd() : 0;
      for (let c = 0; c < 3; c++) rgb[3 * p + c] = mask[p] ? yp[c][p] + 0.02 * (rnd() - 0.5) : background[c];
    }
    const inputs = asF32({ width: w, height: h, rgb, alpha, target, mask, background });
    const [g] = await gpuLoss((await testGpu()).device, [inputs], [{}]);
    const ref = lossReference(inputs);
    for (const k of ['loss', 'l1', 'ssim', 'maskMse', 'mse'] as const)
      expect(Math.abs(g.terms[k] - ref[k]), `${k} ${g.terms[k]} vs ${ref[k]}`).toBeLessThan(1e-4);
    const eRgb = gradError(g.dLdRgb, ref.dLdRgb);
    expect(eRgb.l2, JSON.stringify(eRgb)).toBeLessThan(1e-3);
    expect(eRgb.max, JSON.stringify(eRgb)).toBeLessThan(1e-3);
  });

  it('gives L1 0 and SSIM 1 when the render is the target over the background', async () => {
    const [w, h] = [32, 24];
    const cases = [false, true].map((withMask) => {
      const c = randomLossInputs(w, h, withMask, 9);
      const yp = targetPrimePlanes(c.target, c.mask, c.background, w * h);
      const rgb = c.rgb as Float64Array;
      for (let p = 0; p < w * h; p++) for (let ch = 0; ch < 3; ch++) rgb[3 * p + ch] = yp[ch][p];
      if (c.mask) (c.alpha as Float64Array).set(c.mask);
      return asF32(c);
    });
    const gpu = await gpuLoss((await testGpu()).device, cases, [{}, {}], true);
    for (const g of gpu) {
      expect(g.terms.l1).toBeLessThan(1e-6);
      expect(Math.abs(g.terms.ssim - 1)).toBeLessThan(1e-5);
      expect(g.terms.maskMse).toBe(0);
      expect(g.terms.loss).toBeLessThan(1e-5);
    }
  });
});
