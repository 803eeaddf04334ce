/**
 * Depth smoothness at pseudo views (src/gpu/loss/depthSmooth*.ts): the float64 reference against
 * central finite differences in depth and coverage, the properties that make it a curvature
 * penalty (planes cost nothing, the weight carries across image sizes), and the WGSL kernel
 * against the reference.
 */
import { describe, expect, it } from 'vitest';
import { readBuffer, storageBuffer } from '../../src/gpu/buffers.ts';
import { createDepthSmooth } from '../../src/gpu/loss/depthSmooth.ts';
import { depthSmoothReference, type DepthSmoothInputs, type DepthSmoothSettings } from '../../src/gpu/loss/depthSmoothReference.ts';
import { mulberry32, testGpu, withGpuErrorScope } from './gpuTestDevice.ts';

/** A lumpy surface at depth about 3 with coverage in (0, 1]: some pixels under alphaMin, as at an object's edge. */
function smoothCase(seed: number, width: number, height: number): { depth: Float64Array; alpha: Float64Array; width: number; height: number } {
  const rand = mulberry32(seed);
  const n = width * height;
  const alpha = Float64Array.from({ length: n }, () => (rand() < 0.15 ? 0.3 * rand() : 0.6 + 0.4 * rand()));
  // D = A d: the surface depth d varies smoothly plus noise.
  const depth = Float64Array.from({ length: n }, (_, p) => {
    const x = p % width, y = Math.floor(p / width);
    return alpha[p] * (3 + 0.3 * Math.sin(x / 3) + 0.2 * Math.cos(y / 2) + 0.05 * (rand() - 0.5));
  });
  return { depth, alpha, width, height };
}

const SETTINGS: DepthSmoothSettings = { weight: 0.3, scale: 2.5, alphaMin: 0.5 };

describe('depth smoothness reference', () => {
  it('has the gradient of finite differences in depth and in coverage', () => {
    const inputs = smoothCase(1, 13, 11);
    const res = depthSmoothReference(inputs, SETTINGS);
    expect(res.runs).toBeGreaterThan(50);
    expect(res.loss).toBeGreaterThan(0);
    let nonZero = 0;
    for (const [plane, grad] of [[inputs.depth, res.dLdDepth], [inputs.alpha, res.dLdAlpha]] as const) {
      for (let p = 0; p < plane.length; p++) {
        const v = plane[p];
        // Small enough not to move a coverage across alphaMin (the gate is piecewise constant).
        const eps = 1e-7;
        plane[p] = v + eps;
        const lp = depthSmoothReference(inputs, SETTINGS).loss;
        plane[p] = v - eps;
        const lm = depthSmoothReference(inputs, SETTINGS).loss;
        plane[p] = v;
        const fd = (lp - lm) / (2 * eps);
        expect(Math.abs(fd - grad[p]), `pixel ${p}: analytic ${grad[p]} vs ${fd}`).toBeLessThan(1e-5 + 1e-5 * Math.abs(fd));
        if (Math.abs(fd) > 1e-3) nonZero++;
        if (inputs.alpha[p] < SETTINGS.alphaMin) expect(grad[p]).toBe(0);
      }
    }
    expect(nonZero).toBeGreaterThan(inputs.depth.length / 2);
  });

  it('costs nothing for a plane seen at an angle, and the same for the same surface at twice the size', () => {
    const plane = (w: number, h: number): DepthSmoothInputs => ({
      width: w, height: h, alpha: new Float64Array(w * h).fill(0.9),
      depth: Float64Array.from({ length: w * h }, (_, p) => 0.9 * (2 + 0.7 * ((p % w) / w) - 0.4 * (Math.floor(p / w) / h))),
    });
    const flat = depthSmoothReference(plane(20, 16), SETTINGS);
    expect(flat.runs).toBe(18 * 16 + 20 * 14);
    expect(flat.loss).toBeLessThan(1e-20);
    // A bowl d = 2 + c (u^2 + v^2) in image-width units: the same curvature at 24 and 48 pixels.
    const bowl = (w: number): DepthSmoothInputs => ({
      width: w, height: w, alpha: new Float64Array(w * w).fill(1),
      depth: Float64Array.from({ length: w * w }, (_, p) => 2 + 0.5 * (((p % w) / w) ** 2 + (Math.floor(p / w) / w) ** 2)),
    });
    const small = depthSmoothReference(bowl(24), SETTINGS).loss;
    const large = depthSmoothReference(bowl(48), SETTINGS).loss;
    expect(small).toBeGreaterThan(0);
    expect(large / small).toBeGreaterThan(0.9);
    expect(large / small).toBeLessThan(1.1);
  });

  it('refuses bad settings and mismatched planes', () => {
    const inputs = smoothCase(2, 5, 4);
    expect(() => depthSmoothReference(inputs, { ...SETTINGS, scale: 0 })).toThrow(/bad scale/);
    expect(() => depthSmoothReference(inputs, { ...SETTINGS, alphaMin: 0 })).toThrow(/alphaMin/);
    expect(() => depthSmoothReference({ ...inputs, alpha: new Float64Array(3) }, SETTINGS)).toThrow(/3 alphas/);
  });
});

describe('depth smoothness kernel (depthSmooth.wgsl)', () => {
  it('writes the reference gradient in coverage and depth', async () => {
    const { device } = await testGpu();
    for (const [seed, w, h] of [[3, 37, 29], [4, 300, 7]] as const) {
      const c = smoothCase(seed, w, h);
      const depth32 = Float32Array.from(c.depth), alpha32 = Float32Array.from(c.alpha);
      // The reference at the float32 inputs the kernel reads.
      const ref = depthSmoothReference({ width: w, height: h, depth: depth32, alpha: alpha32 }, SETTINGS);
      const smooth = createDepthSmooth(device, { width: w, height: h });
      const depthBuf = storageBuffer(device, 'depth', 4 * w * h), alphaBuf = storageBuffer(device, 'alpha', 4 * w * h);
      device.queue.writeBuffer(depthBuf, 0, depth32);
      device.queue.writeBuffer(alphaBuf, 0, alpha32);
      await withGpuErrorScope(device, async () => {
        const out = smooth.run(depthBuf, alphaBuf, SETTINGS);
        const gd = new Float32Array(await readBuffer(device, out.dLdDepth, 4 * w * h));
        const ga = new Float32Array(await readBuffer(device, out.dLdAlpha, 4 * w * h));
        const big = Math.max(...ref.dLdDepth.map(Math.abs), ...ref.dLdAlpha.map(Math.abs));
        expect(big).toBeGreaterThan(0);
        for (let p = 0; p < w * h; p++) {
          expect(Math.abs(gd[p] - ref.dLdDepth[p]), `dL/dD at ${p}`).toBeLessThan(1e-4 * big);
          expect(Math.abs(ga[p] - ref.dLdAlpha[p]), `dL/dA at ${p}`).toBeLessThan(1e-4 * big);
          if (ref.dLdDepth[p] === 0) expect(gd[p]).toBe(0);
        }
      });
      depthBuf.destroy();
      alphaBuf.destroy();
      smooth.destroy();
    }
  });
});
