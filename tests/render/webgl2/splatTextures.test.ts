/**
 * Packing a cloud into the WebGL2 data textures: the covariance is the trainer reference's
 * R S S^T R^T (float64, then float32), opacity its sigmoid, SH coefficients come back within half
 * precision in [k][rgb] order, a lower SH degree keeps only its coefficients, and a splat that is
 * not drawable (NaN anywhere, zero quaternion) gets opacity 0 so the shader culls it.
 */
import { describe, expect, it } from 'vitest';
import { quatToRotation } from '../../../src/core/camera.ts';
import { halfBitsToFloat } from '../../../src/render/webgl2/halfFloat.ts';
import { COVARIANCE_TEXELS, packSplatTextures, shTexelsForDegree } from '../../../src/render/webgl2/splatTextures.ts';
import { makeScene } from '../../gpu/rasterScenes.ts';

function unpackSh(sh: Uint32Array, texels: number, i: number, values: number): number[] {
  const out: number[] = [];
  for (let v = 0; v < values; v++) {
    const word = sh[4 * texels * i + (v >> 1)];
    out.push(halfBitsToFloat(v & 1 ? word >>> 16 : word & 0xffff));
  }
  return out;
}

describe('packSplatTextures', () => {
  const { cloud } = makeScene(5, 120, 3, 32, 32);

  it('stores means, sigmoid opacity and the reference covariance', () => {
    const data = packSplatTextures(cloud, 3, 64);
    expect(data.centers.length % (64 * 4)).toBe(0);
    for (let i = 0; i < cloud.count; i++) {
      for (let k = 0; k < 3; k++) expect(data.centers[4 * i + k]).toBe(cloud.means[3 * i + k]);
      expect(data.centers[4 * i + 3]).toBeCloseTo(1 / (1 + Math.exp(-cloud.opacityLogits[i])), 6);
      const q = Array.from(cloud.quats.subarray(4 * i, 4 * i + 4));
      const n = Math.hypot(...q);
      const R = quatToRotation([q[0] / n, q[1] / n, q[2] / n, q[3] / n]);
      const s = [0, 1, 2].map((k) => Math.exp(cloud.logScales[3 * i + k]));
      const sigma = (r: number, c: number) => [0, 1, 2].reduce((acc, k) => acc + R[3 * r + k] * s[k] * R[3 * c + k] * s[k], 0);
      const stored = data.covariances.subarray(4 * COVARIANCE_TEXELS * i, 4 * COVARIANCE_TEXELS * i + 6);
      const expected = [sigma(0, 0), sigma(0, 1), sigma(0, 2), sigma(1, 1), sigma(1, 2), sigma(2, 2)];
      const scale = Math.max(...expected.map(Math.abs));
      for (let k = 0; k < 6; k++) expect(Math.abs(stored[k] - expected[k])).toBeLessThanOrEqual(1e-6 * scale);
    }
  });

  it('stores SH as halves, [k][rgb], up to the asked degree', () => {
    for (const degree of [3, 1, 0]) {
      const data = packSplatTextures(cloud, degree, 64);
      expect(data.shDegree).toBe(degree);
      expect(data.shTexels).toBe(shTexelsForDegree(degree));
      const values = 3 * (degree + 1) ** 2;
      for (let i = 0; i < cloud.count; i++) {
        const got = unpackSh(data.sh, data.shTexels, i, values);
        for (let v = 0; v < values; v++) {
          const want = cloud.sh[i * 48 + v];
          expect(Math.abs(got[v] - want)).toBeLessThanOrEqual(Math.abs(want) * 2 ** -11 + 2 ** -24);
        }
      }
    }
    expect([0, 1, 2, 3].map(shTexelsForDegree)).toEqual([1, 2, 4, 6]);
  });

  it('never asks for more SH than the cloud has', () => {
    const data = packSplatTextures({ ...cloud, shDegree: 3 }, 7, 64);
    expect(data.shDegree).toBe(3);
  });

  it('gives opacity 0 to splats with a NaN parameter or a zero quaternion', () => {
    const broken = { ...cloud, means: cloud.means.slice(), quats: cloud.quats.slice(), sh: cloud.sh.slice(), opacityLogits: cloud.opacityLogits.slice() };
    broken.means[3 * 2 + 1] = NaN;
    broken.quats.fill(0, 4 * 5, 4 * 6);
    broken.sh[48 * 7 + 40] = Infinity;
    broken.opacityLogits[9] = NaN;
    broken.opacityLogits[11] = 8;
    const data = packSplatTextures(broken, 3, 64);
    for (const i of [2, 5, 7, 9]) expect(data.centers[4 * i + 3]).toBe(0);
    expect(data.centers[4 * 11 + 3]).toBeGreaterThan(0.99);
  });

  it('handles an empty cloud with one-row textures', () => {
    const empty = { count: 0, shDegree: 0, means: new Float32Array(0), logScales: new Float32Array(0), quats: new Float32Array(0), opacityLogits: new Float32Array(0), sh: new Float32Array(0) };
    const data = packSplatTextures(empty);
    expect(data.centers.length).toBe(data.width * 4);
  });
});
