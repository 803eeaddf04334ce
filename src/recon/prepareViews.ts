/**
 * Turns a loaded scene and a split into what training and evaluation consume: views of one size
 * (resized with their cameras when asked), photos composited over the scene's background when
 * they carry transparency (Blender's RGBA renders: scored on white as the papers do).
 */
import { resizeCamera } from '../core/camera.ts';
import { InputError } from '../core/errors.ts';
import { createImage, resizeImage, type RGBAImage } from '../core/image.ts';
import type { LoadedScene, LoadedView } from '../io/sceneFolder.ts';
import type { TrainView } from './train/trainer.ts';

export interface PreparedSplit {
  train: TrainView[];
  test: TrainView[];
  background: [number, number, number];
}

export function compositeOver(img: RGBAImage, bg: readonly [number, number, number]): RGBAImage {
  const out = createImage(img.width, img.height);
  const d = img.data;
  for (let i = 0; i < img.width * img.height; i++) {
    const a = d[i * 4 + 3] / 255;
    for (let c = 0; c < 3; c++) out.data[i * 4 + c] = Math.round(d[i * 4 + c] * a + bg[c] * (1 - a));
    out.data[i * 4 + 3] = 255;
  }
  return out;
}

/** A mask at another size (box/bilinear like the photos, thresholded at half). */
export function resizeMask(mask: Uint8Array, w: number, h: number, W: number, H: number): Uint8Array {
  if (w === W && h === H) return mask;
  const img = createImage(w, h);
  for (let i = 0; i < w * h; i++) img.data[i * 4] = img.data[i * 4 + 1] = img.data[i * 4 + 2] = img.data[i * 4 + 3] = mask[i] ? 255 : 0;
  const r = resizeImage(img, W, H);
  const out = new Uint8Array(W * H);
  for (let i = 0; i < W * H; i++) out[i] = r.data[i * 4] >= 128 ? 1 : 0;
  return out;
}

function toTrainView(v: LoadedView, size: { width: number; height: number } | undefined, bg: readonly [number, number, number], field: string): TrainView {
  if (!v.camera) throw new InputError(`view "${v.id}" has no camera: training and evaluation need posed views`, { field });
  const W = size?.width ?? v.rgba.width;
  const H = size?.height ?? v.rgba.height;
  const hasAlpha = v.rgba.data.some((x, i) => i % 4 === 3 && x !== 255);
  const photo = hasAlpha ? compositeOver(v.rgba, bg) : v.rgba;
  return {
    id: v.id,
    camera: resizeCamera(v.camera, W, H),
    rgba: resizeImage(photo, W, H),
    mask: v.maskData ? resizeMask(v.maskData, v.rgba.width, v.rgba.height, W, H) : undefined,
    ...(v.cameraGuess ? { cameraGuess: true } : {}),
  };
}

/** The views among `ids` whose camera is only a guess (scene.json's cameraGuess): training refines them. */
export function guessedViewIds(scene: LoadedScene, ids: readonly string[]): string[] {
  const guessed = new Set(scene.views.filter((v) => v.cameraGuess).map((v) => v.id));
  return ids.filter((id) => guessed.has(id));
}

export function prepareSplit(scene: LoadedScene, splitName: string, size?: { width: number; height: number }): PreparedSplit {
  const split = scene.manifest.splits[splitName];
  if (!split) {
    const names = Object.keys(scene.manifest.splits);
    throw new InputError(`scene "${scene.manifest.name}" has no split "${splitName}" (it has: ${names.join(', ') || 'none'})`, { field: 'splits' });
  }
  const bg = (scene.manifest.background ?? [0, 0, 0]).map((c) => c / 255) as [number, number, number];
  const bg255 = scene.manifest.background ?? [0, 0, 0];
  const byId = new Map(scene.views.map((v) => [v.id, v]));
  const pick = (ids: string[], key: string) => ids.map((id, i) => toTrainView(byId.get(id)!, size, bg255, `splits.${splitName}.${key}[${i}]`));
  return { train: pick(split.train, 'train'), test: pick(split.test, 'test'), background: bg };
}
