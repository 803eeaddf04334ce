/**
 * npm run scene:import -- <dataset dir> --out scenes/<name> [--scale N] [--name X]
 * Converts a DTU/IDR, NeRF Blender, LLFF or COLMAP-text dataset into a scene folder.
 */
import { describeError, isInputError } from '../src/core/errors.ts';
import { DEFAULT_SCALE } from '../src/io/importDataset.ts';
import { importDatasetFolder } from '../src/node/importDatasetFs.ts';

const USAGE = `usage: npm run scene:import -- <dataset dir> --out <scene dir> [--scale N] [--name NAME]

  <dataset dir>  one of:
                   DTU / IDR     cameras_sphere.npz + image/ + mask/
                   NeRF Blender  transforms_train.json + transforms_test.json + images
                   LLFF          poses_bounds.npy + images_8/
                   COLMAP text   sparse/0/{cameras,images,points3D}.txt + images/
  --out DIR      scene folder to write (scene.json, images/, masks/)
  --scale N      integer box-filter downsampling (default: the standard protocol resolution,
                 DTU ${DEFAULT_SCALE.dtu} -> 400x300, Blender ${DEFAULT_SCALE.blender} -> 400x400, LLFF/COLMAP ${DEFAULT_SCALE.llff})
  --name NAME    scene name (default: the dataset folder's name)

Only the views of the standard sparse-view splits are imported (DTU 9 + 25, Blender 8 + 25, LLFF all).`;

function parseArgs(argv: string[]): { dir: string; out: string; scale?: number; name?: string } | string {
  let dir: string | undefined, out: string | undefined, scale: number | undefined, name: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new Error(`${a} needs a value`);
      return v;
    };
    try {
      if (a === '--out') out = value();
      else if (a === '--name') name = value();
      else if (a === '--scale') {
        const v = value();
        scale = Number(v);
        if (!(Number.isInteger(scale) && scale >= 1)) return `--scale must be a whole number >= 1, got "${v}"`;
      } else if (a === '-h' || a === '--help') return '';
      else if (a.startsWith('-')) return `unknown option ${a}`;
      else if (dir === undefined) dir = a;
      else return `unexpected argument "${a}" (only one dataset folder)`;
    } catch (e) {
      return (e as Error).message;
    }
  }
  if (!dir) return 'missing <dataset dir>';
  if (!out) return 'missing --out <scene dir>';
  return { dir, out, scale, name };
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  if (typeof args === 'string') {
    if (args) console.error(`error: ${args}\n`);
    console.error(USAGE);
    return args ? 1 : 0;
  }
  const t0 = performance.now();
  try {
    const scene = await importDatasetFolder(args.dir, args.out, {
      scale: args.scale,
      name: args.name,
      onProgress: (m) => process.stderr.write(m + '\n'),
    });
    for (const w of scene.warnings) console.error(`warning: ${w}`);
    const m = scene.manifest;
    const cam = m.views[0].camera;
    console.log(
      `${args.out}: ${scene.kind} scene "${m.name}", ${m.views.length} views${cam ? ` at ${cam.width}x${cam.height}` : ''}, ` +
        `${m.views.filter((v) => v.mask).length} masks, splits ${Object.keys(m.splits).map((s) => `"${s}"`).join(', ')} ` +
        `(${((performance.now() - t0) / 1000).toFixed(1)} s)`,
    );
    return 0;
  } catch (e) {
    console.error(isInputError(e) ? `error: ${e.message}` : describeError(e));
    if (!isInputError(e) && e instanceof Error && e.stack) console.error(e.stack);
    return 1;
  }
}

process.exitCode = await main();
