/**
 * NeRF / Blender `transforms_*.json`: per frame a camera-to-world 4x4 in OpenGL camera axes
 * (x right, y up, looking down -z), and one horizontal field of view for all frames.
 * Also reads the instant-ngp / nerfstudio variant's fl_x, fl_y, cx, cy, w, h when present.
 */
import { isRotation, type Camera, type Mat3, type Vec3 } from '../core/camera.ts';
import { InputError } from '../core/errors.ts';

export interface BlenderFrame {
  /** As written, e.g. "./train/r_26" (NeRF leaves the extension off). */
  filePath: string;
  /** Camera-to-world, row-major 4x4 (16 numbers), OpenGL camera axes. */
  c2w: number[];
}

export interface BlenderTransforms {
  cameraAngleX?: number;
  cameraAngleY?: number;
  /** instant-ngp / nerfstudio intrinsics in pixels at size w x h (pixel-centre convention). */
  flX?: number;
  flY?: number;
  cx?: number;
  cy?: number;
  w?: number;
  h?: number;
  frames: BlenderFrame[];
}

export function parseBlenderTransforms(input: Uint8Array | string | unknown, file = 'transforms.json'): BlenderTransforms {
  let json: unknown = input;
  if (input instanceof Uint8Array || typeof input === 'string') {
    const text = typeof input === 'string' ? input : new TextDecoder().decode(input);
    try {
      json = JSON.parse(text);
    } catch (e) {
      throw new InputError(`is not valid JSON (${(e as Error).message})`, { file });
    }
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    throw new InputError('expected a JSON object with "camera_angle_x" and "frames"', { file });
  const o = json as Record<string, unknown>;
  const num = (key: string, positive = true): number | undefined => {
    const v = o[key];
    if (v === undefined) return undefined;
    if (typeof v !== 'number' || !Number.isFinite(v) || (positive && !(v > 0)))
      throw new InputError(`must be a ${positive ? 'positive ' : ''}number`, { file, field: key });
    return v;
  };
  const t: BlenderTransforms = {
    cameraAngleX: num('camera_angle_x'),
    cameraAngleY: num('camera_angle_y'),
    flX: num('fl_x'),
    flY: num('fl_y'),
    cx: num('cx', false),
    cy: num('cy', false),
    w: num('w'),
    h: num('h'),
    frames: [],
  };
  if (t.cameraAngleX === undefined && t.flX === undefined)
    throw new InputError('is missing (need "camera_angle_x" or "fl_x" for the focal length)', { file, field: 'camera_angle_x' });
  if (t.cameraAngleX !== undefined && !(t.cameraAngleX < Math.PI))
    throw new InputError('must be an angle in radians below pi', { file, field: 'camera_angle_x' });
  if (!Array.isArray(o.frames) || o.frames.length === 0)
    throw new InputError('must be a non-empty list of frames', { file, field: 'frames' });
  o.frames.forEach((f: unknown, i: number) => {
    const field = `frames[${i}]`;
    if (typeof f !== 'object' || f === null) throw new InputError('must be an object', { file, field });
    const fr = f as Record<string, unknown>;
    if (typeof fr.file_path !== 'string' || fr.file_path.length === 0)
      throw new InputError('must name the image', { file, field: `${field}.file_path` });
    const m = fr.transform_matrix;
    const flat = Array.isArray(m) && m.length === 4 && m.every((r) => Array.isArray(r) && r.length === 4) ? (m as unknown[][]).flat() : null;
    if (!flat || !flat.every((v) => typeof v === 'number' && Number.isFinite(v)))
      throw new InputError('must be a 4x4 array of numbers', { file, field: `${field}.transform_matrix` });
    const c2w = flat as number[];
    if (!isRotation(rotationOf(c2w)))
      throw new InputError('rotation part is not a rotation matrix (scaled or sheared camera?)', {
        file,
        field: `${field}.transform_matrix`,
      });
    t.frames.push({ filePath: fr.file_path, c2w });
  });
  return t;
}

function rotationOf(c2w: number[]): Mat3 {
  return [c2w[0], c2w[1], c2w[2], c2w[4], c2w[5], c2w[6], c2w[8], c2w[9], c2w[10]];
}

/**
 * Camera-to-world in OpenGL camera axes -> world-to-camera in OpenCV axes. The OpenCV camera's
 * y and z axes are the OpenGL ones negated; world-to-camera rotation rows are the camera axes.
 */
export function openglC2wToOpencvW2c(c2w: ArrayLike<number>): { R: Mat3; t: Vec3 } {
  const col = (j: number): Vec3 => [c2w[j], c2w[4 + j], c2w[8 + j]];
  const [x, y, z, C] = [col(0), col(1), col(2), col(3)];
  const R: Mat3 = [x[0], x[1], x[2], -y[0], -y[1], -y[2], -z[0], -z[1], -z[2]];
  const t: Vec3 = [
    -(R[0] * C[0] + R[1] * C[1] + R[2] * C[2]),
    -(R[3] * C[0] + R[4] * C[1] + R[5] * C[2]),
    -(R[6] * C[0] + R[7] * C[1] + R[8] * C[2]),
  ];
  return { R, t };
}

/**
 * The OpenCV camera of one frame for an image of width x height pixels. The image size is not in
 * the Blender file (it is whatever the PNG is), so the caller passes it.
 */
export function blenderFrameCamera(tr: BlenderTransforms, frame: BlenderFrame, width: number, height: number): Camera {
  let fx: number, fy: number, cx: number, cy: number;
  if (tr.flX !== undefined) {
    // instant-ngp style: intrinsics given at w x h (default: this image's size), rescale to ours.
    const sx = width / (tr.w ?? width);
    const sy = height / (tr.h ?? height);
    fx = tr.flX * sx;
    fy = (tr.flY ?? tr.flX) * sy;
    cx = (tr.cx ?? (tr.w ?? width) / 2) * sx;
    cy = (tr.cy ?? (tr.h ?? height) / 2) * sy;
  } else {
    fx = (0.5 * width) / Math.tan(0.5 * tr.cameraAngleX!);
    fy = tr.cameraAngleY !== undefined ? (0.5 * height) / Math.tan(0.5 * tr.cameraAngleY) : fx;
    // Blender renders pixel centres at i + 0.5 with the optical axis through the image centre.
    cx = width / 2;
    cy = height / 2;
  }
  return { ...openglC2wToOpencvW2c(frame.c2w), fx, fy, cx, cy, width, height };
}

/** "./train/r_26" -> "r_26". */
export function frameName(filePath: string): string {
  const base = filePath.replace(/\\/g, '/').split('/').pop() ?? filePath;
  return base.replace(/\.(png|jpe?g)$/i, '');
}

/** The image path relative to the transforms file's folder, with ".png" added when NeRF left it off. */
export function frameImagePath(filePath: string): string {
  const p = filePath.replace(/\\/g, '/').replace(/^\.\//, '');
  return /\.(png|jpe?g)$/i.test(p) ? p : `${p}.png`;
}
