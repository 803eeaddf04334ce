/**
 * Loss test inputs, the GPU loss run and the checks against the float64 reference, shared by the
 * Node tests (loss.test.ts) and the browser tests (tests/browser/). Environment-free: the caller
 * passes its device.
 */
import { expect } from 'vitest';
import { readBuffer, storageBuffer } from '../../src/gpu/buffers.ts';
import { createLoss, LOSS_TERMS_BYTES } from '../../src/gpu/loss/loss.ts';
import { lossReference, targetPrimePlanes, type LossInputs, type LossTerms, type LossWeights } from '../../src/gpu/loss/lossReference.ts';
import { mulberry32, withGpuErrorScope } from './gpuTestUtils.ts';

/** Random render, alpha, target and (optionally) a disc mask; |rgb - t'| kept away from the L1 kink. */
export function randomLossInputs(width: number, height: number, withMask: boolean, seed: number): LossInputs {
  const rnd = mulberry32(seed);
  const n = width * height;
  const target = new Uint8Array(4 * n);
  for (let i = 0; i < target.length; i++) target[i] = Math.floor(rnd() * 256);
  let mask: Uint8Array | null = null;
  if (withMask) {
    mask = new Uint8Array(n);
    const cx = width * (0.4 + 0.2 * rnd()), cy = height * (0.4 + 0.2 * rnd()), r = 0.35 * Math.min(width, height);
    for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) mask[y * width + x] = (x + 0.5 - cx) ** 2 + (y + 0.5 - cy) ** 2 < r * r ? 1 : 0;
  }
  const background = [rnd(), rnd(), rnd()] as const;
  const yp = targetPrimePlanes(target, mask, background, n);
  const rgb = new Float64Array(3 * n);
  for (let p = 0; p < n; p++)
    for (let c = 0; c < 3; c++) {
      // Half the pixels near the target (SSIM's interesting regime), half anywhere.
      let v = rnd() < 0.5 ? yp[c][p] + 0.2 * (rnd() - 0.5) : rnd();
      if (Math.abs(v - yp[c][p]) < 1e-3) v = yp[c][p] + 2e-3;
      rgb[3 * p + c] = v;
    }
  const alpha = Float64Array.from({ length: n }, () => rnd());
  return { width, height, rgb, alpha, target, mask, background };
}

/** The reference on exactly what the GPU sees: rgb, alpha and background rounded to f32. */
export function asF32(inputs: LossInputs): LossInputs {
  return {
    ...inputs,
    rgb: Float64Array.from(Float32Array.from(inputs.rgb)),
    alpha: Float64Array.from(Float32Array.from(inputs.alpha)),
    background: inputs.background.map(Math.fround) as unknown as LossInputs['background'],
  };
}

export interface GpuLossResult {
  terms: LossTerms;
  raw: Float32Array;
  dLdRgb: Float32Array;
  dLdAlpha: Float32Array;
}

/** Runs the GPU loss on several inputs of one size (one createLoss, targets switched per run). */
export async function gpuLoss(device: GPUDevice, cases: LossInputs[], weights: Partial<LossWeights>[], ownSubmit = false): Promise<GpuLossResult[]> {
  const { width, height } = cases[0];
  const n = width * height;
  return withGpuErrorScope(device, async () => {
    const loss = createLoss(device, { width, height });
    const rgb = storageBuffer(device, 'test rgb', 12 * n);
    const alpha = storageBuffer(device, 'test alpha', 4 * n);
    const out: GpuLossResult[] = [];
    for (let i = 0; i < cases.length; i++) {
      const c = cases[i];
      device.queue.writeBuffer(rgb, 0, Float32Array.from(c.rgb));
      device.queue.writeBuffer(alpha, 0, Float32Array.from(c.alpha));
      const target = loss.uploadTarget(c.target, c.mask);
      let o;
      if (ownSubmit) o = loss.run(null, rgb, alpha, target, c.background, weights[i]);
      else {
        const encoder = device.createCommandEncoder();
        o = loss.run(encoder, rgb, alpha, target, c.background, weights[i]);
        device.queue.submit([encoder.finish()]);
      }
      const [terms, raw, dLdRgb, dLdAlpha] = await Promise.all([
        loss.readTerms(),
        readBuffer(device, o.lossTerms, LOSS_TERMS_BYTES),
        readBuffer(device, o.dLdRgb, 12 * n),
        readBuffer(device, o.dLdAlpha, 4 * n),
      ]);
      out.push({ terms, raw: new Float32Array(raw), dLdRgb: new Float32Array(dLdRgb), dLdAlpha: new Float32Array(dLdAlpha) });
      target.destroy();
    }
    loss.destroy();
    rgb.destroy();
    alpha.destroy();
    return out;
  });
}

/** ||a - b|| / ||b|| and max |a - b| / max |b|. */
export function gradError(gpu: Float32Array, ref: Float64Array): { l2: number; max: number } {
  let d2 = 0, r2 = 0, dMax = 0, rMax = 0;
  for (let i = 0; i < ref.length; i++) {
    const d = gpu[i] - ref[i];
    d2 += d * d;
    r2 += ref[i] * ref[i];
    dMax = Math.max(dMax, Math.abs(d));
    rMax = Math.max(rMax, Math.abs(ref[i]));
  }
  return r2 === 0 ? { l2: Math.sqrt(d2), max: dMax } : { l2: Math.sqrt(d2 / r2), max: dMax / rMax };
}

/** Loss terms within 1e-4 of the reference, gradients within 1e-3 (norm- and max-relative). */
export function expectLossMatches(g: GpuLossResult, inputs: LossInputs, weights: Partial<LossWeights>, label: string): void {
  const ref = lossReference(inputs, weights);
  const what = `${label} (${inputs.mask ? 'mask' : 'no mask'}, ${JSON.stringify(weights)})`;
  for (const k of ['loss', 'l1', 'ssim', 'maskMse', 'mse'] as const)
    expect(Math.abs(g.terms[k] - ref[k]), `${what}: ${k} ${g.terms[k]} vs ${ref[k]}`).toBeLessThan(1e-4);
  expect(Array.from(g.raw.subarray(0, 5))).toEqual([g.terms.loss, g.terms.l1, g.terms.ssim, g.terms.maskMse, g.terms.mse]);
  const eRgb = gradError(g.dLdRgb, ref.dLdRgb);
  const eAlpha = gradError(g.dLdAlpha, ref.dLdAlpha);
  expect(eRgb.l2, `${what}: dL/drgb ${JSON.stringify(eRgb)}`).toBeLessThan(1e-3);
  expect(eRgb.max, `${what}: dL/drgb ${JSON.stringify(eRgb)}`).toBeLessThan(1e-3);
  expect(eAlpha.max, `${what}: dL/dalpha ${JSON.stringify(eAlpha)}`).toBeLessThan(1e-3);
  if (!inputs.mask) expect(g.dLdAlpha.every((v) => v === 0)).toBe(true);
}
