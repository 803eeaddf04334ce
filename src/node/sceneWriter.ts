/** Node-only: writes a scene folder (scene.json + image/mask files) to disk. */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { serializeSceneManifest, validateSceneManifest, SCENE_FILE, type SceneManifest } from '../io/sceneFormat.ts';

/**
 * Validates the manifest (so we never write a scene we could not load back), then writes
 * scene.json and every file in `files` (relative path -> bytes).
 */
export async function writeSceneFolder(dir: string, manifest: SceneManifest, files: Map<string, Uint8Array>): Promise<void> {
  validateSceneManifest(JSON.parse(JSON.stringify(manifest)), join(dir, SCENE_FILE));
  await mkdir(dir, { recursive: true });
  for (const [path, bytes] of files) {
    const p = join(dir, path);
    await mkdir(dirname(p), { recursive: true });
    await writeFile(p, bytes);
  }
  await writeFile(join(dir, SCENE_FILE), serializeSceneManifest(manifest));
}
