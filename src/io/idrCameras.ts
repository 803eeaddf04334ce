/**
 * IDR / NeuS `cameras_sphere.npz` (DTU, BlendedMVS): per view i, `world_mat_i` = K [R | t] as a
 * 4x4 projection (world -> pixels, OpenCV axes) and `scale_mat_i`, which maps the normalised
 * frame (object inside the unit sphere) to world. We use P = world_mat @ scale_mat so the scene
 * lives in the normalised frame, and split P back into K, R, t.
 */
import { mat3Det, type Camera, type Mat3, type Vec3 } from '../core/camera.ts';
import { InputError } from '../core/errors.ts';
import { downscaleCamera } from './downscale.ts';
import type { NpyArray } from './npy.ts';

export interface IdrView {
  /** The view index i of world_mat_i. */
  index: number;
  /** world_mat_i @ scale_mat_i, row-major 4x4. */
  P: number[];
}

/** Every view that has both a world_mat and a scale_mat, sorted by index. */
export function parseIdrCameras(npz: Map<string, NpyArray>, file = 'cameras_sphere.npz'): IdrView[] {
  const out: IdrView[] = [];
  for (const [key, arr] of npz) {
    const m = /^world_mat_(\d+)$/.exec(key);
    if (!m) continue;
    const index = Number(m[1]);
    const world = mat4(arr, file, key);
    const scaleArr = npz.get(`scale_mat_${index}`);
    // IDR writes an identity scale_mat when the data is already normalised; absent means the same.
    const scaleMat = scaleArr ? mat4(scaleArr, file, `scale_mat_${index}`) : [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1];
    out.push({ index, P: mat4Mul(world, scaleMat) });
  }
  if (out.length === 0) throw new InputError('has no world_mat_<i> arrays (is this an IDR/NeuS cameras file?)', { file });
  return out.sort((a, b) => a.index - b.index);
}

function mat4(arr: NpyArray, file: string, key: string): number[] {
  const ok = (arr.shape.length === 2 && arr.shape[0] === 4 && arr.shape[1] === 4) || (arr.shape.length === 2 && arr.shape[0] === 3 && arr.shape[1] === 4);
  if (!ok) throw new InputError(`expected a 4x4 (or 3x4) matrix, got shape (${arr.shape.join(', ')})`, { file, field: key });
  const v = Array.from(arr.data);
  if (!v.every(Number.isFinite)) throw new InputError('contains a non-finite value', { file, field: key });
  return arr.shape[0] === 4 ? v : [...v, 0, 0, 0, 1];
}

function mat4Mul(a: number[], b: number[]): number[] {
  const out = new Array<number>(16).fill(0);
  for (let r = 0; r < 4; r++)
    for (let c = 0; c < 4; c++) for (let k = 0; k < 4; k++) out[r * 4 + c] += a[r * 4 + k] * b[k * 4 + c];
  return out;
}

export interface KRt {
  /** Upper-triangular intrinsics, positive diagonal, K[2][2] = 1, row-major. */
  K: Mat3;
  R: Mat3;
  t: Vec3;
}

/**
 * P (3x4 or the top of a 4x4, row-major) = K [R | t]: RQ decomposition of P's left 3x3 by
 * Gram-Schmidt on its rows from the bottom up, which makes K's diagonal positive. A projection
 * matrix is only defined up to scale, possibly negative; a negative one would give det R = -1,
 * so P is negated first.
 */
export function decomposeProjection(P: ArrayLike<number>, file = 'projection', field?: string): KRt {
  let p = [0, 1, 2].map((r) => [P[r * 4], P[r * 4 + 1], P[r * 4 + 2], P[r * 4 + 3]]);
  const M = [...p[0].slice(0, 3), ...p[1].slice(0, 3), ...p[2].slice(0, 3)];
  const det = mat3Det(M);
  if (!(Math.abs(det) > 0) || !Number.isFinite(det))
    throw new InputError('projection matrix is singular (not a camera)', { file, field });
  if (det < 0) p = p.map((row) => row.map((v) => -v));
  const m = p.map((row) => row.slice(0, 3) as Vec3);
  const dotv = (a: Vec3, b: Vec3) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
  const norm = (a: Vec3) => Math.hypot(a[0], a[1], a[2]);
  const k22 = norm(m[2]);
  const r2 = m[2].map((v) => v / k22) as Vec3;
  const k12 = dotv(m[1], r2);
  const u1 = m[1].map((v, i) => v - k12 * r2[i]) as Vec3;
  const k11 = norm(u1);
  const r1 = u1.map((v) => v / k11) as Vec3;
  const k02 = dotv(m[0], r2);
  const k01 = dotv(m[0], r1);
  const u0 = m[0].map((v, i) => v - k01 * r1[i] - k02 * r2[i]) as Vec3;
  const k00 = norm(u0);
  const r0 = u0.map((v) => v / k00) as Vec3;
  const R: Mat3 = [...r0, ...r1, ...r2];
  // t = K^-1 p4 by back substitution (K upper triangular), before normalising K so P = K[R|t] holds.
  const p4 = [p[0][3], p[1][3], p[2][3]];
  const t2 = p4[2] / k22;
  const t1 = (p4[1] - k12 * t2) / k11;
  const t0 = (p4[0] - k01 * t1 - k02 * t2) / k00;
  const K: Mat3 = [k00 / k22, k01 / k22, k02 / k22, 0, k11 / k22, k12 / k22, 0, 0, 1];
  return { K, R, t: [t0, t1, t2] };
}

/**
 * The OpenCV camera of one IDR view. `width` x `height` is the size the calibration was made at
 * (the full-resolution photos); `downscale` gives the camera for those photos box-filtered by that
 * integer factor. DTU's K comes from an OpenCV calibration, which puts pixel centres on integers;
 * ours are at i + 0.5, so cx and cy move by half a (full-resolution) pixel before any scaling.
 * Skew (tiny in DTU) is dropped; `skew` says how much, in pixels per unit y.
 */
export function idrCamera(
  view: IdrView,
  width: number,
  height: number,
  downscale = 1,
  file = 'cameras_sphere.npz',
): { camera: Camera; skew: number } {
  const { K, R, t } = decomposeProjection(view.P, file, `world_mat_${view.index}`);
  const full: Camera = { R, t, fx: K[0], fy: K[4], cx: K[2] + 0.5, cy: K[5] + 0.5, width, height };
  return { camera: downscaleCamera(full, downscale), skew: K[1] };
}
