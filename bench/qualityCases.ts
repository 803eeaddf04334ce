/**
 * The scenes and splits bench:quality scores: every generated scene of scenes/index.json (its 3-
 * and 9-view splits) and, when ../shared/datasets exists, DTU scan37 (3 and 9 views, masked
 * metrics, 400x300), Blender lego (8 views, full image, 400x400 on white) and LLFF fern (3 views,
 * full image, 504x378). Datasets are imported once into out/bench-scenes/ (gitignored).
 */
import { DATASETS, ensureImported } from './benchScenes.ts';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';

export interface QualityCase {
  scene: string;
  dir: string;
  split: string;
  /** Which metrics the paper reports for it: DTU's masked convention or the full image. */
  metric: 'masked' | 'full';
}



export async function qualityCases(): Promise<{ cases: QualityCase[]; notes: string[] }> {
  const cases: QualityCase[] = [];
  const notes: string[] = [];
  const index = JSON.parse(await readFile(resolve('scenes/index.json'), 'utf8')) as { name: string; path: string }[];
  for (const s of index) {
    const manifest = JSON.parse(await readFile(resolve('scenes', s.path, 'scene.json'), 'utf8')) as { splits: Record<string, unknown> };
    for (const split of ['3', '9'].filter((k) => k in manifest.splits)) cases.push({ scene: s.name, dir: resolve('scenes', s.path), split, metric: 'masked' });
  }
  // Imports cached in out/bench-scenes count even where the datasets folder is absent (a GPU
  // machine given the cache alone: bench/gpuMachine/run.sh).
  const haveDatasets = existsSync(DATASETS);
  if (!haveDatasets) notes.push(`${DATASETS} does not exist: generated scenes and cached imports only`);
  const datasets: [string, string, string[], 'masked' | 'full'][] = [
    ['dtu_scan37', 'dtu_scan37', ['3', '9'], 'masked'],
    ['lego', 'nerf_synthetic_lego', ['8'], 'full'],
    ['fern', 'llff_fern', ['3'], 'full'],
  ];
  for (const [name, folder, splits, metric] of datasets) {
    const dir = await ensureImported(name, resolve(DATASETS, folder));
    if (dir) for (const split of splits) cases.push({ scene: name, dir, split, metric });
    else if (haveDatasets) notes.push(`${resolve(DATASETS, folder)} is missing: no ${name} columns`);
  }
  return { cases, notes };
}
