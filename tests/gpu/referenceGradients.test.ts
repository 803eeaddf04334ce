/**
 * Finite-difference check of the CPU reference rasterizer's backward pass. The reference is the
 * ground truth for the WGSL kernels, so its gradients must be right first.
 */
import { describe, expect, it } from 'vitest';
import { applyCameraIncrement, applyCameraIncrementAboutPoint, cameraCenter, cameraGradAboutPoint, lookAtCamera, worldToCamera, type Camera } from '../../src/core/camera.ts';
import { clipLimits } from '../../src/core/gaussianCloud.ts';
import { CAMERA_GRAD_FLOATS } from '../../src/gpu/reference/projectReference.ts';
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

describe('reference camera gradient (pose and focal increment) vs finite differences', () => {
  // R' = exp(omega) R, t' = t + dt, f' = e^s f: CAMERA_GRAD_FLOATS = 7 numbers (omega, dt, s).
  const names = ['omega.x', 'omega.y', 'omega.z', 'dt.x', 'dt.y', 'dt.z', 'log f'];
  const moved = (c: Camera, k: number, h: number): Camera => {
    const v = [0, 0, 0, 0, 0, 0, 0];
    v[k] = h;
    return applyCameraIncrement(c, v.slice(0, 3), v.slice(3, 6), v[6]);
  };
  for (const [seed, degree, antialiased, count, wide] of [[11, 0, false, 12, false], [12, 1, false, 16, false], [13, 3, true, 12, false], [14, 2, false, 20, true]] as const) {
    it(`seed ${seed}, SH degree ${degree}${antialiased ? ', antialiased' : ''}${wide ? ', splats beyond the clamped frustum' : ''}: rotation, translation and focal gradients match`, () => {
      const cloud = randomCloud(seed, count, degree);
      if (wide) {
        // Every other splat far to the side and large: its x/z is clamped (J's clamp), its footprint still reaches in.
        const m = cloud.means as Float64Array, ls = cloud.logScales as Float64Array;
        for (let i = 0; i < count; i += 2) {
          m[3 * i] = (i % 4 === 0 ? 1 : -1) * (1.6 + 0.1 * i / count);
          ls[3 * i] = ls[3 * i + 1] = ls[3 * i + 2] = Math.log(0.5);
        }
      }
      const opts: RasterOptions = { lowPass: 0.3, nearPlane: 0.01, background: [0.2, 0.5, 0.9], antialiased };
      const rnd = mulberry32(seed + 200);
      const camera: Camera = lookAtCamera([rnd() - 0.5, -2.6, 0.4 + rnd()], [0.1 * rnd(), 0, 0], [0, 0, 1], { fx: 30, fy: 32, cx: 12, cy: 10, width: 24, height: 20 });
      const L = lossAndWeights(seed + 300, camera.width * camera.height);
      const loss = (c: Camera) => {
        const img = renderReference(cloud, c, opts);
        let l = 0;
        for (let i = 0; i < img.rgb.length; i++) l += L.wRgb[i] * img.rgb[i];
        for (let i = 0; i < img.alpha.length; i++) l += L.wAlpha[i] * img.alpha[i];
        return l;
      };
      if (wide) {
        const [lxp, lxn] = clipLimits(camera.width, camera.height, camera.fx, camera.fy, camera.cx, camera.cy);
        const clamped = Array.from({ length: count }, (_, i) => worldToCamera(camera, (cloud.means as Float64Array).subarray(3 * i, 3 * i + 3)))
          .filter(([x, , z]) => z > 0 && (x / z > lxp || x / z < -lxn)).length;
        expect(clamped, 'splats with a clamped x/z').toBeGreaterThan(2);
      }
      const cameraGrad = new Float64Array(CAMERA_GRAD_FLOATS);
      renderReferenceBackward(cloud, camera, L.wRgb, L.wAlpha, opts, cameraGrad);
      const eps = 1e-6;
      let maxRel = 0;
      for (let k = 0; k < CAMERA_GRAD_FLOATS; k++) {
        const fd = (loss(moved(camera, k, eps)) - loss(moved(camera, k, -eps))) / (2 * eps);
        const rel = Math.abs(fd - cameraGrad[k]) / Math.max(1e-3, Math.abs(fd), Math.abs(cameraGrad[k]));
        maxRel = Math.max(maxRel, rel);
        expect(rel, `${names[k]}: analytic ${cameraGrad[k]} vs finite difference ${fd}`).toBeLessThan(1e-5);
        // Not vacuous: every component moves the loss.
        expect(Math.abs(fd), names[k]).toBeGreaterThan(1e-2);
      }
      console.log(`camera gradient seed ${seed}: max relative error ${maxRel.toExponential(2)}`);
    });
  }
});

