/**
 * CPU reference of the splat projection: 3D Gaussian -> 2D conic, mean, depth, colour, opacity.
 * Plain float64 code, one splat at a time, written to be obviously right rather than fast.
 * The WGSL projection kernels must match it; finite differences check its backward.
 *
 * Conventions (the contract the GPU kernels follow too):
 * - camera: OpenCV world-to-camera (src/core/camera.ts); pixel centres at i + 0.5;
 * - Sigma = R S S^T R^T with S = diag(exp(logScales)), R from the normalised quaternion (w,x,y,z);
 * - EWA: Sigma2D = J W Sigma W^T J^T + lowPass * I, with J evaluated at the camera-space mean whose
 *   x/z and y/z are clamped to the frustum widened by FRUSTUM_MARGIN = 30% (as gsplat), for stability of
 *   splats far outside the image; the clamp zeroes that part of the gradient, exactly;
 * - splats with z < nearPlane or a non-positive 2D determinant are invisible;
 * - colour = max(SH(dir) + 0.5, 0), dir = normalise(mean - cameraCentre);
 * - opacity = sigmoid(logit); with `antialiased` (Mip-Splatting's 2D filter, gsplat's
 *   'antialiased' mode) it is scaled by sqrt(det(Sigma2D without low-pass) / det(Sigma2D)), so a
 *   splat smaller than a pixel keeps its total weight instead of being smeared at full opacity
 *   (a negative determinant before the low-pass gives 0: invisible).
 */
import { cameraCenter, quatToRotation, type Camera } from '../../core/camera.ts';
import { clipLimits, DEFAULT_PROJECTION, expScale, sigmoid, type CloudArrays, type ProjectionSettings } from '../../core/gaussianCloud.ts';
import { shBasis, shBasisGrad } from '../../core/sh.ts';
import type { ReferenceCloud } from './referenceCloud.ts';

/** lowPass, nearPlane and the Mip-Splatting 2D filter (antialiased, see above; default false). */
export type ProjectOptions = ProjectionSettings;
export const DEFAULT_PROJECT_OPTIONS: ProjectOptions = DEFAULT_PROJECTION;

export interface ProjectedSplat {
  index: number;
  depth: number;
  u: number;
  v: number;
  /** Inverse of Sigma2D: power = -0.5 (A dx^2 + C dy^2) - B dx dy. */
  conicA: number;
  conicB: number;
  conicC: number;
  opacity: number;
  color: [number, number, number];
}

/** Gradient of the loss with respect to one projected splat's outputs (depth: its camera-space z, through expected depth). */
export type ProjectedGrad = Pick<ProjectedSplat, 'u' | 'v' | 'conicA' | 'conicB' | 'conicC' | 'opacity' | 'color' | 'depth'>;

/** Everything the backward pass needs, recomputed from the cloud (never cached on the GPU side). */
interface ProjectionState {
  q: number[]; // normalised quaternion
  qNorm: number;
  Rq: number[]; // rotation from quaternion
  s: number[]; // scales
  M: number[]; // R S
  Sigma: number[]; // 3x3
  xc: number[]; // camera-space mean
  rx: number; // clamped x/z
  ry: number;
  clampedX: boolean;
  clampedY: boolean;
  J: number[]; // 2x3
  T: number[]; // 2x3 = J W
  cov2d: number[]; // a, b, c (with low-pass)
  det: number;
  det0: number; // determinant before the low-pass
  opacityRaw: number; // sigmoid(logit)
  compensation: number; // 1, or the antialiased mode's sqrt(det0 / det)
  dir: number[]; // unnormalised mean - camera centre
  colorRaw: number[]; // before clamp
  basis: Float64Array;
}

