/**
 * npm run bench:poses [-- --models-dir DIR --only dtu,lego,pebbles --methods alike,xfeat,orb,alike-masked,alike-masked-views,colmap --splits 3,6,9,8 --out f.md]
 *
 * Camera poses from the photos alone (the known cameras are hidden from every method and only
 * used to score): DTU scan37 (3, 6, 9 of the standard inputs 25, 22, 28, 40, 44, 48, 0, 8, 13,
 * at 400x300, the size the importer writes and the papers evaluate at), Blender lego (3 and 8 of
 * r_26, r_86, r_2, r_55, r_75, r_93, r_16, r_73 at 400x400 on white) and the generated scenes
 * (their 3- and 9-view splits, 400x300). Rows per feature source: ALIKE-N and XFeat (models from
 * --models-dir, default ../shared/models) and the model-free ORB; COLMAP (CPU SIFT, exhaustive
 * matching, mapper) as the baseline when the `colmap` binary is installed.
 *
 * Columns: views registered; median and max pairwise relative-rotation error and median
 * relative-translation-direction error over all pairs of registered views (degrees; no
 * alignment needed); median focal-length error of the registered views (percent, signed);
 * seconds. No masks are given to any method but 'alike-masked': ALIKE-N with
 * the masks the masks stage makes from the photos (model-free path), which keep keypoints on the
 * object and let the object-centred start place what SfM cannot (shown as "+k object-centred"
 * beside the views SfM registered; the errors are over all of them), the views SfM left matched
 * again on tilted copies and placed in clusters (src/recon/poses/clusterSfm.ts, clusterPlacement.ts).
 * 'alike-masked-views': the same without that cluster matching (each view SfM left placed on its
 * own by the object-centred start, as before), the baseline for it. 'refined': the
 * 'alike-masked' cameras (not a rerun) refined photometrically by the trainer (refineCameras,
 * src/recon/train/cameraRefine.ts; hull start from the estimated masks and the poses stage's
 * object box, --refine-iters steps at --refine-size, default 500 at 200x150 or 150x150): the row
 * after photometric refinement (with the trainer's camera pre-pass, cameraPrepassSteps, when it
 * runs: the row says so). It needs the 'alike-masked' method in the same run. --refine-variants
 * gives one refined row per set of training flags, sets separated by ';', flags as name=value
 * separated by spaces (e.g. "camera-pivot=object;camera-pivot=object refine-cameras-of=all");
 * default one row at the trainer's defaults. --refine-starts placed,truth: 'truth' adds the refined
 * rows again, started from the true poses in place of the guesses (moved into the matched views'
 * frame by the similarity of their true and estimated cameras; the estimated focal kept): how far
 * refinement moves cameras that are right, the floor under what it can reach from a guess.
 * --refine-passes N: N training runs one after the other, each a new cloud from the cameras the
 * last refined (as Reconstruct run again in the app), a row after each. --seeds 1,2,3: the 'alike-masked' row once per SfM
 * RANSAC seed (SfmOptions.seed, default 1), all from one matching, to show how much of a row is the
 * seed's luck, each with and without the last step's epipolar rematching (EstimatePosesOptions.rematch,
 * src/recon/poses/epipolarRematch.ts); 'refined' then has no cameras to refine.
 */
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { resizeCamera, type Camera } from '../src/core/camera.ts';
import { resizeImage } from '../src/core/image.ts';
import { fsSource } from '../src/node/fsFileSource.ts';
import { loadScene } from '../src/io/sceneFolder.ts';
import { estimateMasks } from '../src/recon/masks/index.ts';
import { estimatePoses, pairwisePoseErrors, stats, type FeatureSource } from '../src/recon/poses/index.ts';
import { matchPhotos, posesFromMatches } from '../src/recon/poses/estimatePoses.ts';
import { masksWithMargin } from '../src/recon/masks/maskMargin.ts';
import { resizeMask } from '../src/recon/prepareViews.ts';
import { ALL_TRAIN_OPTIONS, parseTrainFlags, trainFlagNames } from '../scripts/lib/trainFlags.ts';
import type { TrainOptions } from '../src/recon/train/trainOptions.ts';
import { trainGaussians } from '../src/recon/train/trainer.ts';
import { parseArgs, parseSize } from '../scripts/lib/args.ts';
import { nodeGpu } from '../scripts/lib/nodeGpu.ts';
import { runCli } from '../scripts/lib/runCli.ts';
import { DATASETS, ensureImported, flatten } from './benchScenes.ts';
import { colmapInstalled, colmapPoses } from './colmapBaseline.ts';
import { alignSceneToEstimate, mapCamerasToEstimate } from '../src/recon/evaluate/poseFree.ts';
import type { Bounds } from '../src/recon/hull/types.ts';

