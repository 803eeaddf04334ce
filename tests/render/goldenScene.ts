/**
 * The fixed scene of the golden-image tests (tests/browser/renderGolden.test.ts, PNGs in
 * tests/golden/webgpu/): a small deterministic cloud (a ring of elongated splats around a blob,
 * SH degree 3 so colours change with the view) and three cameras, one with the Mip-Splatting
 * filter. Changing anything here changes the images: regenerate them with `npm run golden:update`.
 */
import { lookAtCamera, type Camera } from '../../src/core/camera.ts';
import { allocateCloud, type GaussianCloud } from '../../src/core/gaussianCloud.ts';
import { mulberry32 } from '../../src/core/random.ts';

export interface GoldenView {
  name: string;
  camera: Camera;
  background: [number, number, number];
  antialiased: boolean;
}

export function goldenCloud(): GaussianCloud {
  const rnd = mulberry32(2024);
  const U = (lo: number, hi: number) => lo + (hi - lo) * rnd();
  const ring = 160;
  const blob = 160;
  const count = ring + blob;
  const K = 16;
  const cloud = allocateCloud(count, 3);
  for (let i = 0; i < count; i++) {
    if (i < ring) {
      // Ring of radius 0.8 in the z = 0 plane, each splat stretched along the ring.
      const a = (2 * Math.PI * i) / ring;
      cloud.means.set([0.8 * Math.cos(a), 0.8 * Math.sin(a), U(-0.05, 0.05)], 3 * i);
      cloud.logScales.set([Math.log(0.05), Math.log(0.012), Math.log(0.012)], 3 * i);
      cloud.quats.set([Math.cos((a + Math.PI / 2) / 2), 0, 0, Math.sin((a + Math.PI / 2) / 2)], 4 * i); // x axis along the tangent
      cloud.opacityLogits[i] = U(0.5, 3);
    } else {
      const r = 0.4 * Math.cbrt(rnd());
      const th = U(0, 2 * Math.PI);
      const ph = Math.acos(U(-1, 1));
      cloud.means.set([r * Math.sin(ph) * Math.cos(th), r * Math.sin(ph) * Math.sin(th), r * Math.cos(ph)], 3 * i);
      cloud.logScales.set([Math.log(U(0.03, 0.12)), Math.log(U(0.03, 0.12)), Math.log(U(0.03, 0.12))], 3 * i);
      const q = [U(-1, 1), U(-1, 1), U(-1, 1), U(-1, 1)];
      const n = Math.hypot(...q);
      cloud.quats.set(q.map((v) => v / n), 4 * i);
      cloud.opacityLogits[i] = U(-1, 2);
    }
    for (let k = 0; k < K; k++) for (let c = 0; c < 3; c++) cloud.sh[(i * K + k) * 3 + c] = k === 0 ? U(-1.2, 1.2) : U(-0.25, 0.25);
  }
  return cloud;
}

export function goldenViews(): GoldenView[] {
  const size = (width: number, height: number, f: number) => ({ fx: f, fy: f, cx: width / 2, cy: height / 2, width, height });
  return [
    { name: 'front', camera: lookAtCamera([0, -3, 0.6], [0, 0, 0], [0, 0, 1], size(64, 64, 80)), background: [0.08, 0.08, 0.1], antialiased: false },
    { name: 'side-antialiased', camera: lookAtCamera([2.6, 1.2, 0.9], [0, 0, 0], [0, 0, 1], size(64, 48, 84)), background: [1, 1, 1], antialiased: true },
    { name: 'above', camera: lookAtCamera([0.4, -0.9, 3.1], [0, 0, 0], [0, 1, 0], size(56, 56, 66)), background: [0.3, 0.45, 0.6], antialiased: false },
  ];
}

/**
 * The tolerance: a pixel matches when each of its RGB channels is within 2/255 of the golden
 * image; at least 99.5% of the pixels must match.
 */
export const GOLDEN_CHANNEL_TOLERANCE = 2;
export const GOLDEN_MIN_MATCHING = 0.995;

export function compareToGolden(actual: ArrayLike<number>, golden: ArrayLike<number>): { matching: number; maxDiff: number } {
  if (actual.length !== golden.length) throw new Error(`image sizes differ: ${actual.length / 4} vs ${golden.length / 4} pixels`);
  const pixels = actual.length / 4;
  let ok = 0;
  let maxDiff = 0;
  for (let p = 0; p < pixels; p++) {
    let worst = 0;
    for (let c = 0; c < 3; c++) worst = Math.max(worst, Math.abs(actual[4 * p + c] - golden[4 * p + c]));
    if (worst <= GOLDEN_CHANNEL_TOLERANCE) ok++;
    maxDiff = Math.max(maxDiff, worst);
  }
  return { matching: ok / pixels, maxDiff };
}
