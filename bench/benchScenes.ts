/**
 * Where the benchmarks find the research datasets and their imported scene folders: the
 * datasets stay in ../shared/datasets (never copied into the repo); each is imported once into
 * out/bench-scenes/<name> (gitignored) and reused.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { RGBAImage } from '../src/core/image.ts';
import { importDatasetFolder } from '../src/node/importDatasetFs.ts';

export const DATASETS = resolve('../shared/datasets');
const CACHE = resolve('out/bench-scenes');

/** The scene folder of dataset `source`, imported on first use; null when the dataset is absent. */
export async function ensureImported(name: string, source: string): Promise<string | null> {
  const dir = resolve(CACHE, name);
  if (existsSync(resolve(dir, 'scene.json'))) return dir;
  if (!existsSync(source)) return null;
  console.error(`importing ${source} -> ${dir}`);
  await importDatasetFolder(source, dir, {});
  return dir;
}

/** Composites RGBA on a background colour (lego's transparent background -> white), as a photo would show it. */
export function flatten(img: RGBAImage, bg: [number, number, number]): RGBAImage {
  const data = new Uint8ClampedArray(img.data.length);
  for (let i = 0; i < img.width * img.height; i++) {
    const a = img.data[4 * i + 3] / 255;
    for (let c = 0; c < 3; c++) data[4 * i + c] = Math.round(img.data[4 * i + c] * a + bg[c] * (1 - a));
    data[4 * i + 3] = 255;
  }
  return { width: img.width, height: img.height, data };
}