interface Case { scene: string; dir: string; split: string; background?: [number, number, number] }
type Method = 'alike' | 'xfeat' | 'orb' | 'alike-masked' | 'alike-masked-views' | 'refined' | 'colmap';

const fmt = (x: number, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : '-');

/**
 * Median signed error of the estimated focal lengths, percent of the true ones (each as a
 * fraction of its image's width, so cameras of a resized copy compare too). SfM self-calibrates
 * one focal when the photos carry none: an error there turns into rotation errors.
 */
function focalErrorPct(cams: readonly Camera[], truth: readonly Camera[]): number {
  return stats(cams.map((c, i) => 100 * ((c.fx / c.width) / (truth[i].fx / truth[i].width) - 1))).median;
}

/** One table row: views placed (and how many by the object-centred start), pairwise errors, focal error, seconds. */
function poseRow(scene: string, views: number, label: string, cams: readonly (Camera | null)[], truth: readonly Camera[], guessed: number, seconds: number): string {
  const placed = cams.map((cam, i) => (cam ? i : -1)).filter((i) => i >= 0);
  const placedCams = placed.map((i) => cams[i]!), placedTruth = placed.map((i) => truth[i]);
  const err = placed.length >= 2 ? pairwisePoseErrors(placedCams, placedTruth) : null;
  return `| ${scene} | ${views} | ${label} | ${placed.length - guessed}/${views}${guessed ? ` (+${guessed} object-centred)` : ''} | ${fmt(err?.rotationDeg.median ?? NaN)} | ${fmt(err?.rotationDeg.max ?? NaN)} | ${fmt(err?.translationDeg.median ?? NaN)} | ${fmt(focalErrorPct(placedCams, placedTruth), 1)} | ${seconds.toFixed(1)} |`;
}

type MaskedRun = { cams: Camera[]; masks: Uint8Array[]; bounds: Bounds | null; guesses: boolean[] };

/**
 * The masked run with each guessed camera replaced by the true one, moved into the frame of the
 * matched views (the similarity that takes their true cameras onto their estimated ones): true
 * poses with the estimated intrinsics. A string saying why not where there is nothing to replace
 * (no guesses) or the matched views cannot fix the frame (fewer than two, or no similarity fits).
 */
