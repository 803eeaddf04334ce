/**
 * npm run bench:codec [-- --scenes pebbles,stool --sh 3,1 --iters 300 --size WxH --stages N --entries 128
 *                        --datasets all|none --dataset-iters 500 --dataset-sh 3 --scene-dirs dir,dir
 *                        --finetune 100 --finetune-round 25 --finetune-sh 3 --min-opacity 6/255[,4/255,...]
 *                        --position-error-fraction 0.05[,0.1] --peers all|none --explain-sog --explain-stream]
 *
 * The progressive stream (src/stream) against the uncompressed cloud and its peers, in one run:
 * each generated scene (scenes/) is trained for a few hundred steps at each SH degree asked for
 * (cached in out/bench-codec/), then written and read back by every codec, and each decoded cloud
 * renders the split's held-out test views. Columns:
 *   bytes, bytes per splat, ratio to the cloud's PLY,
 *   PSNR: mean over the test views against the photos; dPSNR: that minus the uncompressed cloud's;
 *   vs PLY: PSNR of the decoded cloud's renders against the uncompressed cloud's renders,
 *   enc / dec: seconds (one run; a shared 2-core machine, so read them as rough).
 * Rows for this codec: the first chunk alone (the first thing a viewer draws), then each colour
 * refinement layer's prefix (L1 = geometry of every splat + stage-0 colours; the last is the
 * whole file); with --finetune N (default 100, 0 for none; on clouds of the --finetune-sh degrees,
 * default 3), the same prefixes of the stream of
 * the cloud after N steps of quantisation-aware fine-tuning (bench/codec/finetune.ts), and the
 * control: the uncompressed cloud after N plain training steps (its PSNR change is what the extra
 * training alone gives) and its stream, which is what the fine-tuned stream has to beat at equal
 * bytes ("vs PLY render" of these rows is against the cloud before the extra steps).
 * Peers: SPZ v3 by this project's writer, SPZ by spz-js, SOG by
 * @playcanvas/splat-transform (decoded by splat-transform). When ../shared/datasets exists, DTU
 * scan37 (9 views) and lego (8) are in the run too (imported into out/bench-scenes/ on first use,
 * see bench/benchScenes.ts; --datasets none leaves them out), at the --dataset-sh degrees and
 * trained --dataset-iters steps (default 500: 300 is no reconstruction of DTU); --scene-dirs adds
 * other scene folders, trained like the datasets. Every cloud is trained as bench:recon trains
 * it (reconstructScene, the default options: hull start), at half the photos' size unless --size
 * says otherwise (bench:recon --downscale 2), and cached in out/bench-codec/ under a name that
 * holds its settings. PSNR is scored as bench:recon scores the scene: DTU's masked convention
 * (background of render and photo black) where the test views have masks and the scene has no
 * background colour or a black one (DTU, the generated scenes), the full image otherwise (lego,
 * composited on white as the papers score it); "vs PLY render" uses the same convention.
 * --min-opacity sets the encoder's opacity cut (default 6/255, src/stream/encode.ts MIN_OPACITY);
 * a list (6/255,4/255) encodes every stream row with the first and adds the plain stream's layer
 * rows for each other cut, so cuts compare in one run.
 * --position-error-fraction sets the encoder's position grid (default 0.05: the grid's half step is
 * that fraction of the thin splats' smallest axis, src/stream/encode.ts POSITION_ERROR_FRACTION);
 * a list adds the plain stream's layer rows for each other fraction, as --min-opacity does.
 * --explain-stream adds the same swap table for the stream (bench/codec/explainStream.ts): which
 * attribute group's quantisation moves held-out PSNR.
 * --explain-sog adds a second table: each attribute group of the SOG-decoded cloud swapped alone
 * into the original cloud, and the reverse, then SOG's opacity quantiser and the stream's opacity
 * cut alone (bench/codec/explainSog.ts), with their dPSNR.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { GaussianCloud } from '../src/core/gaussianCloud.ts';
import type { RGBAImage } from '../src/core/image.ts';
import { createHash } from 'node:crypto';
import { applyMaskBlack, psnr } from '../src/core/metrics/index.ts';
import { readPly, writePly } from '../src/io/ply.ts';
import { loadScene, type LoadedScene } from '../src/io/sceneFolder.ts';
import { fsSource } from '../src/node/fsFileSource.ts';
import { prepareSplit, type PreparedSplit } from '../src/recon/prepareViews.ts';
import { reconstructScene } from '../src/recon/reconstructScene.ts';
import { renderCloudViews } from '../src/recon/renderViews.ts';
import { resolveTrainOptions } from '../src/recon/train/trainOptions.ts';
import { ChunkKind, decodeStream, encodeStream, parseStreamHeader } from '../src/stream/index.ts';
import { MIN_OPACITY, POSITION_ERROR_FRACTION } from '../src/stream/encode.ts';
import { InputError } from '../src/core/errors.ts';
import { parseOpacity, opacityText } from '../scripts/lib/opacityArg.ts';
import { DATASETS, ensureImported } from './benchScenes.ts';
import { parseArgs, parseSize } from '../scripts/lib/args.ts';
import { nodeGpu } from '../scripts/lib/nodeGpu.ts';
import { runCli } from '../scripts/lib/runCli.ts';
import { explainSog, type ExplainRow } from './codec/explainSog.ts';
import { explainStream } from './codec/explainStream.ts';
import { plainFinetune, quantisationAwareFinetune } from './codec/finetune.ts';
import { PEER_CODECS } from './codec/peers.ts';

interface Row {
  scene: string;
  sh: number;
  codec: string;
  splats: number;
  bytes: number;
  plyBytes: number;
  psnr: number;
  basePsnr: number;
  vsPly: number;
  enc: number | null;
  dec: number | null;
}

const seconds = (t0: number) => (performance.now() - t0) / 1000;


type Metric = 'masked' | 'full';

/**
 * How bench:recon scores the scene: the DTU convention (masked) when every test view has a mask
 * and the photos are not composited on a colour (no background, or black: DTU, the generated
 * scenes); the full image otherwise (Blender's lego on white, as the papers score it).
 */
