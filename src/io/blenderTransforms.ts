/**
 * NeRF / Blender `transforms_*.json`: per frame a camera-to-world 4x4 in OpenGL camera axes
 * (x right, y up, looking down -z), and one horizontal field of view for all frames.
 * Also reads the instant-ngp / nerfstudio variant's fl_x, fl_y, cx, cy, w, h when present.
 */
import { focalFromFov, isRotation, opencvFromOpenglCamToWorld, resizeCamera, type Camera, type Mat3 } from '../core/camera.ts';
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
  /**
   * OpenCV (radial-tangential) lens distortion of the instant-ngp / nerfstudio variant, at every
   * frame: k1, k2, k3 radial, p1, p2 tangential; absent when the file has none (or all zero).
   */
  distortion?: Distortion;
  /** Distortion terms of another lens model that are not undone (k4, fisheye models), by name. */
  otherDistortion?: string[];
  frames: BlenderFrame[];
}

export interface Distortion {
  k1: number;
  k2: number;
  k3: number;
  p1: number;
  p2: number;
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
  const d = { k1: num('k1', false) ?? 0, k2: num('k2', false) ?? 0, k3: num('k3', false) ?? 0, p1: num('p1', false) ?? 0, p2: num('p2', false) ?? 0 };
  if (Object.values(d).some((v) => v !== 0)) t.distortion = d;
  const model = typeof o.camera_model === 'string' ? o.camera_model : '';
  const other = [...(num('k4', false) ? ['k4'] : []), ...(/FISHEYE|EQUIRECT/i.test(model) ? [`camera_model ${model}`] : [])];
  if (other.length) t.otherDistortion = other;
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
 * The OpenCV camera of one frame for an image of width x height pixels. The image size is not in
 * the Blender file (it is whatever the PNG is), so the caller passes it.
 */
export function blenderFrameCamera(tr: BlenderTransforms, frame: BlenderFrame, width: number, height: number): Camera {
  const pose = opencvFromOpenglCamToWorld(frame.c2w, 'row-major');
  if (tr.flX !== undefined) {
    // instant-ngp style: intrinsics given at w x h (default: this image's size), rescale to ours.
    const w = tr.w ?? width, h = tr.h ?? height;
    const given = { ...pose, fx: tr.flX, fy: tr.flY ?? tr.flX, cx: tr.cx ?? w / 2, cy: tr.cy ?? h / 2, width: w, height: h };
    return resizeCamera(given, width, height);
  }
  const fx = focalFromFov(tr.cameraAngleX!, width);
  const fy = tr.cameraAngleY !== undefined ? focalFromFov(tr.cameraAngleY, height) : fx;
  // Blender renders pixel centres at i + 0.5 with the optical axis through the image centre.
  return { ...pose, fx, fy, cx: width / 2, cy: height / 2, width, height };
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