function truthStart(run: MaskedRun, truth: readonly Camera[]): MaskedRun | string {
  const matched = run.guesses.map((g, i) => (g ? -1 : i)).filter((i) => i >= 0);
  if (matched.length === run.guesses.length) return 'no guessed cameras to replace';
  if (matched.length < 2) return 'fewer than two matched views to fix the frame';
  try {
    const known = mapCamerasToEstimate(alignSceneToEstimate(matched.map((i) => run.cams[i]), matched.map((i) => truth[i])), truth);
    return { ...run, cams: run.cams.map((c, i) => (run.guesses[i] ? { ...c, R: known[i].R, t: known[i].t } : c)) };
  } catch (e) {
    return `no similarity fits the matched views (${(e as Error).message})`;
  }
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2), ['models-dir', 'only', 'methods', 'out', 'keypoints', 'refine-iters', 'refine-size', 'splits', 'refine-variants', 'refine-starts', 'refine-passes', 'seeds']);
  if (args.help) { console.log('usage: npm run bench:poses [-- --models-dir DIR --only dtu,lego,pebbles,patterned-cube,stool --methods alike,xfeat,orb,alike-masked,alike-masked-views,refined,colmap --splits 3,6,9,8 --keypoints N --refine-iters N --refine-size WxH --refine-variants "flag=value ...;..." --refine-starts placed,truth --refine-passes N --seeds 1,2,3 --out f.md]'); return 0; }
  const modelsDir = resolve(args.values['models-dir'] ?? '../shared/models');
  const only = args.values.only?.split(',');
  const methods = (args.values.methods ?? 'alike,xfeat,orb,alike-masked,alike-masked-views,refined,colmap').split(',') as Method[];
  const refineIters = args.int('refine-iters', 500, 1, 30_000);
  const refinePasses = args.int('refine-passes', 1, 1, 10);
  const refineSize = args.values['refine-size'] ? parseSize(args.values['refine-size']) : null;
  const refineVariants = (args.values['refine-variants'] ?? '').split(';').map((v) => v.trim()).map((label) => {
    const argv = label.split(/\s+/).filter(Boolean).flatMap((kv) => {
      const [k, ...rest] = kv.split('=');
      return [`--${k}`, rest.join('=')];
    });
    const parsed = parseArgs(argv, trainFlagNames(ALL_TRAIN_OPTIONS));
    return { label, options: parseTrainFlags(parsed, ALL_TRAIN_OPTIONS) as Partial<TrainOptions> };
  });
  // --refine-starts truth: the refined rows again from the true poses in place of the guesses
  // (moved into the matched views' frame): how far the refinement moves cameras that are right.
  const refineStarts = (args.values['refine-starts'] ?? 'placed').split(',').map((x) => {
    if (x !== 'placed' && x !== 'truth') throw new Error(`--refine-starts: "${x}" is neither placed nor truth`);
    return x;
  });
  const gpu = methods.includes('refined') && methods.includes('alike-masked') ? await nodeGpu() : null;
  const maxKeypoints = args.int('keypoints', 2048, 64, 20000);
  const want = (name: string) => !only || only.some((o) => name.startsWith(o));
  // --splits keeps only those view counts (e.g. 6,9), so one case can be rerun on its own.
  const splits = args.values.splits?.split(',');
  const wantSplit = (split: string) => !splits || splits.includes(split);
  // --seeds: the 'alike-masked' rows once per SfM RANSAC seed, on one matching (how much of a
  // row's figure is the seed's luck).
  const seeds = args.values.seeds?.split(',').map((x) => Number(x)).filter((x) => Number.isInteger(x));

  const cases: Case[] = [];
  if (want('dtu')) {
    const dtu = await ensureImported('dtu_scan37', resolve(DATASETS, 'dtu_scan37'));
    if (dtu) for (const split of ['3', '6', '9'].filter(wantSplit)) cases.push({ scene: 'dtu_scan37', dir: dtu, split });
    else console.error(`DTU scan37 not found in ${DATASETS}: skipped`);
  }
  if (want('lego')) {
    const lego = await ensureImported('lego', resolve(DATASETS, 'nerf_synthetic_lego'));
    if (lego) for (const split of ['3', '8'].filter(wantSplit)) cases.push({ scene: 'lego', dir: lego, split, background: [255, 255, 255] });
    else console.error(`lego not found in ${DATASETS}: skipped`);
  }
  for (const name of ['pebbles', 'patterned-cube', 'stool'])
    if (want(name)) for (const split of ['3', '9'].filter(wantSplit)) cases.push({ scene: name, dir: resolve('scenes', name), split });

  const models: Partial<Record<'alike' | 'xfeat', Uint8Array>> = {};
  for (const [kind, file] of [['alike', 'alike_n.onnx'], ['xfeat', 'xfeat.onnx']] as const) {
    if (!methods.includes(kind) && !(kind === 'alike' && (methods.includes('alike-masked') || methods.includes('alike-masked-views')))) continue;
    const p = resolve(modelsDir, file);
    if (existsSync(p)) models[kind] = new Uint8Array(await readFile(p));
    else console.error(`${file} not in ${modelsDir}: the ${kind} rows are skipped`);
  }
  const haveColmap = methods.includes('colmap') && (await colmapInstalled());
  if (methods.includes('colmap') && !haveColmap) console.error('COLMAP not installed: apt-get install colmap');

  const rows: string[] = [];
  const header = '| scene | views | method | registered | rot. err. median (deg) | rot. err. max (deg) | transl. dir. err. median (deg) | focal err. (%) | seconds |';
  rows.push(header, '|---|---:|---|---:|---:|---:|---:|---:|---:|');
  console.log(header);
  for (const c of cases) {
    const scene = await loadScene(fsSource(c.dir));
    const ids = scene.manifest.splits[c.split].train;
    const views = ids.map((id) => scene.views.find((v) => v.id === id)!);
    const images = views.map((v) => (c.background ? flatten(v.rgba, c.background) : v.rgba));
    const truth = views.map((v) => v.camera!);
    let maskedRun: MaskedRun | null = null;
    for (const m of methods) {
      if (m === 'refined') continue;
      if ((m === 'alike' || m === 'xfeat') && !models[m]) continue;
      if ((m === 'alike-masked' || m === 'alike-masked-views') && !models.alike) continue;
      if (m === 'colmap' && !haveColmap) continue;
      let cams: (Camera | null)[];
      let seconds: number;
      let note = '';
      let guessed = 0;
      if (m === 'alike-masked' && seeds?.length) {
        const t0 = performance.now();
        const masks = (await estimateMasks(images, { method: 'auto' })).masks.map((x) => x.mask);
        // As estimatePoses: the masks with their margin for matching and placement.
        const o = { features: 'alike' as const, model: models.alike, maxKeypoints, masks: masksWithMargin(images, masks) };
        const photoMatches = await matchPhotos(images, o);
        const tMatch = (performance.now() - t0) / 1000;
        for (const seed of seeds) for (const rematch of [false, true]) {
          const t1 = performance.now();
          const r = await posesFromMatches(images, photoMatches, { ...o, sfm: { seed }, rematch });
          const cs = r.views.map((v) => (v.registered ? v.camera : null));
          const guesses = r.views.filter((v) => v.registered && v.source === 'object-centred').length;
          const seedNote = `masks, features and matching ${tMatch.toFixed(1)} s once for every seed; this row's seconds are SfM, placement and (when on) the epipolar rematching`;
          const label = `ALIKE-N + masks, object-centred start, SfM seed ${seed}${rematch ? '' : ', no epipolar rematching'}`;
          const row = poseRow(c.scene, ids.length, label, cs, truth, guesses, (performance.now() - t1) / 1000);
          rows.push(row);
          console.log(`${row}   <!-- ${seedNote} -->`);
        }
        continue;
      }
      if (m === 'colmap') {
        const r = await colmapPoses(images, ids);
        cams = r.cameras; seconds = r.seconds; note = r.note;
      } else {
        const t0 = performance.now();
        const masked = m === 'alike-masked' || m === 'alike-masked-views';
        const source: FeatureSource = m === 'orb' ? 'none' : masked ? 'alike' : m;
        const masks = masked ? (await estimateMasks(images, { method: 'auto' })).masks.map((x) => x.mask) : undefined;
        const tMasks = (performance.now() - t0) / 1000;
        const r = await estimatePoses(images, { features: source, model: models[source as 'alike' | 'xfeat'], maxKeypoints, masks, clusterMatching: m !== 'alike-masked-views' });
        seconds = (performance.now() - t0) / 1000;
        // Where the time went (the stage's own split), in the row's trailing comment.
        const split = `seconds: masks ${tMasks.toFixed(1)}, features ${(r.times.featuresMs / 1000).toFixed(1)}, matching ${(r.times.matchingMs / 1000).toFixed(1)}, SfM and placement ${(r.times.sfmMs / 1000).toFixed(1)}`;
        cams = r.views.map((v) => (v.registered ? v.camera : null));
        guessed = r.views.filter((v) => v.registered && v.source === 'object-centred').length;
        if (m === 'alike-masked' && masks && r.views.every((v) => v.registered)) maskedRun = { cams: r.views.map((v) => (v as { camera: Camera }).camera), masks, bounds: r.bounds, guesses: r.views.map((v) => v.registered && v.source === 'object-centred') };
        const why = r.views.map((v, i) => (v.registered ? (v.source === 'object-centred' ? `${ids[i]}: object-centred start` : null) : `${ids[i]}: ${v.reason}`)).filter(Boolean);
        note = [split, ...why].join('; ');
      }
      const label = m === 'orb' ? 'ORB (no model)' : m === 'alike' ? 'ALIKE-N' : m === 'alike-masked' ? 'ALIKE-N + masks, object-centred start' : m === 'alike-masked-views' ? 'ALIKE-N + masks, object-centred start, no cluster matching' : m === 'xfeat' ? 'XFeat' : 'COLMAP';
      const row = poseRow(c.scene, ids.length, label, cams, truth, guessed, seconds);
      rows.push(row);
      console.log(row + (note ? `   <!-- ${note} -->` : ''));
    }
    if (gpu && maskedRun) for (const start of refineStarts) for (const variant of refineVariants) {
      // The masked run's cameras refined photometrically, together with a cloud trained on them.
      const t0 = performance.now();
      const run = start === 'truth' ? truthStart(maskedRun, truth) : maskedRun;
      if (typeof run === 'string') {
        console.error(`${c.scene} ${c.split}: no start from the true cameras: ${run}`);
        continue;
      }
      const guessedCount = run.guesses.filter(Boolean).length;
      const size = refineSize ?? (images[0].width === images[0].height ? { width: 150, height: 150 } : { width: 200, height: 150 });
      const train = views.map((v, i) => ({
        id: v.id,
        camera: resizeCamera(run.cams[i], size.width, size.height),
        rgba: resizeImage(images[i], size.width, size.height),
        mask: resizeMask(run.masks[i], images[i].width, images[i].height, size.width, size.height),
        cameraGuess: run.guesses[i],
      }));
      // Each pass a new training run (a new cloud) from the cameras the last one refined, as a
      // second Reconstruct in the app starts from the refined guesses; a row after each.
      for (let pass = 1; pass <= refinePasses; pass++) {
        const r = await trainGaussians(gpu.device, train, { iterations: refineIters, ...variant.options, refineCameras: true, bounds: run.bounds ?? undefined, progressEvery: 100 });
        const cams = r.cameras ?? train.map((v) => v.camera);
        cams.forEach((cam, i) => { train[i].camera = cam; });
        const err = pairwisePoseErrors(cams, truth);
        // The trainer's camera pre-pass (on by default for guessed views) ran first: say so.
        const pre = r.cameraPrepass ? `after a camera pre-pass of ${r.cameraPrepass.steps} steps at ${r.cameraPrepass.width}x${r.cameraPrepass.height}, ` : '';
        const how = [`${pre}${refineIters} steps at ${size.width}x${size.height}`, variant.label, start === 'truth' ? 'started from the true cameras' : '', refinePasses > 1 ? `training run ${pass} of ${refinePasses}` : ''].filter(Boolean).join(', ');
        const row = `| ${c.scene} | ${ids.length} | ALIKE-N + masks, object-centred start, then photometric refinement (${how}) | ${ids.length - guessedCount}/${ids.length}${guessedCount ? ` (+${guessedCount} object-centred)` : ''} | ${fmt(err.rotationDeg.median)} | ${fmt(err.rotationDeg.max)} | ${fmt(err.translationDeg.median)} | ${fmt(focalErrorPct(cams, truth), 1)} | ${((performance.now() - t0) / 1000).toFixed(1)} (refinement${pass > 1 ? `, runs 1-${pass}` : ''}) |`;
        rows.push(row);
        console.log(row + (r.stopped ? `   <!-- stopped: ${r.stopped} -->` : ''));
        if (r.stopped) break;
      }
    }
  }
  if (args.values.out) await writeFile(args.values.out, rows.join('\n') + '\n');
  return 0;
}

runCli(main);
