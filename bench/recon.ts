/**
 * npm run bench:recon [-- --iters N --size WxH | --downscale K --only name,name --splits 3,9 --unposed none|refine|as-placed --models-dir DIR --out file.md]
 *
 * --iters: training steps per run (default 2000, BENCH_TRAIN_OPTIONS in bench/benchTrain.ts).
 *
 * --splits picks the generated scenes' splits (default 3,9) and, when given, the datasets' (DTU 3 and 9, lego 8; all by default). --inits picks the starts
 * compared (default hull,random; also hull-all, hull-surface, hull-photo).
 * --downscale K trains and scores every case at 1/K of its standard resolution (software GPUs are
 * slow); the table says the size used.
 *
 * Reconstruction quality and speed, hull start vs random start measured in the same run, on the
 * generated scenes and, when ../shared/datasets exists, DTU scan37 (3 and 9 views, 400x300,
 * masked metrics on the 25 standard test views) and Blender lego (8 views, 400x400, white
 * background, the 25 standard test views). Prints one markdown table (and writes it with --out).
 * Datasets are imported into out/bench-scenes/ (gitignored) on first use.
 *
 * Unposed (the dataset cases; --unposed none skips them): the same split from its training photos
 * alone, masks and cameras estimated (ALIKE-N from --models-dir when alike_n.onnx is there, else
 * ORB; the poses stage's object box as the bounds, as the app uses it), trained with the hull
 * start, scored by the pose-free protocol beside the known-pose hull row (bench/unposedRecon.ts):
 * a second table. Views that only the object-centred start could
 * place are guesses: by default (--unposed refine) that run trains with photometric camera
 * refinement and is scored against the refined cameras; --unposed as-placed trains on the guesses.
 */
import { DATASETS, ensureImported } from './benchScenes.ts';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fsSource } from '../src/node/fsFileSource.ts';
import { loadScene } from '../src/io/sceneFolder.ts';
import { reconstructScene } from '../src/recon/reconstructScene.ts';
import type { TrainOptions } from '../src/recon/train/trainOptions.ts';
import { InputError } from '../src/core/errors.ts';
import { parseArgs, parseSize } from '../scripts/lib/args.ts';
import { nodeGpu } from '../scripts/lib/nodeGpu.ts';
import { parseTrainFlags, trainFlagNames } from '../scripts/lib/trainFlags.ts';
import { BENCH_TRAIN_OPTIONS } from './benchTrain.ts';
import { reconstructUnposed, type GuessedViews } from './unposedRecon.ts';
import { readFile } from 'node:fs/promises';

interface Case {
  scene: string;
  dir: string;
  split: string;
  /** A dataset case: also reconstructed from its photos alone (unposed). */
  dataset?: boolean;
  size?: { width: number; height: number };
  /** Which mean to report as PSNR/SSIM: DTU's masked convention or the full image. */
  metric: 'masked' | 'full';
}

/** Starts a row can use (--inits): the two the issue compares, and the hull's variants. */
const INITS: Record<string, Partial<Pick<TrainOptions, 'init' | 'hullVoxels' | 'anisoReg' | 'scaleReg' | 'opacityReg' | 'initSplats' | 'antialiased'>>> = {
  hull: { init: 'hull' },
  random: { init: 'random' },
  'hull-all': { init: 'hull', hullVoxels: 'all' },
  'hull-surface': { init: 'hull', hullVoxels: 'surface' },
  'hull-photo': { init: 'hull', hullVoxels: 'photo' },
  'hull-aniso': { init: 'hull', anisoReg: 1 },
  'hull-5k': { init: 'hull', initSplats: 5000 },
  'hull-opacity-reg': { init: 'hull', opacityReg: 0.01 },
  'hull-antialiased': { init: 'hull', antialiased: true },
  'hull-photo-aniso': { init: 'hull', hullVoxels: 'photo', anisoReg: 1 },
};



