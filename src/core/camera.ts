/**
 * The one home of camera math. Everything that converts, centres, projects or resizes a camera
 * calls this file; importers and the three.js viewer convert at their boundary with it.
 *
 * The one camera convention used everywhere inside the code (see DESIGN.md):
 * OpenCV axes (x right, y down, z forward), world-to-camera rotation R and translation t,
 * so a world point X maps to camera coordinates Xc = R X + t, and to pixels
 * u = fx * Xc.x / Xc.z + cx, v = fy * Xc.y / Xc.z + cy.
 *
 * Pixel centres: pixel (i, j) covers [i, i+1) x [j, j+1) and its centre is (i + 0.5, j + 0.5),
 * so a centred principal point is cx = width / 2. Importers convert at the boundary.
 */
import { mat3, quat, vec3 } from 'gl-matrix';

/*
 * gl-matrix stores matrices COLUMN-major, this project's Mat3 is ROW-major. A row-major array read
 * by gl-matrix is the transpose of the matrix it holds, so:
 *   vec3.transformMat3(out, v, R)   computes R^T v (for a row-major R), and
 *   mat3.transpose(out, R)          gives the column-major layout of a row-major R.
 * Every gl-matrix call here writes into a plain number array passed as `out` (never gl-matrix's
 * create(), whose arrays are Float32Array by default): results stay float64, and nothing here calls
 * glMatrix.setMatrixArrayType, which is global. The summation order of each product is the one
 * this project used before (x*m[0] + y*m[3] + z*m[6]), so results are bit-identical.
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
export function cameraCenter(cam: Pick<Camera, 'R' | 't'>): Vec3 {
  const c = vec3.transformMat3([0, 0, 0], cam.t, cam.R); // R^T t (R row-major, see above)
  return [-c[0], -c[1], -c[2]];
}

/** World-to-camera translation of a camera with rotation R centred at C: t = -R C (inverse of cameraCenter). */
export function translationFromCenter(R: ArrayLike<number>, C: ArrayLike<number>): Vec3 {
  const rc = mat3MulVec(R, C);
  return [-rc[0], -rc[1], -rc[2]];
}

/** Camera coordinates (OpenCV axes) -> world point: X = R^T (xc - t). Inverse of worldToCamera. */
export function cameraToWorld(cam: Pick<Camera, 'R' | 't'>, xc: ArrayLike<number>): Vec3 {
  return vec3.transformMat3([0, 0, 0], sub(xc, cam.t), cam.R) as Vec3;
}

/**
 * World direction of the ray through continuous pixel position (u, v) (pixel centres at i + 0.5):
 * R^T [(u - cx) / fx, (v - cy) / fy, 1], not normalised, so that C + s d lies at camera depth s.
 * Written into `out` (default a new array).
 */
