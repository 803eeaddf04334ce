/**
 * The one camera convention used everywhere inside the code (see DESIGN.md):
 * OpenCV axes (x right, y down, z forward), world-to-camera rotation R and translation t,
 * so a world point X maps to camera coordinates Xc = R X + t, and to pixels
 * u = fx * Xc.x / Xc.z + cx, v = fy * Xc.y / Xc.z + cy.
 *
 * Pixel centres: pixel (i, j) covers [i, i+1) x [j, j+1) and its centre is (i + 0.5, j + 0.5),
 * so a centred principal point is cx = width / 2. Importers convert at the boundary.
 */
export type Vec3 = [number, number, number];
/** 3x3 matrix, row-major: m[r * 3 + c]. */
export type Mat3 = [number, number, number, number, number, number, number, number, number];

export interface Camera {
  /** World-to-camera rotation, row-major. */
  R: Mat3;
  /** World-to-camera translation. */
  t: Vec3;
  fx: number;
  fy: number;
  cx: number;
  cy: number;
  width: number;
  height: number;
}

export function mat3MulVec(m: ArrayLike<number>, v: ArrayLike<number>): Vec3 {
  return [
    m[0] * v[0] + m[1] * v[1] + m[2] * v[2],
    m[3] * v[0] + m[4] * v[1] + m[5] * v[2],
    m[6] * v[0] + m[7] * v[1] + m[8] * v[2],
  ];
}

export function mat3Transpose(m: ArrayLike<number>): Mat3 {
  return [m[0], m[3], m[6], m[1], m[4], m[7], m[2], m[5], m[8]];
}

export function mat3Mul(a: ArrayLike<number>, b: ArrayLike<number>): Mat3 {
  const out = new Array(9).fill(0) as Mat3;
  for (let r = 0; r < 3; r++)
    for (let c = 0; c < 3; c++)
      out[r * 3 + c] = a[r * 3] * b[c] + a[r * 3 + 1] * b[3 + c] + a[r * 3 + 2] * b[6 + c];
  return out;
}

export function mat3Det(m: ArrayLike<number>): number {
  return (
    m[0] * (m[4] * m[8] - m[5] * m[7]) -
    m[1] * (m[3] * m[8] - m[5] * m[6]) +
    m[2] * (m[3] * m[7] - m[4] * m[6])
  );
}

/** World point -> camera coordinates (OpenCV axes). */
export function worldToCamera(cam: Camera, p: ArrayLike<number>): Vec3 {
  const q = mat3MulVec(cam.R, p);
  return [q[0] + cam.t[0], q[1] + cam.t[1], q[2] + cam.t[2]];
}

/** World point -> [u, v, depth] in continuous pixel coordinates (pixel centres at i + 0.5). */
export function projectPoint(cam: Camera, p: ArrayLike<number>): Vec3 {
  const [x, y, z] = worldToCamera(cam, p);
  return [(cam.fx * x) / z + cam.cx, (cam.fy * y) / z + cam.cy, z];
}

/** Camera centre in world coordinates: C = -R^T t. */
export function cameraCenter(cam: Camera): Vec3 {
  const c = mat3MulVec(mat3Transpose(cam.R), cam.t);
  return [-c[0], -c[1], -c[2]];
}

/** Viewing direction (camera +z axis) in world coordinates: third row of R. */
export function cameraForward(cam: Camera): Vec3 {
  return [cam.R[6], cam.R[7], cam.R[8]];
}

/**
 * Camera for the same view at another resolution. Scales intrinsics about the image corner,
 * which keeps pixel-centre conventions intact (cx = W/2 stays W'/2).
 */
export function resizeCamera(cam: Camera, width: number, height: number): Camera {
  const sx = width / cam.width;
  const sy = height / cam.height;
  return { ...cam, fx: cam.fx * sx, fy: cam.fy * sy, cx: cam.cx * sx, cy: cam.cy * sy, width, height };
}

/**
 * OpenCV camera looking from `eye` at `target`, with `up` giving the world's up direction
 * (image y points away from it). Used by generated scenes and tests.
 */
export function lookAtCamera(
  eye: Vec3,
  target: Vec3,
  up: Vec3,
  intr: { fx: number; fy: number; cx: number; cy: number; width: number; height: number },
): Camera {
  const f = normalize(sub(target, eye));
  let r = cross(f, up); // x right = forward x up (OpenCV: y down)
  if (Math.hypot(...r) < 1e-9) r = cross(f, Math.abs(f[0]) < 0.9 ? [1, 0, 0] : [0, 1, 0]);
  r = normalize(r);
  const d = cross(f, r); // y down
  const R: Mat3 = [r[0], r[1], r[2], d[0], d[1], d[2], f[0], f[1], f[2]];
  const Re = mat3MulVec(R, eye);
  return { R, t: [-Re[0], -Re[1], -Re[2]], ...intr };
}

export function sub(a: ArrayLike<number>, b: ArrayLike<number>): Vec3 {
  return [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
}
export function add(a: ArrayLike<number>, b: ArrayLike<number>): Vec3 {
  return [a[0] + b[0], a[1] + b[1], a[2] + b[2]];
}
export function scale(a: ArrayLike<number>, s: number): Vec3 {
  return [a[0] * s, a[1] * s, a[2] * s];
}
export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}
export function cross(a: ArrayLike<number>, b: ArrayLike<number>): Vec3 {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}
export function normalize(a: ArrayLike<number>): Vec3 {
  const n = Math.hypot(a[0], a[1], a[2]);
  return [a[0] / n, a[1] / n, a[2] / n];
}

/** Checks R is a proper rotation (orthonormal, det +1) within tol. */
export function isRotation(R: ArrayLike<number>, tol = 1e-4): boolean {
  const rrt = mat3Mul(R, mat3Transpose(R));
  for (let i = 0; i < 9; i++) if (Math.abs(rrt[i] - (i % 4 === 0 ? 1 : 0)) > tol) return false;
  return Math.abs(mat3Det(R) - 1) < tol;
}
