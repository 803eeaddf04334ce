/**
 * Bundle adjustment: Levenberg-Marquardt on the robust (Huber) pixel reprojection error over camera
 * rotations and translations, 3D points and optionally ONE focal length shared by all views (the
 * photos of one phone). The gauge is fixed as bundleGauge.ts describes. Each iteration eliminates
 * the points with the Schur complement (a 3x3 block per point), so only the small dense reduced
 * camera system (6 per camera + 1) is factorised.
 */
import type { Camera, Vec3 } from '../../core/camera.ts';
import { cameraCenter, projectPoint } from '../../core/camera.ts';
import { applyCameraStep, gaugeSize, observationJacobian, type CameraGauge } from './bundleGauge.ts';
import { choleskySolve, invertSpd3 } from './linalg.ts';
import { JAC } from './reprojection.ts';

export interface Observation {
  camera: number;
  point: number;
  /** Observed pixel position (pixel centres at i + 0.5). */
  u: number;
  v: number;
}

export interface BundleOptions {
  /** Refine one focal length shared by all cameras (fx scaled, fy / fx and cx, cy kept). */
  optimiseFocal?: boolean;
  maxIterations?: number;
  /** Huber threshold on an observation's pixel error: beyond it the loss grows linearly. */
  huberPx?: number;
  /** Cameras held fixed (besides the gauge's first camera), e.g. none; indices into cameras. */
  fixedCameras?: readonly number[];
}

export interface BundleResult {
  cameras: Camera[];
  points: Vec3[];
  /** Plain (not robust) RMS pixel error over the observations, before and after. */
  initialRmsPx: number;
  finalRmsPx: number;
  /** Pixel error of each observation after adjustment (Infinity behind the camera). */
  errorsPx: Float64Array;
  iterations: number;
}

/** Gauges of the cameras: first fixed, second on the sphere about the first (when apart), others free. */
function gauges(cameras: readonly Camera[], fixed: ReadonlySet<number>): CameraGauge[] {
  const anchor = cameraCenter(cameras[0]);
  return cameras.map((cam, i) => {
    if (i === 0 || fixed.has(i)) return { kind: 'fixed' } as const;
    if (i === 1 && !fixed.has(1)) {
      const c = cameraCenter(cam);
      const radius = Math.hypot(c[0] - anchor[0], c[1] - anchor[1], c[2] - anchor[2]);
      if (radius > 0) return { kind: 'sphere', anchor, radius } as const;
    }
    return { kind: 'free' } as const;
  });
}

function huber(err: number, delta: number): { cost: number; weight: number } {
  return err <= delta ? { cost: err * err, weight: 1 } : { cost: 2 * delta * err - delta * delta, weight: delta / err };
}

/** Pixel errors of all observations. */
function errors(cameras: readonly Camera[], points: readonly Vec3[], obs: readonly Observation[]): Float64Array {
  const out = new Float64Array(obs.length);
  obs.forEach((o, k) => {
    const [pu, pv, z] = projectPoint(cameras[o.camera], points[o.point]);
    out[k] = z > 0 ? Math.hypot(pu - o.u, pv - o.v) : Infinity;
  });
  return out;
}

function robustCost(errs: Float64Array, delta: number): number {
  let c = 0;
  for (const e of errs) c += isFinite(e) ? huber(e, delta).cost : 1e30;
  return c;
}

function rms(errs: Float64Array): number {
  let s = 0, n = 0;
  for (const e of errs) if (isFinite(e)) { s += e * e; n++; }
  return Math.sqrt(s / Math.max(1, n));
}