function metricOf(scene: LoadedScene, prepared: PreparedSplit): Metric {
  const bg = scene.manifest.background;
  const plain = !bg || bg.every((c) => c === 0);
  return plain && prepared.test.every((v) => v.mask) ? 'masked' : 'full';
}

async function scoreCloud(device: GPUDevice, prepared: PreparedSplit, metric: Metric, cloud: GaussianCloud, baseRenders?: RGBAImage[]): Promise<{ psnr: number; vsPly: number; renders: RGBAImage[] }> {
  const raw = await renderCloudViews(device, cloud, prepared.test.map((v) => v.camera), prepared.background);
  // Masked: both images' background black, full-frame PSNR (src/recon/evaluate/scoreView.ts).
  const renders = metric === 'masked' ? raw.map((r, i) => applyMaskBlack(r, prepared.test[i].mask!)) : raw;
  const photos = metric === 'masked' ? prepared.test.map((v) => applyMaskBlack(v.rgba, v.mask!)) : prepared.test.map((v) => v.rgba);
  const mean = (f: (i: number) => number) => renders.reduce((s, _, i) => s + f(i), 0) / renders.length;
  return {
    psnr: mean((i) => psnr(renders[i], photos[i])),
    vsPly: baseRenders ? mean((i) => Math.min(99, psnr(renders[i], baseRenders[i]))) : Infinity,
    renders,
  };
}

async function trainedCloud(device: GPUDevice, scene: LoadedScene, name: string, split: string, sh: number, iters: number, size: { width: number; height: number }): Promise<GaussianCloud> {
  const dir = resolve('out/bench-codec');
  // bench:recon's options (the defaults: hull start); the name holds every option's value, so a
  // changed default trains a new cloud instead of reusing an old one.
  const options = resolveTrainOptions({ iterations: iters, shDegree: sh });
  const key = createHash('sha256').update(JSON.stringify(options)).digest('hex').slice(0, 8);
  const file = join(dir, `${name}-split${split}-sh${sh}-${iters}it-${options.init}-${size.width}x${size.height}-${key}.ply`);
  if (existsSync(file)) return readPly(await readFile(file));
  console.error(`training ${name} (split ${split}, SH ${sh}, ${iters} steps, ${options.init} start, at ${size.width}x${size.height})`);
  const t0 = performance.now();
  const res = await reconstructScene(device, scene, { ...options, split, size });
  console.error(`  ${res.train.cloud.count} splats in ${seconds(t0).toFixed(0)} s`);
  await mkdir(dir, { recursive: true });
  await writeFile(file, writePly(res.train.cloud));
  return res.train.cloud;
}

