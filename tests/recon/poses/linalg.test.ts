import { describe, expect, it } from 'vitest';
import { isRotation, mat3Det, mat3Mul, mat3Transpose } from '../../../src/core/camera.ts';
import { choleskySolve, invertSpd3, luSolve, minimalSampleNullVector, nearestRotation, nullVector, svd, symmetricEigen } from '../../../src/recon/poses/linalg.ts';
import { mulberry32 } from './synthetic.ts';

function randomMatrix(rng: () => number, m: number, n: number): Float64Array {
  return Float64Array.from({ length: m * n }, () => 2 * rng() - 1);
}

/** |A x| for the first `m` rows of an n-column A. */
function residualNorm(A: ArrayLike<number>, x: ArrayLike<number>, m: number, n: number): number {
  let r2 = 0;
  for (let i = 0; i < m; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += A[i * n + j] * x[j];
    r2 += s * s;
  }
  return Math.sqrt(r2);
}

describe('linalg', () => {
  it('SVD reconstructs A with orthonormal factors and descending singular values', () => {
    const rng = mulberry32(1);
    for (const [m, n] of [[3, 3], [7, 4], [20, 9]]) {
      const A = randomMatrix(rng, m, n);
      const { U, S, V } = svd(A, m, n);
      for (let k = 1; k < n; k++) expect(S[k]).toBeLessThanOrEqual(S[k - 1]);
      for (let r = 0; r < m; r++)
        for (let c = 0; c < n; c++) {
          let s = 0;
          for (let k = 0; k < n; k++) s += U[r * n + k] * S[k] * V[c * n + k];
          expect(s).toBeCloseTo(A[r * n + c], 12);
        }
      for (let a = 0; a < n; a++)
        for (let b = 0; b < n; b++) {
          let uu = 0, vv = 0;
          for (let r = 0; r < m; r++) uu += U[r * n + a] * U[r * n + b];
          for (let r = 0; r < n; r++) vv += V[r * n + a] * V[r * n + b];
          expect(uu).toBeCloseTo(a === b ? 1 : 0, 12);
          expect(vv).toBeCloseTo(a === b ? 1 : 0, 12);
        }
    }
  });

  it('SVD of a known diagonal-in-disguise matrix gives its singular values', () => {
    // A = Q diag(5, 2, 0.5) with Q a rotation about z by 30 degrees.
    const c = Math.cos(Math.PI / 6), s = Math.sin(Math.PI / 6);
    const A = [5 * c, -2 * s, 0, 5 * s, 2 * c, 0, 0, 0, 0.5];
    const { S } = svd(A, 3, 3);
    expect(Array.from(S)).toEqual([expect.closeTo(5, 12), expect.closeTo(2, 12), expect.closeTo(0.5, 12)]);
  });

  it('nullVector finds the exact nullspace of a rank-deficient matrix (also with fewer rows than columns)', () => {
    const x = [1, -2, 0.5, 3];
    const norm = Math.hypot(...x);
    // Rows orthogonal to x.
    const A = [2, 1, 0, 0, 0, 0.5, 2, 0, 3, 0, 0, -1];
    const v = nullVector(A, 3, 4);
    const sign = Math.sign(v[0]);
    x.forEach((xi, i) => expect(sign * v[i]).toBeCloseTo(xi / norm, 12));
  });

  it('minimalSampleNullVector agrees with the SVD on minimal samples: 8 x 9 exact (padded to 9 rows) and 12 x 12 least squares', () => {
    const rng = mulberry32(11);
    const angle = (a: Float64Array, b: Float64Array) => {
      let d = 0;
      for (let i = 0; i < a.length; i++) d += a[i] * b[i];
      return Math.acos(Math.min(1, Math.abs(d)));
    };
    for (let trial = 0; trial < 30; trial++) {
      // 8 random rows and a zero row (essentialEightPoint pads a minimal sample to 9 x 9).
      const A = new Float64Array(81);
      A.set(randomMatrix(rng, 8, 9));
      const fast = minimalSampleNullVector(A, 9, 9);
      expect(Math.hypot(...fast)).toBeCloseTo(1, 12);
      expect(angle(fast, nullVector(A, 9, 9))).toBeLessThan(1e-7);
      // 12 x 12 with a small smallest singular value (a 6-point PnP sample with noise).
      const B = randomMatrix(rng, 12, 12);
      const { U, S, V } = svd(B, 12, 12);
      S[11] = 1e-3 * S[10];
      const Bn = new Float64Array(144);
      for (let r = 0; r < 12; r++) for (let c = 0; c < 12; c++) for (let k = 0; k < 12; k++) Bn[r * 12 + c] += U[r * 12 + k] * S[k] * V[c * 12 + k];
      expect(angle(minimalSampleNullVector(Bn, 12, 12), nullVector(Bn, 12, 12))).toBeLessThan(1e-7);
    }
  });

  it('minimalSampleNullVector on a degenerate sample (two null directions) gives a unit vector in the null space, and a unit vector for a zero matrix', () => {
    // Rank 7 of 9: any unit vector of the 2-dimensional null space will do.
    const rng = mulberry32(12);
    const A = new Float64Array(81);
    A.set(randomMatrix(rng, 7, 9));
    const x = minimalSampleNullVector(A, 9, 9);
    expect(residualNorm(A, x, 9, 9)).toBeLessThan(1e-10);
    expect(Math.hypot(...x)).toBeCloseTo(1, 12);
    expect(Math.hypot(...minimalSampleNullVector(new Float64Array(81), 9, 9))).toBeCloseTo(1, 12);
  });

  it('nullVector of an 8 x 9 minimal-sample system (rank 8): |A x| at rounding level, and the right-only SVD keeps V orthonormal', () => {
    const rng = mulberry32(7);
    for (let trial = 0; trial < 20; trial++) {
      const A = randomMatrix(rng, 8, 9);
      const x = nullVector(A, 8, 9);
      expect(residualNorm(A, x, 8, 9)).toBeLessThan(1e-13);
      expect(Math.hypot(...x)).toBeCloseTo(1, 14);
      const { S, V } = svd(A, 8, 9, true);
      // The same singular values as the full SVD, and V orthonormal.
      const full = svd(A, 8, 9);
      for (let k = 0; k < 8; k++) expect(S[k]).toBeCloseTo(full.S[k], 12);
      for (let a = 0; a < 9; a++)
        for (let b = 0; b < 9; b++) {
          let vv = 0;
          for (let r = 0; r < 9; r++) vv += V[r * 9 + a] * V[r * 9 + b];
          expect(vv).toBeCloseTo(a === b ? 1 : 0, 12);
        }
    }
  });

  it('symmetric eigen-decomposition: A v = lambda v, ascending, known values', () => {
    // [[2, 1], [1, 2]] has eigenvalues 1 and 3.
    const e2 = symmetricEigen([2, 1, 1, 2], 2);
    expect(e2.values[0]).toBeCloseTo(1, 14);
    expect(e2.values[1]).toBeCloseTo(3, 14);
    const rng = mulberry32(2);
    const n = 6;
    const B = randomMatrix(rng, n, n);
    const A = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) A[i * n + j] = B[i * n + j] + B[j * n + i];
    const { values, vectors } = symmetricEigen(A, n);
    for (let k = 0; k < n; k++) {
      if (k > 0) expect(values[k]).toBeGreaterThanOrEqual(values[k - 1]);
      for (let r = 0; r < n; r++) {
        let av = 0;
        for (let c = 0; c < n; c++) av += A[r * n + c] * vectors[c * n + k];
        expect(av).toBeCloseTo(values[k] * vectors[r * n + k], 11);
      }
    }
  });

  it('Cholesky and LU solve known systems; Cholesky refuses an indefinite matrix, LU a singular one', () => {
    const A = [4, 2, 0, 2, 5, 1, 0, 1, 3];
    const xTrue = [1, -1, 2];
    const b = [4 * 1 + 2 * -1, 2 - 5 + 2, -1 + 6];
    const xc = choleskySolve(A, b, 3)!;
    const xl = luSolve(A, b, 3)!;
    xTrue.forEach((v, i) => {
      expect(xc[i]).toBeCloseTo(v, 13);
      expect(xl[i]).toBeCloseTo(v, 13);
    });
    expect(choleskySolve([1, 2, 2, 1], [1, 1], 2)).toBeNull();
    expect(luSolve([1, 2, 2, 4], [1, 1], 2)).toBeNull();
    // LU needs pivoting here (zero leading entry).
    const xp = luSolve([0, 1, 1, 0], [3, 7], 2)!;
    expect(xp[0]).toBeCloseTo(7, 14);
    expect(xp[1]).toBeCloseTo(3, 14);
    const inv = invertSpd3(A)!;
    const I = mat3Mul(A, Array.from(inv));
    for (let i = 0; i < 9; i++) expect(I[i]).toBeCloseTo(i % 4 === 0 ? 1 : 0, 13);
  });

  it('nearestRotation projects a scaled, perturbed rotation back onto SO(3) and reports the scale', () => {
    const c = Math.cos(0.4), s = Math.sin(0.4);
    const R = [c, 0, s, 0, 1, 0, -s, 0, c];
    const M = R.map((v, i) => 3 * v + (i === 1 ? 1e-3 : 0));
    const out = nearestRotation(M);
    expect(isRotation(out.R, 1e-12)).toBe(true);
    out.R.forEach((v, i) => expect(v).toBeCloseTo(R[i], 3));
    expect(out.S[0]).toBeCloseTo(3, 2);
    // A reflection maps to a proper rotation (det +1), not to itself.
    const refl = nearestRotation([1, 0, 0, 0, 1, 0, 0, 0, -1]).R;
    expect(mat3Det(refl)).toBeCloseTo(1, 12);
    expect(mat3Mul(refl, mat3Transpose(refl))[0]).toBeCloseTo(1, 12);
  });
});
