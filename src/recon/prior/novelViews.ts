/**
 * Pseudo views for the repair prior: cameras between and around the input cameras, each with its
 * nearest input and a loss weight that grows with its distance from the inputs (GaussianObject's
 * distance-aware repair: a view next to an input is already right and needs little help; a view
 * far from every input is where the cloud is wrong and the repaired image should count most).
 *
 * The orbit: the input cameras' directions from the object centre, fitted by a plane (its normal,
 * through the object centre, is the orbit's axis), ordered by angle about that axis. The largest angular
 * gap between neighbours is where the orbit is open (the whole circle when the inputs go all the
 * way round), so the chain of inputs runs from the camera after that gap to the one before it.
 * - between: along each pair of neighbours in the chain, rotations by quaternion slerp, centres
 *   along the orbit (angle about the axis, height along it and distance from it interpolated);
 *   as many per pair as its angular share of all gaps.
 * - outside: beyond the two ends of the chain, the end camera turned about the axis through the
 *   object centre, up to `outsideAngle` past it (default: the mean gap between neighbours, at most
 *   half the open gap).
 * Distance: the angle at the object centre between the view's centre and its nearest input's.
 * Weight: maxWeight * min(1, distance / reference), the reference being half the mean gap (how far
 * the middle of a pair is from both ends), or the outside angle with one input.
 */
import {
  cameraCenter, cross, dot, mat3Mul, mat3MulVec, mat3Transpose, normalize, rotationFromAxisAngle, rotationToQuat,
  quatToRotation, scale, sub, add, translationFromCenter, type Camera, type Mat3, type Vec3,
} from '../../core/camera.ts';

export interface PseudoView {
  camera: Camera;
  /** Index of the nearest input camera. */
  nearest: number;
  /** Angle (radians) at the object centre between this view's centre and the nearest input's. */
  distance: number;
  /** Loss weight of its repaired image, in [0, maxWeight]. */
  weight: number;
  kind: 'between' | 'outside';
}

export interface NovelViewOptions {
  /** How many pseudo views. */
  count: number;
  /** Share of them beyond the ends of the inputs' orbit (default 0.25; all when there is one input). */
  outsideShare?: number;
  /** How far past the end inputs the outside views go (radians; default see the top). */
  outsideAngle?: number;
  /** Weight of a view at (or beyond) the reference distance (default 1). */
  maxWeight?: number;
}

/** Unit quaternion slerp (w x y z), t may leave [0, 1] (extrapolation along the same arc). */
export function slerpQuat(a: readonly number[], b: readonly number[], t: number): [number, number, number, number] {
  let d = a[0] * b[0] + a[1] * b[1] + a[2] * b[2] + a[3] * b[3];
  const bb = d < 0 ? b.map((v) => -v) : [...b];
  d = Math.abs(d);
  if (d > 0.9995) {
    const q = a.map((v, i) => v + t * (bb[i] - v));
    const n = Math.hypot(...q);
    return q.map((v) => v / n) as [number, number, number, number];
  }
  const th = Math.acos(Math.min(1, d));
  const s = Math.sin(th);
  const wa = Math.sin((1 - t) * th) / s, wb = Math.sin(t * th) / s;
  return a.map((v, i) => wa * v + wb * bb[i]) as [number, number, number, number];
}

/** The eigenvector of the smallest eigenvalue of a symmetric 3x3 (cyclic Jacobi rotations). */
function smallestEigenvector(M: Mat3): Vec3 {
  const a = [...M];
  const v = [1, 0, 0, 0, 1, 0, 0, 0, 1];
  for (let sweep = 0; sweep < 50; sweep++) {
    const off = Math.abs(a[1]) + Math.abs(a[2]) + Math.abs(a[5]);
    if (off < 1e-15 * (Math.abs(a[0]) + Math.abs(a[4]) + Math.abs(a[8]) + 1e-300)) break;
    for (const [p, q] of [[0, 1], [0, 2], [1, 2]]) {
      const apq = a[p * 3 + q];
      if (Math.abs(apq) < 1e-300) continue;
      const theta = (a[q * 3 + q] - a[p * 3 + p]) / (2 * apq);
      const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
      const c = 1 / Math.sqrt(t * t + 1), s = t * c;
      // a <- J^T a J, v <- v J, with J the rotation in the (p, q) plane.
      for (let k = 0; k < 3; k++) {
        const akp = a[k * 3 + p], akq = a[k * 3 + q];
        a[k * 3 + p] = c * akp - s * akq;
        a[k * 3 + q] = s * akp + c * akq;
      }
      for (let k = 0; k < 3; k++) {
        const apk = a[p * 3 + k], aqk = a[q * 3 + k];
        a[p * 3 + k] = c * apk - s * aqk;
        a[q * 3 + k] = s * apk + c * aqk;
      }
      for (let k = 0; k < 3; k++) {
        const vkp = v[k * 3 + p], vkq = v[k * 3 + q];
        v[k * 3 + p] = c * vkp - s * vkq;
        v[k * 3 + q] = s * vkp + c * vkq;
      }
    }
  }
  const diag = [a[0], a[4], a[8]];
  const i = diag.indexOf(Math.min(...diag));
  return normalize([v[i], v[3 + i], v[6 + i]]);
}

