/**
 * npm run bench:quality [-- --iters N --sh D --mask-weight W --ssim-weight W --downscale K --only name,name --splits 3,9 --rows levers|ablation
 *                          --methods name,name --final-prune P --lpips-model f --prior model.onnx
 *                          [--prior-manifest m.json] --models-dir DIR --depth-weight W --depth-smooth W
 *                          --depth-smooth-every N --warp W --warp-every N --photo-consistency W
 *                          --photo-consistency-blur F --densify-grad G --out file.md]
 *
 * Reconstruction quality the way the sparse-view papers report it: for every generated scene
 * (scenes/index.json, 3 and 9 views) and, when ../shared/datasets exists, DTU scan37 (3, 9),
 * lego (8) and fern (3), reconstruct (reconstructScene) with each method row of
 * bench/qualityMethods.ts (--rows levers, the default: plain, each sparse-view lever alone, all
 * levers, the defaults; --rows ablation: random start, hull start, hull start with each default-on
 * regulariser off in turn; --methods keeps the rows of those names, without the "+ "), score the held-out views with the evaluation protocol (evaluateCloud: masked PSNR
 * / SSIM / LPIPS for DTU and the generated scenes, full-image for lego and fern) and print one
 * markdown table (methods x scene/views), also written to --out (default out/bench-quality.md).
 * --downscale K trains and scores at 1/K of each scene's standard size (software GPUs are slow);
 * --splits keeps those view counts only. --final-prune P sets the trainer's finalPrune for every row
 * that does not set it itself (e.g. "quality best" with it: the defaults plus the prune); --sh D the
 * colours' SH degree likewise (the header names the options given). Scenes without masks (fern) cannot start from the hull:
 * their rows start as the app starts them (UNMASKED_START: the stereo start) unless the row sets `init`.
 * --prior model.onnx adds the "+ repair prior" row (issue 15): the default levers with the learned
 * repair prior on, the model checked against models/repair-prior.json (or --prior-manifest for
 * another model keeping the contract) and run with onnxruntime-web's wasm backend in this process,
 * as bench:masks runs IS-Net; the details give each run's repair rounds and their time.
 * --prior-weight, --prior-strength, --prior-steps, --prior-start, --prior-every and --prior-views
 * set that row's schedule (trainOptions.ts).
 * "+ depth (stereo)" (--rows levers): the default levers with the depth loss on
 * (--stereo-depth-weight, default STEREO_DEPTH_ROW_WEIGHT), its targets the plane sweep's depth
 * maps of the training views (src/recon/depth/stereoDepth.ts; scenes with masks only: without,
 * the row is the defaults' levers and the trainer says it had no depth map).
 * When the FastDepth model (models/fastdepth.json's file) is in --models-dir (default
 * ../shared/models), --rows levers ends with "+ depth (FastDepth)": the default levers with the
 * depth loss on (depthWeight, --depth-weight, default DEPTH_ROW_WEIGHT in qualityMethods.ts;
 * --depth-patch its patch size), its
 * targets FastDepth's depth maps of each training photo (run on the photo as loaded, resized to
 * the training size; onnxruntime-web wasm in this process); the details give how well its rendered
 * depth followed them (the trainer's patch-wise Pearson r, early and late).
 * Without --lpips-model the LPIPS columns say "no model". --iters: training steps per run (default:
 * the recon defaults' for each case's view count, src/recon/train/stepCount.ts; the details table
 * gives each run's steps).
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { InputError, isInputError } from '../src/core/errors.ts';
import { fsSource } from '../src/node/fsFileSource.ts';
import { loadScene } from '../src/io/sceneFolder.ts';
import { loadLpips, type LpipsScorer } from '../src/recon/evaluate/lpips.ts';
import { evaluateCloud, protocolSize } from '../src/recon/evaluate/protocol.ts';
import { loadCliPrior, type CliPrior } from '../scripts/lib/priorModel.ts';
import { reconstructScene } from '../src/recon/reconstructScene.ts';
import { parseArgs } from '../scripts/lib/args.ts';
import { nodeGpu } from '../scripts/lib/nodeGpu.ts';
import { runCli } from '../scripts/lib/runCli.ts';
import { parseTrainFlags, trainFlagNames } from '../scripts/lib/trainFlags.ts';
import { BENCH_TRAIN_OPTIONS } from './benchTrain.ts';
import { paperTable, type CellResult } from './paperTable.ts';
import { qualityCases } from './qualityCases.ts';
import { DEPTH_ROW_WEIGHT, DEPTH_SMOOTH_ROW_WEIGHT, qualityMethods, regularisersOffByDefault, STEREO_DEPTH_ROW_WEIGHT, WARP_ROW_WEIGHT, PHOTO_CONSISTENCY_ROW_WEIGHT } from './qualityMethods.ts';
import { stereoDepthMaps } from '../src/recon/depth/stereoDepth.ts';
import { existsSync } from 'node:fs';
import { FASTDEPTH_MANIFEST, loadDepthModel, type DepthModel } from '../src/recon/depth/fastDepth.ts';
import { compositeOver } from '../src/recon/prepareViews.ts';
import { DEFAULT_TRAIN_OPTIONS, TRAIN_OPTION_SPECS, UNMASKED_START } from '../src/recon/train/trainOptions.ts';
import type { TrainProgress, TrainView } from '../src/recon/train/trainer.ts';
import type { LoadedScene } from '../src/io/sceneFolder.ts';

/** Training flags the bench takes: the steps, the SH degree, the mask and D-SSIM weights, the final prune (for the rows that do not set it), the depth smoothness's pseudo-view spacing (only its row turns it on), the repair prior's schedule (only its row turns the prior on), the depth loss's patch size (only the depth row has depth maps) and co-regularisation's schedule and threshold (only its row turns it on). */
const BENCH_FLAGS = ['iterations', 'shDegree', 'maskWeight', 'ssimWeight', 'depthSmoothEvery', 'warpViews', 'warpStart', 'warpEvery', 'warpPseudoEvery', 'photoConsistencyStart', 'photoConsistencyEvery', 'photoConsistencyBlur', 'densifyGrad', 'finalPrune', 'priorWeight', 'priorStrength', 'priorSteps', 'priorStart', 'priorEvery', 'priorViews', 'depthPatch', 'coRegWeight', 'coRegStart', 'coRegEvery', 'coRegPseudoEvery', 'coPruneEvery', 'coPruneThreshold'] as const;

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2), [...trainFlagNames([...BENCH_FLAGS, 'depthWeight', 'depthSmoothWeight', 'warpWeight', 'photoConsistencyWeight']), 'stereo-depth-weight', 'downscale', 'only', 'splits', 'rows', 'methods', 'lpips-model', 'prior', 'prior-manifest', 'models-dir', 'out']);
  // No --iters: each case trains the recon defaults' steps for its view count (stepCount.ts).
  const train = parseTrainFlags(args, BENCH_FLAGS, { progressEvery: BENCH_TRAIN_OPTIONS.progressEvery });
  // The options given on the command line (other than the steps) apply to each row that does not set its own: the header says which.
  const given = Object.entries(train).filter(([k]) => k !== 'iterations' && k !== 'progressEvery' && args.values[TRAIN_OPTION_SPECS[k as keyof typeof TRAIN_OPTION_SPECS].flag] !== undefined);
  const givenText = given.length ? `; given: ${given.map(([k, v]) => `${k} ${v}`).join(', ')} (a row's own setting wins)` : '';
  const stepsText = train.iterations !== undefined ? `${train.iterations} iterations per run` : `steps by view count (the defaults: ${TRAIN_OPTION_SPECS.iterations.defaultDoc})`;
  // --depth-weight is the depth row's alone (the other rows keep depthWeight 0).
  const depthWeight = parseTrainFlags(args, ['depthWeight'], {}).depthWeight ?? DEPTH_ROW_WEIGHT;
  // --depth-smooth is the depth smoothness row's alone (the other rows keep it 0).
  const depthSmooth = parseTrainFlags(args, ['depthSmoothWeight'], {}).depthSmoothWeight ?? DEPTH_SMOOTH_ROW_WEIGHT;
  // --warp is the warp consistency row's alone (likewise).
  const warp = parseTrainFlags(args, ['warpWeight'], {}).warpWeight ?? WARP_ROW_WEIGHT;
  const photoConsistency = parseTrainFlags(args, ['photoConsistencyWeight'], {}).photoConsistencyWeight ?? PHOTO_CONSISTENCY_ROW_WEIGHT;
  const stereoRaw = args.values['stereo-depth-weight'];
  const stereoDepthWeight = stereoRaw === undefined ? STEREO_DEPTH_ROW_WEIGHT : Number(stereoRaw);
  if (!(stereoDepthWeight >= 0 && stereoDepthWeight <= 10)) throw new InputError(`--stereo-depth-weight: "${stereoRaw}" is not a number from 0 to 10`);
  const depthModelPath = resolve(args.values['models-dir'] ?? '../shared/models', FASTDEPTH_MANIFEST.file);
  const downscale = args.int('downscale', 1, 1, 16);
  const only = args.values.only?.split(',');
  const out = args.values.out ?? 'out/bench-quality.md';

  const { cases: all, notes } = await qualityCases();
  if (only) for (const n of only) if (!all.some((c) => c.scene === n)) throw new InputError(`--only: unknown scene "${n}" (known: ${[...new Set(all.map((c) => c.scene))].join(', ')})`);
  const splits = args.values.splits?.split(',');
  const cases = all.filter((c) => (!only || only.includes(c.scene)) && (!splits || splits.includes(c.split)));
  const rows = args.values.rows ?? 'levers';
  if (rows !== 'levers' && rows !== 'ablation') throw new InputError(`--rows: "${rows}" is neither levers nor ablation`);
  const names = args.values.methods?.split(',');
  const priorPath = args.values.prior;
  const hasDepthModel = existsSync(depthModelPath);
  const allMethods = qualityMethods(rows, { prior: !!priorPath, stereoDepth: stereoDepthWeight, depthSmooth, warp, photoConsistency, ...(hasDepthModel && depthWeight > 0 ? { depth: depthWeight } : {}) });
  // A row answers to its name without the "+ " and the marks, and to each level it is marked as
  // ("quality best") and "defaults".
  const aliases = (n: string) => {
    const marks = [...n.matchAll(/quality (\w+)(, defaults)?/g)].flatMap((m) => [`quality ${m[1]}`, ...(m[2] ? ['defaults'] : [])]);
    return [n.replace(/^\+ /, '').replace(/ \(= .*\)$/, ''), ...marks];
  };
  if (names) for (const n of names) if (!allMethods.some((m) => aliases(m.name).includes(n))) throw new InputError(`--methods: unknown row "${n}" (rows: ${allMethods.map((m) => aliases(m.name)[0]).join(', ')})`);
  const methods = allMethods.filter((m) => !names || names.some((n) => aliases(m.name).includes(n)));
  let lpips: LpipsScorer | null = null;
  const model = args.values['lpips-model'];
  if (model) lpips = await loadLpips({ bytes: new Uint8Array(await readFile(model).catch(() => { throw new InputError('LPIPS model does not exist', { file: model }); })), name: model });

  const prior: CliPrior | null = priorPath ? await loadCliPrior(priorPath, args.values['prior-manifest']) : null;
  const depthModel: DepthModel | null = methods.some((m) => m.depth === 'fastdepth') ? await loadDepthModel(new Uint8Array(await readFile(depthModelPath)), { label: depthModelPath }) : null;

  const gpu = await nodeGpu();
  const results: CellResult[][] = methods.map(() => []);
  const details: string[] = [];
  const started = performance.now();
  const report = () => {
    const table = paperTable(methods.map((m) => m.name), cases.map((c) => ({ label: `${c.scene}/${c.split}` })), results);
    return [
      `GPU: ${gpu.description} (${gpu.driver}); ${stepsText}${givenText}${downscale > 1 ? `, 1/${downscale} resolution` : ''}; LPIPS: ${lpips ? `${lpips.model.name} (${lpips.model.file})` : 'no model (give --lpips-model)'}` +
        (prior ? `; repair prior: ${prior.describe}` : ''),
      '',
      table,
      '',
      'Columns: scene/input views. PSNR, SSIM, LPIPS of the held-out views (mean): masked (DTU convention: background black in both images) for DTU and the generated scenes, full image for lego and fern.',
      `Regularisers off by default, so no ablation row: ${regularisersOffByDefault().join(', ') || 'none'}.`,
      `Scenes without masks (fern) cannot start from the visual hull: every row of theirs that does not set its start starts from ${UNMASKED_START} points (UNMASKED_START, as the app), so their "+ stereo start" row is their defaults row again; "+ stereo start" on the masked scenes: splats at photo-consistent points inside the hull, a quarter or more random in the box.`,
      ...(methods.some((m) => m.options.depthSmoothWeight) ? [`"+ depth smoothness": the defaults' levers with the depth smoothness at pseudo views on (depthSmoothWeight ${depthSmooth}, a pseudo view every ${train.depthSmoothEvery ?? DEFAULT_TRAIN_OPTIONS.depthSmoothEvery} steps).`] : []),
      ...(methods.some((m) => m.options.warpWeight) ? [`"+ warp consistency": the defaults' levers with the warp consistency at pseudo views on (warpWeight ${warp}; targets remade every ${train.warpEvery ?? DEFAULT_TRAIN_OPTIONS.warpEvery} steps from ${train.warpStart ?? DEFAULT_TRAIN_OPTIONS.warpStart} of the run, a pseudo view every ${train.warpPseudoEvery ?? DEFAULT_TRAIN_OPTIONS.warpPseudoEvery} steps).`] : []),
      ...(methods.some((m) => m.options.photoConsistencyWeight) ? [`"+ photo-consistency": the defaults' levers with the photo-consistency of pseudo views on (photoConsistencyWeight ${photoConsistency}, from ${train.photoConsistencyStart ?? DEFAULT_TRAIN_OPTIONS.photoConsistencyStart} of the run, a pseudo view every ${train.photoConsistencyEvery ?? DEFAULT_TRAIN_OPTIONS.photoConsistencyEvery} steps).`] : []),
      ...(methods.some((m) => m.depth === 'stereo') ? [`"+ depth (stereo)": the defaults' levers with the depth loss on (depthWeight ${stereoDepthWeight}), targets the plane sweep's depth maps of the training views (src/recon/depth/stereoDepth.ts).`] : []),
      ...(prior ? [`"+ repair prior": the defaults' levers with the learned repair prior on (repairPrior; its schedule and weights at their defaults, src/recon/train/trainOptions.ts).`] : []),
      ...(depthModel ? [`"+ depth (FastDepth)": the defaults' levers with the depth loss on (depthWeight ${depthWeight}, ${train.depthPatch ?? DEFAULT_TRAIN_OPTIONS.depthPatch}-pixel patches), targets FastDepth's depth of each training photo (${depthModel.model.file}).`] : []),
      ...(hasDepthModel ? [] : [`${depthModelPath} does not exist: no depth row`]).map((n) => `Note: ${n}.`),
      ...notes.map((n) => `Note: ${n}.`),
      '',
      '| scene/views | method | eval size | test views | splats | steps | seconds | repair rounds (s each) | depth r (first, last tenth) |',
      '|---|---|---|---:|---:|---:|---:|---|---|',
      ...details,
      '',
      `Total: ${((performance.now() - started) / 1000).toFixed(0)} s.`,
    ].join('\n');
  };

  for (const [c, cs] of cases.entries()) {
    const scene = await loadScene(fsSource(cs.dir));
    const standard = protocolSize(scene, cs.split);
    const size = downscale > 1 ? { width: Math.round(standard.width / downscale), height: Math.round(standard.height / downscale) } : undefined;
    const trainIds = new Set(scene.manifest.splits[cs.split].train);
    const hasMasks = scene.views.filter((v) => trainIds.has(v.id)).every((v) => v.maskData);
    for (const [m, method] of methods.entries()) {
      const label = `${cs.scene}/${cs.split} ${method.name}`;
      const t0 = performance.now();
      try {
        const r = await reconstructScene(gpu.device, scene, {
          split: cs.split, size, ...train, ...(hasMasks ? {} : { init: UNMASKED_START }), ...method.options, ...(prior ? { repair: prior.repair } : {}),
          ...(method.depth === 'fastdepth' && depthModel ? { depthMaps: (views: readonly TrainView[]) => monocularDepths(depthModel, scene, views) } : {}),
          ...(method.depth === 'stereo' ? { depthMaps: (views: readonly TrainView[]) => stereoDepths(views, scene, label) } : {}),
        });
        if (r.train.stopped) throw new Error(`training stopped: ${r.train.stopped}`);
        const e = await evaluateCloud(gpu.device, scene, r.train.cloud, { split: cs.split, size, lpips });
        const masked = cs.metric === 'masked';
        const psnr = masked ? e.mean.psnrMasked : e.mean.psnr;
        const ssim = masked ? e.mean.ssimMasked : e.mean.ssim;
        if (psnr === null || ssim === null) throw new InputError('the scene has no masks for the masked metrics');
        results[m][c] = { cell: { psnr, ssim, lpips: masked ? e.mean.lpipsMasked : e.mean.lpips } };
        const seconds = (performance.now() - t0) / 1000;
        const rounds = r.train.priorRounds;
        const repairCell = rounds ? `${rounds.length} (${rounds.map((x) => (x.repairMs / 1000).toFixed(1)).join(', ')})` : '';
        details.push(`| ${cs.scene}/${cs.split} | ${method.name} | ${e.size.width}x${e.size.height} | ${e.testViews.length} | ${e.splats} | ${r.train.stepsDone} | ${seconds.toFixed(0)} | ${repairCell} | ${depthCell(r.train.history)} |`);
        console.error(`${label}: PSNR ${psnr.toFixed(2)} SSIM ${ssim.toFixed(3)} (${e.splats} splats, ${seconds.toFixed(0)} s)${coPruneNote(r.train)}`);
      } catch (err) {
        const msg = isInputError(err) ? err.message : `error: ${(err as Error).message}`;
        results[m][c] = { error: msg };
        console.error(`${label}: ${msg}`);
      }
    }
    await mkdir(dirname(resolve(out)), { recursive: true });
    await writeFile(out, report() + '\n'); // after every case, so a long run leaves what it has
  }
  await lpips?.dispose();
  await prior?.model.dispose();
  await depthModel?.dispose();
  console.log(report());
  console.error(`wrote ${out}`);
  return 0;
}