function project(cloud: ReferenceCloud, i: number, cam: Camera, opts: ProjectOptions): { out: ProjectedSplat; st: ProjectionState } | null {
  const m = [cloud.means[3 * i], cloud.means[3 * i + 1], cloud.means[3 * i + 2]];
  const W = cam.R;
  const xc = [
    W[0] * m[0] + W[1] * m[1] + W[2] * m[2] + cam.t[0],
    W[3] * m[0] + W[4] * m[1] + W[5] * m[2] + cam.t[1],
    W[6] * m[0] + W[7] * m[1] + W[8] * m[2] + cam.t[2],
  ];
  const z = xc[2];
  if (!(z >= opts.nearPlane)) return null;

  const qr = [cloud.quats[4 * i], cloud.quats[4 * i + 1], cloud.quats[4 * i + 2], cloud.quats[4 * i + 3]];
  const qNorm = Math.hypot(qr[0], qr[1], qr[2], qr[3]);
  if (!(qNorm > 0)) return null;
  const q = qr.map((c) => c / qNorm);
  const Rq: number[] = quatToRotation(q);
  const s = [0, 1, 2].map((k) => expScale(cloud.logScales[3 * i + k]));
  const M = Rq.map((r, idx) => r * s[idx % 3]);
  const Sigma = new Array(9).fill(0);
  for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) for (let k = 0; k < 3; k++) Sigma[r * 3 + c] += M[r * 3 + k] * M[c * 3 + k];

  const [limXPos, limXNeg, limYPos, limYNeg] = clipLimits(cam.width, cam.height, cam.fx, cam.fy, cam.cx, cam.cy);
  const rx0 = xc[0] / z, ry0 = xc[1] / z;
  const rx = Math.min(limXPos, Math.max(-limXNeg, rx0));
  const ry = Math.min(limYPos, Math.max(-limYNeg, ry0));
  const J = [cam.fx / z, 0, (-cam.fx * rx) / z, 0, cam.fy / z, (-cam.fy * ry) / z];
  const T = new Array(6).fill(0);
  for (let r = 0; r < 2; r++) for (let c = 0; c < 3; c++) for (let k = 0; k < 3; k++) T[r * 3 + c] += J[r * 3 + k] * W[k * 3 + c];
  const TS = new Array(6).fill(0);
  for (let r = 0; r < 2; r++) for (let c = 0; c < 3; c++) for (let k = 0; k < 3; k++) TS[r * 3 + c] += T[r * 3 + k] * Sigma[k * 3 + c];
  const cov = [0, 0, 0, 0];
  for (let r = 0; r < 2; r++) for (let c = 0; c < 2; c++) for (let k = 0; k < 3; k++) cov[r * 2 + c] += TS[r * 3 + k] * T[c * 3 + k];
  const a = cov[0] + opts.lowPass, b = cov[1], c = cov[3] + opts.lowPass;
  const det = a * c - b * b;
  if (!(det > 0)) return null;

  const det0 = cov[0] * cov[3] - cov[1] * cov[1];
  const compensation = opts.antialiased ? Math.sqrt(Math.max(det0, 0) / det) : 1;
  const opacityRaw = sigmoid(cloud.opacityLogits[i]);

  const centre = cameraCenter(cam);
  const dir = [m[0] - centre[0], m[1] - centre[1], m[2] - centre[2]];
  const dn = Math.hypot(dir[0], dir[1], dir[2]);
  const K = (cloud.shDegree + 1) ** 2;
  const basis = new Float64Array(16);
  shBasis(cloud.shDegree, dir[0] / dn, dir[1] / dn, dir[2] / dn, basis);
  const colorRaw = [0.5, 0.5, 0.5];
  for (let k = 0; k < K; k++) for (let ch = 0; ch < 3; ch++) colorRaw[ch] += basis[k] * cloud.sh[(i * K + k) * 3 + ch];

  const out: ProjectedSplat = {
    index: i,
    depth: z,
    u: (cam.fx * xc[0]) / z + cam.cx,
    v: (cam.fy * xc[1]) / z + cam.cy,
    conicA: c / det,
    conicB: -b / det,
    conicC: a / det,
    opacity: opacityRaw * compensation,
    color: [Math.max(colorRaw[0], 0), Math.max(colorRaw[1], 0), Math.max(colorRaw[2], 0)],
  };
  const st: ProjectionState = {
    q, qNorm, Rq, s, M, Sigma, xc, rx, ry,
    clampedX: rx !== rx0, clampedY: ry !== ry0,
    J, T, cov2d: [a, b, c], det, det0, opacityRaw, compensation, dir, colorRaw, basis,
  };
  return { out, st };
}

export function projectSplat(cloud: ReferenceCloud, i: number, cam: Camera, opts: ProjectOptions = DEFAULT_PROJECT_OPTIONS): ProjectedSplat | null {
  return project(cloud, i, cam, opts)?.out ?? null;
}

