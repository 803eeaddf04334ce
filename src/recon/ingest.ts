/**
 * Ingest stage: turns what a person dropped on the page (files with their relative paths) into
 * either a loaded scene folder or a set of 3 to 9 photos, ready for the later stages.
 *
 * Plain async function over plain data: no DOM, no React. Runs in a web worker in the app
 * (workers/ingest.worker.ts) and in Node in tests.
 *
 * What a drop may be:
 * - a scene folder: the drop contains `scene.json` (at the top or inside one top folder);
 * - a `.zip` holding a scene folder or 3 to 9 photos (dropped on its own);
 * - 3 to 9 PNG or JPEG photos, all the same size once upright (portrait photos among landscape
 *   ones, or the other way round, are turned a quarter to match the first: the poses stage copes
 *   with turned photos, the trainer needs one size).
 *
 * A drop is all or nothing: if any file is unusable, the whole drop is refused with an
 * InputError that names the file and says what to do, so the caller keeps what it had loaded.
 */
import { InputError } from '../core/errors.ts';
import { decodeImage, orientImage, sniffImageFormat, type RGBAImage } from '../core/image.ts';
import { downscaleImage, factorToFit } from '../io/downscale.ts';
import { readPhotoExif, type PhotoExif } from '../io/exif.ts';
import { memorySource, normalizePath, zipSource, type FileSource } from '../io/fileSource.ts';
import { loadScene, type LoadedScene, type LoadedView } from '../io/sceneFolder.ts';
import { parseSceneManifest, SCENE_FILE, SCENE_VERSION, type SceneManifest } from '../io/sceneFormat.ts';

/** One dropped file. `name` is its path relative to what was dropped ("lego/images/a.png"). */
export interface DroppedFile {
  name: string;
  bytes: Uint8Array;
}

export interface IngestOptions {
  signal?: AbortSignal;
  /** Called after each image is decoded. */
  onProgress?: (done: number, total: number) => void;
  /** Caps on decoded photo pixels (default MAX_PHOTO_PIXELS, MAX_DROP_PIXELS; tests lower them). */
  maxPhotoPixels?: number;
  maxDropPixels?: number;
}

/**
 * `scene`: a scene folder (views may have cameras, masks and splits).
 * `photos`: a photo set, as a scene without cameras, masks or splits (view ids from file names).
 * `label` says where it came from (folder or zip name, or "3 photos").
 * Photos are turned upright by their EXIF Orientation here, before anything else sees their
 * pixels; `exif` keeps each photo's tags (the poses stage takes its focal length from them).
 */
export type IngestResult =
  | { kind: 'scene'; label: string; scene: LoadedScene }
  | { kind: 'photos'; label: string; scene: LoadedScene; exif?: PhotoExif[]; notes?: string[] };

export const MIN_PHOTOS = 3;
export const MAX_PHOTOS = 9;

/**
 * Decoded pixels kept per photo and per drop: 16 MP and 64 MP (256 MB of RGBA for the whole
 * set). Larger photos are box-filtered down by an integer factor right after decoding, here in
 * the worker, so nine 48 MP photos cost 256 MB and not 1.7 GB (which would crash a tab). The
 * reconstruction trains at well under a megapixel, so nothing it uses is lost.
 */
export const MAX_PHOTO_PIXELS = 4096 * 4096;
export const MAX_DROP_PIXELS = 64 * 2 ** 20;

const WHAT_TO_DROP = `Drop ${MIN_PHOTOS} to ${MAX_PHOTOS} photos (PNG or JPEG), a scene folder, or a .zip of one.`;

export async function ingest(files: readonly DroppedFile[], opts: IngestOptions = {}): Promise<IngestResult> {
  return ingestFiles(files, opts, null);
}

async function ingestFiles(
  files: readonly DroppedFile[],
  opts: IngestOptions,
  fromZip: string | null,
): Promise<IngestResult> {
  opts.signal?.throwIfAborted();
  const kept = files
    .map((f) => ({ name: normalizePath(f.name).replace(/^\/+/, ''), bytes: f.bytes }))
    .filter((f) => !isIgnorable(f.name));
  if (kept.length === 0) {
    const where = fromZip ? `${fromZip} holds nothing usable. ` : files.length ? 'Nothing usable was dropped (only hidden or system files). ' : 'Nothing to open. ';
    throw new InputError(where + WHAT_TO_DROP);
  }

  const sceneFiles = kept.filter((f) => baseName(f.name) === SCENE_FILE);
  if (sceneFiles.length > 0) return ingestSceneFolder(kept, sceneFiles, opts, fromZip);

  const zips = kept.filter((f) => /\.zip$/i.test(f.name));
  if (zips.length > 0) {
    if (fromZip) throw new InputError(`${fromZip} contains another zip (${zips[0].name}). Unzip it and drop the inner folder or zip.`);
    if (zips.length > 1) throw new InputError(`Drop one .zip at a time (you gave ${zips.length}: ${zips.map((z) => z.name).join(', ')}).`);
    if (kept.length > 1)
      throw new InputError(`Drop the .zip on its own (you also gave ${kept.length - 1} other file${kept.length > 2 ? 's' : ''}).`);
    return ingestZip(zips[0], opts);
  }

  return ingestPhotos(kept, opts, fromZip);
}

