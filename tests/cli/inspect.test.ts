/** The command-line face of ingest: same checks as the page, message on stderr, exit code 1. */
import { execFile } from 'node:child_process';
import { mkdtemp, writeFile, mkdir, cp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createImage, encodePng } from '../../src/core/image.ts';

const run = promisify(execFile);
const tsx = join(process.cwd(), 'node_modules/.bin/tsx');

async function inspect(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(tsx, ['scripts/inspect.ts', ...args], { cwd: process.cwd() });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

describe('npm run inspect', () => {
  it('describes a bundled scene folder', async () => {
    const r = await inspect('scenes/stool');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/views:\s+49/);
    expect(r.stdout).toMatch(/split "3": 3 train, 18 test/);
  });

  it('refuses photos of different sizes and a broken scene.json with clear messages, exit 1', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'inspect-'));
    const paths: string[] = [];
    for (const [i, w] of [40, 40, 48].entries()) {
      const p = join(dir, `p${i}.png`);
      await writeFile(p, encodePng(createImage(w, 30)));
      paths.push(p);
    }
    const sizes = await inspect(...paths);
    expect(sizes.code).toBe(1);
    expect(sizes.stderr).toMatch(/40x30/);
    expect(sizes.stderr).toMatch(/48x30/);
    expect(sizes.stderr).not.toMatch(/at .*\.ts:\d+/); // no stack trace for bad input

    const scene = join(dir, 'broken');
    await mkdir(scene);
    await cp('scenes/stool/images', join(scene, 'images'), { recursive: true });
    await writeFile(join(scene, 'scene.json'), JSON.stringify({ version: 1, views: [{ id: 'a', image: 'images/v00.png' }] }));
    const bad = await inspect(scene);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/scene\.json: name: is missing/);
  });
});