/** `cam` turned by `angle` about the axis through `centre` along unit `axis` (it keeps looking at what it looked at, turned with it). */
export function orbitTurn(cam: Camera, centre: Vec3, axis: Vec3, angle: number): Camera {
  const Q = rotationFromAxisAngle(scale(axis, angle));
  const C = add(centre, mat3MulVec(Q, sub(cameraCenter(cam), centre)));
  const R = mat3Mul(cam.R, mat3Transpose(Q));
  return { ...cam, R, t: translationFromCenter(R, C) };
}

/** The nearest input (by angle at the centre) of a camera centre, and that angle. */
export function nearestInput(centreOfView: Vec3, inputs: readonly Camera[], centre: Vec3): { index: number; distance: number } {
  const d = normalize(sub(centreOfView, centre));
  let best = { index: 0, distance: Infinity };
  inputs.forEach((c, i) => {
    const a = Math.acos(Math.max(-1, Math.min(1, dot(d, normalize(sub(cameraCenter(c), centre))))));
    if (a < best.distance) best = { index: i, distance: a };
  });
  return best;
}

/** maxWeight * min(1, distance / reference): 0 on an input, full weight from the reference on. */
export function distanceWeight(distance: number, reference: number, maxWeight: number): number {
  if (!(reference > 0)) return maxWeight;
  return maxWeight * Math.min(1, Math.max(0, distance / reference));
}

interface Orbit {
  axis: Vec3;
  /** Inputs in orbit order, from the camera after the open gap to the one before it. */
  chain: number[];
  /** Angle between chain[k] and chain[k + 1] about the axis. */
  gaps: number[];
  /** The angle of the open gap (2 pi with one input). */
  openGap: number;
}

function fitOrbit(cams: readonly Camera[], centre: Vec3): Orbit {
  const dirs = cams.map((c) => normalize(sub(cameraCenter(c), centre)));
  // Image up in world coordinates (-y of the camera): orients the axis, and is the axis with one input.
  const up = normalize(cams.reduce<Vec3>((s, c) => add(s, [-c.R[3], -c.R[4], -c.R[5]]), [0, 0, 0]));
  let axis: Vec3;
  if (cams.length === 1) axis = normalize(sub(up, scale(dirs[0], dot(up, dirs[0]))));
  else if (cams.length === 2) {
    const c = cross(dirs[0], dirs[1]);
    axis = Math.hypot(...c) > 1e-6 ? normalize(c) : normalize(sub(up, scale(dirs[0], dot(up, dirs[0]))));
  } else {
    // The plane through the directions (a ring at any elevation is a small circle: its plane's
    // normal is the axis); through the centre when they lie on one line (no plane of their own).
    const mean = scale(dirs.reduce<Vec3>((s, d) => add(s, d), [0, 0, 0]), 1 / dirs.length);
    const collinear = dirs.every((d) => dirs.every((e) => Math.hypot(...cross(sub(d, dirs[0]), sub(e, dirs[0]))) < 1e-9));
    const M = [0, 0, 0, 0, 0, 0, 0, 0, 0] as Mat3;
    for (const d0 of dirs) {
      const d = collinear ? d0 : sub(d0, mean);
      for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) M[r * 3 + c] += d[r] * d[c];
    }
    axis = smallestEigenvector(M);
  }
  if (dot(axis, up) < 0) axis = scale(axis, -1);
  const u = normalize(sub(dirs[0], scale(axis, dot(dirs[0], axis))));
  const v = cross(axis, u);
  const theta = dirs.map((d) => Math.atan2(dot(d, v), dot(d, u)));
  const order = dirs.map((_, i) => i).sort((a, b) => theta[a] - theta[b]);
  const m = order.length;
  const circ = order.map((i, k) => {
    const next = order[(k + 1) % m];
    let g = theta[next] - theta[i];
    if (g <= 0) g += 2 * Math.PI;
    return m === 1 ? 2 * Math.PI : g;
  });
  let open = 0;
  circ.forEach((g, k) => (g > circ[open] ? (open = k) : 0));
  const chain = Array.from({ length: m }, (_, k) => order[(open + 1 + k) % m]);
  const gaps = Array.from({ length: m - 1 }, (_, k) => circ[(open + 1 + k) % m]);
  return { axis, chain, gaps, openGap: circ[open] };
}

