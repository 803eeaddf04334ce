/**
 * The one place where an OpenCV camera becomes a three.js object, for display only. The math is
 * src/core/camera.ts's (openglCamToWorld, cameraFromGlPerspective); this file wraps it in three.js
 * types.
 *
 * OpenCV camera axes: x right, y down, z forward (into the scene).
 * three.js / OpenGL camera axes: x right, y up, z backward (the camera looks down -z).
 * So GL axes = (x, -y, -z) of the OpenCV axes. With the world-to-camera rotation R and
 * translation t, the camera centre is C = -R^T t and the camera's axes in world coordinates
 * are the rows of R. The camera-to-world matrix in GL axes therefore has columns
 * [R row 0, -R row 1, -R row 2, C].
 */
import { Matrix4 } from 'three';
import { cameraFromGlPerspective, openglCamToWorld, type Camera, type Vec3 } from '../core/camera.ts';

export function openCvToThreeMatrix(cam: Camera): Matrix4 {
  // Matrix4.fromArray takes column-major elements, the layout openglCamToWorld returns.
  return new Matrix4().fromArray(openglCamToWorld(cam));
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
  return cameraFromGlPerspective(camToWorld.elements, view);
}
