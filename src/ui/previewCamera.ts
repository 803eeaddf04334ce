/**
 * The camera training previews are drawn from: the 3D view's orbit camera, moved along its line
 * of sight towards the orbit target until the object fills the small preview (the rig view frames
 * the cameras, so the object alone would be a few pixels). Same direction, same field of view:
 * orbiting turns the preview, zooming in closer than the fit brings it closer still.
 */
import { Matrix4 } from 'three';
import { degToRad, focalFromFov, fovFromFocal, type Camera, type Vec3 } from '../core/camera.ts';
import { threeToOpenCvCamera } from './threeCamera.ts';

/** Preview image size for a view of this aspect ratio (width / height), long side `longSide`. */
export function previewSize(aspect: number, longSide = 256): { width: number; height: number } {
  const a = Number.isFinite(aspect) && aspect > 0 ? Math.min(4, Math.max(0.25, aspect)) : 4 / 3;
  return a >= 1
    ? { width: longSide, height: Math.max(8, Math.round(longSide / a)) }
    : { width: Math.max(8, Math.round(longSide * a)), height: longSide };
}

/**
 * @param camToData the orbit camera's camera-to-world matrix (GL axes) in the data's world
 * @param target the orbit target in the data's world
 * @param fitRadius radius of a sphere around `target` holding the object
 */
export function previewCamera(
  camToData: Matrix4,
  target: Vec3,
  view: { fov: number; zoom?: number; width: number; height: number; fitRadius: number },
): Camera {
  const e = camToData.elements;
  const forward = [-e[8], -e[9], -e[10]];
  const dist = Math.hypot(e[12] - target[0], e[13] - target[1], e[14] - target[2]);
  const f = focalFromFov(degToRad(view.fov), view.height, view.zoom);
  const halfV = fovFromFocal(f, view.height) / 2;
  const halfH = fovFromFocal(f, view.width) / 2;
  const fit = (view.fitRadius / Math.sin(Math.min(halfV, halfH))) * 1.05;
  const d = Math.min(dist, fit);
  const m = camToData.clone();
  m.setPosition(target[0] - forward[0] * d, target[1] - forward[1] * d, target[2] - forward[2] * d);
  return threeToOpenCvCamera(m, view);
}
