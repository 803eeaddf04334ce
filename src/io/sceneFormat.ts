/**
 * The scene folder format: `scene.json` + `images/` + `masks/`.
 *
 * scene.json (version 1):
 * {
 *   "version": 1,
 *   "name": "lego",
 *   "description": "optional text",
 *   "views": [
 *     { "id": "r_26", "image": "images/r_26.png", "mask": "masks/r_26.png",
 *       "camera": { "width": 400, "height": 400, "fx": 555.5, "fy": 555.5, "cx": 200, "cy": 200,
 *                   "R": [9 numbers, row-major world-to-camera rotation], "t": [3 numbers] },
 *       "cameraGuess": true }                                  // optional: the camera is a rough one to refine (only on a view with a camera)
 *   ],
 *   "splits": { "3": { "train": ["r_26", ...], "test": [...] }, "9": {...} },
 *   "bounds": { "min": [x, y, z], "max": [x, y, z] },        // optional object bounds (world)
 *   "background": [255, 255, 255],                            // optional, for evaluation
 *   "source": { "dataset": "blender", "convention": "..." }   // optional provenance
 * }
 *
 * Cameras use the one OpenCV world-to-camera convention (src/core/camera.ts). Masks are
 * greyscale or RGBA PNGs, object where value >= 128.
 */
import { z } from 'zod';
import '../core/zodNoEval.ts'; // before any schema: no `new Function` probe under the CSP
import { formatFieldPath, InputError } from '../core/errors.ts';
import { isRotation, type Camera, type Vec3 } from '../core/camera.ts';

export const SCENE_FILE = 'scene.json';
export const SCENE_VERSION = 1;

const finite = z.number().refine(Number.isFinite, 'must be a finite number');
const positive = finite.refine((v) => v > 0, 'must be greater than 0');
const vec3 = z.array(finite).length(3, 'expected 3 numbers');

/** A camera as scene.json writes it (also what kept sessions store of refined cameras). */
export const cameraSchema = z.object({
  width: z.number().int('must be a whole number of pixels').positive('must be greater than 0'),
  height: z.number().int('must be a whole number of pixels').positive('must be greater than 0'),
  fx: positive,
  fy: positive,
  cx: finite,
  cy: finite,
  R: z
    .array(finite)
    .length(9, 'expected 9 numbers (row-major 3x3 world-to-camera rotation)')
    .refine(isRotation, 'is not a rotation matrix (rows must be orthonormal with determinant +1)'),
  t: vec3,
});

const idSchema = z.string().min(1, 'must not be empty').regex(/^[\w.-]+$/, 'may only use letters, digits, "_", "-" and "."');

const viewSchema = z.object({
  id: idSchema,
  image: z.string().min(1, 'must name an image file'),
  mask: z.string().min(1).optional(),
  camera: cameraSchema.optional(),
  cameraGuess: z.boolean().optional(),
});

const splitSchema = z.object({
  train: z.array(z.string()).min(1, 'must list at least one view'),
  test: z.array(z.string()),
});

export const sceneManifestSchema = z.object({
  version: z.literal(SCENE_VERSION, `must be ${SCENE_VERSION}`),
  name: z.string().min(1, 'must not be empty'),
  description: z.string().optional(),
  views: z.array(viewSchema).min(1, 'must list at least one view'),
  splits: z.record(z.string(), splitSchema).default({}),
  bounds: z.object({ min: vec3, max: vec3 }).optional(),
  background: z.array(z.number().int().min(0).max(255)).length(3).optional(),
  source: z.record(z.string(), z.unknown()).optional(),
});

export type SceneSplit = z.infer<typeof splitSchema>;
export interface SceneView {
  id: string;
  image: string;
  mask?: string;
  camera?: Camera;
  /**
   * The camera is the poses stage's object-centred guess (placed from the mask's outline, the
   * matches could not place it): training with camera refinement moves such views and holds the
   * others (trainOptions refineCamerasOf). Written by scene:from-photos.
   */
  cameraGuess?: boolean;
}
export interface SceneManifest {
  version: 1;
  name: string;
  description?: string;
  views: SceneView[];
  splits: Record<string, SceneSplit>;
  bounds?: { min: Vec3; max: Vec3 };
  background?: [number, number, number];
  source?: Record<string, unknown>;
}

/**
 * Validates parsed scene.json content. Throws InputError naming `file` and the first bad field,
 * e.g. `lego/scene.json: views[2].camera.fx: must be greater than 0`.
 */
export function validateSceneManifest(json: unknown, file = SCENE_FILE): SceneManifest {
  const res = sceneManifestSchema.safeParse(json);
  if (!res.success) {
    const issue = res.error.issues[0];
    let msg = issue.message;
    if (issue.code === 'invalid_type' && /received undefined/.test(msg)) msg = 'is missing';
    throw new InputError(msg, { file, field: formatFieldPath(issue.path) });
  }
  const m = res.data as SceneManifest;
  const ids = new Set<string>();
  m.views.forEach((v, i) => {
    if (ids.has(v.id)) throw new InputError(`duplicate view id "${v.id}"`, { file, field: `views[${i}].id` });
    ids.add(v.id);
    // The mark says which camera is rough; on a view without one it would say nothing.
    if (v.cameraGuess && !v.camera)
      throw new InputError('marks a rough camera, but the view has none: give it a camera or remove cameraGuess', { file, field: `views[${i}].cameraGuess` });
  });
  for (const [name, split] of Object.entries(m.splits)) {
    for (const key of ['train', 'test'] as const)
      split[key].forEach((id, i) => {
        if (!ids.has(id))
          throw new InputError(`unknown view id "${id}" (not in views)`, { file, field: `splits.${name}.${key}[${i}]` });
      });
    const train = new Set(split.train);
    split.test.forEach((id, i) => {
      if (train.has(id))
        throw new InputError(`view "${id}" is in both train and test`, { file, field: `splits.${name}.test[${i}]` });
    });
  }
  if (m.bounds)
    for (let k = 0; k < 3; k++)
      if (!(m.bounds.min[k] < m.bounds.max[k]))
        throw new InputError('min must be below max on every axis', { file, field: 'bounds' });
  return m;
}

export function parseSceneManifest(bytes: Uint8Array, file = SCENE_FILE): SceneManifest {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes));
  } catch (e) {
    throw new InputError(`is not valid JSON (${(e as Error).message})`, { file });
  }
  return validateSceneManifest(json, file);
}

export function serializeSceneManifest(m: SceneManifest): string {
  return JSON.stringify(m, null, 1) + '\n';
}
