/**
 * COLMAP as the poses bench's baseline: feature_extractor (CPU SIFT), exhaustive_matcher (CPU),
 * mapper, model_converter to TXT, read back with the project's COLMAP text reader
 * (src/io/colmapText.ts). Node-only (bench side): runs the `colmap` binary when installed.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Camera } from '../src/core/camera.ts';
import { encodePng, type RGBAImage } from '../src/core/image.ts';
import { colmapViews, parseColmapCameras, parseColmapImages } from '../src/io/colmapText.ts';

const run = promisify(execFile);

export async function colmapInstalled(): Promise<boolean> {
  try {
    await run('colmap', ['help'], { timeout: 20_000 });
    return true;
  } catch (e) {
    return (e as { code?: unknown }).code !== 'ENOENT' && existsSync('/usr/bin/colmap');
  }
}

/** Cameras COLMAP places (null: not registered), in input order, and seconds taken. */
export async function colmapPoses(images: readonly RGBAImage[], names: readonly string[]): Promise<{ cameras: (Camera | null)[]; seconds: number; note: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'colmap-'));
  const t0 = performance.now();
  try {
    await mkdir(join(dir, 'images'));
    await Promise.all(images.map((im, i) => writeFile(join(dir, 'images', `${names[i]}.png`), encodePng(im))));
    const db = join(dir, 'db.db');
    const env = { ...process.env, QT_QPA_PLATFORM: 'offscreen' };
    const c = (args: string[]) => run('colmap', args, { env, maxBuffer: 64 << 20, timeout: 600_000 });
    await c(['feature_extractor', '--database_path', db, '--image_path', join(dir, 'images'), '--ImageReader.single_camera', '1', '--SiftExtraction.use_gpu', '0']);
    await c(['exhaustive_matcher', '--database_path', db, '--SiftMatching.use_gpu', '0']);
    await mkdir(join(dir, 'sparse'));
    // The mapper exits non-zero when it cannot start a model (too few views with enough inliers).
    let mapperNote = '';
    await c(['mapper', '--database_path', db, '--image_path', join(dir, 'images'), '--output_path', join(dir, 'sparse')]).catch(() => { mapperNote = 'mapper found no initial pair; '; });
    const models = existsSync(join(dir, 'sparse')) ? (await readdir(join(dir, 'sparse'))).sort() : [];
    let best: (Camera | null)[] = images.map(() => null);
    for (const m of models) {
      const txt = join(dir, 'txt', m);
      await mkdir(txt, { recursive: true });
      await c(['model_converter', '--input_path', join(dir, 'sparse', m), '--output_path', txt, '--output_type', 'TXT']);
      const cams = parseColmapCameras(await readFile(join(txt, 'cameras.txt'), 'utf8'));
      const ims = parseColmapImages(await readFile(join(txt, 'images.txt'), 'utf8'));
      const { views } = colmapViews(cams, ims);
      const placed: (Camera | null)[] = images.map(() => null);
      for (const v of views) {
        const i = names.indexOf(v.image.name.replace(/\.png$/, ''));
        if (i >= 0) placed[i] = v.camera;
      }
      if (placed.filter(Boolean).length > best.filter(Boolean).length) best = placed;
    }
    return { cameras: best, seconds: (performance.now() - t0) / 1000, note: mapperNote + (models.length ? `${models.length} model(s)` : 'no model') };
  } catch (e) {
    return { cameras: images.map(() => null), seconds: (performance.now() - t0) / 1000, note: `failed: ${String((e as Error).message).split('\n')[0]}` };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
