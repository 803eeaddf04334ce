/**
 * Generates the bundled procedural test scenes (CPU ray traced, deterministic):
 *
 *   npm run scenes:generate [-- --width 400 --height 300 --out scenes --only pebbles,stool]
 *
 * Writes <out>/<name>/scene.json, images/*.png, masks/*.png for each scene, and <out>/index.json
 * listing the scenes present in <out> (the first is the app's default scene). Running it twice
 * gives byte-identical files.
 */
import { existsSync } from 'node:fs';
import { readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { describeError, InputError } from '../src/core/errors.ts';
import { writeSceneFolder } from '../src/node/sceneWriter.ts';
import { checkSceneSize, DEFAULT_HEIGHT, DEFAULT_WIDTH, generateScene, sceneIndexEntries } from '../src/scenegen/generate.ts';
import { OBJECT_BUILDERS, objectNames } from '../src/scenegen/objects/index.ts';

interface Args {
  width: number;
  height: number;
  out: string;
  only: string[] | null;
}

const USAGE = 'usage: npm run scenes:generate -- [--width W] [--height H] [--out DIR] [--only name[,name...]]';

function parseArgs(argv: string[]): Args {
  const args: Args = { width: DEFAULT_WIDTH, height: DEFAULT_HEIGHT, out: 'scenes', only: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new InputError(`${a} needs a value. ${USAGE}`);
      return v;
    };
    const int = (v: string) => {
      if (!/^\d+$/.test(v)) throw new InputError(`${a} must be a whole number of pixels, got "${v}".`);
      return Number(v);
    };
    if (a === '--width') args.width = int(value());
    else if (a === '--height') args.height = int(value());
    else if (a === '--out') args.out = value();
    else if (a === '--only') args.only = value().split(',').filter(Boolean);
    else if (a === '--help' || a === '-h') {
      console.log(`${USAGE}\nscenes: ${objectNames().join(', ')}`);
      process.exit(0);
    } else throw new InputError(`unknown option "${a}". ${USAGE}`);
  }
  checkSceneSize(args.width, args.height);
  for (const n of args.only ?? [])
    if (!objectNames().includes(n)) throw new InputError(`unknown scene "${n}" for --only; known: ${objectNames().join(', ')}.`);
  return args;
}

async function folderBytes(dir: string): Promise<number> {
  let total = 0;
  for (const ent of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, ent.name);
    total += ent.isDirectory() ? await folderBytes(p) : (await stat(p)).size;
  }
  return total;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const out = resolve(args.out);
  const t0 = performance.now();
  for (const b of OBJECT_BUILDERS) {
    if (args.only && !args.only.includes(b.name)) continue;
    const t1 = performance.now();
    const obj = b.build();
    const scene = generateScene(obj, {
      width: args.width,
      height: args.height,
      onProgress: (done, total) => {
        if (process.stdout.isTTY) process.stdout.write(`\r${obj.name}: ${done}/${total} views`);
      },
    });
    const dir = join(out, obj.name);
    await rm(dir, { recursive: true, force: true }); // no stale files from an earlier size
    await writeSceneFolder(dir, scene.manifest, scene.files);
    const kb = (await folderBytes(dir)) / 1024;
    console.log(`${process.stdout.isTTY ? '\r' : ''}${obj.name}: ${scene.manifest.views.length} views ${args.width}x${args.height}, ` +
      `${kb.toFixed(0)} KiB, ${((performance.now() - t1) / 1000).toFixed(1)} s`);
  }
  // index.json lists every bundled scene present in the output folder, in the canonical order.
  const present = OBJECT_BUILDERS.filter((b) => existsSync(join(out, b.name, 'scene.json'))).map((b) => b.build());
  await writeFile(join(out, 'index.json'), JSON.stringify(sceneIndexEntries(present), null, 1) + '\n');
  console.log(`wrote ${join(out, 'index.json')} (${present.length} scenes) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

main().catch((e) => {
  console.error(describeError(e));
  process.exit(1);
});
