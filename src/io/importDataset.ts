/**
 * Dataset folder -> scene (manifest + files). Detects the layout (DTU/IDR, NeRF Blender, LLFF,
 * COLMAP text), keeps only the views the standard splits need, downsamples by an integer factor
 * and converts every camera to the one OpenCV convention through the per-format readers.
 * Works on any FileSource that can list its files, so it runs in Node and in the page;
 * importDatasetFs.ts writes the result to disk.
 */
import { cameraToWorld, type Camera, type Vec3 } from '../core/camera.ts';
import { InputError } from '../core/errors.ts';
import { decodeImage, encodeGreyPng, encodePng, maskFromImage, sniffImageFormat, type RGBAImage } from '../core/image.ts';
import { blenderFrameCamera, frameImagePath, frameName, parseBlenderTransforms, type BlenderFrame, type BlenderTransforms, type Distortion } from './blenderTransforms.ts';
import { maxDistortionShift, undistortImage } from './undistort.ts';
import { colmapViews, parseColmapCameras, parseColmapImages, parseColmapPoints } from './colmapText.ts';
import {
  BLENDER_TEST,
  BLENDER_TRAIN,
  blenderSplits,
  blenderViewId,
  DTU_TEST,
  DTU_TRAIN_ORDER,
  dtuSplits,
  dtuViewId,
  llffSplits,
} from './datasetSplits.ts';
import { downscaleCamera, downscaleImage } from './downscale.ts';
import type { FileSource } from './fileSource.ts';
import { idrCamera, parseIdrCameras } from './idrCameras.ts';
import { llffCamera, parseLlffPosesBounds } from './llffPosesBounds.ts';
import { parseNpy } from './npy.ts';
import { parseNpz } from './npz.ts';
import type { SceneManifest, SceneSplit, SceneView } from './sceneFormat.ts';

export type DatasetKind = 'dtu' | 'blender' | 'llff' | 'colmap';

export type DetectedDataset =
  | { kind: 'dtu'; cameras: string; imageDir: string; maskDir?: string }
  | { kind: 'blender'; train: string; test?: string }
  | { kind: 'llff'; poses: string; imageDir: string }
  | { kind: 'colmap'; modelDir: string; imageDir: string };

/** The resolution the published sparse-view numbers use: DTU 400x300, Blender 400x400, LLFF images_8 as is. */
export const DEFAULT_SCALE: Record<DatasetKind, number> = { dtu: 4, blender: 2, llff: 1, colmap: 1 };

export interface ImportOptions {
  /** Integer box-filter downsampling factor; default DEFAULT_SCALE[kind]. */
  scale?: number;
  /** Scene name; default the folder's name. */
  name?: string;
  onProgress?: (message: string) => void;
  signal?: AbortSignal;
}

export interface ImportedScene {
  kind: DatasetKind;
  manifest: SceneManifest;
  /** Relative path -> bytes, for writeSceneFolder. */
  files: Map<string, Uint8Array>;
  /** Things the user should know that did not stop the import (dropped distortion, fallbacks). */
  warnings: string[];
}

const IMAGE_RE = /\.(png|jpe?g)$/i;

const LAYOUTS = [
  'DTU / IDR:     cameras_sphere.npz + image/ (or images/) + mask/',
  'NeRF Blender:  transforms_train.json (+ transforms_test.json) + the frames\' images',
  'LLFF:          poses_bounds.npy + images_8/ (or images_N/, images/) (+ masks/ or masks_8/, view_imgs.txt)',
  'COLMAP text:   sparse/0/{cameras,images,points3D}.txt (or cameras.txt, images.txt at the top) + images/',
];

async function listFiles(src: FileSource): Promise<string[]> {
  if (!src.list) throw new InputError('cannot list the files of this source; give a folder or a zip', { file: src.label });
  return (await src.list()).map((p) => p.replace(/\\/g, '/'));
}

function imagesIn(files: string[], dir: string): string[] {
  const prefix = dir ? `${dir}/` : '';
  return files
    .filter((f) => f.startsWith(prefix) && !f.slice(prefix.length).includes('/') && IMAGE_RE.test(f))
    .sort();
}