export function bundleAdjust(camerasIn: readonly Camera[], pointsIn: readonly Vec3[], obs: readonly Observation[], opts: BundleOptions = {}): BundleResult {
  const maxIterations = opts.maxIterations ?? 50;
  const delta = opts.huberPx ?? 2;
  let cameras = camerasIn.map((c) => ({ ...c }));
  let points = pointsIn.map((p) => [...p] as Vec3);
  const gauge = gauges(cameras, new Set(opts.fixedCameras ?? []));
  const offsets: number[] = [];
  let nc = 0;
  for (const g of gauge) { offsets.push(nc); nc += gaugeSize(g); }
  const focalIndex = opts.optimiseFocal ? nc++ : -1;

  // Observations grouped by point, and each point's active camera-parameter indices.
  const byPoint: number[][] = points.map(() => []);
  obs.forEach((o, k) => byPoint[o.point].push(k));
  const active: number[][] = byPoint.map((ks) => {
    const idx: number[] = [];
    for (const k of ks) {
      const ci = obs[k].camera;
      for (let a = 0; a < gaugeSize(gauge[ci]); a++) idx.push(offsets[ci] + a);
    }
    if (focalIndex >= 0 && ks.length) idx.push(focalIndex);
    return idx;
  });

  let errs = errors(cameras, points, obs);
  const initialRmsPx = rms(errs);
  let cost = robustCost(errs, delta);
  let lambda = 1e-4;
  const scratch = new Float64Array(JAC.size), jc = new Float64Array(12), jp = new Float64Array(6), jf = new Float64Array(2);
  let iterations = 0, converged = false;

  for (; iterations < maxIterations && !converged; iterations++) {
    // Normal equations [U W; W^T V] with W kept per point (rows: all camera params, 3 columns).
    const U = new Float64Array(nc * nc), gc = new Float64Array(nc);
    const V = points.map(() => new Float64Array(9)), gp = points.map(() => new Float64Array(3));
    const W = points.map(() => new Float64Array(nc * 3));
    obs.forEach((o, k) => {
      const g = gauge[o.camera], cam = cameras[o.camera], size = gaugeSize(g), off = offsets[o.camera];
      observationJacobian(g, cam, points[o.point], o.u, o.v, scratch, jc, jp, jf);
      const r = [scratch[JAC.ru], scratch[JAC.rv]];
      const w = isFinite(errs[k]) ? huber(errs[k], delta).weight : 0;
      // Camera-side Jacobian row: camera block then the focal.
      const cols: number[] = [], val0: number[] = [], val1: number[] = [];
      for (let a = 0; a < size; a++) { cols.push(off + a); val0.push(jc[a]); val1.push(jc[size + a]); }
      if (focalIndex >= 0) { cols.push(focalIndex); val0.push(jf[0]); val1.push(jf[1]); }
      const Vj = V[o.point], gpj = gp[o.point], Wj = W[o.point];
      for (let a = 0; a < cols.length; a++) {
        const ca = cols[a];
        gc[ca] += w * (val0[a] * r[0] + val1[a] * r[1]);
        for (let b = 0; b < cols.length; b++) U[ca * nc + cols[b]] += w * (val0[a] * val0[b] + val1[a] * val1[b]);
        for (let c = 0; c < 3; c++) Wj[ca * 3 + c] += w * (val0[a] * jp[c] + val1[a] * jp[3 + c]);
      }
      for (let a = 0; a < 3; a++) {
        gpj[a] += w * (jp[a] * r[0] + jp[3 + a] * r[1]);
        for (let b = 0; b < 3; b++) Vj[a * 3 + b] += w * (jp[a] * jp[b] + jp[3 + a] * jp[3 + b]);
      }
    });

    let accepted = false;
    for (let attempt = 0; attempt < 10 && !accepted; attempt++) {
      const step = solveDamped(U, gc, V, gp, W, active, nc, lambda);
      if (step) {
        let candCams = cameras.map((c, i) => applyCameraStep(gauge[i], c, step.dc.subarray(offsets[i], offsets[i] + gaugeSize(gauge[i]))));
        if (focalIndex >= 0) {
          // New objects: a held camera's step is the camera itself, and changing its focal in
          // place would keep the change when this trial is rejected (its focal then drifted from
          // the others': DTU 6 views ended at 721.8 and 750.9 px).
          const df = step.dc[focalIndex];
          candCams = candCams.map((c) => ({ ...c, fx: c.fx + df, fy: (c.fx + df) * (c.fy / c.fx) }));
        }
        const candPts = points.map((p, j) => [p[0] + step.dp[3 * j], p[1] + step.dp[3 * j + 1], p[2] + step.dp[3 * j + 2]] as Vec3);
        const candErrs = errors(candCams, candPts, obs);
        const candCost = robustCost(candErrs, delta);
        if (candCost < cost) {
          const relative = (cost - candCost) / cost;
          cameras = candCams;
          points = candPts;
          errs = candErrs;
          cost = candCost;
          lambda = Math.max(lambda / 5, 1e-12);
          accepted = true;
          converged = relative < 1e-10;
          continue;
        }
      }
      lambda *= 8;
    }
    if (!accepted) break;
  }
  return { cameras, points, initialRmsPx, finalRmsPx: rms(errs), errorsPx: errs, iterations };
}