async function ingestZip(zip: DroppedFile, opts: IngestOptions): Promise<IngestResult> {
  const label = baseName(zip.name);
  const src = zipSource(label, zip.bytes);
  const paths = (await src.list?.()) ?? [];
  const inner: DroppedFile[] = [];
  for (const p of paths) inner.push({ name: p, bytes: await src.read(p) });
  return ingestFiles(inner, opts, label);
}

// ---- scene folders --------------------------------------------------------------------------

async function ingestSceneFolder(
  files: DroppedFile[],
  sceneFiles: DroppedFile[],
  opts: IngestOptions,
  fromZip: string | null,
): Promise<IngestResult> {
  const depth = (p: string) => p.split('/').length;
  const minDepth = Math.min(...sceneFiles.map((f) => depth(f.name)));
  const top = sceneFiles.filter((f) => depth(f.name) === minDepth);
  if (top.length > 1)
    throw new InputError(
      `The drop holds more than one scene (${top.map((f) => f.name).join(', ')}). Open one scene at a time.`,
    );
  const root = top[0].name.slice(0, -SCENE_FILE.length); // "" or "lego/"
  const inRoot = new Map<string, Uint8Array>();
  for (const f of files) if (f.name.startsWith(root)) inRoot.set(f.name.slice(root.length), f.bytes);
  const label = fromZip ?? (root ? root.replace(/\/$/, '') : '.');
  // Validate scene.json first so its errors name it as the person sees it ("scene.json", not
  // "./scene.json", when the files were dropped without their folder).
  parseSceneManifest(top[0].bytes, fromZip ? `${fromZip}/${SCENE_FILE}` : top[0].name);
  const src = withBaseNameFallback(memorySource(label, inRoot), inRoot, label);
  const scene = await loadScene(src, { signal: opts.signal, onProgress: opts.onProgress });
  const shrunk = scene.downscaled ? ` (downscaled ${scene.downscaled}x to keep memory in bounds)` : '';
  return { kind: 'scene', label: (fromZip ?? (root ? label : scene.manifest.name)) + shrunk, scene };
}

/**
 * Files picked one by one in a file dialog lose their folders ("images/a.png" arrives as
 * "a.png", next to scene.json). When a path in scene.json is not found, accept the file with
 * that name next to scene.json; otherwise say what is missing and how to fix it.
 */
function withBaseNameFallback(src: FileSource, inRoot: Map<string, Uint8Array>, label: string): FileSource {
  const flat = new Map([...inRoot].filter(([p]) => !p.includes('/')));
  return {
    label: src.label,
    list: src.list,
    async read(path) {
      try {
        return await src.read(path);
      } catch (e) {
        const same = flat.get(baseName(normalizePath(path)));
        if (same) return same;
        throw new InputError(
          `"${path}" (listed in ${SCENE_FILE}) is not in the drop. Drop the whole scene folder, or a .zip of it.`,
          { file: label },
        );
      }
    },
  };
}

// ---- photo sets -----------------------------------------------------------------------------

