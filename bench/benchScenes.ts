/**
 * Where the benchmarks find the research datasets and their imported scene folders: the
 * datasets stay in ../shared/datasets (never copied into the repo); each is imported once into
 * out/bench-scenes/<name> (gitignored) and reused.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
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