/**
 * One damped Gauss-Newton step by the Schur complement on the point blocks:
 * (U - sum W_j V_j^-1 W_j^T) dc = -gc + sum W_j V_j^-1 gp_j, then dp_j = V_j^-1 (-gp_j - W_j^T dc).
 * Marquardt damping scales each diagonal entry by (1 + lambda). Null if a system is not positive definite.
 */
function solveDamped(
  U: Float64Array, gc: Float64Array, V: Float64Array[], gp: Float64Array[], W: Float64Array[],
  active: number[][], nc: number, lambda: number,
): { dc: Float64Array; dp: Float64Array } | null {
  const S = U.slice();
  for (let a = 0; a < nc; a++) S[a * nc + a] += lambda * Math.max(U[a * nc + a], 1e-9);
  const b = Float64Array.from(gc, (v) => -v);
  const Vinv: (Float64Array | null)[] = [];
  for (let j = 0; j < V.length; j++) {
    const Vd = V[j].slice();
    for (let a = 0; a < 3; a++) Vd[a * 4] += lambda * Math.max(V[j][a * 4], 1e-9);
    const inv = active[j].length ? invertSpd3(Vd) : null;
    Vinv.push(inv);
    if (!inv) continue;
    const Wj = W[j], idx = active[j];
    // Y = W_j V_j^-1 on the active rows.
    const Y = new Float64Array(idx.length * 3);
    idx.forEach((ra, k) => {
      for (let c = 0; c < 3; c++) Y[k * 3 + c] = Wj[ra * 3] * inv[c] + Wj[ra * 3 + 1] * inv[3 + c] + Wj[ra * 3 + 2] * inv[6 + c];
    });
    idx.forEach((ra, k) => {
      b[ra] += Y[k * 3] * gp[j][0] + Y[k * 3 + 1] * gp[j][1] + Y[k * 3 + 2] * gp[j][2];
      idx.forEach((rb) => {
        S[ra * nc + rb] -= Y[k * 3] * Wj[rb * 3] + Y[k * 3 + 1] * Wj[rb * 3 + 1] + Y[k * 3 + 2] * Wj[rb * 3 + 2];
      });
    });
  }
  const dc = nc > 0 ? choleskySolve(S, b, nc) : new Float64Array(0);
  if (!dc) return null;
  const dp = new Float64Array(3 * V.length);
  for (let j = 0; j < V.length; j++) {
    const inv = Vinv[j];
    if (!inv) continue;
    const rhs = [-gp[j][0], -gp[j][1], -gp[j][2]];
    for (const ra of active[j]) for (let c = 0; c < 3; c++) rhs[c] -= W[j][ra * 3 + c] * dc[ra];
    for (let a = 0; a < 3; a++) dp[3 * j + a] = inv[a * 3] * rhs[0] + inv[a * 3 + 1] * rhs[1] + inv[a * 3 + 2] * rhs[2];
  }
  return { dc, dp };
}