async function ingestPhotos(files: DroppedFile[], opts: IngestOptions, fromZip: string | null): Promise<IngestResult> {
  const sorted = [...files].sort((a, b) => a.name.localeCompare(b.name, undefined, { numeric: true }));

  // Cheap checks first (file signatures, count), so a bad drop is refused before decoding.
  const notImages = sorted.filter((f) => !sniffImageFormat(f.bytes));
  if (notImages.length > 0) {
    const first = notImages[0];
    const others = notImages.length > 1 ? ` (and ${notImages.length - 1} other file${notImages.length > 2 ? 's' : ''})` : '';
    throw new InputError(
      `${first.name} is not a PNG or JPEG photo${describeNonImage(first.bytes)}${others}. ${WHAT_TO_DROP}`,
      { file: fromZip ?? undefined },
    );
  }
  const n = sorted.length;
  const inZip = fromZip ? ` in ${fromZip}` : '';
  if (n < MIN_PHOTOS)
    throw new InputError(
      `Add at least ${MIN_PHOTOS} photos of the object from different sides (you gave ${n}${inZip}).`,
    );
  if (n > MAX_PHOTOS)
    throw new InputError(
      `Use at most ${MAX_PHOTOS} photos (you gave ${n}${inZip}). Keep the ${MAX_PHOTOS} that best cover the object from different sides.`,
    );

  const images: { file: DroppedFile; rgba: RGBAImage; exif: PhotoExif }[] = [];
  const turned: string[] = [];
  // The first photo's size as decoded and turned upright (before any downscale): the others must match it.
  let full: { width: number; height: number } | null = null;
  let factor = 1;
  for (const file of sorted) {
    opts.signal?.throwIfAborted();
    const exif = await readPhotoExif(file.bytes);
    let rgba = orientImage(decodeImage(file.bytes, fromZip ? `${fromZip}/${file.name}` : file.name), exif.orientation ?? 1);
    if (full && rgba.width !== rgba.height && rgba.width === full.height && rgba.height === full.width) {
      // Portrait among landscape (or the reverse): a quarter turn (EXIF orientation 6) gives one size.
      rgba = orientImage(rgba, 6);
      turned.push(file.name);
    }
    if (full && (full.width !== rgba.width || full.height !== rgba.height))
      throw new InputError(
        `Photos must all be the same size: ${images[0].file.name} is ${full.width}x${full.height} but ` +
          `${file.name} is ${rgba.width}x${rgba.height}. Export them at one size and try again.`,
      );
    if (!full) {
      full = { width: rgba.width, height: rgba.height };
      const budget = Math.min(opts.maxPhotoPixels ?? MAX_PHOTO_PIXELS, Math.floor((opts.maxDropPixels ?? MAX_DROP_PIXELS) / n));
      factor = factorToFit(rgba.width, rgba.height, budget);
    }
    images.push({ file, rgba: downscaleImage(rgba, factor), exif });
    opts.onProgress?.(images.length, n);
  }

  const ids = uniqueIds(images.map((im) => im.file.name));
  const views: LoadedView[] = images.map((im, i) => ({ id: ids[i], image: im.file.name, rgba: im.rgba }));
  const manifest: SceneManifest = {
    version: SCENE_VERSION,
    name: fromZip ? fromZip.replace(/\.zip$/i, '') : 'photos',
    views: views.map(({ id, image }) => ({ id, image })),
    splits: {},
  };
  const notes = turned.length
    ? [`Turned ${turned.join(', ')} a quarter turn to match ${images[0].file.name} (${turned.length === 1 ? 'it was' : 'they were'} taken the other way up); the reconstruction does not mind.`]
    : [];
  const small = images[0].rgba;
  if (factor > 1)
    notes.push(`Downscaled the photos ${factor}x, from ${full!.width}x${full!.height} to ${small.width}x${small.height}, to keep memory in bounds (${(MAX_PHOTO_PIXELS / 2 ** 20).toFixed(0)} MP a photo, ${(MAX_DROP_PIXELS / 2 ** 20).toFixed(0)} MP a drop); training uses far fewer pixels.`);
  return { kind: 'photos', label: fromZip ?? `${n} photos`, scene: { manifest, views }, exif: images.map((im) => im.exif), notes };
}

/** A short hint for common non-PNG/JPEG files, so the message says what to do about them. */
function describeNonImage(b: Uint8Array): string {
  const ascii = (from: number, to: number) => String.fromCharCode(...b.subarray(from, to));
  if (b.length === 0) return ' (the file is empty)';
  if (b.length >= 12 && ascii(4, 8) === 'ftyp' && /^(hei|hev|mif|msf|avi)/.test(ascii(8, 12)))
    return ' (it is a HEIC/AVIF image: export it as JPEG)';
  if (b.length >= 12 && ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return ' (it is a WebP image: export it as PNG or JPEG)';
  if (ascii(0, 4) === 'GIF8') return ' (it is a GIF: export it as PNG)';
  if (ascii(0, 5) === '%PDF-') return ' (it is a PDF)';
  const head = b.subarray(0, 512);
  if (head.every((c) => c === 9 || c === 10 || c === 13 || (c >= 32 && c < 127) || c >= 128)) return ' (it looks like text)';
  return '';
}

function isIgnorable(path: string): boolean {
  const base = baseName(path);
  return path.startsWith('__MACOSX/') || base.startsWith('.') || base === 'Thumbs.db' || base === 'desktop.ini' || base === '';
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** View ids from file names: the name without extension, safe characters only, unique. */
function uniqueIds(paths: string[]): string[] {
  const used = new Set<string>();
  return paths.map((p) => {
    const stem = baseName(p).replace(/\.[^.]*$/, '').replace(/[^\w.-]+/g, '_') || 'photo';
    let id = stem;
    for (let k = 2; used.has(id); k++) id = `${stem}-${k}`;
    used.add(id);
    return id;
  });
}