describe('reference camera gradient about a pivot (the trainer\'s camera refinement) vs finite differences', () => {
  // R' = exp(omega) R about a pivot P, t' = t + R P - R' P + dt, f' = e^s f: cameraGradAboutPoint of the reference's gradient.
  const names = ['omega.x', 'omega.y', 'omega.z', 'dt.x', 'dt.y', 'dt.z', 'log f'];
  for (const [seed, degree, pivotName] of [[21, 1, 'camera centre'], [22, 2, 'object point']] as const) {
    it(`seed ${seed}, SH degree ${degree}, pivot at the ${pivotName}: rotation, translation and focal gradients match`, () => {
      const cloud = randomCloud(seed, 16, degree);
      const opts: RasterOptions = { lowPass: 0.3, nearPlane: 0.01, background: [0.2, 0.5, 0.9], antialiased: false };
      const rnd = mulberry32(seed + 200);
      // A camera away from the world origin's line of sight, so that t has all three components.
      const camera: Camera = lookAtCamera([0.8 * rnd() - 0.4, -2.6, 0.4 + rnd()], [0.3 * rnd(), 0.2, -0.1], [0, 0, 1], { fx: 30, fy: 32, cx: 12, cy: 10, width: 24, height: 20 });
      const L = lossAndWeights(seed + 300, camera.width * camera.height);
      const loss = (c: Camera) => {
        const img = renderReference(cloud, c, opts);
        let l = 0;
        for (let i = 0; i < img.rgb.length; i++) l += L.wRgb[i] * img.rgb[i];
        for (let i = 0; i < img.alpha.length; i++) l += L.wAlpha[i] * img.alpha[i];
        return l;
      };
      const pivot = pivotName === 'camera centre' ? cameraCenter(camera) : [0.15, -0.2, 0.1];
      const moved = (k: number, h: number): Camera => {
        const v = [0, 0, 0, 0, 0, 0, 0];
        v[k] = h;
        return applyCameraIncrementAboutPoint(camera, v.slice(0, 3), v.slice(3, 6), v[6], pivot);
      };
      const raw = new Float64Array(CAMERA_GRAD_FLOATS);
      renderReferenceBackward(cloud, camera, L.wRgb, L.wAlpha, opts, raw);
      const grad = cameraGradAboutPoint(camera, raw, pivot);
      const eps = 1e-6;
      let maxRel = 0;
      for (let k = 0; k < CAMERA_GRAD_FLOATS; k++) {
        const fd = (loss(moved(k, eps)) - loss(moved(k, -eps))) / (2 * eps);
        const rel = Math.abs(fd - grad[k]) / Math.max(1e-3, Math.abs(fd), Math.abs(grad[k]));
        maxRel = Math.max(maxRel, rel);
        expect(rel, `${names[k]}: analytic ${grad[k]} vs finite difference ${fd}`).toBeLessThan(1e-5);
        expect(Math.abs(fd), names[k]).toBeGreaterThan(1e-2);
      }
      // The two parameterisations differ (else this test would check nothing new).
      expect(Math.max(...[0, 1, 2].map((k) => Math.abs(grad[k] - raw[k])))).toBeGreaterThan(1e-2);
      console.log(`camera gradient about the ${pivotName}, seed ${seed}: max relative error ${maxRel.toExponential(2)}`);
    });
  }
});

