/**
 * npm run recon -- --scene <dir> --views 3|9 [--iters N] [--init hull|stereo|random] [--size WxH]
 *                  [--sh D] [--seed S] [--prior model.onnx [--prior-manifest m.json]]
 *                  [any training option: --help lists them] --out <dir>
 * Trains on a split's input views, renders its held-out views and scores them. Writes
 * cloud.ply (standard 3DGS PLY), renders/<view>.png and metrics.json.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError } from '../src/core/errors.ts';
import { encodePng } from '../src/core/image.ts';
import { fsSource } from '../src/node/fsFileSource.ts';
import { writePly } from '../src/io/ply.ts';
import { loadScene } from '../src/io/sceneFolder.ts';
import { reconstructScene } from '../src/recon/reconstructScene.ts';
import { guessedViewIds } from '../src/recon/prepareViews.ts';
import { nodeGpu } from './lib/nodeGpu.ts';
import { loadCliPrior } from './lib/priorModel.ts';
import { reconTrainOptions } from './lib/reconOptions.ts';
import { parseArgs, parseSize } from './lib/args.ts';
import { runCli } from './lib/runCli.ts';
import { ALL_TRAIN_OPTIONS, parseTrainFlags, trainFlagNames, trainFlagsUsage } from './lib/trainFlags.ts';

const USAGE = `usage: npm run recon -- --scene <dir> --views <split> --out <dir> [options]
  --scene DIR        scene folder (scene.json + images/ + masks/)
  --views NAME       split to use: "3", "9", "8", ... (its train ids are the inputs, test ids are scored)
  --out DIR          where to write cloud.ply, renders/ and metrics.json
  --size WxH         train and evaluate at this size (default: the images' size)
  --prior FILE       the repair prior's ONNX model (models/repair-prior.json); turns --repair-prior on
  --prior-manifest F another repair model's manifest (same contract)
training options:
${trainFlagsUsage(ALL_TRAIN_OPTIONS)}`;

function bar(frac: number, width = 28): string {
  const n = Math.round(frac * width);
  return '[' + '#'.repeat(n) + '-'.repeat(width - n) + ']';
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2), ['scene', 'views', 'out', 'size', 'prior', 'prior-manifest', ...trainFlagNames(ALL_TRAIN_OPTIONS)]);
  if (args.help) { console.log(USAGE); return 0; }
  for (const k of ['scene', 'views', 'out'] as const) if (!args.values[k]) throw new InputError(`--${k} is required\n${USAGE}`);
  const prior = args.values.prior ? await loadCliPrior(args.values.prior, args.values['prior-manifest']) : null;
  const flags = parseTrainFlags(args, ALL_TRAIN_OPTIONS);
  const scene = await loadScene(fsSource(args.values.scene!));
  // Without masks the hull cannot be carved: unless --init says otherwise, start from stereo points.
  const split = scene.manifest.splits[args.values.views!];
  const unmasked = split && split.train.some((id) => !scene.views.find((v) => v.id === id)?.maskData);
  // Cameras the poses stage only guessed (scene.json's cameraGuess, from scene:from-photos): refined
  // photometrically unless --refine-cameras says otherwise, as the app does.
  const guessed = split ? guessedViewIds(scene, split.train) : [];
  const refineGuesses = guessed.length > 0 && flags.refineCameras === undefined;
  if (refineGuesses) console.error(`${guessed.join(', ')}: camera only guessed (cameraGuess in scene.json): refining the guessed cameras while training, after a short camera pre-pass (--camera-prepass-steps 0 to skip it; --refine-cameras false to train on them as they are)`);
  const options = reconTrainOptions(flags, { unmasked: !!unmasked, refineGuesses, prior: !!prior });
  const { init, hullVoxels, shDegree } = options;
  const size = args.values.size ? parseSize(args.values.size) : undefined;

  const gpu = await nodeGpu();
  console.error(`GPU: ${gpu.description} (${gpu.driver})${prior ? `; repair prior: ${prior.describe}` : ''}`);
  const tty = process.stderr.isTTY;
  let lastPrinted = -1;
  const res = await reconstructScene(gpu.device, scene, {
    split: args.values.views!, size, ...options, ...(prior ? { repair: prior.repair } : {}),
    onProgress: (p) => {
      const line = `${bar(p.step / p.iterations)} ${p.step}/${p.iterations}  loss ${p.loss.toFixed(4)}  PSNR ${p.psnr.toFixed(2)} dB  splats ${p.splats}  ${(p.elapsedMs / 1000).toFixed(0)} s`;
      const decile = Math.floor((10 * p.step) / p.iterations);
      if (tty) process.stderr.write('\r' + line);
      else if (decile !== lastPrinted) { lastPrinted = decile; console.error(line); }
    },
  });
  if (tty) process.stderr.write('\n');
  await prior?.model.dispose();
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
    stopped: t.stopped, faults: t.faults, ...(t.priorRounds ? { priorRounds: t.priorRounds } : {}), ...(t.cameraPrepass ? { cameraPrepass: t.cameraPrepass } : {}),
    mean: res.mean, perView: res.scores,
    history: t.history.map((h) => ({ step: h.step, loss: h.loss, psnr: h.psnr, splats: h.splats })),
  };
  await writeFile(join(out, 'metrics.json'), JSON.stringify(metrics, null, 1) + '\n');
  // --refine-cameras: the refined training cameras (OpenCV, at the trained size), as scene.json writes cameras.
  if (t.cameras) await writeFile(join(out, 'cameras.json'), JSON.stringify(res.trainIds.map((id, i) => ({ id, camera: t.cameras![i] })), null, 1) + '\n');
  const f = (x: number | null) => (x === null ? 'n/a' : x.toFixed(3));
  console.log(`${scene.manifest.name} split ${args.values.views} (${init}): ${res.testIds.length} test views`);
  console.log(`  PSNR ${f(res.mean.psnr)}  SSIM ${f(res.mean.ssim)}  masked PSNR ${f(res.mean.psnrMasked)}  masked SSIM ${f(res.mean.ssimMasked)}`);
  console.log(`  ${t.cloud.count} splats, ${t.stepsDone} steps, ${(t.wallMs / 1000).toFixed(1)} s; wrote ${out}/cloud.ply, renders/, metrics.json${t.cameras ? ', cameras.json' : ''}`);
  return t.stopped && t.stopped !== 'cancelled' ? 2 : 0;
}

runCli(main);