/**
 * One splat's share of the camera gradient (layout: CAMERA_GRAD_FLOATS). The camera enters through
 * xc = R m + t, the covariance's T = J R, the view direction m - C with C = -R^T t, and the focal
 * lengths in J and in the pixel mean. With R' = exp([w]x) R (left increment) and a = R m:
 * - xc' = xc + w x a + dt: dL/dw += a x dXc, dL/dt += dXc;
 * - T = J R: dL/dR = J^T dT, and dL = tr(dL/dR^T [w]x R) gives dL/dw += vee(P - P^T), P = dL/dR R^T;
 * - C' = -R^T exp(-[w]x)(t + dt): dC = R^T (w x t) - R^T dt, and dL/dC = -dDir, so
 *   dL/dw += (R dDir) x t and dL/dt += R dDir;
 * - fx' = e^s fx, fy' = e^s fy: fx dL/dfx = dL/du fx x/z + dJ00 J00 + dJ02 J02 (J02 only when x/z
 *   is not clamped: the clamp limit scales with 1/fx, so a clamped J02 does not depend on fx).
 */
function addCameraGrad(cam: Camera, st: ProjectionState, g: ProjectedGrad, dXc: number[], dJ: number[], dDir: number[], out: Float64Array): void {
  const R = cam.R;
  const t = cam.t;
  const a = [st.xc[0] - t[0], st.xc[1] - t[1], st.xc[2] - t[2]];
  // Through T = J R: dL/dR = J^T dT, and since dJ = dT R^T, P = dL/dR R^T = J^T dJ.
  const P = new Array(9).fill(0);
  for (let k = 0; k < 3; k++) for (let j = 0; j < 3; j++) for (let r = 0; r < 2; r++) P[k * 3 + j] += st.J[r * 3 + k] * dJ[r * 3 + j];
  const rDir = [0, 1, 2].map((r) => R[r * 3] * dDir[0] + R[r * 3 + 1] * dDir[1] + R[r * 3 + 2] * dDir[2]);
  const w = [
    a[1] * dXc[2] - a[2] * dXc[1] + P[7] - P[5] + rDir[1] * t[2] - rDir[2] * t[1],
    a[2] * dXc[0] - a[0] * dXc[2] + P[2] - P[6] + rDir[2] * t[0] - rDir[0] * t[2],
    a[0] * dXc[1] - a[1] * dXc[0] + P[3] - P[1] + rDir[0] * t[1] - rDir[1] * t[0],
  ];
  for (let k = 0; k < 3; k++) {
    out[k] += w[k];
    out[3 + k] += dXc[k] + rDir[k];
  }
  const z = st.xc[2];
  out[6] +=
    (g.u * cam.fx * st.xc[0]) / z + (g.v * cam.fy * st.xc[1]) / z +
    dJ[0] * st.J[0] + dJ[4] * st.J[4] + (st.clampedX ? 0 : dJ[2] * st.J[2]) + (st.clampedY ? 0 : dJ[5] * st.J[5]);
}

/** Per-splat gradient accumulators, laid out like GaussianCloud. */
export type CloudGrads = CloudArrays<Float64Array>;

export function zeroGrads(cloud: ReferenceCloud): CloudGrads {
  return {
    means: new Float64Array(cloud.count * 3),
    logScales: new Float64Array(cloud.count * 3),
    quats: new Float64Array(cloud.count * 4),
    opacityLogits: new Float64Array(cloud.count),
    sh: new Float64Array(cloud.sh.length),
  };
}

/**
 * Layout of a view's camera gradient (CAMERA_GRAD_FLOATS numbers): dL/d omega (3), dL/d dt (3) and
 * dL/d(log f), for the increment R' = exp([omega]x) R, t' = t + dt, fx' = e^s fx, fy' = e^s fy
 * (cx, cy held), all taken at zero. The GPU's cameraGradFromView uses the same order (8 floats a
 * view, the last one padding).
 */
export const CAMERA_GRAD_FLOATS = 7;

/**
 * Chains the gradient of one projected splat back to its parameters, adding into `grads`; with
 * `cameraGrad` (CAMERA_GRAD_FLOATS numbers, see above) it also adds the gradient with respect to
 * the camera's pose and focal increment.
 */
