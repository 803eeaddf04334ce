/**
 * Loads a scene folder from any FileSource: validates scene.json, decodes every image and mask,
 * and checks that sizes agree with each other and with the cameras. Every error names the file.
 */
import { InputError } from '../core/errors.ts';
import { decodeImage, maskFromImage, type RGBAImage } from '../core/image.ts';
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
}

export interface LoadSceneOptions {
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

export async function loadSceneManifest(src: FileSource): Promise<SceneManifest> {
  const bytes = await src.read(SCENE_FILE);
  return parseSceneManifest(bytes, joinLabel(src.label, SCENE_FILE));
}

export async function loadScene(src: FileSource, opts: LoadSceneOptions = {}): Promise<LoadedScene> {
  const manifest = await loadSceneManifest(src);
  const views: LoadedView[] = [];
  let done = 0;
  const total = manifest.views.length;
  for (const [i, v] of manifest.views.entries()) {
    opts.signal?.throwIfAborted();
    const rgba = decodeImage(await src.read(v.image), joinLabel(src.label, v.image));
    const where = { file: joinLabel(src.label, SCENE_FILE), field: `views[${i}].camera` };
    if (v.camera && (v.camera.width !== rgba.width || v.camera.height !== rgba.height))
      throw new InputError(
        `camera is ${v.camera.width}x${v.camera.height} but ${v.image} is ${rgba.width}x${rgba.height}`,
        where,
      );
    let maskData: Uint8Array | undefined;
    if (v.mask) {
      const maskImg = decodeImage(await src.read(v.mask), joinLabel(src.label, v.mask));
      if (maskImg.width !== rgba.width || maskImg.height !== rgba.height)
        throw new InputError(
          `mask is ${maskImg.width}x${maskImg.height} but its image is ${rgba.width}x${rgba.height}`,
          { file: joinLabel(src.label, v.mask) },
        );
      maskData = maskFromImage(maskImg);
    }
    views.push({ ...v, rgba, maskData });
    opts.onProgress?.(++done, total);
  }
  return { manifest, views };
}

function joinLabel(label: string, path: string): string {
  return label.endsWith('/') ? label + path : `${label}/${path}`;
}