describe('reference expected depth (sum_i z_i alpha_i T_i): forward and gradients vs finite differences', () => {
  it('is the blend weights over the splats\' camera-space depths, with nothing from the background', () => {
    // One splat facing the camera on its axis: every pixel's depth is its alpha times the splat's z.
    const one: ReferenceCloud = { count: 1, shDegree: 0, means: [0, 0, 0], logScales: [Math.log(0.3), Math.log(0.3), Math.log(0.3)], quats: [1, 0, 0, 0], opacityLogits: [1], sh: [0.1, 0.2, 0.3] };
    const c = lookAtCamera([0, -2.5, 0], [0, 0, 0], [0, 0, 1], { fx: 30, fy: 30, cx: 12, cy: 10, width: 24, height: 20 });
    const img = renderReference(one, c, { lowPass: 0.3, nearPlane: 0.01, background: [0.7, 0.7, 0.7], antialiased: false });
    let checked = 0;
    for (let p = 0; p < img.alpha.length; p++) {
      expect(img.depth[p]).toBeCloseTo(2.5 * img.alpha[p], 12);
      if (img.alpha[p] > 0.1) checked++;
    }
    expect(checked).toBeGreaterThan(20);
  });

  for (const [seed, degree, antialiased] of [[31, 0, false], [32, 2, true]] as const) {
    it(`seed ${seed}, SH degree ${degree}${antialiased ? ', antialiased' : ''}: every parameter's and the camera's gradient of a loss on rgb, alpha and depth matches`, () => {
      const cloud = randomCloud(seed, 12, degree);
      const opts: RasterOptions = { lowPass: 0.3, nearPlane: 0.01, background: [0.2, 0.5, 0.9], antialiased };
      const n = cam.width * cam.height;
      const L = lossAndWeights(seed + 100, n);
      const rnd = mulberry32(seed + 400);
      const wDepth = Float64Array.from({ length: n }, () => rnd() - 0.5);
      const lossAt = (c: Camera) => {
        const img = renderReference(cloud, c, opts);
        let l = 0;
        for (let i = 0; i < img.rgb.length; i++) l += L.wRgb[i] * img.rgb[i];
        for (let i = 0; i < n; i++) l += L.wAlpha[i] * img.alpha[i] + wDepth[i] * img.depth[i];
        return l;
      };
      const cameraGrad = new Float64Array(CAMERA_GRAD_FLOATS);
      const grads = renderReferenceBackward(cloud, cam, L.wRgb, L.wAlpha, opts, cameraGrad, wDepth);
      // Without dL/ddepth the gradient differs (else the depth path would be checked vacuously).
      const plain = renderReferenceBackward(cloud, cam, L.wRgb, L.wAlpha, opts);
      expect(Math.max(...Array.from(grads.means, (g, j) => Math.abs(g - plain.means[j])))).toBeGreaterThan(1e-2);
      const eps = 1e-6;
      for (const f of fields) {
        const arr = cloud[f] as Float64Array;
        for (let j = 0; j < arr.length; j++) {
          const v = arr[j];
          arr[j] = v + eps;
          const lp = lossAt(cam);
          arr[j] = v - eps;
          const lm = lossAt(cam);
          arr[j] = v;
          const fd = (lp - lm) / (2 * eps);
          const rel = Math.abs(fd - grads[f][j]) / Math.max(1e-3, Math.abs(fd), Math.abs(grads[f][j]));
          expect(rel, `${f}[${j}]: analytic ${grads[f][j]} vs finite difference ${fd}`).toBeLessThan(1e-4);
        }
      }
      for (let k = 0; k < CAMERA_GRAD_FLOATS; k++) {
        const v = [0, 0, 0, 0, 0, 0, 0];
        const at = (h: number) => {
          v[k] = h;
          return applyCameraIncrement(cam, v.slice(0, 3), v.slice(3, 6), v[6]);
        };
        const fd = (lossAt(at(eps)) - lossAt(at(-eps))) / (2 * eps);
        const rel = Math.abs(fd - cameraGrad[k]) / Math.max(1e-3, Math.abs(fd), Math.abs(cameraGrad[k]));
        expect(rel, `camera[${k}]: analytic ${cameraGrad[k]} vs finite difference ${fd}`).toBeLessThan(1e-5);
      }
    });
  }
});
