/**
 * How bundle adjustment parameterises each camera, which is how it fixes the gauge: a
 * reconstruction from images is only defined up to a similarity (rotation, translation, scale),
 * so those 7 degrees of freedom are pinned instead of left to drift:
 *   - the first camera is 'fixed' (rotation and position: 6 dof),
 *   - the second moves on a 'sphere' about the first camera's centre, so the distance between the
 *     two centres, the scale, stays constant (rotation + 2 tangent steps: 5 parameters),
 *   - every other camera is 'free' (axis-angle rotation step + translation step: 6 parameters).
 */
import type { Camera, Vec3 } from '../../core/camera.ts';
import { cameraCenter, cross, mat3Mul, mat3MulVec, normalize, rotationFromAxisAngle, sub, translationFromCenter } from '../../core/camera.ts';
import { JAC, projectWithJacobians } from './reprojection.ts';

export type CameraGauge =
  | { kind: 'fixed' }
  | { kind: 'free' }
  /** Centre on the sphere of `radius` about `anchor` (the first camera's centre). */
  | { kind: 'sphere'; anchor: Vec3; radius: number };

export function gaugeSize(g: CameraGauge): number {
  return g.kind === 'fixed' ? 0 : g.kind === 'sphere' ? 5 : 6;
}

/** Two unit vectors orthogonal to n (unit): the tangent plane of the sphere at the camera. */
function tangentBasis(n: Vec3): [Vec3, Vec3] {
  const a = normalize(cross(n, Math.abs(n[0]) < 0.9 ? [1, 0, 0] : [0, 1, 0]));
  return [a, cross(n, a)];
}

/**
 * Residual (projection - observation, pixels) of one observation and its Jacobian with respect to
 * the camera's parameters (2 x gaugeSize, row-major, into jc), the point (2x3, into jp) and the
 * focal (2, into jf). `scratch` receives projectWithJacobians' output. Returns the depth.
 */
export function observationJacobian(
  g: CameraGauge, cam: Camera, X: ArrayLike<number>, u: number, v: number,
  scratch: Float64Array, jc: Float64Array, jp: Float64Array, jf: Float64Array,
): number {
  projectWithJacobians(cam, X, u, v, scratch);
  for (let i = 0; i < 6; i++) jp[i] = scratch[JAC.dX + i];
  jf[0] = scratch[JAC.dF];
  jf[1] = scratch[JAC.dF + 1];
  if (g.kind === 'free') {
    for (let row = 0; row < 2; row++)
      for (let c = 0; c < 3; c++) {
        jc[row * 6 + c] = scratch[JAC.dW + row * 3 + c];
        jc[row * 6 + 3 + c] = scratch[JAC.dT + row * 3 + c];
      }
  } else if (g.kind === 'sphere') {
    // With the centre held, R <- exp([w]x) R moves Xc = R (X - C) by -[Xc]x w; a centre step
    // C <- C + B beta moves it by -R B beta. d(residual)/dXc is the translation block (dXc/dt = I).
    const z = scratch[JAC.depth];
    const R = cam.R;
    const xc = mat3MulVec(R, X);
    const Xc: Vec3 = [xc[0] + cam.t[0], xc[1] + cam.t[1], z];
    const [b1, b2] = tangentBasis(normalize(sub(cameraCenter(cam), g.anchor)));
    const rb1 = mat3MulVec(R, b1), rb2 = mat3MulVec(R, b2);
    for (let row = 0; row < 2; row++) {
      const d = [scratch[JAC.dT + row * 3], scratch[JAC.dT + row * 3 + 1], scratch[JAC.dT + row * 3 + 2]];
      // d . (-[Xc]x e_k) = d . (e_k x Xc) = e_k . (Xc x d)
      const w = cross(Xc, d);
      jc[row * 5] = w[0];
      jc[row * 5 + 1] = w[1];
      jc[row * 5 + 2] = w[2];
      jc[row * 5 + 3] = -(d[0] * rb1[0] + d[1] * rb1[1] + d[2] * rb1[2]);
      jc[row * 5 + 4] = -(d[0] * rb2[0] + d[1] * rb2[1] + d[2] * rb2[2]);
    }
  }
  return scratch[JAC.depth];
}

/** The camera after a parameter step `delta` (gaugeSize numbers) under its gauge. */
export function applyCameraStep(g: CameraGauge, cam: Camera, delta: ArrayLike<number>): Camera {
  if (g.kind === 'fixed') return cam;
  const R = mat3Mul(rotationFromAxisAngle([delta[0], delta[1], delta[2]]), cam.R);
  if (g.kind === 'free') return { ...cam, R, t: [cam.t[0] + delta[3], cam.t[1] + delta[4], cam.t[2] + delta[5]] };
  const C = cameraCenter(cam);
  const [b1, b2] = tangentBasis(normalize(sub(C, g.anchor)));
  const moved = [0, 1, 2].map((k) => C[k] - g.anchor[k] + b1[k] * delta[3] + b2[k] * delta[4]);
  const n = normalize(moved);
  const Cn: Vec3 = [g.anchor[0] + g.radius * n[0], g.anchor[1] + g.radius * n[1], g.anchor[2] + g.radius * n[2]];
  return { ...cam, R, t: translationFromCenter(R, Cn) };
}
