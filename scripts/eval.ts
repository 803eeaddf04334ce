/**
 * npm run eval -- --scene <dir> --cloud <ply|spz|splat> [--split 3|9] [--size WxH]
 *                 [--lpips-model f] [--out dir]
 *                 [--pose-free --reference <dir> [--refine-steps N] [--align rotations|umeyama]
 *                  [--intrinsics estimated|dataset]]
 * Scores a reconstructed cloud on a split's held-out views by the sparse-view papers' protocol
 * (src/recon/evaluate/protocol.ts): prints the per-view and mean table and writes eval.json and
 * eval.csv (the same numbers). With --pose-free, --scene is the scene the cloud was made from
 * (cameras estimated from the photos) and --reference the dataset's scene with known cameras:
 * the split, the held-out photos and their cameras come from the reference, aligned into the
 * cloud's frame on the training views and refined per view (poseFree.ts); scores before and after
 * that refinement. Bad input prints one line and exits 2.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { InputError } from '../src/core/errors.ts';
import { fsSource } from '../src/node/fsFileSource.ts';
import { loadScene } from '../src/io/sceneFolder.ts';
import { readSplatFile } from '../src/io/splatFile.ts';
import { plyTrainedSize } from '../src/io/trainedSize.ts';
import { loadLpips, type LpipsScorer } from '../src/recon/evaluate/lpips.ts';
import { matchEstimatedCameras } from '../src/recon/evaluate/poseFree.ts';
import { assertEvaluableCloud, evaluateCloud, type PoseFreeOptions } from '../src/recon/evaluate/protocol.ts';
import { reportCsv, reportJsonText, reportTable } from '../src/recon/evaluate/reportFormat.ts';
import { parseArgs, parseSize } from './lib/args.ts';
import { nodeGpu } from './lib/nodeGpu.ts';
import { runCli } from './lib/runCli.ts';

const USAGE = `usage: npm run eval -- --scene <dir> --cloud <file> [options]
  --scene DIR          scene folder (scene.json + images/ + masks/)
  --cloud FILE         the cloud to score: 3DGS .ply, Niantic .spz or antimatter15 .splat
  --split NAME         split whose test views are scored: "3", "9", ... (default 3)
  --size WxH           evaluation resolution (default: the size the cloud was trained at when its
                       PLY header records it, as the app's PLYs do; else the split's training photos')
  --lpips-model FILE   LPIPS AlexNet ONNX model, a path or an http(s) URL (contract: models/lpips.json);
                       without it the LPIPS columns say "no model"
  --out DIR            where to write eval.json and eval.csv (default: the cloud's folder)
  --pose-free          the cloud was made from photos with estimated cameras (--scene): align the
                       reference's cameras to them on the split's training views (matched by view id,
                       else image file name), refine each held-out view's pose against the frozen
                       cloud, and score before and after that refinement
  --reference DIR      with --pose-free: the dataset's scene folder with known cameras; its split,
                       test photos and cameras are the ones scored
  --refine-steps N     with --pose-free: refinement steps per held-out view (default 100; 0 = align only)
  --align METHOD       with --pose-free: "rotations" (default: camera rotations, then centres) or
                       "umeyama" (camera centres only, needs 3 training views)
  --intrinsics WHICH   with --pose-free: the held-out views' focal length, "estimated" (default: the
                       dataset's scaled as the estimated training views' is to the dataset's, the
                       focal length the cloud was made with) or "dataset"
Exit codes: 0 done, 2 bad input, 1 internal error.`;

async function readInput(path: string, what: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(path));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(code === 'ENOENT' ? `${what} does not exist` : `cannot read the ${what} (${code ?? (e as Error).message})`, { file: path });
  }
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  const poseFree = argv.includes('--pose-free'); // the one flag without a value
  const args = parseArgs(argv.filter((a) => a !== '--pose-free'), ['scene', 'cloud', 'split', 'size', 'lpips-model', 'out', 'reference', 'refine-steps', 'align', 'intrinsics']);
  if (args.help) {
    console.log(USAGE);
    return 0;
  }
  for (const k of ['scene', 'cloud'] as const) if (!args.values[k]) throw new InputError(`--${k} is required\n${USAGE}`);
  if (args.positional.length > 0) throw new InputError(`unexpected argument "${args.positional[0]}" (options take the form --name value)`);
  const cloudPath = args.values.cloud!;
  const split = args.values.split ?? '3';
  const askedSize = args.values.size ? parseSize(args.values.size) : undefined;
  const out = args.values.out ?? dirname(cloudPath);
  for (const k of ['reference', 'refine-steps', 'align', 'intrinsics'] as const)
    if (!poseFree && args.values[k] !== undefined) throw new InputError(`--${k} needs --pose-free`);
  if (poseFree && !args.values.reference) throw new InputError('--pose-free needs --reference <dataset scene dir> (the scene with the known cameras)');
  const refineSteps = args.int('refine-steps', 100, 0, 10000);
  const align = args.values.align ?? 'rotations';
  if (align !== 'rotations' && align !== 'umeyama') throw new InputError(`--align must be "rotations" or "umeyama", got "${align}"`);
  const intrinsics = args.values.intrinsics ?? 'estimated';
  if (intrinsics !== 'estimated' && intrinsics !== 'dataset') throw new InputError(`--intrinsics must be "estimated" or "dataset", got "${intrinsics}"`);

  // Every input is checked before the GPU starts.
  const given = await loadScene(fsSource(args.values.scene!));
  const scene = poseFree ? await loadScene(fsSource(args.values.reference!)) : given;
  let poseFreeOptions: PoseFreeOptions | undefined;
  if (poseFree) {
    const train = scene.manifest.splits[split]?.train;
    if (!train) throw new InputError(`the reference scene "${scene.manifest.name}" has no split "${split}" (it has: ${Object.keys(scene.manifest.splits).join(', ') || 'none'})`, { file: args.values.reference });
    const estimatedTrain = matchEstimatedCameras(given.manifest.views, scene.manifest.views, train);
    poseFreeOptions = { estimatedTrain, refineSteps, align, intrinsics };
  }
  const cloudBytes = await readInput(cloudPath, 'cloud file');
  const cloud = readSplatFile(cloudBytes, cloudPath);
  // Scores compare at the size the cloud was trained at: the PLY's record of it, unless --size says otherwise.
  const trained = askedSize ? null : plyTrainedSize(cloudBytes);
  const size = askedSize ?? trained ?? undefined;
  try {
    assertEvaluableCloud(cloud);
  } catch (e) {
    throw e instanceof InputError ? new InputError(e.message, { file: cloudPath }) : e;
  }
  const model = args.values['lpips-model'];
  let lpips: LpipsScorer | null = null;
  if (model) lpips = await loadLpips(/^https?:\/\//.test(model) ? { url: model } : { bytes: await readInput(model, 'LPIPS model'), name: model });

  try {
    const gpu = await nodeGpu();
    console.error(`GPU: ${gpu.description} (${gpu.driver})`);
    if (trained) console.error(`size: ${trained.width}x${trained.height}, the size the cloud was trained at (its PLY header says so; --size overrides)`);
    const report = await evaluateCloud(gpu.device, scene, cloud, { split, size, lpips, ...(poseFreeOptions ? { poseFree: poseFreeOptions } : {}) });
    await mkdir(out, { recursive: true });
    await writeFile(join(out, 'eval.json'), reportJsonText(report, cloudPath));
    await writeFile(join(out, 'eval.csv'), reportCsv(report));
    console.log(reportTable(report));
    console.log(`\nwrote ${join(out, 'eval.json')} and ${join(out, 'eval.csv')}`);
  } finally {
    await lpips?.dispose();
  }
  return 0;
}

runCli(main, { inputErrorExitCode: 2 });
