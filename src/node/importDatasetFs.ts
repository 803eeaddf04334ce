/** Node-only: imports a dataset folder on disk into a scene folder on disk. */
import { readdir, rm } from 'node:fs/promises';
import type { FileSource } from '../io/fileSource.ts';
import { basename, join, relative, resolve } from 'node:path';
import { InputError } from '../core/errors.ts';
import { fsSource } from './fsFileSource.ts';
import { importDatasetFromSource, type ImportedScene, type ImportOptions } from '../io/importDataset.ts';
import { SCENE_FILE } from '../io/sceneFormat.ts';
import { writeSceneFolder } from './sceneWriter.ts';

export async function importDatasetFolder(datasetDir: string, outDir: string, opts: ImportOptions = {}): Promise<ImportedScene> {
  const from = resolve(datasetDir);
  const to = resolve(outDir);
  const rel = relative(to, from);
  if (rel === '' || !rel.startsWith('..'))
    throw new InputError('the output folder must not be the dataset folder or contain it', { file: outDir });
  const existing = await readdir(to).catch(() => [] as string[]);
  if (existing.length > 0 && !existing.includes(SCENE_FILE))
    throw new InputError('exists, is not empty and is not a scene folder; choose a new or empty folder', { file: outDir });

  const scene = await importDatasetFromSource(shallowFsSource(from), { ...opts, name: opts.name ?? basename(from) });
  // Images and masks of an earlier import (other views, another scale) must not linger.
  await rm(join(to, 'images'), { recursive: true, force: true });
  await rm(join(to, 'masks'), { recursive: true, force: true });
  await writeSceneFolder(to, scene.manifest, scene.files);
  return scene;
}

/**
 * Every dataset layout we read lives at most three levels deep (sparse/0/cameras.txt), so the
 * listing stops there: pointing the importer at a home folder by mistake must fail fast, not walk
 * the disk. The listing is read once and reused.
 */
function shallowFsSource(dir: string, maxDepth = 3): FileSource {
  const base = fsSource(dir);
  let cached: Promise<string[]> | undefined;
  async function walk(rel: string, depth: number, out: string[]): Promise<void> {
    let entries;
    try {
      entries = await readdir(join(dir, rel), { withFileTypes: true });
    } catch (e) {
      if (depth === 1) {
        const code = (e as NodeJS.ErrnoException).code;
        const why = code === 'ENOENT' ? 'does not exist' : code === 'ENOTDIR' ? 'is not a folder' : `cannot be read (${code ?? (e as Error).message})`;
        throw new InputError(`${why}; give the dataset folder`, { file: dir });
      }
      return;
    }
    for (const ent of entries) {
      const p = rel ? `${rel}/${ent.name}` : ent.name;
      if (ent.isDirectory()) {
        if (depth < maxDepth && !ent.name.startsWith('.')) await walk(p, depth + 1, out);
      } else out.push(p);
    }
  }
  return {
    label: dir,
    read: (path) => base.read(path),
    list: () => (cached ??= (async () => {
      const out: string[] = [];
      await walk('', 1, out);
      return out;
    })()),
  };
}