export function projectSplatBackward(
  cloud: ReferenceCloud,
  i: number,
  cam: Camera,
  g: ProjectedGrad,
  grads: CloudGrads,
  opts: ProjectOptions = DEFAULT_PROJECT_OPTIONS,
  cameraGrad: Float64Array | null = null,
): void {
  const p = project(cloud, i, cam, opts);
  if (!p) return;
  const { out, st } = p;
  const W = cam.R;
  const z = st.xc[2];

  // Opacity: sigmoid' (times the compensation, when antialiased).
  grads.opacityLogits[i] += g.opacity * st.compensation * st.opacityRaw * (1 - st.opacityRaw);

  // Colour: clamp, then SH coefficients and view direction.
  const K = (cloud.shDegree + 1) ** 2;
  const dColor = [0, 1, 2].map((ch) => (st.colorRaw[ch] > 0 ? g.color[ch] : 0));
  const dDirUnit = [0, 0, 0];
  const basisGrad = new Float64Array(48);
  shBasisGrad(cloud.shDegree, 0, 0, 0, basisGrad); // zero-init for degree 0
  const dn = Math.hypot(st.dir[0], st.dir[1], st.dir[2]);
  const d = st.dir.map((c) => c / dn);
  shBasisGrad(cloud.shDegree, d[0], d[1], d[2], basisGrad);
  for (let k = 0; k < K; k++)
    for (let ch = 0; ch < 3; ch++) {
      grads.sh[(i * K + k) * 3 + ch] += st.basis[k] * dColor[ch];
      const coef = cloud.sh[(i * K + k) * 3 + ch] * dColor[ch];
      for (let ax = 0; ax < 3; ax++) dDirUnit[ax] += coef * basisGrad[3 * k + ax];
    }
  // d(unit dir)/d(dir) = (I - d d^T) / |dir|; dir = mean - centre.
  const dd = d[0] * dDirUnit[0] + d[1] * dDirUnit[1] + d[2] * dDirUnit[2];
  const dMean = [0, 1, 2].map((ax) => (dDirUnit[ax] - d[ax] * dd) / dn);
  const dDir = dMean.slice(); // dL/d(mean - centre), before the projection's terms join dMean

  // Conic -> Sigma2D: conic = inverse(cov). For symmetric X with Q = X^-1, dL/dX = -Q G Q,
  // where G is the symmetric gradient matrix of Q (the off-diagonal B appears once, so halve it).
  const Q = [out.conicA, out.conicB, out.conicB, out.conicC];
  const G = [g.conicA, g.conicB / 2, g.conicB / 2, g.conicC];
  const QG = [Q[0] * G[0] + Q[1] * G[2], Q[0] * G[1] + Q[1] * G[3], Q[2] * G[0] + Q[3] * G[2], Q[2] * G[1] + Q[3] * G[3]];
  const dCov = [
    -(QG[0] * Q[0] + QG[1] * Q[2]),
    -(QG[0] * Q[1] + QG[1] * Q[3]),
    -(QG[2] * Q[0] + QG[3] * Q[2]),
    -(QG[2] * Q[1] + QG[3] * Q[3]),
  ];
  // Antialiased: compensation = sqrt(det0 / det), det0 = a0 c0 - b^2, det = (a0 + s)(c0 + s) - b^2,
  // so d log(comp) = (d log det0 - d log det) / 2. b is shared by both off-diagonal entries.
  if (opts.antialiased && st.det0 > 0) {
    const dComp = g.opacity * st.opacityRaw * st.compensation / 2;
    const [a, b, c] = st.cov2d;
    const a0 = a - opts.lowPass, c0 = c - opts.lowPass;
    dCov[0] += dComp * (c0 / st.det0 - c / st.det);
    dCov[3] += dComp * (a0 / st.det0 - a / st.det);
    const dOff = dComp * (-b / st.det0 + b / st.det);
    dCov[1] += dOff;
    dCov[2] += dOff;
  }
  // cov = T Sigma T^T: dL/dSigma = T^T dCov T; dL/dT = 2 dCov T Sigma (both symmetric).
  const dSigma = new Array(9).fill(0);
  for (let r = 0; r < 3; r++)
    for (let c = 0; c < 3; c++)
      for (let a = 0; a < 2; a++) for (let b = 0; b < 2; b++) dSigma[r * 3 + c] += st.T[a * 3 + r] * dCov[a * 2 + b] * st.T[b * 3 + c];
  const TSigma = new Array(6).fill(0);
  for (let r = 0; r < 2; r++) for (let c = 0; c < 3; c++) for (let k = 0; k < 3; k++) TSigma[r * 3 + c] += st.T[r * 3 + k] * st.Sigma[k * 3 + c];
  const dT = new Array(6).fill(0);
  for (let r = 0; r < 2; r++) for (let c = 0; c < 3; c++) for (let k = 0; k < 2; k++) dT[r * 3 + c] += 2 * dCov[r * 2 + k] * TSigma[k * 3 + c];
  // T = J W: dL/dJ = dT W^T.
  const dJ = new Array(6).fill(0);
  for (let r = 0; r < 2; r++) for (let c = 0; c < 3; c++) for (let k = 0; k < 3; k++) dJ[r * 3 + c] += dT[r * 3 + k] * W[c * 3 + k];
  // J = [fx/z, 0, -fx rx/z; 0, fy/z, -fy ry/z], rx = clamp(x/z).
  const drx_dx = st.clampedX ? 0 : 1 / z, drx_dz = st.clampedX ? 0 : -st.xc[0] / (z * z);
  const dry_dy = st.clampedY ? 0 : 1 / z, dry_dz = st.clampedY ? 0 : -st.xc[1] / (z * z);
  const dXc = [0, 0, 0];
  dXc[2] += dJ[0] * (-cam.fx / (z * z)) + dJ[4] * (-cam.fy / (z * z));
  // J02 = -fx rx / z
  dXc[0] += dJ[2] * (-cam.fx / z) * drx_dx;
  dXc[2] += dJ[2] * (cam.fx * st.rx / (z * z) - (cam.fx / z) * drx_dz);
  dXc[1] += dJ[5] * (-cam.fy / z) * dry_dy;
  dXc[2] += dJ[5] * (cam.fy * st.ry / (z * z) - (cam.fy / z) * dry_dz);
  // Mean 2D.
  dXc[0] += g.u * cam.fx / z;
  dXc[1] += g.v * cam.fy / z;
  dXc[2] += -g.u * cam.fx * st.xc[0] / (z * z) - g.v * cam.fy * st.xc[1] / (z * z);
  // Depth (expected depth's z_i): z is xc's third component.
  dXc[2] += g.depth;
  // xc = W m + t.
  for (let ax = 0; ax < 3; ax++) dMean[ax] += W[0 * 3 + ax] * dXc[0] + W[1 * 3 + ax] * dXc[1] + W[2 * 3 + ax] * dXc[2];
  for (let ax = 0; ax < 3; ax++) grads.means[3 * i + ax] += dMean[ax];
  if (cameraGrad) addCameraGrad(cam, st, g, dXc, dJ, dDir, cameraGrad);

  // Sigma = M M^T: dL/dM = (dSigma + dSigma^T) M = 2 dSigma M.
  const dM = new Array(9).fill(0);
  for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) for (let k = 0; k < 3; k++) dM[r * 3 + c] += 2 * dSigma[r * 3 + k] * st.M[k * 3 + c];
  // M = R S.
  for (let c = 0; c < 3; c++) {
    let ds = 0;
    for (let r = 0; r < 3; r++) ds += st.Rq[r * 3 + c] * dM[r * 3 + c];
    grads.logScales[3 * i + c] += ds * st.s[c];
  }
  const dR = dM.map((v, idx) => v * st.s[idx % 3]);
  const [w, x, y, zq] = st.q;
  // d R / d (w, x, y, z) for the normalised quaternion.
  const dq = [
    2 * (-zq * dR[1] + y * dR[2] + zq * dR[3] - x * dR[5] - y * dR[6] + x * dR[7]),
    2 * (y * dR[1] + zq * dR[2] + y * dR[3] - 2 * x * dR[4] - w * dR[5] + zq * dR[6] + w * dR[7] - 2 * x * dR[8]),
    2 * (-2 * y * dR[0] + x * dR[1] + w * dR[2] + x * dR[3] + zq * dR[5] - w * dR[6] + zq * dR[7] - 2 * y * dR[8]),
    2 * (-2 * zq * dR[0] - w * dR[1] + x * dR[2] + w * dR[3] - 2 * zq * dR[4] + y * dR[5] + x * dR[6] + y * dR[7]),
  ];
  // Normalisation: d(q/|q|) = (I - q q^T) / |q|.
  const qd = st.q[0] * dq[0] + st.q[1] * dq[1] + st.q[2] * dq[2] + st.q[3] * dq[3];
  for (let k = 0; k < 4; k++) grads.quats[4 * i + k] += (dq[k] - st.q[k] * qd) / st.qNorm;
}
