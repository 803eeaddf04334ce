/**
 * Reprojection residual of one observation and its analytic Jacobians, shared by PnP refinement
 * and bundle adjustment so both optimise exactly the same model.
 *
 * Model: Xc = R X + t, u = fx Xc.x / Xc.z + cx, v = fy Xc.y / Xc.z + cy (see src/core/camera.ts).
 * Rotation increments are axis-angle on the left, R <- exp([w]x) R, so dXc/dw = -[R X]x at w = 0;
 * the focal derivative scales fx and fy together (fy / fx is kept).
 */
import type { Camera } from '../../core/camera.ts';

/** Output layout of projectWithJacobians (offsets into its Float64Array). */
export const JAC = { ru: 0, rv: 1, depth: 2, dW: 3, dT: 9, dX: 15, dF: 21, size: 23 } as const;

/**
 * Writes [ru, rv, depth, d(ru,rv)/dw (2x3), d/dt (2x3), d/dX (2x3), d/dfx (2)] into `out`
 * (each 2x3 block row-major: the u row then the v row). Residual = projection - observation.
 */
export function projectWithJacobians(
  cam: Pick<Camera, 'R' | 't' | 'fx' | 'fy' | 'cx' | 'cy'>,
  X: ArrayLike<number>,
  u: number,
  v: number,
  out: Float64Array = new Float64Array(JAC.size),
): Float64Array {
  const R = cam.R;
  const a0 = R[0] * X[0] + R[1] * X[1] + R[2] * X[2];
  const a1 = R[3] * X[0] + R[4] * X[1] + R[5] * X[2];
  const a2 = R[6] * X[0] + R[7] * X[1] + R[8] * X[2];
  const x = a0 + cam.t[0], y = a1 + cam.t[1], z = a2 + cam.t[2];
  const iz = 1 / z;
  const fx = cam.fx, fy = cam.fy;
  out[0] = fx * x * iz + cam.cx - u;
  out[1] = fy * y * iz + cam.cy - v;
  out[2] = z;
  // d(u, v)/dXc: [fx/z, 0, -fx x/z^2; 0, fy/z, -fy y/z^2].
  const ux = fx * iz, uz = -fx * x * iz * iz, vy = fy * iz, vz = -fy * y * iz * iz;
  // dXc/dw = -[a]x = [[0, a2, -a1], [-a2, 0, a0], [a1, -a0, 0]].
  out[3] = uz * a1;
  out[4] = ux * a2 - uz * a0;
  out[5] = -ux * a1;
  out[6] = -vy * a2 + vz * a1;
  out[7] = -vz * a0;
  out[8] = vy * a0;
  // dXc/dt = I.
  out[9] = ux; out[10] = 0; out[11] = uz;
  out[12] = 0; out[13] = vy; out[14] = vz;
  // dXc/dX = R.
  for (let c = 0; c < 3; c++) {
    out[15 + c] = ux * R[c] + uz * R[6 + c];
    out[18 + c] = vy * R[3 + c] + vz * R[6 + c];
  }
  out[21] = x * iz;
  out[22] = (fy / fx) * y * iz;
  return out;
}
