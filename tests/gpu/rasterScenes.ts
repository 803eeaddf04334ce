/**
 * Small random scenes for the GPU-vs-reference tests, built so that every rule of the contract is
 * exercised: splats behind the camera, far off-screen, outside the widened frustum yet reaching
 * into the image (the J clamp), huge ones covering every tile, tiny ones below the low-pass,
 * near-opaque ones (alpha clamp and early termination), nearly invisible ones (opacity < 1/255),
 * and exact duplicates of a mean (depth ties resolved by index).
 *
 * Everything is rounded to float32 first, so the float64 reference and the GPU see identical
 * inputs and differ only by the GPU's float32 arithmetic.
 */
import { lookAtCamera, type Camera } from '../../src/core/camera.ts';
import type { GaussianCloud } from '../../src/core/gaussianCloud.ts';
import { mulberry32 } from './gpuTestUtils.ts';

export interface TestScene {
  name: string;
  cloud: GaussianCloud;
  camera: Camera;
  background: [number, number, number];
  /** Render with the Mip-Splatting 2D filter (opacity compensation). */
  antialiased?: boolean;
}

export function makeScene(seed: number, count: number, shDegree: number, width: number, height: number): TestScene {
  const rnd = mulberry32(seed);
  const U = (lo: number, hi: number) => lo + (hi - lo) * rnd();
  const K = (shDegree + 1) ** 2;
  const means = new Float32Array(count * 3);
  const logScales = new Float32Array(count * 3);
  const quats = new Float32Array(count * 4);
  const opacityLogits = new Float32Array(count);
  const sh = new Float32Array(count * K * 3);
  const eye: [number, number, number] = [U(-0.6, 0.6), -3, U(0.3, 1.2)];
  const focal = 1.1 * width;
  const camRaw = lookAtCamera(eye, [0, 0, 0], [0, 0, 1], { fx: focal, fy: focal * U(0.95, 1.05), cx: width / 2 + U(-2, 2), cy: height / 2 + U(-2, 2), width, height });
  const camera: Camera = {
    ...camRaw,
    R: camRaw.R.map(Math.fround) as Camera['R'],
    t: camRaw.t.map(Math.fround) as Camera['t'],
    fx: Math.fround(camRaw.fx),
    fy: Math.fround(camRaw.fy),
    cx: Math.fround(camRaw.cx),
    cy: Math.fround(camRaw.cy),
  };
  // World position of a point given in this camera's coordinates (for placing special splats).
  const R = camera.R;
  const fromCamera = (xc: number, yc: number, zc: number): [number, number, number] => {
    const p = [xc - camera.t[0], yc - camera.t[1], zc - camera.t[2]];
    return [R[0] * p[0] + R[3] * p[1] + R[6] * p[2], R[1] * p[0] + R[4] * p[1] + R[7] * p[2], R[2] * p[0] + R[5] * p[1] + R[8] * p[2]];
  };

  for (let i = 0; i < count; i++) {
    const kind = i % 20;
    let mean: [number, number, number] = [U(-0.8, 0.8), U(-0.8, 0.8), U(-0.8, 0.8)];
    let scale = [U(0.02, 0.2), U(0.02, 0.2), U(0.02, 0.2)];
    let logit = U(-2, 3);
    if (kind === 1) mean = fromCamera(U(-1, 1), U(-1, 1), U(-1, 0.005)); // behind the camera / before the near plane
    else if (kind === 2) mean = fromCamera(U(8, 20) * (rnd() < 0.5 ? -1 : 1), U(-1, 1), U(2, 4)); // far off-screen
    else if (kind === 3) {
      // Centre outside the widened frustum, footprint reaching into the image: J is clamped.
      const z = U(2.5, 3.5);
      mean = fromCamera((rnd() < 0.5 ? -1 : 1) * z * U(1.0, 1.5), U(-0.3, 0.3), z);
      scale = [U(1.0, 1.6), U(0.3, 0.6), U(0.3, 0.6)];
      logit = U(0, 3);
    } else if (kind === 4) scale = [U(0.6, 1.2), U(0.6, 1.2), U(0.4, 1.0)]; // huge
    else if (kind === 5) scale = [U(0.0005, 0.002), U(0.0005, 0.002), U(0.0005, 0.002)]; // tiny: the low-pass dominates
    else if (kind === 6 || kind === 7) logit = U(5, 9); // near-opaque: alpha clamped at its centre
    else if (kind === 8) logit = U(-9, -6); // opacity below 1/255: never blended
    else if (kind === 9 && i >= 20) mean = [means[3 * (i - 20)], means[3 * (i - 20) + 1], means[3 * (i - 20) + 2]]; // duplicate mean: depth tie
    means.set(mean, 3 * i);
    logScales.set(scale.map(Math.log), 3 * i);
    quats.set([U(-1, 1), U(-1, 1), U(-1, 1), U(-1, 1)], 4 * i);
    opacityLogits[i] = logit;
    for (let k = 0; k < K; k++) for (let c = 0; c < 3; c++) sh[(i * K + k) * 3 + c] = k === 0 ? U(-1.5, 1.5) : U(-0.5, 0.5);
  }
  const background: [number, number, number] = [Math.fround(U(0.1, 0.9)), Math.fround(U(0.1, 0.9)), Math.fround(U(0.1, 0.9))];
  return { name: `seed ${seed}, ${count} splats, SH ${shDegree}, ${width}x${height}`, cloud: { count, shDegree, means, logScales, quats, opacityLogits, sh }, camera, background };
}
