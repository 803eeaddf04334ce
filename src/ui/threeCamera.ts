/**
 * The one place where an OpenCV camera becomes a three.js object, for display only.
 *
 * OpenCV camera axes: x right, y down, z forward (into the scene).
 * three.js / OpenGL camera axes: x right, y up, z backward (the camera looks down -z).
 * So GL axes = (x, -y, -z) of the OpenCV axes. With the world-to-camera rotation R and
 * translation t, the camera centre is C = -R^T t and the camera's axes in world coordinates
 * are the rows of R. The camera-to-world matrix in GL axes therefore has columns
 * [R row 0, -R row 1, -R row 2, C].
 */
import { Matrix4 } from 'three';
import { cameraCenter, type Camera, type Mat3, type Vec3 } from '../core/camera.ts';

export function openCvToThreeMatrix(cam: Camera): Matrix4 {
  const R = cam.R;
  const [cx, cy, cz] = cameraCenter(cam);
  // Matrix4.set takes row-major arguments.
  return new Matrix4().set(
    R[0], -R[3], -R[6], cx,
    R[1], -R[4], -R[7], cy,
    R[2], -R[5], -R[8], cz,
    0, 0, 0, 1,
  );
}

/**
 * The image rectangle at distance `depth` in front of the camera, in the camera's local GL
 * coordinates: corners top-left, top-right, bottom-right, bottom-left of the image, and the
 * rectangle's centre and size (for an image plane).
 */
export function imagePlaneGL(cam: Camera, depth: number): { corners: Vec3[]; center: Vec3; width: number; height: number } {
  const at = (u: number, v: number): Vec3 => [((u - cam.cx) / cam.fx) * depth, (-(v - cam.cy) / cam.fy) * depth, -depth];
  const corners = [at(0, 0), at(cam.width, 0), at(cam.width, cam.height), at(0, cam.height)];
  return {
    corners,
    center: at(cam.width / 2, cam.height / 2),
    width: (cam.width / cam.fx) * depth,
    height: (cam.height / cam.fy) * depth,
  };
}

/**
 * The inverse direction: a three.js perspective camera (its camera-to-world matrix in GL axes,
 * vertical field of view in degrees, zoom) as an OpenCV camera of `width` x `height` pixels with
 * a centred principal point. The camera-to-world columns are [x, y, z, C] in GL axes, so the rows
 * of R are x, -y, -z and t = -R C. Square pixels: fx = fy, so an image whose aspect differs from
 * the three.js camera's shows the same vertical extent (more or less on the sides), as three.js
 * does when a canvas is resized.
 *
 * `camToWorld` must be rigid (no scale): pass `camera.matrixWorld`, premultiplied by the inverse of
 * any group transform between the data's world and three.js's world.
 */
export function threeToOpenCvCamera(
  camToWorld: Matrix4,
  view: { fov: number; zoom?: number; width: number; height: number },
): Camera {
  const e = camToWorld.elements; // column-major
  const x = [e[0], e[1], e[2]];
  const y = [e[4], e[5], e[6]];
  const z = [e[8], e[9], e[10]];
  const C = [e[12], e[13], e[14]];
  const R: Mat3 = [x[0], x[1], x[2], -y[0], -y[1], -y[2], -z[0], -z[1], -z[2]];
  const t: Vec3 = [
    -(R[0] * C[0] + R[1] * C[1] + R[2] * C[2]),
    -(R[3] * C[0] + R[4] * C[1] + R[5] * C[2]),
    -(R[6] * C[0] + R[7] * C[1] + R[8] * C[2]),
  ];
  const halfTan = Math.tan(((view.fov / 2) * Math.PI) / 180) / (view.zoom ?? 1);
  const f = view.height / 2 / halfTan;
  return { R, t, fx: f, fy: f, cx: view.width / 2, cy: view.height / 2, width: view.width, height: view.height };
}