async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2), [...trainFlagNames(['iterations']), 'size', 'downscale', 'only', 'splits', 'out', 'inits', 'unposed', 'models-dir']);
  const train = parseTrainFlags(args, ['iterations'], BENCH_TRAIN_OPTIONS);
  const size = args.values.size ? parseSize(args.values.size) : undefined;
  const downscale = args.int('downscale', 1, 1, 16);
  const only = args.values.only?.split(',');
  const splits = args.values.splits?.split(',') ?? ['3', '9'];
  const inits = args.values.inits?.split(',') ?? ['hull', 'random'];
  for (const i of inits) if (!INITS[i]) throw new InputError(`unknown --inits "${i}"; known: ${Object.keys(INITS).join(', ')}`);

  const cases: Case[] = [];
  for (const name of ['pebbles', 'patterned-cube', 'stool'])
    for (const split of splits) cases.push({ scene: name, dir: resolve('scenes', name), split, size, metric: 'masked' });
  if (existsSync(DATASETS)) {
    const dtu = await ensureImported('dtu_scan37', resolve(DATASETS, 'dtu_scan37'));
    // A --splits given also picks the datasets' splits (DTU 3 and 9, lego 8); by default all run.
    const datasetSplit = (split: string) => !args.values.splits || splits.includes(split);
    if (dtu) for (const split of ['3', '9'].filter(datasetSplit)) cases.push({ scene: 'dtu_scan37', dir: dtu, split, metric: 'masked', dataset: true });
    const lego = await ensureImported('lego', resolve(DATASETS, 'nerf_synthetic_lego'));
    if (lego && datasetSplit('8')) cases.push({ scene: 'lego', dir: lego, split: '8', metric: 'full', dataset: true });
  } else console.error(`note: ${DATASETS} does not exist: benchmarking the generated scenes only`);
  const selected = cases.filter((c) => !only || only.includes(c.scene));

  // --unposed none | refine (default: guessed views trained with camera refinement) | as-placed.
  const unposedMode = args.values.unposed ?? 'refine';
  if (!['none', 'refine', 'as-placed'].includes(unposedMode)) throw new InputError(`--unposed must be none, refine or as-placed (got "${unposedMode}")`);
  const unposed = unposedMode !== 'none';
  const alikePath = resolve(args.values['models-dir'] ?? '../shared/models', 'alike_n.onnx');
  const alike = unposed && existsSync(alikePath) ? new Uint8Array(await readFile(alikePath)) : undefined;
  const gpu = await nodeGpu();
  const unposedRows: string[] = [];
  const unposedNotes: string[] = [];
  const rows: string[] = [];
  const header = '| scene | views | init | PSNR | SSIM | metric | splats | iterations | seconds |\n|---|---|---|---:|---:|---|---:|---:|---:|';
  const byKey = new Map<string, number>();
  for (const c of selected) {
    const scene = await loadScene(fsSource(c.dir));
    const first = scene.views[0].rgba;
    const caseSize = c.size ?? (downscale > 1 ? { width: Math.round(first.width / downscale), height: Math.round(first.height / downscale) } : undefined);
    for (const init of inits) {
      const t0 = performance.now();
      const r = await reconstructScene(gpu.device, scene, {
        split: c.split, size: caseSize, ...train, ...INITS[init],
        onProgress: (p) => p.step % 500 === 0 && console.error(`  ${c.scene}/${c.split}/${init} step ${p.step} loss ${p.loss.toFixed(4)} train PSNR ${p.psnr.toFixed(2)} splats ${p.splats}`),
      });
      const seconds = (performance.now() - t0) / 1000;
      const psnr = c.metric === 'masked' ? r.mean.psnrMasked! : r.mean.psnr;
      const ssim = c.metric === 'masked' ? r.mean.ssimMasked! : r.mean.ssim;
      byKey.set(`${c.scene}/${c.split}/${init}`, psnr);
      const stopped = r.train.stopped ? ` (stopped: ${r.train.stopped})` : '';
      const w = r.renders[0]?.width ?? 0, h = r.renders[0]?.height ?? 0;
      const row = `| ${c.scene} | ${r.trainIds.length} | ${init} | ${psnr.toFixed(2)} | ${ssim.toFixed(3)} | ${c.metric} ${w}x${h}, ${r.testIds.length} test${stopped} | ${r.train.cloud.count} | ${r.train.stepsDone} | ${seconds.toFixed(0)} |`;
      rows.push(row);
      console.error(row);
      console.error(`  (init ${(r.train.initMs / 1000).toFixed(1)} s, densify ${(r.train.densifyMs / 1000).toFixed(1)} s, ${r.train.initialSplats} initial splats)`);
    }
    if (c.dataset && unposed) {
      const u = await reconstructUnposed(gpu.device, scene, c.split, caseSize, c.metric, { ...train, ...INITS.hull }, alike, unposedMode as GuessedViews);
      const known = byKey.get(`${c.scene}/${c.split}/hull`);
      const f = (x: number | null | undefined) => (x === null || x === undefined || !Number.isFinite(x) ? '-' : x.toFixed(2));
      const gap = known !== undefined && u.psnrRefined !== null ? f(u.psnrRefined - known) : '-';
      const row = `| ${c.scene} | ${u.views} | ${alike ? 'ALIKE-N' : 'ORB'} | ${u.placed}/${u.views}${u.guessed ? ` (${u.guessed} object-centred${u.refined ? `, cameras refined in training${u.prepass ? ' after a camera pre-pass' : ''}` : ''})` : ''} | ${f(known)} | ${f(u.psnrAligned)} | ${f(u.psnrRefined)} | ${gap} | ${u.splats} | ${u.seconds.masks.toFixed(0)} / ${u.seconds.poses.toFixed(0)} / ${u.seconds.train.toFixed(0)} / ${u.seconds.eval.toFixed(0)} |`;
      unposedRows.push(row);
      console.error(row + (u.failure ? `   <!-- ${u.failure} -->` : ''));
      if (u.failure) unposedNotes.push(`${c.scene} ${c.split} views: ${u.failure}`);
    }
  }
  const deltas: string[] = [];
  for (const c of selected) {
    const h = byKey.get(`${c.scene}/${c.split}/hull`), r = byKey.get(`${c.scene}/${c.split}/random`);
    if (h !== undefined && r !== undefined) deltas.push(`${c.scene} ${c.split} views: hull - random = ${(h - r >= 0 ? '+' : '') + (h - r).toFixed(2)} dB`);
  }
  const unposedTable = unposedRows.length ? [
    '', 'Unposed: from the training photos alone (masks and cameras estimated), hull start; PSNR (the case\'s metric) by the pose-free protocol: test cameras aligned by a similarity on the training views, then refined per view against the frozen cloud.', '',
    '| scene | views | features | placed | PSNR known poses | PSNR unposed, aligned | PSNR unposed, refined | refined - known | splats | seconds masks / poses / train / eval |',
    '|---|---:|---|---|---:|---:|---:|---:|---:|---|',
    ...unposedRows,
    ...(unposedNotes.length ? ['', ...unposedNotes] : []),
  ] : [];
  const table = [`GPU: ${gpu.description} (${gpu.driver}); ${train.iterations} iterations per run`, '', header, ...rows, '', ...deltas, ...unposedTable].join('\n');
  console.log(table);
  if (args.values.out) {
    await mkdir(dirname(resolve(args.values.out)), { recursive: true });
    await writeFile(args.values.out, table + '\n');
  }
  process.exit(0);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
