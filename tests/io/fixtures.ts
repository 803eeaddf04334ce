/**
 * Test fixtures: a known OpenCV camera written out in each dataset's own convention, by code
 * that is independent of the importers (so a sign or axis slip in an importer shows up).
 */
import { lookAtCamera, mat3MulVec, cameraCenter, type Camera, type Vec3 } from '../../src/core/camera.ts';
import { createImage, type RGBAImage } from '../../src/core/image.ts';

/** A camera that looks at a point slightly off the origin from an oblique position, world z up. */
export function knownCamera(intr: Partial<Pick<Camera, 'fx' | 'fy' | 'cx' | 'cy' | 'width' | 'height'>> = {}, eye: Vec3 = [2.5, -3, 1.5]): Camera {
  return lookAtCamera(eye, [0.1, 0.05, -0.1], [0, 0, 1], { fx: 70, fy: 70, cx: 32, cy: 24, width: 64, height: 48, ...intr });
}

export const KNOWN_POINT: Vec3 = [0.3, -0.2, 0.25];

/** Camera-to-world 4x4 (rows) in OpenGL camera axes: columns x, -y, -z of the OpenCV camera, then the centre. */
export function toBlenderMatrix(cam: Camera): number[][] {
  const C = cameraCenter(cam);
  const R = cam.R;
  return [0, 1, 2]
    .map((r) => [R[r], -R[3 + r], -R[6 + r], C[r]])
    .concat([[0, 0, 0, 1]]);
}

/** One poses_bounds.npy row: 3x5 [down, right, back, centre, hwf] row-major, then near, far. */
export function toLlffRow(cam: Camera, hwf: Vec3, near: number, far: number): number[] {
  const C = cameraCenter(cam);
  const R = cam.R;
  const row: number[] = [];
  for (let r = 0; r < 3; r++) row.push(R[3 + r], R[r], -R[6 + r], C[r], hwf[r]);
  return [...row, near, far];
}

/**
 * world_mat = lambda * [K 0; 0 1] @ [R t; 0 1] @ inverse(scale_mat), with K in DTU's
 * integer-pixel-centre convention (cx - 0.5), so world_mat @ scale_mat = lambda K [R | t] in the
 * normalised frame. scale_mat = [s I, o; 0 1].
 */
export function toIdrMatrices(cam: Camera, s: number, o: Vec3, lambda: number): { world: number[]; scale: number[] } {
  const K = [cam.fx, 0, cam.cx - 0.5, 0, cam.fy, cam.cy - 0.5, 0, 0, 1];
  const Rt = [0, 1, 2].map((r) => [cam.R[r * 3], cam.R[r * 3 + 1], cam.R[r * 3 + 2], cam.t[r]]);
  const P = [0, 1, 2].map((r) => [0, 1, 2, 3].map((c) => K[r * 3] * Rt[0][c] + K[r * 3 + 1] * Rt[1][c] + K[r * 3 + 2] * Rt[2][c]));
  // P @ inverse(scale_mat): inverse is [I/s, -o/s; 0 1].
  const world: number[] = [];
  for (let r = 0; r < 3; r++) {
    const row = P[r];
    world.push(
      (lambda * row[0]) / s,
      (lambda * row[1]) / s,
      (lambda * row[2]) / s,
      lambda * (row[3] - (row[0] * o[0] + row[1] * o[1] + row[2] * o[2]) / s),
    );
  }
  world.push(0, 0, 0, 1);
  const scale = [s, 0, 0, o[0], 0, s, 0, o[1], 0, 0, s, o[2], 0, 0, 0, 1];
  return { world, scale };
}

/** Rotation matrix (row-major) -> unit quaternion (w, x, y, z), Shepperd's method. */
export function rotationToQuaternion(R: ArrayLike<number>): [number, number, number, number] {
  const [m00, m01, m02, m10, m11, m12, m20, m21, m22] = Array.from(R);
  const tr = m00 + m11 + m22;
  let q: [number, number, number, number];
  if (tr > 0) {
    const S = Math.sqrt(tr + 1) * 2;
    q = [0.25 * S, (m21 - m12) / S, (m02 - m20) / S, (m10 - m01) / S];
  } else if (m00 > m11 && m00 > m22) {
    const S = Math.sqrt(1 + m00 - m11 - m22) * 2;
    q = [(m21 - m12) / S, 0.25 * S, (m01 + m10) / S, (m02 + m20) / S];
  } else if (m11 > m22) {
    const S = Math.sqrt(1 + m11 - m00 - m22) * 2;
    q = [(m02 - m20) / S, (m01 + m10) / S, 0.25 * S, (m12 + m21) / S];
  } else {
    const S = Math.sqrt(1 + m22 - m00 - m11) * 2;
    q = [(m10 - m01) / S, (m02 + m20) / S, (m12 + m21) / S, 0.25 * S];
  }
  return q;
}

/**
 * An RGBA render of a sphere (radius r at the origin) seen by `cam`, sampled at pixel centres
 * (i + 0.5): opaque coloured inside the silhouette, transparent outside.
 */
export function renderSphere(cam: Camera, r: number): RGBAImage {
  const img = createImage(cam.width, cam.height);
  const C = cameraCenter(cam);
  const Rt = [cam.R[0], cam.R[3], cam.R[6], cam.R[1], cam.R[4], cam.R[7], cam.R[2], cam.R[5], cam.R[8]];
  for (let j = 0; j < cam.height; j++)
    for (let i = 0; i < cam.width; i++) {
      const d = mat3MulVec(Rt, [(i + 0.5 - cam.cx) / cam.fx, (j + 0.5 - cam.cy) / cam.fy, 1]);
      const n = Math.hypot(...d);
      // Distance from the origin to the ray C + s d.
      const s = -(C[0] * d[0] + C[1] * d[1] + C[2] * d[2]) / (n * n);
      const dist = Math.hypot(C[0] + s * d[0], C[1] + s * d[1], C[2] + s * d[2]);
      const k = (j * cam.width + i) * 4;
      if (dist < r) img.data.set([200, 100 + i, 50 + j, 255], k);
    }
  return img;
}

/** Cameras on a ring around the origin, looking at it (z up). */
export function ringCamera(k: number, count: number, intr: Pick<Camera, 'fx' | 'fy' | 'cx' | 'cy' | 'width' | 'height'>, radius = 4, height = 1.5): Camera {
  const a = (2 * Math.PI * k) / count;
  return lookAtCamera([radius * Math.cos(a), radius * Math.sin(a), height + 0.3 * Math.sin(3 * a)], [0, 0, 0], [0, 0, 1], intr);
}
