/**
 * Loads a scene folder from any FileSource: validates scene.json, decodes every image and mask,
 * and checks that sizes agree with each other and with the cameras. Every error names the file.
 */
import { InputError } from '../core/errors.ts';
import { decodeImage, maskFromImage, type RGBAImage } from '../core/image.ts';
import { downscaleCamera, downscaleImage, factorToFit } from './downscale.ts';
import type { FileSource } from './fileSource.ts';
import { parseSceneManifest, SCENE_FILE, type SceneManifest, type SceneView } from './sceneFormat.ts';

export interface LoadedView extends SceneView {
  rgba: RGBAImage;
  /** width*height, 1 = object, 0 = background; undefined when the scene has no mask for it. */
  maskData?: Uint8Array;
}

export interface LoadedScene {
  manifest: SceneManifest;
  views: LoadedView[];
  /** The factor the images were box-filtered down by to fit MAX_SCENE_PIXELS (absent: none). */
  downscaled?: number;
}

export interface LoadSceneOptions {
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
  /** Most decoded pixels for all views together (default MAX_SCENE_PIXELS). */
  maxPixels?: number;
}

/**
 * Decoded pixels a scene may hold in all (128 MP: 512 MB of RGBA). A bigger scene is box-filtered
 * down by one integer factor as each image is decoded, cameras and masks with it, so memory stays
 * bounded whatever the folder holds (the scenes the papers use, 400x300 to 800x800, never are).
 */
export const MAX_SCENE_PIXELS = 128 * 2 ** 20;

export async function loadSceneManifest(src: FileSource): Promise<SceneManifest> {
  const bytes = await src.read(SCENE_FILE);
  return parseSceneManifest(bytes, joinLabel(src.label, SCENE_FILE));
}

export async function loadScene(src: FileSource, opts: LoadSceneOptions = {}): Promise<LoadedScene> {
  const manifest = await loadSceneManifest(src);
  const views: LoadedView[] = [];
  let done = 0;
  const total = manifest.views.length;
  // The factor is fixed by the first image (a scene's views share one size as a rule; a view of
  // another size gets the same factor, so their ratio is kept).
  let factor = 0;
  for (const [i, v] of manifest.views.entries()) {
    opts.signal?.throwIfAborted();
    const full = decodeImage(await src.read(v.image), joinLabel(src.label, v.image));
    if (factor === 0) factor = factorToFit(full.width, full.height, Math.floor((opts.maxPixels ?? MAX_SCENE_PIXELS) / total));
    const rgba = downscaleImage(full, factor);
    const where = { file: joinLabel(src.label, SCENE_FILE), field: `views[${i}].camera` };
    if (v.camera && (v.camera.width !== full.width || v.camera.height !== full.height))
      throw new InputError(
        `camera is ${v.camera.width}x${v.camera.height} but ${v.image} is ${full.width}x${full.height}`,
        where,
      );
    let maskData: Uint8Array | undefined;
    if (v.mask) {
      const maskImg = decodeImage(await src.read(v.mask), joinLabel(src.label, v.mask));
      if (maskImg.width !== full.width || maskImg.height !== full.height)
        throw new InputError(
          `mask is ${maskImg.width}x${maskImg.height} but its image is ${full.width}x${full.height}`,
          { file: joinLabel(src.label, v.mask) },
        );
      maskData = maskFromImage(downscaleImage(maskImg, factor));
    }
    views.push({ ...v, ...(v.camera ? { camera: downscaleCamera(v.camera, factor) } : {}), rgba, maskData });
    opts.onProgress?.(++done, total);
  }
  if (factor > 1)
    return { manifest: { ...manifest, views: manifest.views.map((v, i) => ({ ...v, ...(views[i].camera ? { camera: views[i].camera } : {}) })) }, views, downscaled: factor };
  return { manifest, views };
}

function joinLabel(label: string, path: string): string {
  return label.endsWith('/') ? label + path : `${label}/${path}`;
}
