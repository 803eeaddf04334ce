/**
 * Small dense float64 linear algebra for the poses stage: SVD, symmetric eigen-decomposition,
 * nullspace and linear solves. The matrices here are tiny (3x3 .. ~60x60, or N x 9 design
 * matrices), so plain Jacobi methods are accurate and fast enough, and keep the stage free of
 * dependencies. Matrices are row-major flat arrays with explicit dimensions: A[r * cols + c].
 */
import type { Mat3 } from '../../core/camera.ts';
import { mat3Det } from '../../core/camera.ts';

export interface Svd {
  /** m x n, columns are left singular vectors (a zero column where the singular value is 0). */
  U: Float64Array;
  /** n singular values, descending. */
  S: Float64Array;
  /** n x n, columns are right singular vectors. */
  V: Float64Array;
}

/**
 * Thin SVD A = U diag(S) V^T of an m x n matrix by one-sided Jacobi (Hestenes): orthogonalises the
 * columns of A by plane rotations. More accurate than eigen-decomposing A^T A for the smallest
 * singular vectors, which is what the nullspace solvers need. If m < n, A is padded with zero rows
 * (so U is then max(m, n) x n). rightOnly: only S and V are used (see below); U's columns for zero
 * singular values are then not orthogonal to the others.
 */
export function svd(A: ArrayLike<number>, m: number, n: number, rightOnly = false): Svd {
  const rows = Math.max(m, n);
  const U = new Float64Array(rows * n);
  for (let i = 0; i < m * n; i++) U[i] = A[i];
  const V = new Float64Array(n * n);
  for (let i = 0; i < n; i++) V[i * n + i] = 1;
  // rightOnly (nullVector): a column whose squared norm is below nullFloor is a null direction
  // already (rank-deficient input, e.g. the 8 x 9 system of a minimal sample) and is not rotated
  // further: that changes the other column by rounding noise only, and V is what is wanted. Without
  // the floor the relative test below never holds for such a pair (both sides are noise), and each
  // call ran all 60 sweeps: 3.6x slower, and 80% of the poses stage's time (essential matrices and
  // PnP in RANSAC, profiled on lego's 8 photos). Full SVDs keep rotating: that is what leaves U's
  // null columns orthogonal to the rest (nearestRotation of a rank-2 matrix needs them).
  let nullFloor = -1;
  if (rightOnly) {
    let frob2 = 0;
    for (let i = 0; i < m * n; i++) frob2 += U[i] * U[i];
    nullFloor = 1e-30 * frob2;
  }
  for (let sweep = 0; sweep < 60; sweep++) {
    let rotated = false;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        let alpha = 0, beta = 0, gamma = 0;
        for (let i = 0; i < rows; i++) {
          const up = U[i * n + p], uq = U[i * n + q];
          alpha += up * up;
          beta += uq * uq;
          gamma += up * uq;
        }
        if (gamma === 0 || Math.abs(gamma) <= 1e-15 * Math.sqrt(alpha * beta) || alpha <= nullFloor || beta <= nullFloor) continue;
        rotated = true;
        const zeta = (beta - alpha) / (2 * gamma);
        const t = Math.sign(zeta || 1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t), s = c * t;
        for (let i = 0; i < rows; i++) {
          const up = U[i * n + p], uq = U[i * n + q];
          U[i * n + p] = c * up - s * uq;
          U[i * n + q] = s * up + c * uq;
        }
        for (let i = 0; i < n; i++) {
          const vp = V[i * n + p], vq = V[i * n + q];
          V[i * n + p] = c * vp - s * vq;
          V[i * n + q] = s * vp + c * vq;
        }
      }
    }
    if (!rotated) break;
  }
  // Column norms are the singular values; sort descending and normalise U's columns.
  const norms = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    let s = 0;
    for (let i = 0; i < rows; i++) s += U[i * n + j] ** 2;
    norms[j] = Math.sqrt(s);
  }
  const order = Array.from({ length: n }, (_, j) => j).sort((a, b) => norms[b] - norms[a]);
  const Us = new Float64Array(rows * n), Vs = new Float64Array(n * n), S = new Float64Array(n);
  const tiny = (norms[order[0]] || 1) * 1e-300;
  order.forEach((j, k) => {
    S[k] = norms[j];
    const inv = norms[j] > tiny ? 1 / norms[j] : 0;
    for (let i = 0; i < rows; i++) Us[i * n + k] = U[i * n + j] * inv;
    for (let i = 0; i < n; i++) Vs[i * n + k] = V[i * n + j];
  });
  return { U: Us, S, V: Vs };
}