/** Splits `total` into parts proportional to `shares` (largest remainders; every part >= 0). */
function apportion(total: number, shares: readonly number[]): number[] {
  const sum = shares.reduce((s, v) => s + v, 0);
  if (total <= 0 || sum <= 0) return shares.map(() => 0);
  const raw = shares.map((s) => (total * s) / sum);
  const out = raw.map(Math.floor);
  const order = raw.map((r, i) => [r - Math.floor(r), i]).sort((a, b) => b[0] - a[0]);
  const left = total - out.reduce((s, v) => s + v, 0);
  for (let k = 0; k < left; k++) out[order[k % order.length][1]]++;
  return out;
}

/** The pseudo views of `inputs` about the object centre `centre` (see the top of the file). */
export function sampleNovelViews(inputs: readonly Camera[], centre: Vec3, o: NovelViewOptions): PseudoView[] {
  if (inputs.length === 0 || o.count <= 0) return [];
  const maxWeight = o.maxWeight ?? 1;
  const orbit = fitOrbit(inputs, centre);
  const meanGap = orbit.gaps.length > 0 ? orbit.gaps.reduce((s, g) => s + g, 0) / orbit.gaps.length : 0;
  const outsideAngle = o.outsideAngle ?? (meanGap > 0 ? Math.min(meanGap, orbit.openGap / 2) : Math.PI / 6);
  const reference = meanGap > 0 ? meanGap / 2 : outsideAngle;
  const outsideShare = inputs.length === 1 ? 1 : Math.min(1, Math.max(0, o.outsideShare ?? 0.25));
  const nOutside = Math.round(o.count * outsideShare);
  const nBetween = o.count - nOutside;

  const cams: { camera: Camera; kind: PseudoView['kind'] }[] = [];
  const perPair = apportion(nBetween, orbit.gaps);
  perPair.forEach((k, p) => {
    const a = inputs[orbit.chain[p]], b = inputs[orbit.chain[p + 1]];
    const qa = rotationToQuat(a.R), qb = rotationToQuat(b.R);
    // Cylindrical coordinates about the axis: height along it, distance from it, angle about it.
    const cyl = (c: Camera) => {
      const d = sub(cameraCenter(c), centre);
      const h = dot(d, orbit.axis);
      const rho = sub(d, scale(orbit.axis, h));
      return { h, r: Math.hypot(...rho), dir: normalize(rho) };
    };
    const ca = cyl(a), cb = cyl(b);
    for (let j = 1; j <= k; j++) {
      const s = j / (k + 1);
      const R = quatToRotation(slerpQuat(qa, qb, s)) as Mat3;
      const dir = mat3MulVec(rotationFromAxisAngle(scale(orbit.axis, s * orbit.gaps[p])), ca.dir);
      const C = add(add(centre, scale(orbit.axis, ca.h + s * (cb.h - ca.h))), scale(dir, ca.r + s * (cb.r - ca.r)));
      cams.push({ camera: { ...a, R, t: translationFromCenter(R, C) }, kind: 'between' });
    }
  });
  // Outside: alternately past the last and the first input of the chain, farther each round.
  const first = inputs[orbit.chain[0]], last = inputs[orbit.chain[orbit.chain.length - 1]];
  const perEnd = [Math.ceil(nOutside / 2), Math.floor(nOutside / 2)];
  for (let j = 0; j < nOutside; j++) {
    const end = j % 2;
    const step = Math.floor(j / 2) + 1;
    const angle = (outsideAngle * step) / perEnd[end];
    cams.push({ camera: end === 0 ? orbitTurn(last, centre, orbit.axis, angle) : orbitTurn(first, centre, orbit.axis, -angle), kind: 'outside' });
  }
  return cams.map(({ camera, kind }) => {
    const near = nearestInput(cameraCenter(camera), inputs, centre);
    return { camera, kind, nearest: near.index, distance: near.distance, weight: distanceWeight(near.distance, reference, maxWeight) };
  });
}

/** Indices of the `inputs` by the angle at `centre` between their camera centres and `camera`'s, nearest first. */
export function inputsByAngle(camera: Camera, inputs: readonly Camera[], centre: Vec3): number[] {
  const dir = normalize(sub(cameraCenter(camera), centre));
  const cos = inputs.map((c) => dot(dir, normalize(sub(cameraCenter(c), centre))));
  return inputs.map((_, i) => i).sort((p, q) => cos[q] - cos[p]);
}
