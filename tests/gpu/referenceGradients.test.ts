/**
 * Finite-difference check of the CPU reference rasterizer's backward pass. The reference is the
 * ground truth for the WGSL kernels, so its gradients must be right first.
 */
import { describe, expect, it } from 'vitest';
import { lookAtCamera, type Camera } from '../../src/core/camera.ts';
import type { ReferenceCloud } from '../../src/gpu/reference/referenceCloud.ts';
import { renderReference, renderReferenceBackward, type RasterOptions } from '../../src/gpu/reference/rasterizeReference.ts';
import { mulberry32 } from '../../src/core/random.ts';

function randomCloud(seed: number, count: number, shDegree: number): ReferenceCloud {
  const rnd = mulberry32(seed);
  const K = (shDegree + 1) ** 2;
  const u = (lo: number, hi: number) => lo + (hi - lo) * rnd();
  return {
    count,
    shDegree,
    means: Float64Array.from({ length: count * 3 }, () => u(-0.6, 0.6)),
    logScales: Float64Array.from({ length: count * 3 }, () => Math.log(u(0.05, 0.25))),
    quats: Float64Array.from({ length: count * 4 }, () => u(-1, 1)),
    opacityLogits: Float64Array.from({ length: count }, () => u(-1.5, 2.5)),
    sh: Float64Array.from({ length: count * K * 3 }, (_, j) => (j % (K * 3) < 3 ? u(-1.2, 1.2) : u(-0.4, 0.4))),
  };
}

const cam: Camera = lookAtCamera([0.4, -2.6, 0.9], [0, 0, 0], [0, 0, 1], { fx: 30, fy: 32, cx: 12, cy: 10, width: 24, height: 20 });

function lossAndWeights(seed: number, n: number) {
  const rnd = mulberry32(seed);
  const wRgb = Float64Array.from({ length: n * 3 }, () => rnd() - 0.5);
  const wAlpha = Float64Array.from({ length: n }, () => rnd() - 0.5);
  return {
    wRgb,
    wAlpha,
    loss(cloud: ReferenceCloud, opts: RasterOptions) {
      const img = renderReference(cloud, cam, opts);
      let l = 0;
      for (let i = 0; i < img.rgb.length; i++) l += wRgb[i] * img.rgb[i];
      for (let i = 0; i < img.alpha.length; i++) l += wAlpha[i] * img.alpha[i];
      return l;
    },
  };
}

const fields = ['means', 'logScales', 'quats', 'opacityLogits', 'sh'] as const;

describe('reference rasterizer backward vs finite differences', () => {
  for (const [seed, degree, antialiased] of [[1, 0, false], [2, 1, false], [3, 3, false], [4, 1, true], [5, 3, true]] as const) {
    it(`seed ${seed}, SH degree ${degree}${antialiased ? ', antialiased' : ''}: every parameter's gradient matches`, () => {
      const cloud = randomCloud(seed, 12, degree);
      const opts: RasterOptions = { lowPass: 0.3, nearPlane: 0.01, background: [0.2, 0.5, 0.9], antialiased };
      const L = lossAndWeights(seed + 100, cam.width * cam.height);
      const grads = renderReferenceBackward(cloud, cam, L.wRgb, L.wAlpha, opts);
      const eps = 1e-6;
      let checked = 0;
      let maxRel = 0;
      for (const f of fields) {
        const arr = cloud[f] as Float64Array;
        const g = grads[f];
        for (let j = 0; j < arr.length; j++) {
          const v = arr[j];
          arr[j] = v + eps;
          const lp = L.loss(cloud, opts);
          arr[j] = v - eps;
          const lm = L.loss(cloud, opts);
          arr[j] = v;
          const fd = (lp - lm) / (2 * eps);
          const err = Math.abs(fd - g[j]);
          const rel = err / Math.max(1e-3, Math.abs(fd), Math.abs(g[j]));
          if (rel > maxRel) maxRel = rel;
          expect(rel, `${f}[${j}]: analytic ${g[j]} vs finite difference ${fd}`).toBeLessThan(1e-4);
          checked++;
        }
      }
      // Guard against a vacuous pass: the scene must actually produce gradients.
      const nonZero = fields.reduce((n, f) => n + Array.from(grads[f]).filter((x) => Math.abs(x) > 1e-6).length, 0);
      expect(nonZero).toBeGreaterThan(checked / 2);
    });
  }

  it('renders something: the random scene covers a good part of the image', () => {
    const img = renderReference(randomCloud(1, 12, 0), cam);
    const covered = Array.from(img.alpha).filter((a) => a > 0.5).length;
    expect(covered).toBeGreaterThan(0.1 * cam.width * cam.height);
  });
});
