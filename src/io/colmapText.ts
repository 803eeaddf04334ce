/**
 * COLMAP's text model (cameras.txt, images.txt, points3D.txt). COLMAP already uses our
 * convention: OpenCV axes, world-to-camera (QW QX QY QZ TX TY TZ), pixel centres at i + 0.5.
 * Lens distortion has no place in our Camera, so it is dropped with a warning.
 */
import { quatToRotation, type Camera, type Vec3 } from '../core/camera.ts';
import { InputError } from '../core/errors.ts';

export interface ColmapCamera {
  id: number;
  model: string;
  width: number;
  height: number;
  params: number[];
}

export interface ColmapImage {
  id: number;
  /** World-to-camera rotation quaternion (w, x, y, z) and translation. */
  q: [number, number, number, number];
  t: Vec3;
  cameraId: number;
  name: string;
}

export interface ColmapPoints {
  ids: number[];
  /** N*3 positions. */
  xyz: Float64Array;
  /** N*3 colours. */
  rgb: Uint8Array;
}

/** Pinhole part (index of fx, fy, cx, cy in params; fy = fx for the single-focal models) and parameter count. */
const MODELS: Record<string, { n: number; f: [number, number, number, number] }> = {
  SIMPLE_PINHOLE: { n: 3, f: [0, 0, 1, 2] },
  PINHOLE: { n: 4, f: [0, 1, 2, 3] },
  SIMPLE_RADIAL: { n: 4, f: [0, 0, 1, 2] },
  RADIAL: { n: 5, f: [0, 0, 1, 2] },
  OPENCV: { n: 8, f: [0, 1, 2, 3] },
  FULL_OPENCV: { n: 12, f: [0, 1, 2, 3] },
};

/** Non-comment lines with their 1-based line numbers (blank lines kept: images.txt needs them). */
function lines(text: string): { no: number; text: string }[] {
  return text
    .split(/\r?\n/)
    .map((t, i) => ({ no: i + 1, text: t.trim() }))
    .filter((l) => !l.text.startsWith('#'));
}

function numbers(tokens: string[], file: string, no: number, what: string): number[] {
  return tokens.map((tok) => {
    const v = Number(tok);
    if (tok === '' || !Number.isFinite(v))
      throw new InputError(`"${tok}" is not a number (expected ${what})`, { file, field: `line ${no}` });
    return v;
  });
}

export function parseColmapCameras(text: string, file = 'cameras.txt'): Map<number, ColmapCamera> {
  const out = new Map<number, ColmapCamera>();
  for (const { no, text: line } of lines(text)) {
    if (!line) continue;
    const tok = line.split(/\s+/);
    const where = { file, field: `line ${no}` };
    if (tok.length < 4) throw new InputError('expected CAMERA_ID MODEL WIDTH HEIGHT PARAMS[]', where);
    const model = tok[1];
    const spec = MODELS[model];
    if (!spec)
      throw new InputError(
        `camera model ${model} is not supported (use ${Object.keys(MODELS).join(', ')}; undistort fisheye images with colmap image_undistorter)`,
        where,
      );
    const [id, width, height] = numbers([tok[0], tok[2], tok[3]], file, no, 'CAMERA_ID WIDTH HEIGHT');
    if (!Number.isInteger(id) || !(Number.isInteger(width) && width > 0 && Number.isInteger(height) && height > 0))
      throw new InputError('CAMERA_ID, WIDTH and HEIGHT must be positive whole numbers', where);
    const params = numbers(tok.slice(4), file, no, `${model} parameters`);
    if (params.length !== spec.n)
      throw new InputError(`${model} takes ${spec.n} parameters, found ${params.length}`, where);
    if (!(params[spec.f[0]] > 0 && params[spec.f[1]] > 0)) throw new InputError('focal length must be positive', where);
    if (out.has(id)) throw new InputError(`duplicate CAMERA_ID ${id}`, where);
    out.set(id, { id, model, width, height, params });
  }
  if (out.size === 0) throw new InputError('lists no cameras', { file });
  return out;
}

/**
 * images.txt holds two lines per image: the pose line, then the 2D points line, which is empty
 * for an image with no points. So blank lines are skipped only where a pose line is expected.
 */