export function pixelDirection<T extends number[] | Float64Array = Vec3>(
  cam: Pick<Camera, 'R' | 'fx' | 'fy' | 'cx' | 'cy'>,
  u: number,
  v: number,
  out: T = [0, 0, 0] as T,
): T {
  const R = cam.R;
  const xc = (u - cam.cx) / cam.fx, yc = (v - cam.cy) / cam.fy;
  out[0] = R[0] * xc + R[3] * yc + R[6];
  out[1] = R[1] * xc + R[4] * yc + R[7];
  out[2] = R[2] * xc + R[5] * yc + R[8];
  return out;
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
  return { R, t: translationFromCenter(R, eye), ...intr };
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

// ---------------------------------------------------------------------------------------------
// Field of view <-> focal length (pinhole, square pixels along the axis considered).

export function degToRad(deg: number): number {
  return (deg * Math.PI) / 180;
}
export function radToDeg(rad: number): number {
  return (rad * 180) / Math.PI;
}

/**
 * Focal length in pixels of a field of view `fov` (radians) spanning `size` pixels:
 * f = (size / 2) / tan(fov / 2). `zoom` narrows the view as three.js's PerspectiveCamera.zoom does
 * (tan(fov / 2) divided by zoom).
 */
export function focalFromFov(fov: number, size: number, zoom = 1): number {
  return size / 2 / (Math.tan(fov / 2) / zoom);
}

/** Field of view (radians) spanned by `size` pixels at focal length `focal` pixels: 2 atan(size / 2 / f). */
export function fovFromFocal(focal: number, size: number): number {
  return 2 * Math.atan(size / 2 / focal);
}

// ---------------------------------------------------------------------------------------------
// Quaternions (w, x, y, z) <-> rotation matrices (row-major).

/**
 * Rotation matrix (row-major) of the quaternion (w, x, y, z) at q[offset..offset+3], assumed unit
 * (not normalised here: COLMAP's qvec2rotmat; see unitQuatToRotation). Written into `out`. This is
 * the formula the WGSL projection kernel uses too (projectSplat.wgsl), kept as written rather than
 * gl-matrix's mat3.fromQuat, whose diagonal (1 - 2y^2 - 2z^2) rounds differently.
 */
export function quatToRotation<T extends number[] | Float64Array = Mat3>(
  q: ArrayLike<number>,
  offset = 0,
  out: T = new Array(9).fill(0) as T,
): T {
  return rotationOf(q[offset], q[offset + 1], q[offset + 2], q[offset + 3], out);
}

/** quatToRotation of the quaternion divided by its length (a zero quaternion is left as it is). */
export function unitQuatToRotation<T extends number[] | Float64Array = Mat3>(
  q: ArrayLike<number>,
  offset = 0,
  out: T = new Array(9).fill(0) as T,
): T {
  let w = q[offset], x = q[offset + 1], y = q[offset + 2], z = q[offset + 3];
  const len = Math.hypot(w, x, y, z) || 1;
  w /= len;
  x /= len;
  y /= len;
  z /= len;
  return rotationOf(w, x, y, z, out);
}

function rotationOf<T extends number[] | Float64Array>(w: number, x: number, y: number, z: number, R: T): T {
  R[0] = 1 - 2 * (y * y + z * z);
  R[1] = 2 * (x * y - w * z);
  R[2] = 2 * (x * z + w * y);
  R[3] = 2 * (x * y + w * z);
  R[4] = 1 - 2 * (x * x + z * z);
  R[5] = 2 * (y * z - w * x);
  R[6] = 2 * (x * z - w * y);
  R[7] = 2 * (y * z + w * x);
  R[8] = 1 - 2 * (x * x + y * y);
  return R;
}

/**
 * Unit quaternion (w, x, y, z) with w >= 0 of a rotation matrix (row-major), by gl-matrix's
 * quat.fromMat3 (Shoemake) on the column-major layout. gl-matrix's quaternions are (x, y, z, w).
 */
export function rotationToQuat(R: ArrayLike<number>): [number, number, number, number] {
  const colMajor = mat3.transpose(new Array<number>(9), R as unknown as mat3);
  const q = quat.fromMat3([0, 0, 0, 0], colMajor);
  quat.normalize(q, q);
  const s = q[3] < 0 ? -1 : 1;
  return [s * q[3], s * q[0], s * q[1], s * q[2]];
}

// ---------------------------------------------------------------------------------------------
// Conversions at the boundary: other camera conventions -> ours.

/**
 * World-to-camera (OpenCV) of a camera-to-world matrix in OpenGL camera axes (x right, y up,
 * z backwards: Blender/NeRF transforms.json, three.js). The OpenCV camera's y and z axes are the
 * OpenGL ones negated; world-to-camera rotation rows are the camera axes, t = -R C.
 * `layout`: 'row-major' (transforms.json's nested lists, 3x4 or 4x4: entry (r, c) at m[4r + c]) or
 * 'column-major' (three.js Matrix4.elements, gl-matrix mat4: entry (r, c) at m[4c + r]).
 */
export function opencvFromOpenglCamToWorld(m: ArrayLike<number>, layout: 'row-major' | 'column-major'): { R: Mat3; t: Vec3 } {
  const col = layout === 'row-major'
    ? (j: number): Vec3 => [m[j], m[4 + j], m[8 + j]]
    : (j: number): Vec3 => [m[4 * j], m[4 * j + 1], m[4 * j + 2]];
  const [x, y, z, C] = [col(0), col(1), col(2), col(3)];
  const R: Mat3 = [x[0], x[1], x[2], -y[0], -y[1], -y[2], -z[0], -z[1], -z[2]];
  return { R, t: translationFromCenter(R, C) };
}

/**
 * The inverse: camera-to-world in OpenGL camera axes, 4x4 COLUMN-major (three.js Matrix4.elements,
 * gl-matrix mat4). Its columns are [R row 0, -R row 1, -R row 2, C].
 */
export function openglCamToWorld(cam: Pick<Camera, 'R' | 't'>): number[] {
  const R = cam.R;
  const C = cameraCenter(cam);
  return [R[0], R[1], R[2], 0, -R[3], -R[4], -R[5], 0, -R[6], -R[7], -R[8], 0, C[0], C[1], C[2], 1];
}

/**
 * The OpenCV camera of an OpenGL perspective camera (three.js PerspectiveCamera) given as plain
 * numbers: its camera-to-world matrix in GL axes, column-major and rigid; vertical field of view
 * `fov` in DEGREES and `zoom` (three.js's); an image of width x height pixels with a centred
 * principal point. Square pixels (fx = fy): an image whose aspect differs shows the same vertical
 * extent, as three.js does when a canvas is resized.
 */
export function cameraFromGlPerspective(
  camToWorld: ArrayLike<number>,
  view: { fov: number; zoom?: number; width: number; height: number },
): Camera {
  const { R, t } = opencvFromOpenglCamToWorld(camToWorld, 'column-major');
  const f = focalFromFov(degToRad(view.fov), view.height, view.zoom);
  return { R, t, fx: f, fy: f, cx: view.width / 2, cy: view.height / 2, width: view.width, height: view.height };
}

/**
 * World-to-camera rotation (OpenCV) of an LLFF pose (poses_bounds.npy), whose rotation columns are
 * the camera's [down, right, backwards] axes in world coordinates: rows x = right, y = down,
 * z = forward = -back.
 */
export function opencvRotationFromLlff(right: ArrayLike<number>, down: ArrayLike<number>, back: ArrayLike<number>): Mat3 {
  return [right[0], right[1], right[2], down[0], down[1], down[2], -back[0], -back[1], -back[2]];
}

// ---------------------------------------------------------------------------------------------
// Axis-angle rotations, rotation distances and similarity transforms (used by the poses stage).

/**
 * Rotation matrix (row-major) of the axis-angle vector w (axis w/|w|, angle |w| radians), by
 * Rodrigues' formula; a first-order expansion near zero keeps small increments exact to rounding.
 */
export function rotationFromAxisAngle(w: ArrayLike<number>): Mat3 {
  const theta = Math.hypot(w[0], w[1], w[2]);
  // sin(th)/th and (1 - cos(th))/th^2, by their series below 1e-8 where the quotients lose digits.
  const a = theta < 1e-8 ? 1 - (theta * theta) / 6 : Math.sin(theta) / theta;
  const b = theta < 1e-8 ? 0.5 - (theta * theta) / 24 : (1 - Math.cos(theta)) / (theta * theta);
  const [x, y, z] = [w[0], w[1], w[2]];
  return [
    1 - b * (y * y + z * z), -a * z + b * x * y, a * y + b * x * z,
    a * z + b * x * y, 1 - b * (x * x + z * z), -a * x + b * y * z,
    -a * y + b * x * z, a * x + b * y * z, 1 - b * (x * x + y * y),
  ];
}

/** Axis-angle vector of a rotation matrix (inverse of rotationFromAxisAngle), angle in [0, pi]. */
export function axisAngleFromRotation(R: ArrayLike<number>): Vec3 {
  const q = rotationToQuat(R); // w >= 0, so the angle 2 atan2(|v|, w) lies in [0, pi]
  const s = Math.hypot(q[1], q[2], q[3]);
  if (s < 1e-12) return [2 * q[1], 2 * q[2], 2 * q[3]];
  const k = (2 * Math.atan2(s, q[0])) / s;
  return [k * q[1], k * q[2], k * q[3]];
}

/** Angle (radians) of the rotation taking Ra to Rb: the geodesic distance |log(Rb Ra^T)|. */
export function rotationAngleBetween(Ra: ArrayLike<number>, Rb: ArrayLike<number>): number {
  const d = mat3Mul(Rb, mat3Transpose(Ra));
  // acos of (trace - 1) / 2 loses precision near 0; the axis-angle route does not.
  const w = axisAngleFromRotation(d);
  return Math.hypot(w[0], w[1], w[2]);
}

/**
 * The same camera in a world changed by the similarity X' = s S X + u (S a rotation, s > 0): it
 * sees X' where it saw X. Camera coordinates are scaled by s (which leaves pixels unchanged):
 * R' = R S^T, t' = s t - R' u.
 */
export function transformCameraPose<T extends Pick<Camera, 'R' | 't'>>(cam: T, s: number, S: ArrayLike<number>, u: ArrayLike<number>): T {
  const R = mat3Mul(cam.R, mat3Transpose(S));
  const ru = mat3MulVec(R, u);
  return { ...cam, R, t: [s * cam.t[0] - ru[0], s * cam.t[1] - ru[1], s * cam.t[2] - ru[2]] };
}

/**
 * The camera moved by a pose and focal increment, as the trainer's camera refinement applies it:
 * R' = exp([omega]x) R (a rotation left-multiplied, i.e. about the camera's own axes), t' = t + dt,
 * fx' = e^logFocal fx, fy' = e^logFocal fy; the principal point and size are kept. The camera
 * gradient of the reference (projectReference.ts, CAMERA_GRAD_FLOATS) is taken with respect to
 * these increments at zero.
 */
export function applyCameraIncrement<T extends Camera>(cam: T, omega: ArrayLike<number>, dt: ArrayLike<number>, logFocal = 0): T {
  const R = mat3Mul(rotationFromAxisAngle(omega), cam.R);
  const k = Math.exp(logFocal);
  return { ...cam, R, t: add(cam.t, dt), fx: cam.fx * k, fy: cam.fy * k };
}

/**
 * The camera moved by a pose and focal increment whose rotation turns it about a world point
 * `pivot`, as the trainer's camera refinement (src/recon/train/cameraRefine.ts) parameterises it:
 * R' = exp([omega]x) R, and the pivot keeps its camera coordinates up to dt:
 * t' = t + R pivot - R' pivot + dt (dt in camera axes); fx' = e^logFocal fx, fy' = e^logFocal fy.
 * With the pivot at the camera's centre the rotation turns the camera where it stands (the
 * image shifts); with the pivot at the object's centre it orbits the object (the object stays
 * put in the image, its sides turn). applyCameraIncrement is the pivot at the world origin.
 */
export function applyCameraIncrementAboutPoint<T extends Camera>(cam: T, omega: ArrayLike<number>, dt: ArrayLike<number>, logFocal: number, pivot: ArrayLike<number>): T {
  const R = mat3Mul(rotationFromAxisAngle(omega), cam.R);
  const k = Math.exp(logFocal);
  const a = mat3MulVec(cam.R, pivot), b = mat3MulVec(R, pivot);
  return { ...cam, R, t: [cam.t[0] + a[0] - b[0] + dt[0], cam.t[1] + a[1] - b[1] + dt[1], cam.t[2] + a[2] - b[2] + dt[2]], fx: cam.fx * k, fy: cam.fy * k };
}

/**
 * A gradient with respect to applyCameraIncrement's increment (omega, dt, log f at zero: the 7
 * numbers of CAMERA_GRAD_FLOATS, projectReference.ts) turned into the gradient with respect to
 * applyCameraIncrementAboutPoint's (omega, dt, log f) about `pivot`, at zero. To first order
 * t' = t - omega x (R pivot) + dt, so dL/d omega = dL/d omega_origin - (R pivot) x dL/dt; dt and
 * focal unchanged. Returns 7 numbers.
 */
export function cameraGradAboutPoint(cam: Pick<Camera, 'R' | 't'>, grad: ArrayLike<number>, pivot: ArrayLike<number>): number[] {
  const w = cross(mat3MulVec(cam.R, pivot), [grad[3], grad[4], grad[5]]);
  return [grad[0] - w[0], grad[1] - w[1], grad[2] - w[2], grad[3], grad[4], grad[5], grad[6]];
}

// ---------------------------------------------------------------------------------------------
// Orbit cameras: a camera on a sphere around the world origin, looking at it (the object-centred
// pose start, src/recon/poses/objectCentred.ts).

/**
 * A camera on a sphere around the origin. World up is +z and azimuth 0 looks from -y (as the
 * scene generator's rig): the centre is distance * (cos el sin az, -cos el cos az, sin el).
 * Angles in radians. `roll` turns the image about the viewing axis (0: image y points away from +z).
 */
export interface OrbitPose {
  azimuth: number;
  elevation: number;
  roll: number;
  distance: number;
}

/** The smallest rotation (row-major) taking unit vector a to unit vector b (b = M a). */
export function rotationBetweenUnitVectors(a: ArrayLike<number>, b: ArrayLike<number>): Mat3 {
  const c = cross(a, b);
  const s = Math.hypot(c[0], c[1], c[2]);
  const angle = Math.atan2(s, dot(a, b));
  if (s < 1e-12) {
    if (angle < 1) return [1, 0, 0, 0, 1, 0, 0, 0, 1];
    // Opposite vectors: half a turn about any axis perpendicular to a.
    const p = normalize(cross(a, Math.abs(a[0]) < 0.9 ? [1, 0, 0] : [0, 1, 0]));
    return rotationFromAxisAngle(scale(p, Math.PI));
  }
  return rotationFromAxisAngle(scale(c, angle / s));
}

/**
 * The camera of an OrbitPose with intrinsics `intr`, turned so that the origin lands on pixel
 * `aim` (continuous coordinates; default the principal point): R = Q Rz(roll) R0, where R0 looks
 * at the origin upright (lookAtCamera with up +z) and Q is the smallest rotation taking the
 * optical axis to the ray through `aim`.
 */
export function orbitCamera(
  pose: OrbitPose,
  intr: { fx: number; fy: number; cx: number; cy: number; width: number; height: number },
  aim: readonly [number, number] = [intr.cx, intr.cy],
): Camera {
  const { azimuth: az, elevation: el, roll, distance: d } = pose;
  const eye: Vec3 = [d * Math.cos(el) * Math.sin(az), -d * Math.cos(el) * Math.cos(az), d * Math.sin(el)];
  const R0 = lookAtCamera(eye, [0, 0, 0], [0, 0, 1], ORBIT_UNIT_INTRINSICS).R;
  const k = normalize([(aim[0] - intr.cx) / intr.fx, (aim[1] - intr.cy) / intr.fy, 1]);
  const R = mat3Mul(mat3Mul(rotationBetweenUnitVectors([0, 0, 1], k), rotationFromAxisAngle([0, 0, roll])), R0);
  const { fx, fy, cx, cy, width, height } = intr; // intr may be a whole Camera: keep its intrinsics only
  return { R, t: translationFromCenter(R, eye), fx, fy, cx, cy, width, height };
}

const ORBIT_UNIT_INTRINSICS = { fx: 1, fy: 1, cx: 0, cy: 0, width: 1, height: 1 };

/**
 * The inverse of orbitCamera: the OrbitPose of a camera with the origin in front of it, and the
 * pixel the origin projects to (orbitCamera(pose, cam, aim) gives cam back, to rounding).
 */
export function orbitPoseOfCamera(cam: Camera): { pose: OrbitPose; aim: [number, number] } {
  const C = cameraCenter(cam);
  const d = Math.hypot(C[0], C[1], C[2]);
  const azimuth = Math.atan2(C[0], -C[1]);
  const elevation = Math.asin(Math.max(-1, Math.min(1, C[2] / d)));
  const R0 = lookAtCamera(C, [0, 0, 0], [0, 0, 1], ORBIT_UNIT_INTRINSICS).R;
  const [u, v] = projectPoint(cam, [0, 0, 0]);
  const k = normalize(mat3MulVec(cam.R, scale(C, -1)));
  const Q = rotationBetweenUnitVectors([0, 0, 1], k);
  const M = mat3Mul(mat3Mul(mat3Transpose(Q), cam.R), mat3Transpose(R0)); // Rz(roll)
  return { pose: { azimuth, elevation, roll: Math.atan2(M[3], M[0]), distance: d }, aim: [u, v] };
}

/**
 * Focal length in pixels from EXIF's 35 mm-equivalent focal length (FocalLengthIn35mmFormat):
 * f_px = f35 / 36 * max(width, height). Convention: the photo's long side is taken to span the
 * 36 mm width of a full 36 x 24 mm frame (as COLMAP and OpenMVG do with a sensor width). CIPA
 * defines the equivalent by the 43.3 mm diagonal instead; for 3:2 photos the two agree, for 4:3
 * phone photos this gives a focal about 4% shorter than the diagonal rule, well inside what
 * bundle adjustment refines. Independent of orientation (max of the two sides).
 */
export function focalPxFrom35mm(focal35mm: number, width: number, height: number): number {
  return (focal35mm / 36) * Math.max(width, height);
}
