/**
 * LLFF `poses_bounds.npy`: an (N, 17) array. Each row is a 3x5 matrix [R | t | hwf] (row-major)
 * followed by the near and far depth bounds of that view. [R | t] is camera-to-world with the
 * rotation's columns in LLFF order [down, right, backwards]; hwf = (height, width, focal) of the
 * full-resolution photos, principal point at the centre, no distortion.
 */
import type { Camera, Vec3 } from '../core/camera.ts';
import { isRotation, opencvRotationFromLlff, translationFromCenter } from '../core/camera.ts';
import { InputError } from '../core/errors.ts';
import type { NpyArray } from './npy.ts';

export interface LlffPose {
  /** Camera-to-world rotation columns, LLFF order. */
  down: Vec3;
  right: Vec3;
  back: Vec3;
  /** Camera centre in world coordinates. */
  center: Vec3;
  /** Full-resolution height, width, focal length (pixels). */
  hwf: Vec3;
  near: number;
  far: number;
}

export function parseLlffPosesBounds(arr: NpyArray, file = 'poses_bounds.npy'): LlffPose[] {
  if (arr.shape.length !== 2 || arr.shape[1] !== 17 || arr.shape[0] < 1)
    throw new InputError(`expected an (N, 17) array, got shape (${arr.shape.join(', ')})`, { file });
  const out: LlffPose[] = [];
  for (let i = 0; i < arr.shape[0]; i++) {
    const r = arr.data.subarray(i * 17, i * 17 + 17);
    const m = (row: number, col: number) => r[row * 5 + col];
    const colv = (c: number): Vec3 => [m(0, c), m(1, c), m(2, c)];
    const pose: LlffPose = {
      down: colv(0),
      right: colv(1),
      back: colv(2),
      center: colv(3),
      hwf: colv(4),
      near: r[15],
      far: r[16],
    };
    const where = { file, field: `row ${i}` };
    if (!Array.from(r).every(Number.isFinite)) throw new InputError('contains a non-finite value', where);
    if (!(pose.hwf[0] > 0 && pose.hwf[1] > 0 && pose.hwf[2] > 0))
      throw new InputError(`hwf must be positive, got (${pose.hwf.join(', ')})`, where);
    if (!isRotation(opencvRotationFromLlff(pose.right, pose.down, pose.back)))
      throw new InputError('rotation columns are not orthonormal with [down, right, back] handedness', where);
    out.push(pose);
  }
  return out;
}

/**
 * The OpenCV camera for an image of width x height (a downsampled copy such as images_8): the
 * focal length given at full resolution is scaled by the actual size over hwf's size.
 */
export function llffCamera(p: LlffPose, width: number, height: number): Camera {
  const R = opencvRotationFromLlff(p.right, p.down, p.back);
  const t = translationFromCenter(R, p.center);
  const [h, w, f] = p.hwf;
  return { R, t, fx: (f * width) / w, fy: (f * height) / h, cx: width / 2, cy: height / 2, width, height };
}
