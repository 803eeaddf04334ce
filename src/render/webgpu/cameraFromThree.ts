/**
 * The camera a splat layer is drawn with, from a three.js perspective camera: the data's world
 * may sit under a transform in the three.js scene (a group that rotates the rig upright), so the
 * camera is taken relative to that group (`anchor`): camera-to-data = anchor^-1 camera-to-world.
 * The anchor's transform must be rigid (rotation and translation, no scale).
 */
import { Matrix4, type Object3D, type PerspectiveCamera } from 'three';
import { cameraFromGlPerspective, type Camera } from '../../core/camera.ts';

const scratch = new Matrix4();

export function cameraFromThree(camera: PerspectiveCamera, anchor: Object3D | null, width: number, height: number): Camera {
  camera.updateMatrixWorld();
  let camToData = camera.matrixWorld;
  if (anchor) {
    anchor.updateWorldMatrix(true, false);
    camToData = scratch.copy(anchor.matrixWorld).invert().multiply(camera.matrixWorld);
  }
  return cameraFromGlPerspective(camToData.elements, { fov: camera.fov, zoom: camera.zoom, width, height });
}