export function parseColmapImages(text: string, file = 'images.txt'): ColmapImage[] {
  const out: ColmapImage[] = [];
  const ls = lines(text);
  for (let i = 0; i < ls.length; i++) {
    const { no, text: line } = ls[i];
    if (!line) continue;
    const tok = line.split(/\s+/);
    const where = { file, field: `line ${no}` };
    if (tok.length < 10) throw new InputError('expected IMAGE_ID QW QX QY QZ TX TY TZ CAMERA_ID NAME', where);
    const v = numbers(tok.slice(0, 9), file, no, 'IMAGE_ID QW QX QY QZ TX TY TZ CAMERA_ID');
    const qn = Math.hypot(v[1], v[2], v[3], v[4]);
    if (!(qn > 0.5 && qn < 2)) throw new InputError(`quaternion (${v.slice(1, 5).join(' ')}) is not a rotation`, where);
    out.push({
      id: v[0],
      q: [v[1] / qn, v[2] / qn, v[3] / qn, v[4] / qn],
      t: [v[5], v[6], v[7]],
      cameraId: v[8],
      // COLMAP names may contain spaces: the name is everything after CAMERA_ID.
      name: tok.slice(9).join(' '),
    });
    const pts = ls[i + 1];
    if (pts) {
      const n = pts.text ? pts.text.split(/\s+/).length : 0;
      if (n % 3 !== 0)
        throw new InputError(
          'expected the POINTS2D line (X Y POINT3D_ID triples, may be empty) after each image line',
          { file, field: `line ${pts.no}` },
        );
      i++;
    }
  }
  if (out.length === 0) throw new InputError('lists no images', { file });
  return out;
}

export function parseColmapPoints(text: string, file = 'points3D.txt'): ColmapPoints {
  const ids: number[] = [];
  const xyz: number[] = [];
  const rgb: number[] = [];
  for (const { no, text: line } of lines(text)) {
    if (!line) continue;
    const tok = line.split(/\s+/);
    if (tok.length < 7) throw new InputError('expected POINT3D_ID X Y Z R G B ERROR TRACK[]', { file, field: `line ${no}` });
    const v = numbers(tok.slice(0, 7), file, no, 'POINT3D_ID X Y Z R G B');
    ids.push(v[0]);
    xyz.push(v[1], v[2], v[3]);
    rgb.push(v[4], v[5], v[6]);
  }
  return { ids, xyz: new Float64Array(xyz), rgb: new Uint8Array(rgb) };
}

export interface ColmapView {
  image: ColmapImage;
  camera: Camera;
}

/**
 * Our camera for every image, in images.txt order. `warnings` lists each camera whose lens
 * distortion was dropped (non-zero coefficients), once per camera.
 */
export function colmapViews(
  cameras: Map<number, ColmapCamera>,
  images: ColmapImage[],
  imagesFile = 'images.txt',
): { views: ColmapView[]; warnings: string[] } {
  const warnings: string[] = [];
  for (const c of cameras.values()) {
    const spec = MODELS[c.model];
    const extra = c.params.slice(spec.f[1] === 0 ? 3 : 4);
    if (extra.some((k) => k !== 0))
      warnings.push(
        `camera ${c.id} (${c.model}) has lens distortion [${extra.join(', ')}]: it is ignored, so straight lines may not line up near the image edges. Undistort with colmap image_undistorter for best results.`,
      );
  }
  const views = images.map((im) => {
    const c = cameras.get(im.cameraId);
    if (!c) throw new InputError(`image "${im.name}" uses CAMERA_ID ${im.cameraId}, which cameras.txt does not list`, { file: imagesFile });
    const f = MODELS[c.model].f;
    const camera: Camera = {
      R: quatToRotation(im.q), // COLMAP's qvec2rotmat: world-to-camera, as ours
      t: [...im.t],
      fx: c.params[f[0]],
      fy: c.params[f[1]],
      cx: c.params[f[2]],
      cy: c.params[f[3]],
      width: c.width,
      height: c.height,
    };
    return { image: im, camera };
  });
  return { views, warnings };
}