/** Unit vector x minimising |A x| (the right singular vector of the smallest singular value). */
export function nullVector(A: ArrayLike<number>, m: number, n: number): Float64Array {
  const { V } = svd(A, m, n, true);
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) x[i] = V[i * n + n - 1];
  return x;
}

/**
 * nullVector for RANSAC's minimal samples (the 8-point essential matrix, 6-point PnP): the
 * eigenvector of A^T A for its smallest eigenvalue by inverse iteration (Cholesky of A^T A plus a
 * tiny shift, a few solves), falling back to nullVector's SVD when the factorisation fails or the
 * iteration does not settle (two nearly equal smallest eigenvalues: a degenerate sample).
 * Why: RANSAC calls this hundreds of thousands of times per photo set (5000 hypotheses a pair, for
 * every pair and focal rerun) and the Jacobi SVD made 35% of the poses stage's time after matching
 * (profiled on lego's 8 photos); forming A^T A squares the condition number, which a hypothesis can afford
 * (it is scored, and the best is refit on its inliers by nullVector), a least-squares fit cannot.
 */
export function minimalSampleNullVector(A: ArrayLike<number>, m: number, n: number): Float64Array {
  const N = new Float64Array(n * n);
  for (let r = 0; r < m; r++)
    for (let i = 0; i < n; i++) {
      const a = A[r * n + i];
      if (a === 0) continue;
      for (let j = i; j < n; j++) N[i * n + j] += a * A[r * n + j];
    }
  let trace = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) N[i * n + j] = N[j * n + i];
    trace += N[i * n + i];
  }
  if (!(trace > 0)) return nullVector(A, m, n);
  // The shift keeps A^T A + shift I positive definite when A has an exact null space (a minimal
  // sample of the 8-point system); each solve then grows the null direction by about
  // (second-smallest eigenvalue / shift) against the others.
  const shift = 1e-13 * trace;
  for (let i = 0; i < n; i++) N[i * n + i] += shift;
  const L = choleskyFactor(N, n);
  if (!L) return nullVector(A, m, n);
  let x: Float64Array = new Float64Array(n).fill(1 / Math.sqrt(n));
  for (let it = 0; it < 12; it++) {
    const y = choleskyApplyInverse(L, x, n);
    let norm = 0;
    for (let i = 0; i < n; i++) norm += y[i] * y[i];
    norm = Math.sqrt(norm);
    if (!(norm > 0) || !isFinite(norm)) return nullVector(A, m, n);
    let dot = 0;
    for (let i = 0; i < n; i++) {
      y[i] /= norm;
      dot += y[i] * x[i];
    }
    x = y;
    if (it > 0 && 1 - Math.abs(dot) < 1e-14) return x;
  }
  return nullVector(A, m, n);
}

/** Lower-triangular L with L L^T = A (symmetric positive definite n x n), or null. */
function choleskyFactor(A: ArrayLike<number>, n: number): Float64Array | null {
  const L = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j <= i; j++) {
      let s = A[i * n + j];
      for (let k = 0; k < j; k++) s -= L[i * n + k] * L[j * n + k];
      if (i === j) {
        if (!(s > 0)) return null;
        L[i * n + i] = Math.sqrt(s);
      } else L[i * n + j] = s / L[j * n + j];
    }
  return L;
}

/** x = (L L^T)^-1 b for choleskyFactor's L. */
function choleskyApplyInverse(L: Float64Array, b: ArrayLike<number>, n: number): Float64Array {
  const x = Float64Array.from({ length: n }, (_, i) => b[i]);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < i; k++) x[i] -= L[i * n + k] * x[k];
    x[i] /= L[i * n + i];
  }
  for (let i = n - 1; i >= 0; i--) {
    for (let k = i + 1; k < n; k++) x[i] -= L[k * n + i] * x[k];
    x[i] /= L[i * n + i];
  }
  return x;
}

/**
 * Eigen-decomposition of a symmetric n x n matrix by cyclic Jacobi rotations.
 * Returns eigenvalues ascending and the eigenvectors as the columns of `vectors` (row-major n x n).
 */
export function symmetricEigen(A: ArrayLike<number>, n: number): { values: Float64Array; vectors: Float64Array } {
  const a = Float64Array.from({ length: n * n }, (_, i) => A[i]);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 60; sweep++) {
    let off = 0, diag = 0;
    for (let p = 0; p < n; p++) {
      diag += a[p * n + p] ** 2;
      for (let q = p + 1; q < n; q++) off += a[p * n + q] ** 2;
    }
    if (off <= 1e-30 * diag || off === 0) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q];
        if (apq === 0) continue;
        const theta = (a[q * n + q] - a[p * n + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1), s = t * c;
        for (let k = 0; k < n; k++) {
          // Columns p and q, then rows p and q: a <- J^T a J.
          const akp = a[k * n + p], akq = a[k * n + q];
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k], aqk = a[q * n + k];
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p], vkq = v[k * n + q];
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, j) => j).sort((x, y) => a[x * n + x] - a[y * n + y]);
  const values = new Float64Array(n), vectors = new Float64Array(n * n);
  order.forEach((j, k) => {
    values[k] = a[j * n + j];
    for (let i = 0; i < n; i++) vectors[i * n + k] = v[i * n + j];
  });
  return { values, vectors };
}

