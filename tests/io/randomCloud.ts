/** Seeded clouds for the splat format tests and the fuzzer (no vitest import, so scripts can use it). */
import { shCoeffCount, type GaussianCloud } from '../../src/core/gaussianCloud.ts';
import { mulberry32 } from '../../src/core/random.ts';

/**
 * Values chosen inside what .splat and .spz represent without clamping: |position| <= 5,
 * log scale in [-9, 5], unit quaternions, opacity logit in [-6, 6] (opacity in [0.0025, 0.9975]),
 * DC in [-1.7, 1.7] (colour 0.02..0.98), higher SH in [-0.9, 0.9].
 */
export function randomCloud(n: number, shDegree: number, seed: number): GaussianCloud {
  const r = mulberry32(seed);
  const u = (lo: number, hi: number) => lo + (hi - lo) * r();
  const K = shCoeffCount(shDegree);
  const quats = new Float32Array(4 * n);
  for (let i = 0; i < n; i++) {
    let q: number[];
    do q = [u(-1, 1), u(-1, 1), u(-1, 1), u(-1, 1)];
    while (Math.hypot(...q) < 0.2);
    const norm = Math.hypot(...q);
    q.forEach((v, c) => (quats[4 * i + c] = v / norm));
  }
  const sh = new Float32Array(3 * K * n);
  for (let i = 0; i < sh.length; i++) sh[i] = i % (3 * K) < 3 ? u(-1.7, 1.7) : u(-0.9, 0.9);
  return {
    count: n,
    shDegree,
    means: Float32Array.from({ length: 3 * n }, () => u(-5, 5)),
    logScales: Float32Array.from({ length: 3 * n }, () => u(-9, 5)),
    quats,
    opacityLogits: Float32Array.from({ length: n }, () => u(-6, 6)),
    sh,
  };
}