export async function detectDataset(src: FileSource): Promise<DetectedDataset> {
  const files = await listFiles(src);
  const has = (p: string) => files.includes(p);
  const hasImages = (d: string) => imagesIn(files, d).length > 0;

  if (has('cameras_sphere.npz')) {
    const imageDir = ['image', 'images'].find(hasImages);
    if (!imageDir) throw new InputError('has cameras_sphere.npz but no image/ or images/ folder with PNG/JPEG files', { file: src.label });
    return { kind: 'dtu', cameras: 'cameras_sphere.npz', imageDir, maskDir: ['mask', 'masks'].find(hasImages) };
  }
  if (has('transforms_train.json')) return { kind: 'blender', train: 'transforms_train.json', test: has('transforms_test.json') ? 'transforms_test.json' : undefined };
  if (has('transforms.json')) return { kind: 'blender', train: 'transforms.json' };
  if (has('poses_bounds.npy')) {
    const scaled = [...new Set(files.map((f) => /^images_(\d+)\//.exec(f)?.[1]).filter((x): x is string => !!x))]
      .map(Number)
      .sort((a, b) => b - a);
    // The sparse-view protocol works on images_8; otherwise the smallest copy present.
    const order = [...(scaled.includes(8) ? [8] : []), ...scaled].map((n) => `images_${n}`).concat('images');
    const imageDir = order.find(hasImages);
    if (!imageDir) throw new InputError('has poses_bounds.npy but no images_N/ or images/ folder with PNG/JPEG files', { file: src.label });
    return { kind: 'llff', poses: 'poses_bounds.npy', imageDir };
  }
  for (const modelDir of ['sparse/0', 'sparse', '']) {
    const p = (f: string) => (modelDir ? `${modelDir}/${f}` : f);
    if (has(p('cameras.txt')) && has(p('images.txt'))) {
      if (!hasImages('images')) throw new InputError(`has a COLMAP model in ${modelDir || 'the top folder'} but no images/ folder`, { file: src.label });
      return { kind: 'colmap', modelDir, imageDir: 'images' };
    }
    if (has(p('cameras.bin')))
      throw new InputError(
        `has a binary COLMAP model (${p('cameras.bin')}); convert it with "colmap model_converter --input_path ${modelDir || '.'} --output_path ${modelDir || '.'} --output_type TXT"`,
        { file: src.label },
      );
  }
  if (has('scene.json')) throw new InputError('is already a scene folder (it has scene.json); load it directly', { file: src.label });
  throw new InputError(`is not a dataset folder I know. Expected one of:\n  ${LAYOUTS.join('\n  ')}`, { file: src.label });
}

export async function importDatasetFromSource(src: FileSource, opts: ImportOptions = {}): Promise<ImportedScene> {
  const det = await detectDataset(src);
  const scale = opts.scale ?? DEFAULT_SCALE[det.kind];
  if (!(Number.isInteger(scale) && scale >= 1)) throw new InputError(`--scale must be a whole number >= 1, got ${scale}`);
  const ctx: Ctx = { src, scale, opts, warnings: [], files: new Map(), progress: (m) => opts.onProgress?.(m) };
  ctx.progress(`${src.label}: ${det.kind} dataset, downsampling ${scale}x`);
  const name = opts.name ?? (src.label.replace(/[\\/]+$/, '').split(/[\\/]/).pop()?.replace(/\.zip$/i, '') || 'scene');
  let body: Omit<SceneManifest, 'version' | 'name'>;
  switch (det.kind) {
    case 'dtu':
      body = await importDtu(ctx, det);
      break;
    case 'blender':
      body = await importBlender(ctx, det);
      break;
    case 'llff':
      body = await importLlff(ctx, det);
      break;
    case 'colmap':
      body = await importColmap(ctx, det);
      break;
  }
  const manifest: SceneManifest = { version: 1, name, ...body };
  return { kind: det.kind, manifest, files: ctx.files, warnings: ctx.warnings };
}

interface Ctx {
  src: FileSource;
  scale: number;
  opts: ImportOptions;
  warnings: string[];
  files: Map<string, Uint8Array>;
  progress: (message: string) => void;
}

function label(ctx: Ctx, path: string): string {
  return ctx.src.label.endsWith('/') ? ctx.src.label + path : `${ctx.src.label}/${path}`;
}

async function readImage(ctx: Ctx, path: string): Promise<{ bytes: Uint8Array; img: RGBAImage }> {
  const bytes = await ctx.src.read(path);
  return { bytes, img: decodeImage(bytes, label(ctx, path)) };
}

/** Stores the (downsampled) image; at scale 1 the original bytes are kept to avoid re-encoding. */
function putImage(ctx: Ctx, id: string, bytes: Uint8Array, img: RGBAImage): string {
  const fmt = sniffImageFormat(bytes);
  if (ctx.scale === 1 && fmt) {
    const path = `images/${id}.${fmt === 'png' ? 'png' : 'jpg'}`;
    ctx.files.set(path, bytes);
    return path;
  }
  const path = `images/${id}.png`;
  ctx.files.set(path, encodePng(downscaleImage(img, ctx.scale)));
  return path;
}

/** Stores a 0/255 greyscale mask; `maskImg` is thresholded at 128 after box-filtering. */
function putMask(ctx: Ctx, id: string, maskImg: RGBAImage, source: 'alpha' | 'luma' | 'auto'): string {
  const small = downscaleImage(maskImg, ctx.scale);
  const m = maskFromImage(small, source);
  for (let i = 0; i < m.length; i++) m[i] *= 255;
  const path = `masks/${id}.png`;
  ctx.files.set(path, encodeGreyPng(small.width, small.height, m));
  return path;
}

function cube(h: number): { min: Vec3; max: Vec3 } {
  return { min: [-h, -h, -h], max: [h, h, h] };
}

// ---------------------------------------------------------------- DTU / IDR

async function importDtu(ctx: Ctx, det: Extract<DetectedDataset, { kind: 'dtu' }>): Promise<Omit<SceneManifest, 'version' | 'name'>> {
  const npzFile = label(ctx, det.cameras);
  const cams = new Map(parseIdrCameras(parseNpz(await ctx.src.read(det.cameras), npzFile), npzFile).map((v) => [v.index, v]));
  const files = await listFiles(ctx.src);
  const byIndex = (dir: string) => new Map(imagesIn(files, dir).map((f) => [Number(/(\d+)\.\w+$/.exec(f)?.[1] ?? NaN), f]));
  const images = byIndex(det.imageDir);
  const masks = det.maskDir ? byIndex(det.maskDir) : new Map<number, string>();
  images.delete(NaN);

  const standard = [...DTU_TRAIN_ORDER, ...DTU_TEST];
  const useStandard = standard.every((n) => images.has(n) && cams.has(n));
  let indices: number[];
  let splits: Record<string, SceneSplit>;
  if (useStandard) {
    indices = [...standard].sort((a, b) => a - b);
    splits = dtuSplits();
  } else {
    indices = [...images.keys()].filter((n) => cams.has(n)).sort((a, b) => a - b);
    if (indices.length === 0) throw new InputError(`no image in ${det.imageDir}/ has a world_mat_<i> in ${det.cameras}`, { file: ctx.src.label });
    splits = llffSplits(indices.map(dtuViewId));
    ctx.warnings.push(
      `the standard DTU views (${standard.filter((n) => !images.has(n) || !cams.has(n)).join(', ')} missing) are not all present: imported all ${indices.length} views with every-8th-view test splits instead`,
    );
  }
  if (!det.maskDir) ctx.warnings.push('no mask/ folder: the scene has no masks');

  const views: SceneView[] = [];
  let maxSkew = 0;
  for (const [k, n] of indices.entries()) {
    ctx.opts.signal?.throwIfAborted();
    const id = dtuViewId(n);
    ctx.progress(`  [${k + 1}/${indices.length}] view ${id}`);
    const { bytes, img } = await readImage(ctx, images.get(n)!);
    const { camera, skew } = idrCamera(cams.get(n)!, img.width, img.height, ctx.scale, npzFile);
    maxSkew = Math.max(maxSkew, Math.abs(skew) / camera.fx);
    const view: SceneView = { id, image: putImage(ctx, id, bytes, img), camera };
    const maskPath = masks.get(n);
    if (maskPath) {
      const mask = (await readImage(ctx, maskPath)).img;
      if (mask.width !== img.width || mask.height !== img.height)
        throw new InputError(`mask is ${mask.width}x${mask.height} but its image is ${img.width}x${img.height}`, { file: label(ctx, maskPath) });
      view.mask = putMask(ctx, id, mask, 'luma');
    } else if (det.maskDir) ctx.warnings.push(`view ${id} has no mask in ${det.maskDir}/`);
    views.push(view);
  }
  if (maxSkew > 1e-4) ctx.warnings.push(`intrinsics have skew up to ${maxSkew.toExponential(1)} x fx; it is dropped`);
  return {
    description: `DTU/IDR dataset imported from ${det.cameras} (P = world_mat @ scale_mat: the object lives in the unit sphere), ${views[0].camera!.width}x${views[0].camera!.height}`,
    views,
    splits,
    bounds: cube(1),
    source: { dataset: 'dtu', format: 'idr-cameras_sphere', scale: ctx.scale, standardSplits: useStandard },
  };
}

// ---------------------------------------------------------------- NeRF Blender

async function importBlender(ctx: Ctx, det: Extract<DetectedDataset, { kind: 'blender' }>): Promise<Omit<SceneManifest, 'version' | 'name'>> {
  const files = new Set(await listFiles(ctx.src));
  const load = async (path: string) => parseBlenderTransforms(await ctx.src.read(path), label(ctx, path));
  const train = await load(det.train);
  const test = det.test ? await load(det.test) : undefined;
  const dirOf = (p: string) => (p.includes('/') ? p.slice(0, p.lastIndexOf('/') + 1) : '');
  const imagePath = (json: string, f: BlenderFrame) => dirOf(json) + frameImagePath(f.filePath);
  const find = (tr: BlenderTransforms | undefined, name: string) => tr?.frames.find((f) => frameName(f.filePath) === name);

  type Pick = { subset: 'train' | 'test'; tr: BlenderTransforms; json: string; frame: BlenderFrame };
  let picks: Pick[];
  /** View ids from the frame names (a single transforms.json: no train/test subsets to tell apart). */
  let plainIds: string[] | null = null;
  let splits: Record<string, SceneSplit>;
  const stdTrain = BLENDER_TRAIN.map((n) => find(train, n));
  const stdTest = BLENDER_TEST.map((n) => find(test, n));
  const present = (fr: BlenderFrame | undefined, json: string) => !!fr && files.has(imagePath(json, fr));
  const useStandard =
    !!test && stdTrain.every((f) => present(f, det.train)) && stdTest.every((f) => present(f, det.test!));
  if (useStandard) {
    picks = [
      ...stdTrain.map((frame) => ({ subset: 'train' as const, tr: train, json: det.train, frame: frame! })),
      ...stdTest.map((frame) => ({ subset: 'test' as const, tr: test!, json: det.test!, frame: frame! })),
    ];
    splits = blenderSplits();
  } else {
    const avail = (tr: BlenderTransforms | undefined, json: string | undefined, subset: 'train' | 'test') =>
      tr && json ? tr.frames.filter((f) => present(f, json)).map((frame) => ({ subset, tr, json, frame })) : [];
    picks = [...avail(train, det.train, 'train'), ...avail(test, det.test, 'test')];
    const idsOf = (s: string) => picks.filter((p) => p.subset === s).map((p) => blenderViewId(p.subset, frameName(p.frame.filePath)));
    if (idsOf('train').length === 0)
      throw new InputError(`none of the frames in ${det.train} has its image file (looked for e.g. ${imagePath(det.train, train.frames[0])})`, {
        file: ctx.src.label,
      });
    if (test) {
      splits = { all: { train: idsOf('train'), test: idsOf('test') } };
      ctx.warnings.push(
        `the standard 8 + 25 few-shot views are not all present: imported every frame that has an image (${idsOf('train').length} train, ${idsOf('test').length} test) as split "all"`,
      );
    } else {
      // One transforms.json (instant-ngp, nerfstudio): no test set of its own. As for LLFF, the
      // frames in name order, every 8th held out for testing, 3/6/9-view splits of the rest.
      picks.sort((a, b) => (frameName(a.frame.filePath) < frameName(b.frame.filePath) ? -1 : frameName(a.frame.filePath) > frameName(b.frame.filePath) ? 1 : 0));
      plainIds = uniqueIds(picks.map((p) => frameName(p.frame.filePath)));
      splits = llffSplits(plainIds);
      ctx.warnings.push(`${det.train} has no test set: every 8th of its ${picks.length} frames (in name order) is held out for testing, as for LLFF`);
    }
  }
  const ids = plainIds ?? picks.map((p) => blenderViewId(p.subset, frameName(p.frame.filePath)));

  const views: SceneView[] = [];
  let noAlpha = 0;
  let minDist = Infinity;
  let maxShift = 0;
  for (const [k, p] of picks.entries()) {
    ctx.opts.signal?.throwIfAborted();
    const id = ids[k];
    ctx.progress(`  [${k + 1}/${picks.length}] ${id}`);
    const read = await readImage(ctx, imagePath(p.json, p.frame));
    let { img } = read;
    const full = blenderFrameCamera(p.tr, p.frame, img.width, img.height);
    // Lens distortion (instant-ngp style k1 k2 k3 p1 p2): the photos are undistorted here, so the
    // pinhole camera kept is true for them.
    const d = p.tr.distortion;
    if (d) {
      maxShift = Math.max(maxShift, maxDistortionShift(full, d));
      img = undistortImage(img, full, d);
    }
    const camera = downscaleCamera(full, ctx.scale);
    minDist = Math.min(minDist, Math.hypot(p.frame.c2w[3], p.frame.c2w[7], p.frame.c2w[11]));
    // The RGBA image is kept as is (transparent background); its alpha is the mask.
    const view: SceneView = { id, image: d ? putDecoded(ctx, id, img) : putImage(ctx, id, read.bytes, img), camera };
    if (hasTransparency(img)) view.mask = putMask(ctx, id, img, 'alpha');
    else noAlpha++;
    views.push(view);
  }
  if (maxShift > 0)
    ctx.warnings.push(`the cameras have lens distortion (${distortionText(train.distortion ?? test?.distortion)}), moving pixels by up to ${maxShift.toFixed(1)} px: the photos were undistorted on import`);
  const other = [...new Set([...(train.otherDistortion ?? []), ...(test?.otherDistortion ?? [])])];
  if (other.length) ctx.warnings.push(`lens terms that are not undone (${other.join(', ')}) are ignored: straight lines may not line up near the image edges`);
  // Photos with a transparent background are composited on white (the NeRF-synthetic convention);
  // opaque photos keep their own background.
  const transparent = noAlpha < views.length;
  if (noAlpha && transparent) ctx.warnings.push(`${noAlpha} image(s) have no transparency, so they have no mask`);
  if (!transparent) ctx.warnings.push('the photos are opaque (no alpha channel to take masks from): the scene has no masks');
  // NeRF-synthetic objects sit inside [-1.5, 1.5]^3; shrink it if the cameras are closer than that.
  const half = Math.min(1.5, 0.5 * minDist);
  return {
    description: `NeRF Blender dataset imported from ${det.train}${det.test ? ` and ${det.test}` : ''}, ${views[0].camera!.width}x${views[0].camera!.height}${transparent ? ', composite on white' : ''}`,
    views,
    splits,
    bounds: cube(half),
    ...(transparent ? { background: [255, 255, 255] as [number, number, number] } : {}),
    source: { dataset: 'blender', format: 'nerf-transforms', scale: ctx.scale, standardSplits: useStandard, ...(maxShift > 0 ? { undistorted: true } : {}) },
  };
}

function distortionText(d: Distortion | undefined): string {
  return d ? (Object.entries(d) as [string, number][]).filter(([, v]) => v !== 0).map(([k, v]) => `${k} ${v}`).join(', ') : '';
}

/** Stores a decoded (changed) image: downsampled and PNG-encoded. */
function putDecoded(ctx: Ctx, id: string, img: RGBAImage): string {
  const path = `images/${id}.png`;
  ctx.files.set(path, encodePng(downscaleImage(img, ctx.scale)));
  return path;
}

function hasTransparency(img: RGBAImage): boolean {
  for (let i = 3; i < img.data.length; i += 4) if (img.data[i] !== 255) return true;
  return false;
}

// ---------------------------------------------------------------- LLFF

/** A scene id from a file name: its stem with anything but letters, digits, "_", "-", "." replaced. */
function idFromName(name: string): string {
  const base = name.split('/').pop()!.replace(IMAGE_RE, '');
  return base.replace(/[^\w.-]/g, '_') || 'view';
}

function uniqueIds(names: string[]): string[] {
  const seen = new Map<string, number>();
  return names.map((n) => {
    const id = idFromName(n);
    const k = seen.get(id) ?? 0;
    seen.set(id, k + 1);
    return k ? `${id}_${k}` : id;
  });
}

/**
 * Which row of poses_bounds.npy each photo of `imageDir` is. One to one when the counts match
 * (both in name order, as LLFF writes them). A folder that keeps only some photos of a capture
 * is matched by name: through `view_imgs.txt` (LLFF's imgs2poses writes it: the registered
 * photos, one name per line, in the rows' order), else through the original photos in `images/`
 * (all of them, in name order, one per row). Photos are matched by name without extension, so
 * images_8/IMG_3.png finds IMG_3.JPG.
 */
async function llffRows(ctx: Ctx, files: string[], imageDir: string, names: string[], rows: number, posesName: string): Promise<number[]> {
  if (names.length === rows) return names.map((_, i) => i);
  const stem = (f: string) => f.split('/').pop()!.replace(/\.[^.]*$/, '').toLowerCase();
  let order: string[] | null = null;
  let via = '';
  if (files.includes('view_imgs.txt')) {
    order = new TextDecoder().decode(await ctx.src.read('view_imgs.txt')).split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
    via = 'view_imgs.txt';
    if (order.length !== rows)
      throw new InputError(`lists ${order.length} photos but ${posesName} has ${rows} rows: it must name the photo of each row, in order`, { file: label(ctx, 'view_imgs.txt') });
  } else if (imageDir !== 'images' && imagesIn(files, 'images').length === rows) {
    order = imagesIn(files, 'images');
    via = 'the original photos in images/';
  }
  if (!order)
    throw new InputError(
      `${imageDir}/ has ${names.length} images but ${posesName} has ${rows} rows, and nothing says which row is which photo. ` +
        `Keep every photo, or add view_imgs.txt (one photo name per line, in the rows' order, as LLFF's imgs2poses writes it), ` +
        `or keep the original photos in images/ (one per row, in name order)`,
      { file: ctx.src.label },
    );
  const rowOf = new Map<string, number>();
  order.forEach((n, i) => rowOf.set(stem(n), i));
  const missing = names.filter((n) => !rowOf.has(stem(n)));
  if (missing.length)
    throw new InputError(`${missing.map((n) => n.split('/').pop()).join(', ')} ${missing.length === 1 ? 'is' : 'are'} not among the ${rows} photos of ${via}, so ${missing.length === 1 ? 'its' : 'their'} row of ${posesName} is unknown`, {
      file: ctx.src.label,
    });
  ctx.warnings.push(`${imageDir}/ keeps ${names.length} of the ${rows} photos of ${posesName}: rows matched by name through ${via}`);
  return names.map((n) => rowOf.get(stem(n))!);
}

/** The mask folder next to an LLFF image folder (masks_8/ for images_8/, else masks/ or mask/), or null. */
function llffMaskDir(files: string[], imageDir: string): string | null {
  const scaled = /^images_(\d+)$/.exec(imageDir)?.[1];
  const dirs = [...(scaled ? [`masks_${scaled}`, `mask_${scaled}`] : []), 'masks', 'mask'];
  return dirs.find((d) => imagesIn(files, d).length > 0) ?? null;
}

async function importLlff(ctx: Ctx, det: Extract<DetectedDataset, { kind: 'llff' }>): Promise<Omit<SceneManifest, 'version' | 'name'>> {
  const posesFile = label(ctx, det.poses);
  const poses = parseLlffPosesBounds(parseNpy(await ctx.src.read(det.poses), posesFile), posesFile);
  const files = await listFiles(ctx.src);
  const names = imagesIn(files, det.imageDir);
  const rows = await llffRows(ctx, files, det.imageDir, names, poses.length, det.poses);
  const used = rows.map((r) => poses[r]);
  // Masks: matched to the photos by name without extension (IMG_3.png for IMG_3.JPG).
  const maskDir = llffMaskDir(files, det.imageDir);
  const maskByStem = new Map((maskDir ? imagesIn(files, maskDir) : []).map((f) => [f.split('/').pop()!.replace(IMAGE_RE, '').toLowerCase(), f]));
  const unmasked: string[] = [];
  const ids = uniqueIds(names);
  const views: SceneView[] = [];
  for (const [i, name] of names.entries()) {
    ctx.opts.signal?.throwIfAborted();
    ctx.progress(`  [${i + 1}/${names.length}] ${ids[i]}`);
    const { bytes, img } = await readImage(ctx, name);
    const [h, w] = used[i].hwf;
    if (i === 0 && Math.abs((img.width / w) * (h / img.height) - 1) > 0.01)
      ctx.warnings.push(`${name} is ${img.width}x${img.height} but poses_bounds.npy says ${w}x${h}: the aspect ratios differ, so the images may be cropped`);
    const camera = downscaleCamera(llffCamera(used[i], img.width, img.height), ctx.scale);
    const view: SceneView = { id: ids[i], image: putImage(ctx, ids[i], bytes, img), camera };
    const maskPath = maskByStem.get(name.split('/').pop()!.replace(IMAGE_RE, '').toLowerCase());
    if (maskPath) view.mask = putMask(ctx, ids[i], await readMaskAt(ctx, maskPath, img), 'auto');
    else if (maskDir) unmasked.push(ids[i]);
    views.push(view);
  }
  if (maskDir) {
    const n = views.length - unmasked.length;
    ctx.progress(`  masks from ${maskDir}/: ${n} of ${views.length} views`);
    if (unmasked.length) ctx.warnings.push(`${unmasked.length} of ${views.length} views have no mask in ${maskDir}/ (${unmasked.join(', ')}): the scene has masks for some views only`);
  }
  const bounds = frustumBounds(
    views.map((v) => v.camera!),
    used.map((p) => [p.near, p.far]),
  );
  if (!bounds) ctx.warnings.push('near/far bounds in poses_bounds.npy are not usable; the scene has no bounds');
  return {
    description: `LLFF dataset imported from ${det.poses} + ${det.imageDir}/${maskDir ? ` + ${maskDir}/` : ''}, ${views[0].camera!.width}x${views[0].camera!.height}, forward-facing`,
    views,
    splits: llffSplits(ids),
    ...(bounds ? { bounds } : {}),
    source: {
      dataset: 'llff',
      format: 'poses_bounds',
      scale: ctx.scale,
      imageDir: det.imageDir,
      ...(maskDir ? { maskDir } : {}),
      ...(names.length !== poses.length ? { rows } : {}),
      near: Math.min(...used.map((p) => p.near)),
      far: Math.max(...used.map((p) => p.far)),
    },
  };
}

/**
 * A mask image for a photo: the same size, or a whole multiple of it (masks kept at full size
 * next to images_8/: box-filtered down), else refused with both sizes.
 */
async function readMaskAt(ctx: Ctx, path: string, photo: RGBAImage): Promise<RGBAImage> {
  const mask = (await readImage(ctx, path)).img;
  if (mask.width === photo.width && mask.height === photo.height) return mask;
  const f = mask.width / photo.width;
  if (Number.isInteger(f) && f > 1 && Math.floor(mask.height / f) === photo.height) return downscaleImage(mask, f);
  throw new InputError(`mask is ${mask.width}x${mask.height} but its photo is ${photo.width}x${photo.height}`, { file: label(ctx, path) });
}

/** Axis-aligned box around every view frustum between its near and far depth, or null when the depths make no sense. */
function frustumBounds(cams: Camera[], nearFar: [number, number][]): { min: Vec3; max: Vec3 } | null {
  const min: Vec3 = [Infinity, Infinity, Infinity];
  const max: Vec3 = [-Infinity, -Infinity, -Infinity];
  for (const [i, c] of cams.entries()) {
    const [near, far] = nearFar[i];
    if (!(near > 0 && far > near && Number.isFinite(far))) return null;
    for (const d of [near, far])
      for (const [u, v] of [[0, 0], [c.width, 0], [0, c.height], [c.width, c.height]]) {
        // Camera-space corner at depth d, then to world.
        const X = cameraToWorld(c, [((u - c.cx) / c.fx) * d, ((v - c.cy) / c.fy) * d, d]);
        for (let a = 0; a < 3; a++) {
          const w = X[a];
          min[a] = Math.min(min[a], w);
          max[a] = Math.max(max[a], w);
        }
      }
  }
  return min.every(Number.isFinite) && max.every(Number.isFinite) ? { min, max } : null;
}

// ---------------------------------------------------------------- COLMAP text

async function importColmap(ctx: Ctx, det: Extract<DetectedDataset, { kind: 'colmap' }>): Promise<Omit<SceneManifest, 'version' | 'name'>> {
  const p = (f: string) => (det.modelDir ? `${det.modelDir}/${f}` : f);
  const text = async (f: string) => new TextDecoder().decode(await ctx.src.read(p(f)));
  const cameras = parseColmapCameras(await text('cameras.txt'), label(ctx, p('cameras.txt')));
  const images = parseColmapImages(await text('images.txt'), label(ctx, p('images.txt')));
  const { views: cv, warnings } = colmapViews(cameras, images, label(ctx, p('images.txt')));
  ctx.warnings.push(...warnings);
  // 3DGS and the LLFF protocol order views by image name before taking every 8th as test.
  cv.sort((a, b) => (a.image.name < b.image.name ? -1 : a.image.name > b.image.name ? 1 : 0));
  const ids = uniqueIds(cv.map((v) => v.image.name));
  const views: SceneView[] = [];
  for (const [i, { image, camera }] of cv.entries()) {
    ctx.opts.signal?.throwIfAborted();
    ctx.progress(`  [${i + 1}/${cv.length}] ${ids[i]}`);
    const { bytes, img } = await readImage(ctx, `${det.imageDir}/${image.name}`);
    let cam = camera;
    if (img.width !== camera.width || img.height !== camera.height) {
      // A downsampled copy of the calibrated images is fine as long as the shape is the same.
      if (Math.abs((img.width / camera.width) * (camera.height / img.height) - 1) > 0.01)
        throw new InputError(`image is ${img.width}x${img.height} but its COLMAP camera is ${camera.width}x${camera.height}`, {
          file: label(ctx, `${det.imageDir}/${image.name}`),
        });
      cam = { ...camera, fx: (camera.fx * img.width) / camera.width, fy: (camera.fy * img.height) / camera.height, cx: (camera.cx * img.width) / camera.width, cy: (camera.cy * img.height) / camera.height, width: img.width, height: img.height };
    }
    views.push({ id: ids[i], image: putImage(ctx, ids[i], bytes, img), camera: downscaleCamera(cam, ctx.scale) });
  }
  let bounds: { min: Vec3; max: Vec3 } | undefined;
  const all = await listFiles(ctx.src);
  if (all.includes(p('points3D.txt'))) {
    const pts = parseColmapPoints(await text('points3D.txt'), label(ctx, p('points3D.txt')));
    bounds = percentileBounds(pts.xyz, 0.01) ?? undefined;
  }
  return {
    description: `COLMAP text model imported from ${det.modelDir || '.'} + ${det.imageDir}/, ${views[0].camera!.width}x${views[0].camera!.height}`,
    views,
    splits: llffSplits(ids),
    ...(bounds ? { bounds } : {}),
    source: { dataset: 'colmap', format: 'colmap-text', scale: ctx.scale },
  };
}

/** Per-axis [q, 1-q] quantiles of the sparse points, so a few stray points do not blow up the box. */
function percentileBounds(xyz: Float64Array, q: number): { min: Vec3; max: Vec3 } | null {
  const n = xyz.length / 3;
  if (n < 10) return null;
  const min = [0, 0, 0] as Vec3;
  const max = [0, 0, 0] as Vec3;
  for (let a = 0; a < 3; a++) {
    const v = Float64Array.from({ length: n }, (_, i) => xyz[i * 3 + a]).sort();
    min[a] = v[Math.floor(q * (n - 1))];
    max[a] = v[Math.ceil((1 - q) * (n - 1))];
    if (!(min[a] < max[a])) return null;
  }
  return { min, max };
}
