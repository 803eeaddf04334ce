/** The three.js side shared by the Spark and GaussianSplats3D adapters: renderer, camera, poses. */
import { Color, PerspectiveCamera, Vector3, WebGLRenderer } from 'three';
import type { Camera } from '../../../src/core/camera.ts';
import { openCvToThreeMatrix } from '../../../src/ui/threeCamera.ts';
import { fovYDegrees } from '../orbit.ts';
import type { AdapterContext } from './types.ts';

export function threeRenderer(ctx: AdapterContext): WebGLRenderer {
  const renderer = new WebGLRenderer({ canvas: ctx.canvas, antialias: false, alpha: false, preserveDrawingBuffer: false, powerPreference: 'high-performance' });
  renderer.setPixelRatio(1);
  renderer.setSize(ctx.canvas.width, ctx.canvas.height, false);
  renderer.setClearColor(new Color(...ctx.background), 1);
  return renderer;
}

/** A three.js camera with the same intrinsics as the orbit's OpenCV cameras (square pixels, centred). */
export function threeCamera(first: Camera): PerspectiveCamera {
  const camera = new PerspectiveCamera(fovYDegrees(first), first.width / first.height, 0.01, 100);
  camera.updateProjectionMatrix();
  return camera;
}

const scratchScale = new Vector3();

/** Puts the three.js camera where the OpenCV camera is (same view), matrices updated. */
export function setPose(camera: PerspectiveCamera, cam: Camera): void {
  openCvToThreeMatrix(cam).decompose(camera.position, camera.quaternion, scratchScale);
  camera.updateMatrixWorld(true);
}