/** With co-regularisation: how many splats each cloud's co-pruning removed, and the partner's size. */
function coPruneNote(t: { coPruned?: { pruned: number }[]; partner?: { splats: number; coPruned: { pruned: number }[] } }): string {
  if (!t.partner) return '';
  const sum = (xs: { pruned: number }[]) => xs.reduce((s, x) => s + x.pruned, 0);
  return `; co-pruned ${sum(t.coPruned ?? [])} (partner ${sum(t.partner.coPruned)} of its ${t.partner.splats})`;
}

/**
 * How well the rendered depth follows the depth maps: the mean patch-wise Pearson r the trainer
 * reported (TrainProgress.depthPearson) over the first and the last tenth of its reports; empty
 * for a run without the depth loss.
 */
function depthCell(history: readonly TrainProgress[]): string {
  const r = history.flatMap((h) => (h.depthPearson === undefined ? [] : [h.depthPearson]));
  if (r.length === 0) return '';
  const k = Math.max(1, Math.round(r.length / 10));
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  return `${mean(r.slice(0, k)).toFixed(2)}, ${mean(r.slice(-k)).toFixed(2)}`;
}

/** The plane sweep's depth map of each training view (views with masks; none for a scene without). */
async function stereoDepths(views: readonly TrainView[], scene: LoadedScene, label: string): Promise<(Float32Array | undefined)[]> {
  const t0 = performance.now();
  const r = await stereoDepthMaps(views, { bounds: scene.manifest.bounds });
  const cover = r.coverage.map((c) => `${(100 * c).toFixed(0)}%`).join(' ');
  console.error(`${label}: stereo depth, ${r.points} points, object pixels covered ${cover} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  return r.maps;
}

/** The depth model's map of each training view's photo as loaded (on the scene background where it has transparency), at the view's training size. */
async function monocularDepths(model: DepthModel, scene: LoadedScene, views: readonly TrainView[]): Promise<Float32Array[]> {
  const bg = scene.manifest.background ?? [0, 0, 0];
  const out: Float32Array[] = [];
  for (const v of views) {
    const photo = scene.views.find((s) => s.id === v.id)!.rgba;
    const opaque = photo.data.every((x, i) => i % 4 !== 3 || x === 255);
    out.push(await model.depth(opaque ? photo : compositeOver(photo, bg), v.camera.width, v.camera.height));
  }
  return out;
}

runCli(main);
