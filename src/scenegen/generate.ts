/**
 * Turns a procedural object into a scene folder in memory: renders every rig view, encodes
 * images and masks, and builds scene.json (cameras, splits, padded bounds). Platform-agnostic:
 * the CLI (scripts/generateScenes.ts) writes the result with writeSceneFolder.
 */
import type { Vec3 } from '../core/camera.ts';
import { InputError } from '../core/errors.ts';
import { SCENE_VERSION, type SceneManifest, type SceneView } from '../io/sceneFormat.ts';
import { encodePngCompact, encodeRgbPng } from './compactPng.ts';
import { renderView, SUBSAMPLES_PER_AXIS } from './render.ts';
import { dtuLikeRig, rigSplits, RIG_DISTANCE_RADII, RIG_FILL } from './rig.ts';
import type { SceneObject } from './sceneObject.ts';

export const DEFAULT_WIDTH = 400;
export const DEFAULT_HEIGHT = 300;
export const MAX_WIDTH = 1600;
export const MAX_HEIGHT = 1200;
/** Bounds in scene.json are the object's box grown by this fraction of its bounding radius on every side. */
export const BOUNDS_PADDING = 0.02;

export interface GenerateOptions {
  width?: number;
  height?: number;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

export interface GeneratedScene {
  manifest: SceneManifest;
  /** Relative path -> file bytes (images/*.png, masks/*.png); scene.json is `manifest`. */
  files: Map<string, Uint8Array>;
}

export function checkSceneSize(width: number, height: number): void {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 8 || height < 8)
    throw new InputError(`scene size must be whole numbers of pixels, at least 8x8 (got ${width}x${height}).`);
  if (width > MAX_WIDTH || height > MAX_HEIGHT)
    throw new InputError(
      `scene size ${width}x${height} is too large: the limit is ${MAX_WIDTH}x${MAX_HEIGHT} ` +
        '(rendering is on the CPU and the files are meant to stay small). Pick a smaller --width/--height.',
    );
}

export function paddedBounds(obj: SceneObject): { min: Vec3; max: Vec3 } {
  const pad = BOUNDS_PADDING * obj.radius;
  const r = (x: number) => Math.round(x * 1e6) / 1e6;
  return {
    min: obj.bounds.min.map((v) => r(v - pad)) as Vec3,
    max: obj.bounds.max.map((v) => r(v + pad)) as Vec3,
  };
}

export function generateScene(obj: SceneObject, opts: GenerateOptions = {}): GeneratedScene {
  const width = opts.width ?? DEFAULT_WIDTH;
  const height = opts.height ?? DEFAULT_HEIGHT;
  checkSceneSize(width, height);
  const rig = dtuLikeRig(obj.center, obj.radius, obj.bounds, width, height);
  const files = new Map<string, Uint8Array>();
  const views: SceneView[] = [];
  rig.forEach((rv, i) => {
    opts.signal?.throwIfAborted();
    const { image, mask } = renderView(obj, rv.camera);
    const maskBytes = new Uint8Array(mask.length);
    for (let p = 0; p < mask.length; p++) maskBytes[p] = mask[p] ? 255 : 0;
    const imagePath = `images/${rv.id}.png`, maskPath = `masks/${rv.id}.png`;
    files.set(imagePath, encodeRgbPng(width, height, image.data));
    files.set(maskPath, encodePngCompact(width, height, 1, maskBytes));
    views.push({ id: rv.id, image: imagePath, mask: maskPath, camera: rv.camera });
    opts.onProgress?.(i + 1, rig.length);
  });
  const manifest: SceneManifest = {
    version: SCENE_VERSION,
    name: obj.name,
    description: obj.description,
    views,
    splits: rigSplits(),
    bounds: paddedBounds(obj),
    background: [0, 0, 0],
    source: {
      generator: 'scripts/generateScenes.ts (src/scenegen)',
      title: obj.title,
      rig: `DTU-like: ${rig.length} cameras, 7 rings at elevation 10-60 deg x 7 azimuths -60..60 deg (front = -y), ` +
        `distance ${RIG_DISTANCE_RADII} bounding radii, one focal length for all views such that the bounding box stays within ${RIG_FILL} of the half-frame, world up +z`,
      antialiasing: `${SUBSAMPLES_PER_AXIS}x${SUBSAMPLES_PER_AXIS} regular grid of subsamples per pixel, box filter`,
      mask: `1 where at least ${Math.ceil((SUBSAMPLES_PER_AXIS * SUBSAMPLES_PER_AXIS) / 2)} of ` +
        `${SUBSAMPLES_PER_AXIS * SUBSAMPLES_PER_AXIS} subsamples hit the object (exact geometric coverage >= 0.5)`,
      shading: 'Lambertian, one directional light + ambient, no specular, no shadows',
      boundingSphere: { center: obj.center, radius: obj.radius },
    },
  };
  return { manifest, files };
}

export interface SceneIndexEntry {
  name: string;
  title: string;
  description: string;
  path: string;
}

/** scenes/index.json content: the bundled scenes, the first being the app's default. */
export function sceneIndexEntries(objs: readonly SceneObject[]): SceneIndexEntry[] {
  return objs.map((o) => ({ name: o.name, title: o.title, description: o.description, path: o.name }));
}