async function main(): Promise<number> {
  // --explain-sog and --explain-stream take no value (parseArgs wants one for every flag).
  const argv = process.argv.slice(2);
  const explain = argv.includes('--explain-sog');
  const explainOwn = argv.includes('--explain-stream');
  const args = parseArgs(argv.filter((a) => a !== '--explain-sog' && a !== '--explain-stream'), ['position-error-fraction', 'scenes', 'scene-dirs', 'datasets', 'sh', 'dataset-sh', 'iters', 'dataset-iters', 'size', 'split', 'stages', 'entries', 'finetune', 'finetune-round', 'finetune-sh', 'min-opacity', 'peers']);
  if (args.help) {
    console.log('usage: npm run bench:codec -- [--scenes a,b|none] [--datasets all|none] [--scene-dirs dir,dir] [--sh 3,1] [--dataset-sh 3] [--iters 300] [--dataset-iters 500] [--size WxH (default: half the photos)] [--split 9] [--stages N (default 6, 4 at SH 0)] [--entries 128] [--finetune 100] [--finetune-round 25] [--finetune-sh 3] [--min-opacity 6/255[,4/255,...]] [--position-error-fraction 0.05[,0.1,...]] [--peers all|none] [--explain-sog] [--explain-stream]');
    return 0;
  }
  const shs = (args.values.sh ?? '3').split(',').map(Number);
  const datasetShs = args.values['dataset-sh'] ? args.values['dataset-sh'].split(',').map(Number) : shs;
  const iters = args.int('iters', 300, 1, 30000);
  const datasetIters = args.int('dataset-iters', 500, 1, 30000);
  const useDatasets = (args.values.datasets ?? 'all') !== 'none';
  if (!['all', 'none'].includes(args.values.datasets ?? 'all')) throw new InputError(`--datasets must be all or none (got "${args.values.datasets}")`);
  const datasetDirs: string[] = [];
  if (useDatasets && existsSync(DATASETS)) {
    const dtu = await ensureImported('dtu_scan37', resolve(DATASETS, 'dtu_scan37'));
    const lego = await ensureImported('lego', resolve(DATASETS, 'nerf_synthetic_lego'));
    for (const d of [dtu, lego]) if (d) datasetDirs.push(d);
  } else if (useDatasets) console.error(`note: ${DATASETS} does not exist: the generated scenes only`);
  const sceneDirs = [
    ...(args.values.scenes ?? 'pebbles,patterned-cube,stool').split(',').filter((s) => s && s !== 'none').map((s) => ({ dir: resolve('scenes', s), shs, iters })),
    ...[...datasetDirs, ...(args.values['scene-dirs'] ?? '').split(',').filter(Boolean).map((s) => resolve(s))].map((dir) => ({ dir, shs: datasetShs, iters: datasetIters })),
  ];
  // --min-opacity a,b,...: the first is the encoder's cut for every stream row; each other one adds
  // the plain stream's rows encoded with that cut instead (to compare cuts in one run).
  const minOpacities = args.values['min-opacity'] === undefined ? [MIN_OPACITY] : args.values['min-opacity'].split(',').map(parseOpacity);
  const minOpacity = minOpacities[0];
  const fixedSize = args.values.size ? parseSize(args.values.size) : null;
  const split = args.values.split ?? '9';
  // Unset: the encoder's default for each cloud's SH degree (defaultStages).
  const stages = args.values.stages === undefined ? undefined : args.int('stages', 4, 1, 8);
  const entries = args.int('entries', 128, 1, 256);
  // A list, as --min-opacity: the first for every stream row, each other one adds the plain stream's rows.
  const positionFractions = (args.values['position-error-fraction'] ?? String(POSITION_ERROR_FRACTION)).split(',').map((t) => {
    const f = Number(t);
    if (!(f >= 1e-4 && f <= 10)) throw new InputError(`--position-error-fraction takes numbers from 0.0001 to 10, got "${t}"`);
    return f;
  });
  const positionErrorFraction = positionFractions[0];
  const finetuneSteps = args.int('finetune', 100, 0, 5000);
  // Fine-tuning costs minutes a cloud on a software GPU: by default only where the targets are (SH 3).
  const finetuneShs = (args.values['finetune-sh'] ?? '3').split(',').map(Number);
  const finetuneRound = args.int('finetune-round', 25, 1, 5000);
  const peers = args.values.peers === 'none' ? [] : PEER_CODECS;
  const gpu = await nodeGpu();
  console.error(`GPU: ${gpu.description} (${gpu.driver})`);
  const rows: Row[] = [];
  const explained: { scene: string; sh: number; rows: ExplainRow[] }[] = [];
  const explainedStream: { scene: string; sh: number; rows: ExplainRow[] }[] = [];

  const sizes = new Set<string>();
  const sceneIterations = new Set<number>();
  for (const { dir, shs: sceneShs, iters: sceneIters } of sceneDirs) {
    const scene = await loadScene(fsSource(dir));
    const name = scene.manifest.name;
    // The split asked for, else the densest one the scene has (lego: 8).
    const splitName = scene.manifest.splits[split] ? split : Object.keys(scene.manifest.splits).sort((a, b) => Number(b) - Number(a))[0];
    const photo = scene.views[0].rgba;
    const size = fixedSize ?? { width: Math.round(photo.width / 2), height: Math.round(photo.height / 2) };
    sizes.add(`${size.width}x${size.height}`);
    const prepared = prepareSplit(scene, splitName, size);
    const metric = metricOf(scene, prepared);
    const label = `${name} (${splitName}, ${sceneIters} steps, ${metric})`;
    sceneIterations.add(sceneIters);
    for (const sh of sceneShs) {
      const cloud = await trainedCloud(gpu.device, scene, name, splitName, sh, sceneIters, size);
      const plyBytes = writePly(cloud).length;
      const base = await scoreCloud(gpu.device, prepared, metric, cloud);
      console.error(`  ${name} SH ${sh}: ${cloud.count} splats, PSNR ${base.psnr.toFixed(2)} (${metric})`);
      const add = async (codec: string, decoded: GaussianCloud, bytes: number, enc: number | null, dec: number | null) => {
        const s = await scoreCloud(gpu.device, prepared, metric, decoded, base.renders);
        rows.push({ scene: label, sh, codec, splats: decoded.count, bytes, plyBytes, psnr: s.psnr, basePsnr: base.psnr, vsPly: s.vsPly, enc, dec });
        // A long run's rows as they come (the table is printed at the end).
        console.error(`  ${codec}: ${bytes} bytes, ${(bytes / decoded.count).toFixed(2)} B/splat, dPSNR ${(s.psnr - base.psnr).toFixed(3)}`);
      };
      rows.push({ scene: label, sh, codec: 'PLY (uncompressed)', splats: cloud.count, bytes: plyBytes, plyBytes, psnr: base.psnr, basePsnr: base.psnr, vsPly: Infinity, enc: null, dec: null });

      const cameras = prepared.train.map((v) => v.camera);
      /** Encodes `source` and adds a row per prefix: the first chunk (optional), then each layer. */
      const streamRows = async (source: GaussianCloud, tag: string, firstChunk: boolean, extraEnc = 0, cut = minOpacity, fraction = positionErrorFraction) => {
        const t0 = performance.now();
        const stream = encodeStream(source, { stages, codebookEntries: entries, cameras, minOpacity: cut, positionErrorFraction: fraction });
        const enc = seconds(t0) + extraEnc;
        const header = parseStreamHeader(stream);
        const end = (i: number) => header.chunks[i].offset + header.chunks[i].byteLength;
        const firstBase = header.chunks.findIndex((c) => c.kind === ChunkKind.base);
        const prefixes: [string, number][] = firstChunk ? [[`${tag}: first chunk`, end(firstBase)]] : [];
        const layers = header.stageCount;
        for (let s = 0; s < layers; s++) {
          let last = -1;
          header.chunks.forEach((c, i) => (c.stage <= s ? (last = i) : undefined));
          prefixes.push([`${tag}: L${s + 1}${s === layers - 1 ? ' (whole file)' : ''}`, end(last)]);
        }
        for (const [label, bytes] of prefixes) {
          const t1 = performance.now();
          const decoded = decodeStream(stream.subarray(0, bytes));
          await add(label, decoded.cloud, bytes, bytes === stream.length ? enc : null, seconds(t1));
        }
      };
      await streamRows(cloud, 'stream', true);
      for (const cut of minOpacities.slice(1)) await streamRows(cloud, `stream, cut ${opacityText(cut)}`, false, 0, cut);
      for (const fraction of positionFractions.slice(1)) await streamRows(cloud, `stream, positions to ${fraction} of the thin splats`, false, 0, minOpacity, fraction);
      if (finetuneSteps > 0 && finetuneShs.includes(sh)) {
        const bounds = scene.manifest.bounds;
        let t0 = performance.now();
        const background = prepared.background;
        const control = await plainFinetune(gpu.device, prepared.train, cloud, { steps: finetuneSteps, bounds, background });
        await add(`PLY + ${finetuneSteps} plain steps (control)`, control, plyBytes, seconds(t0), null);
        // Spending the same steps without the quantiser, then compressing: what QA must beat.
        await streamRows(control, `stream of the control`, false);
        t0 = performance.now();
        const tuned = await quantisationAwareFinetune(gpu.device, prepared.train, cloud, { steps: finetuneSteps, stepsPerRound: finetuneRound, bounds, background, encode: { stages, codebookEntries: entries, minOpacity, positionErrorFraction } });
        await streamRows(tuned, `stream, QA fine-tuned ${finetuneSteps} steps`, false, seconds(t0));
      }
      for (const peer of peers) {
        let t0 = performance.now();
        const bytes = await peer.encode(cloud);
        const e = seconds(t0);
        t0 = performance.now();
        const decoded = await peer.decode(bytes);
        await add(peer.name, decoded, bytes.length, e, seconds(t0));
      }
      const psnrOf = async (c: GaussianCloud) => (await scoreCloud(gpu.device, prepared, metric, c)).psnr;
      if (explain) explained.push({ scene: label, sh, rows: await explainSog(cloud, psnrOf) });
      if (explainOwn) explainedStream.push({ scene: label, sh, rows: await explainStream(cloud, psnrOf, { stages, codebookEntries: entries, cameras, minOpacity, positionErrorFraction }) });
      console.error(`  ${name} SH ${sh} done`);
    }
  }

  const f = (x: number | null, d = 2) => (x === null ? '-' : Number.isFinite(x) ? x.toFixed(d) : '-');
  console.log(`bench:codec  split ${split} (else the scene's densest), ${[...sceneIterations].join(' or ')} training steps (hull start) at ${[...sizes].join(', ')}, stream: ${stages ?? 'default (6, 4 at SH 0)'} colour stages x ${entries} entries, splats under ${opacityText(minOpacity)} opacity left out, positions to ${positionErrorFraction} of the thin splats${finetuneSteps ? `, fine-tuning ${finetuneSteps} steps (re-quantised every ${finetuneRound}) at SH ${finetuneShs.join(',')}` : ''}; PSNR on the split's test views (masked: DTU convention; full: the whole image)`);
  console.log('| scene | SH | codec | splats | bytes | B/splat | x smaller than PLY | PSNR | dPSNR | vs PLY render | enc s | dec s |');
  console.log('|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    console.log(`| ${r.scene} | ${r.sh} | ${r.codec} | ${r.splats} | ${r.bytes} | ${(r.bytes / r.splats).toFixed(2)} | ${(r.plyBytes / r.bytes).toFixed(1)} | ${f(r.psnr)} | ${r.codec === 'PLY (uncompressed)' ? '0' : (r.psnr - r.basePsnr >= 0 ? '+' : '') + f(r.psnr - r.basePsnr)} | ${f(r.vsPly)} | ${f(r.enc)} | ${f(r.dec)} |`);
  }
  const sgn = (x: number, d = 3) => (x >= 0 ? '+' : '') + x.toFixed(d);
  if (explained.length) {
    console.log('');
    console.log('explain SOG: dPSNR of the original cloud with only this attribute group from the SOG-decoded cloud (or only this change), and of the SOG-decoded cloud with all but this group (this one from the original)');
    console.log('| scene | SH | group or change | dPSNR, only this | dPSNR, all but this from SOG |');
    console.log('|---|---|---|---|---|');
    for (const e of explained) for (const r of e.rows) console.log(`| ${e.scene} | ${e.sh} | ${r.group} | ${sgn(r.only)} | ${r.allBut === null ? '-' : sgn(r.allBut)} |`);
  }
  if (explainedStream.length) {
    console.log('');
    console.log('explain stream: dPSNR of the original cloud with only this attribute group from the decoded stream, and of the decoded stream with all but this group (this one from the original); splats under the opacity cut left out of both');
    console.log('| scene | SH | group or change | dPSNR, only this | dPSNR, all but this from the stream |');
    console.log('|---|---|---|---|---|');
    for (const e of explainedStream) for (const r of e.rows) console.log(`| ${e.scene} | ${e.sh} | ${r.group} | ${sgn(r.only, 4)} | ${r.allBut === null ? '-' : sgn(r.allBut, 4)} |`);
  }
  return 0;
}

runCli(main);
