/**
 * npm run recon -- --scene <dir> --views 3|9 [--iters N] [--init hull|random] [--size WxH]
 *                  [--sh D] [--seed S] --out <dir>
 * Trains on a split's input views, renders its held-out views and scores them. Writes
 * cloud.ply (standard 3DGS PLY), renders/<view>.png and metrics.json.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError } from '../src/core/errors.ts';
import { encodePng } from '../src/core/image.ts';
import { fsSource } from '../src/io/fsFileSource.ts';
import { writePly } from '../src/io/ply.ts';
import { loadScene } from '../src/io/sceneFolder.ts';
import { reconstructScene } from '../src/recon/reconstructScene.ts';
import { DEFAULT_TRAIN_OPTIONS } from '../src/recon/train/trainer.ts';
import { nodeGpu } from './lib/nodeGpu.ts';
import { parseArgs, parseSize } from './lib/args.ts';
import { runCli } from './lib/runCli.ts';

const USAGE = `usage: npm run recon -- --scene <dir> --views <split> --out <dir> [options]
  --scene DIR        scene folder (scene.json + images/ + masks/)
  --views NAME       split to use: "3", "9", "8", ... (its train ids are the inputs, test ids are scored)
  --out DIR          where to write cloud.ply, renders/ and metrics.json
  --iters N          training steps (default ${DEFAULT_TRAIN_OPTIONS.iterations})
  --init hull|random start from the visual hull (default) or random points in the bounds
  --hull-voxels all|surface|photo
                     which hull points seed splats (default ${DEFAULT_TRAIN_OPTIONS.hullVoxels}; photo: photo-consistent
                     points inside the hull plus a share of all voxels)
  --size WxH         train and evaluate at this size (default: the images' size)
  --sh D             SH degree 0-3 (default ${DEFAULT_TRAIN_OPTIONS.shDegree})
  --seed S           random seed (default 0)`;

function bar(frac: number, width = 28): string {
  const n = Math.round(frac * width);
  return '[' + '#'.repeat(n) + '-'.repeat(width - n) + ']';
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2), ['scene', 'views', 'out', 'iters', 'init', 'hull-voxels', 'size', 'sh', 'seed']);
  if (args.help) { console.log(USAGE); return 0; }
  for (const k of ['scene', 'views', 'out'] as const) if (!args.values[k]) throw new InputError(`--${k} is required\n${USAGE}`);
  const iterations = args.int('iters', DEFAULT_TRAIN_OPTIONS.iterations, 0, 1_000_000);
  const init = (args.values.init ?? 'hull') as 'hull' | 'random';
  if (init !== 'hull' && init !== 'random') throw new InputError(`--init must be hull or random, got "${init}"`);
  const hullVoxels = (args.values['hull-voxels'] ?? DEFAULT_TRAIN_OPTIONS.hullVoxels) as 'all' | 'surface' | 'photo';
  if (!['all', 'surface', 'photo'].includes(hullVoxels)) throw new InputError(`--hull-voxels must be all, surface or photo, got "${hullVoxels}"`);
  const shDegree = args.int('sh', DEFAULT_TRAIN_OPTIONS.shDegree, 0, 3);
  const seed = args.int('seed', 0, 0, 2 ** 31);
  const size = args.values.size ? parseSize(args.values.size) : undefined;

  const scene = await loadScene(fsSource(args.values.scene!));
  const gpu = await nodeGpu();
  console.error(`GPU: ${gpu.description} (${gpu.driver})`);
  const tty = process.stderr.isTTY;
  let lastPrinted = -1;
  const res = await reconstructScene(gpu.device, scene, {
    split: args.values.views!, size, iterations, init, hullVoxels, shDegree, seed,
    onProgress: (p) => {
      const line = `${bar(p.step / p.iterations)} ${p.step}/${p.iterations}  loss ${p.loss.toFixed(4)}  PSNR ${p.psnr.toFixed(2)} dB  splats ${p.splats}  ${(p.elapsedMs / 1000).toFixed(0)} s`;
      const decile = Math.floor((10 * p.step) / p.iterations);
      if (tty) process.stderr.write('\r' + line);
      else if (decile !== lastPrinted) { lastPrinted = decile; console.error(line); }
    },
  });
  if (tty) process.stderr.write('\n');
  const t = res.train;
  if (t.stopped) console.error(`training stopped early: ${t.stopped} (the last good cloud is written)`);
  for (const f of t.faults.slice(0, 10)) console.error(`warning: ${f}`);

  const out = args.values.out!;
  await mkdir(join(out, 'renders'), { recursive: true });
  await writeFile(join(out, 'cloud.ply'), writePly(t.cloud));
  for (const [i, id] of res.testIds.entries()) await writeFile(join(out, 'renders', `${id}.png`), encodePng(res.renders[i]));
  const metrics = {
    scene: scene.manifest.name, split: args.values.views, init, hullVoxels, iterations: t.stepsDone, shDegree,
    size: size ?? { width: res.renders[0]?.width, height: res.renders[0]?.height },
    trainViews: res.trainIds, testViews: res.testIds,
    splats: t.cloud.count, initialSplats: t.initialSplats, initSeconds: t.initMs / 1000, densifySeconds: t.densifyMs / 1000, wallSeconds: t.wallMs / 1000,
    stopped: t.stopped, faults: t.faults,
    mean: res.mean, perView: res.scores,
    history: t.history.map((h) => ({ step: h.step, loss: h.loss, psnr: h.psnr, splats: h.splats })),
  };
  await writeFile(join(out, 'metrics.json'), JSON.stringify(metrics, null, 1) + '\n');
  const f = (x: number | null) => (x === null ? 'n/a' : x.toFixed(3));
  console.log(`${scene.manifest.name} split ${args.values.views} (${init}): ${res.testIds.length} test views`);
  console.log(`  PSNR ${f(res.mean.psnr)}  SSIM ${f(res.mean.ssim)}  masked PSNR ${f(res.mean.psnrMasked)}  masked SSIM ${f(res.mean.ssimMasked)}`);
  console.log(`  ${t.cloud.count} splats, ${t.stepsDone} steps, ${(t.wallMs / 1000).toFixed(1)} s; wrote ${out}/cloud.ply, renders/, metrics.json`);
  return t.stopped && t.stopped !== 'cancelled' ? 2 : 0;
}

runCli(main);
