/**
 * Where to look at a camera rig from: which way is up, what the cameras look at, how big the
 * rig is. Plain math over OpenCV cameras (world coordinates), used to frame the 3D view.
 */
import { add, cameraCenter, cameraForward, dot, normalize, scale, sub, type Camera, type Vec3 } from '../core/camera.ts';

export interface RigFrame {
  /** The point the rig looks at (world); the 3D view orbits around it. */
  target: Vec3;
  /** World up: the average of the cameras' up directions (image y points down). */
  up: Vec3;
  /** Radius of a sphere around target holding every camera and the bounds. */
  radius: number;
  /** Unit direction from target towards a good initial viewpoint (world). */
  viewDir: Vec3;
  /** Height of the floor grid below target, along up (negative). */
  floor: number;
  /** Length of drawn frustums. */
  frustumDepth: number;
}

type Bounds = { min: Vec3; max: Vec3 };

export function rigFrame(cams: Camera[], bounds?: Bounds): RigFrame {
  const corners = bounds ? boxCorners(bounds) : [];
  if (cams.length === 0) {
    const target = bounds ? scale(add(bounds.min, bounds.max), 0.5) : ([0, 0, 0] as Vec3);
    const radius = bounds ? Math.max(...corners.map((c) => len(sub(c, target)))) : 1;
    return { target, up: [0, 1, 0], radius, viewDir: normalize([0.6, 0.5, 1]), floor: -radius, frustumDepth: radius * 0.15 };
  }
  const centres = cams.map(cameraCenter);
  const forwards = cams.map(cameraForward);
  const up = rigUp(cams);

  const target = bounds ? scale(add(bounds.min, bounds.max), 0.5) : lookedAtPoint(centres, forwards);
  const radius = Math.max(1e-6, ...centres.map((c) => len(sub(c, target))), ...corners.map((c) => len(sub(c, target))));

  // Look from the side the cameras are on, turned ~40 degrees, 30 degrees above the horizon.
  const horiz = (v: Vec3) => sub(v, scale(up, dot(v, up)));
  let side = centres.reduce<Vec3>((s, c) => add(s, horiz(sub(c, target))), [0, 0, 0]);
  if (len(side) < 0.3 * radius * centres.length) side = add(side, horiz(sub(centres[0], target)));
  if (len(side) < 1e-9) side = horiz(Math.abs(up[0]) < 0.9 ? [1, 0, 0] : [0, 0, 1]);
  // Turn a little so the rig is not seen edge-on from exactly behind one camera.
  const sideN = normalize(side);
  const across = normalize(cross3(up, sideN));
  const h = normalize(add(sideN, scale(across, 0.8)));
  const elev = (30 * Math.PI) / 180;
  const viewDir = normalize(add(scale(h, Math.cos(elev)), scale(up, Math.sin(elev))));

  const heights = [...centres, ...corners].map((p) => dot(sub(p, target), up));
  const floor = bounds ? Math.min(...corners.map((p) => dot(sub(p, target), up))) - 1e-3 * radius : Math.min(0, ...heights) - 0.1 * radius;
  return { target, up, radius, viewDir, floor, frustumDepth: frustumDepth(cams, centres, radius) };
}

/**
 * World up from the cameras' up directions (minus image y). Cameras looking down at an object
 * tilt their up vectors towards it, so the average is biased: snap it to a world axis when one
 * is within 40 degrees (datasets almost always have an axis-aligned up).
 */
export function rigUp(cams: Camera[]): Vec3 {
  const avg = normalize(cams.reduce<Vec3>((s, c) => add(s, [-c.R[3], -c.R[4], -c.R[5]]), [0, 0, 0]));
  if (!avg.every(Number.isFinite)) return [0, 1, 0];
  const k = [0, 1, 2].reduce((best, i) => (Math.abs(avg[i]) > Math.abs(avg[best]) ? i : best), 0);
  if (Math.abs(avg[k]) < Math.cos((40 * Math.PI) / 180)) return avg;
  const axis: Vec3 = [0, 0, 0];
  axis[k] = Math.sign(avg[k]);
  return axis;
}

/** Frustums about half as wide as the typical gap between neighbouring cameras. */
function frustumDepth(cams: Camera[], centres: Vec3[], radius: number): number {
  const maxDepth = radius * 0.15;
  if (centres.length < 2) return maxDepth;
  const nn = centres.map((c, i) => Math.min(...centres.filter((_, j) => j !== i).map((d) => len(sub(c, d)))));
  nn.sort((a, b) => a - b);
  const gap = nn[Math.floor(nn.length / 2)];
  const widthPerDepth = Math.max(...cams.map((c) => c.width / c.fx));
  return Math.min(maxDepth, Math.max(radius * 0.03, (0.55 * gap) / widthPerDepth));
}

/**
 * The point closest to every optical axis (least squares). Falls back to a point in front of
 * the cameras when the axes are nearly parallel (forward-facing captures).
 */
export function lookedAtPoint(centres: Vec3[], forwards: Vec3[]): Vec3 {
  const A = [0, 0, 0, 0, 0, 0, 0, 0, 0];
  const b: Vec3 = [0, 0, 0];
  centres.forEach((c, k) => {
    const f = forwards[k];
    for (let i = 0; i < 3; i++)
      for (let j = 0; j < 3; j++) {
        const m = (i === j ? 1 : 0) - f[i] * f[j];
        A[i * 3 + j] += m;
        b[i] += m * c[j];
      }
  });
  const det = det3(A);
  const centroid = scale(centres.reduce<Vec3>((s, c) => add(s, c), [0, 0, 0]), 1 / centres.length);
  const spread = Math.max(1e-6, ...centres.map((c) => len(sub(c, centroid))));
  if (centres.length >= 2 && Math.abs(det) > 1e-3 * centres.length ** 3) {
    const p = solve3(A, b, det);
    // Reject solutions behind the cameras or absurdly far away.
    const inFront = centres.every((c, k) => dot(sub(p, c), forwards[k]) > 0);
    if (inFront && len(sub(p, centroid)) < 50 * spread) return p;
  }
  const fwd = normalize(forwards.reduce<Vec3>((s, f) => add(s, f), [0, 0, 0]));
  return add(centroid, scale(fwd, Math.max(spread * 4, 1)));
}

function boxCorners(b: Bounds): Vec3[] {
  const out: Vec3[] = [];
  for (let i = 0; i < 8; i++) out.push([i & 1 ? b.max[0] : b.min[0], i & 2 ? b.max[1] : b.min[1], i & 4 ? b.max[2] : b.min[2]]);
  return out;
}

const len = (v: Vec3) => Math.hypot(v[0], v[1], v[2]);
const cross3 = (a: Vec3, b: Vec3): Vec3 => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];

function det3(m: number[]): number {
  return m[0] * (m[4] * m[8] - m[5] * m[7]) - m[1] * (m[3] * m[8] - m[5] * m[6]) + m[2] * (m[3] * m[7] - m[4] * m[6]);
}

function solve3(m: number[], b: Vec3, det: number): Vec3 {
  // Cramer's rule.
  const col = (k: number) => {
    const c = [...m];
    for (let i = 0; i < 3; i++) c[i * 3 + k] = b[i];
    return det3(c) / det;
  };
  return [col(0), col(1), col(2)];
}