/**
 * Solves A x = b for symmetric positive definite A (n x n) by Cholesky; null when A is not
 * (numerically) positive definite, which the Levenberg-Marquardt loops answer with more damping.
 */
export function choleskySolve(A: ArrayLike<number>, b: ArrayLike<number>, n: number): Float64Array | null {
  const L = choleskyFactor(A, n);
  return L && choleskyApplyInverse(L, b, n);
}

/** Solves A x = b for a general square A by LU with partial pivoting; null when A is singular. */
export function luSolve(A: ArrayLike<number>, b: ArrayLike<number>, n: number): Float64Array | null {
  const a = Float64Array.from({ length: n * n }, (_, i) => A[i]);
  const x = Float64Array.from({ length: n }, (_, i) => b[i]);
  let scaleMax = 0;
  for (let i = 0; i < n * n; i++) scaleMax = Math.max(scaleMax, Math.abs(a[i]));
  for (let col = 0; col < n; col++) {
    let piv = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(a[r * n + col]) > Math.abs(a[piv * n + col])) piv = r;
    if (Math.abs(a[piv * n + col]) <= 1e-14 * scaleMax) return null;
    if (piv !== col) {
      for (let c = 0; c < n; c++) [a[col * n + c], a[piv * n + c]] = [a[piv * n + c], a[col * n + c]];
      [x[col], x[piv]] = [x[piv], x[col]];
    }
    for (let r = col + 1; r < n; r++) {
      const f = a[r * n + col] / a[col * n + col];
      if (f === 0) continue;
      for (let c = col; c < n; c++) a[r * n + c] -= f * a[col * n + c];
      x[r] -= f * x[col];
    }
  }
  for (let i = n - 1; i >= 0; i--) {
    for (let c = i + 1; c < n; c++) x[i] -= a[i * n + c] * x[c];
    x[i] /= a[i * n + i];
  }
  return x;
}

/** Inverse of a symmetric positive definite 3x3 matrix (a point block of bundle adjustment), or null. */
export function invertSpd3(A: ArrayLike<number>): Float64Array | null {
  const out = new Float64Array(9);
  for (let c = 0; c < 3; c++) {
    const col = choleskySolve(A, [c === 0 ? 1 : 0, c === 1 ? 1 : 0, c === 2 ? 1 : 0], 3);
    if (!col) return null;
    for (let r = 0; r < 3; r++) out[r * 3 + c] = col[r];
  }
  return out;
}

/**
 * The rotation nearest (in Frobenius norm) to a 3x3 matrix M: U diag(1, 1, det(U V^T)) V^T.
 * Also returns M's singular values, so callers can read off a scale.
 */
export function nearestRotation(M: ArrayLike<number>): { R: Mat3; S: Float64Array; d: 1 | -1 } {
  const { U, S, V } = svd(M, 3, 3);
  // A zero third singular value leaves U's third column zero; complete it to a right-handed basis.
  if (U[2] === 0 && U[5] === 0 && U[8] === 0) {
    U[2] = U[3] * U[7] - U[6] * U[4];
    U[5] = U[6] * U[1] - U[0] * U[7];
    U[8] = U[0] * U[4] - U[3] * U[1];
  }
  const UVt = mulABt(U, V);
  const d = mat3Det(UVt) < 0 ? -1 : 1;
  const R = new Array(9).fill(0) as Mat3;
  for (let r = 0; r < 3; r++)
    for (let c = 0; c < 3; c++)
      R[r * 3 + c] = U[r * 3] * V[c * 3] + U[r * 3 + 1] * V[c * 3 + 1] + d * U[r * 3 + 2] * V[c * 3 + 2];
  return { R, S, d };
}

/** A B^T for 3x3 row-major matrices. */
function mulABt(A: ArrayLike<number>, B: ArrayLike<number>): number[] {
  const out = new Array<number>(9);
  for (let r = 0; r < 3; r++)
    for (let c = 0; c < 3; c++) out[r * 3 + c] = A[r * 3] * B[c * 3] + A[r * 3 + 1] * B[c * 3 + 1] + A[r * 3 + 2] * B[c * 3 + 2];
  return out;
}
