/**
 * npm run inspect -- <photos... | scene folder | scene.zip>
 * Reads what the app's drop zone would read, with the same checks (src/recon/ingest.ts), and
 * prints what it found or the same message the page shows. Exit code 1 on bad input.
 */
import { readFile, readdir, stat } from 'node:fs/promises';
import { basename, join, relative, dirname } from 'node:path';
import { ingest, type DroppedFile } from '../src/recon/ingest.ts';
import { runCli } from './lib/runCli.ts';

const USAGE = `usage: npm run inspect -- <path> [<path> ...]
  <path>  3 to 9 photos (PNG/JPEG), a scene folder (with scene.json), or a .zip of one`;

async function collect(path: string): Promise<DroppedFile[]> {
  const st = await stat(path).catch(() => null);
  if (!st) throw Object.assign(new Error(`no such file or folder: ${path}`), { name: 'InputError' });
  if (st.isFile()) return [{ name: basename(path), bytes: new Uint8Array(await readFile(path)) }];
  // A folder is named relative to its parent, as a dropped folder is ("lego/scene.json").
  const root = dirname(path);
  const out: DroppedFile[] = [];
  async function walk(d: string) {
    for (const ent of await readdir(d, { withFileTypes: true })) {
      const p = join(d, ent.name);
      if (ent.isDirectory()) await walk(p);
      else if (ent.isFile()) out.push({ name: relative(root, p), bytes: new Uint8Array(await readFile(p)) });
    }
  }
  await walk(path);
  return out;
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  if (args.length === 0 || args.includes('--help') || args.includes('-h')) {
    console.error(USAGE);
    return args.length === 0 ? 1 : 0;
  }
  const files = (await Promise.all(args.map(collect))).flat();
  const tty = process.stderr.isTTY;
  const res = await ingest(files, {
    onProgress: (done, total) => tty && process.stderr.write(`\rdecoding ${done}/${total}`),
  });
  if (tty) process.stderr.write('\n');
  const { manifest, views } = res.scene;
  const first = views[0].rgba;
  console.log(`${res.kind === 'scene' ? 'scene' : 'photo set'}: ${res.label} ("${manifest.name}")`);
  console.log(`views:   ${views.length} (first is ${first.width}x${first.height})`);
  console.log(`cameras: ${views.filter((v) => v.camera).length} of ${views.length}`);
  console.log(`masks:   ${views.filter((v) => v.maskData).length} of ${views.length}`);
  for (const [name, s] of Object.entries(manifest.splits))
    console.log(`split "${name}": ${s.train.length} train, ${s.test.length} test`);
  if (manifest.bounds) console.log(`bounds:  min ${manifest.bounds.min.join(', ')}  max ${manifest.bounds.max.join(', ')}`);
  return 0;
}

runCli(main);
