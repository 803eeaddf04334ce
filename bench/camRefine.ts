/**
 * npm run bench:camref [-- --only patterned-cube,dtu --split 9 --iters N --size WxH --rot-deg A[,B]
 *                        --trans F --seed S --out f.md + any training flag, e.g. --camera-lr 0.003]
 *
 * Photometric camera refinement in the trainer (the refineCameras option,
 * src/recon/train/cameraRefine.ts). Each training camera but the first (the gauge) is perturbed:
 * turned about its centre by a random axis and an angle drawn from --rot-deg (one value, or a range
 * A,B), its centre moved by --trans x its distance to the object in a random direction. Three
 * runs per case, same seed and options: the true cameras, the perturbed cameras as given, the
 * perturbed cameras refined.
 *
 * Columns: rotation error against the true cameras (median and max over the perturbed views,
 * degrees; the first camera holds the frame, so no alignment), centre error (median, % of the
 * camera's distance to the object; the scale is held by the first-to-second camera distance, which
 * the perturbation changes a little), median pairwise relative-rotation error over all pairs
 * (alignment-free, poseErrors.ts), and PSNR on the held-out views: their true cameras mapped into
 * the run's frame by the similarity that aligns the run's training cameras to the true ones
 * (alignSceneToEstimate, the pose-free protocol), masked (DTU) or full-frame. Cases: a generated
 * scene (default patterned-cube) and, when ../shared/datasets has it, DTU scan37 (perturbed by 1-3
 * degrees).
 */
import { resolve } from 'node:path';
import { writeFile } from 'node:fs/promises';
import {
  applyCameraIncrementAboutPoint,
  cameraCenter,
  radToDeg,
  rotationAngleBetween,
  translationFromCenter,
  type Camera,
  type Vec3,
} from '../src/core/camera.ts';
import { mulberry32 } from '../src/core/random.ts';
import { loadScene } from '../src/io/sceneFolder.ts';
import { fsSource } from '../src/node/fsFileSource.ts';
import { alignSceneToEstimate, mapCamerasToEstimate } from '../src/recon/evaluate/poseFree.ts';
import { meanScore, scoreView } from '../src/recon/evaluate/scoreView.ts';
import { pairwisePoseErrors, stats } from '../src/recon/poses/poseErrors.ts';
import { prepareSplit, type PreparedSplit } from '../src/recon/prepareViews.ts';
import { renderCloudViews } from '../src/recon/renderViews.ts';
import { trainGaussians, type TrainView } from '../src/recon/train/trainer.ts';
import type { TrainOptions } from '../src/recon/train/trainOptions.ts';
import { parseArgs, parseSize } from '../scripts/lib/args.ts';
import { nodeGpu } from '../scripts/lib/nodeGpu.ts';
import { runCli } from '../scripts/lib/runCli.ts';
import { ALL_TRAIN_OPTIONS, parseTrainFlags, trainFlagNames } from '../scripts/lib/trainFlags.ts';
import { DATASETS, ensureImported } from './benchScenes.ts';

interface Case { name: string; dir: string; split: string; size: { width: number; height: number }; rotDeg: [number, number]; masked: boolean }

/** The cameras of `views` perturbed (all but the first): rotation about the centre and a centre move. */
export function perturbCameras(cameras: readonly Camera[], centre: Vec3, rotDeg: [number, number], trans: number, seed: number): Camera[] {
  const rnd = mulberry32(seed);
  const unit = (): Vec3 => {
    for (;;) {
      const v: Vec3 = [2 * rnd() - 1, 2 * rnd() - 1, 2 * rnd() - 1];
      const n = Math.hypot(...v);
      if (n > 0.1 && n <= 1) return [v[0] / n, v[1] / n, v[2] / n];
    }
  };
  return cameras.map((c, i) => {
    if (i === 0) return c;
    const angle = ((rotDeg[0] + (rotDeg[1] - rotDeg[0]) * rnd()) * Math.PI) / 180;
    const a = unit(), b = unit();
    const p = cameraCenter(c);
    const d = trans * Math.hypot(p[0] - centre[0], p[1] - centre[1], p[2] - centre[2]);
    const turned = applyCameraIncrementAboutPoint(c, [a[0] * angle, a[1] * angle, a[2] * angle], [0, 0, 0], 0, p);
    return { ...turned, t: translationFromCenter(turned.R, [p[0] + b[0] * d, p[1] + b[1] * d, p[2] + b[2] * d]) };
  });
}

export interface CameraErrors { rotMedian: number; rotMax: number; centrePct: number; pairwiseRot: number }

/** Errors of `cams` against `truth` over the views after the first, as the table reports them. */
export function cameraErrors(cams: readonly Camera[], truth: readonly Camera[], centre: Vec3): CameraErrors {
  const rot: number[] = [], cen: number[] = [];
  for (let i = 1; i < cams.length; i++) {
    rot.push(radToDeg(rotationAngleBetween(cams[i].R, truth[i].R)));
    const a = cameraCenter(cams[i]), b = cameraCenter(truth[i]);
    cen.push((100 * Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2])) / Math.hypot(b[0] - centre[0], b[1] - centre[1], b[2] - centre[2]));
  }
  const r = stats(rot);
  return { rotMedian: r.median, rotMax: r.max, centrePct: stats(cen).median, pairwiseRot: pairwisePoseErrors(cams, truth).rotationDeg.median };
}

const fmt = (x: number, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : '-');

async function main(): Promise<number> {
  const known = ['only', 'split', 'size', 'rot-deg', 'trans', 'bench-seed', 'out', ...trainFlagNames(ALL_TRAIN_OPTIONS)];
  const args = parseArgs(process.argv.slice(2), known);
  if (args.help) {
    console.log('usage: npm run bench:camref [-- --only patterned-cube,dtu --split 9 --iters N --size WxH --rot-deg A[,B] --trans F --bench-seed S --out f.md + training flags]');
    return 0;
  }
  const train: Partial<TrainOptions> = { iterations: 1000, progressEvery: 100, ...parseTrainFlags(args, ALL_TRAIN_OPTIONS) };
  const only = (args.values.only ?? 'patterned-cube,dtu').split(',');
  const split = args.values.split ?? '9';
  const trans = Number(args.values.trans ?? 0.03);
  const benchSeed = args.int('bench-seed', 7, 0, 2 ** 31);
  const rotArg = args.values['rot-deg']?.split(',').map(Number);
  const cases: Case[] = [];
  for (const name of only) {
    if (name === 'dtu') {
      const dir = await ensureImported('dtu_scan37', resolve(DATASETS, 'dtu_scan37'));
      if (!dir) { console.error(`DTU scan37 not found in ${DATASETS}: skipped`); continue; }
      cases.push({ name: 'dtu_scan37', dir, split, size: args.values.size ? parseSize(args.values.size) : { width: 200, height: 150 }, rotDeg: [rotArg?.[0] ?? 1, rotArg?.[1] ?? rotArg?.[0] ?? 3], masked: true });
    } else {
      cases.push({ name, dir: resolve('scenes', name), split, size: args.values.size ? parseSize(args.values.size) : { width: 100, height: 75 }, rotDeg: [rotArg?.[0] ?? 1.5, rotArg?.[1] ?? rotArg?.[0] ?? 1.5], masked: false });
    }
  }

  const { device, driver } = await nodeGpu();
  const rows: string[] = [];
  const header = `| scene | views | size | run | rot err med / max (deg) | centre err (% dist) | pairwise rot (deg) | held-out PSNR | train PSNR | s |\n|---|---|---|---|---|---|---|---|---|---|`;
  for (const c of cases) {
    const scene = await loadScene(fsSource(c.dir));
    const prepared: PreparedSplit = prepareSplit(scene, c.split, c.size);
    const b = scene.manifest.bounds;
    const centre: Vec3 = b ? [0, 1, 2].map((k) => (b.min[k] + b.max[k]) / 2) as Vec3 : [0, 0, 0];
    const truth = prepared.train.map((v) => v.camera);
    const perturbed = perturbCameras(truth, centre, c.rotDeg, trans, benchSeed);
    const runs: { label: string; cams: Camera[]; refine: boolean }[] = [
      { label: 'true cameras', cams: truth, refine: false },
      { label: `perturbed ${c.rotDeg[0]}${c.rotDeg[1] !== c.rotDeg[0] ? `-${c.rotDeg[1]}` : ''} deg, ${100 * trans}%`, cams: perturbed, refine: false },
      { label: 'perturbed + refineCameras', cams: perturbed, refine: true },
    ];
    for (const run of runs) {
      const t0 = performance.now();
      const views: TrainView[] = prepared.train.map((v, i) => ({ ...v, camera: run.cams[i] }));
      const r = await trainGaussians(device, views, { ...train, bounds: b, refineCameras: run.refine });
      if (r.stopped) console.error(`${c.name} ${run.label}: stopped: ${r.stopped}`);
      const final = r.cameras ?? run.cams;
      const err = cameraErrors(final, truth, centre);
      const align = alignSceneToEstimate(final, truth);
      const testCams = mapCamerasToEstimate(align, prepared.test.map((v) => v.camera));
      const renders = await renderCloudViews(device, r.cloud, testCams, prepared.background);
      const m = meanScore(prepared.test.map((v, i) => scoreView(v.id, renders[i], v.rgba, v.mask)));
      const heldOut = c.masked ? (m.psnrMasked ?? m.psnr) : m.psnr;
      const trainPsnr = r.history.at(-1)?.psnr ?? NaN;
      const row = `| ${c.name} | ${prepared.train.length} | ${c.size.width}x${c.size.height} | ${run.label} | ${fmt(err.rotMedian)} / ${fmt(err.rotMax)} | ${fmt(err.centrePct)} | ${fmt(err.pairwiseRot)} | ${fmt(heldOut)} | ${fmt(trainPsnr)} | ${fmt((performance.now() - t0) / 1000, 1)} |`;
      rows.push(row);
      console.error(row);
    }
  }
  const opts = Object.entries(train).map(([k, v]) => `${k}=${v}`).join(' ');
  const table = `camera refinement (driver ${driver}; ${opts}; perturbation seed ${benchSeed}, centre moved ${100 * trans}% of the distance)\n\n${header}\n${rows.join('\n')}\n`;
  console.log(table);
  if (args.values.out) await writeFile(args.values.out, table);
  return 0;
}

if (process.argv[1]?.endsWith('camRefine.ts')) runCli(main);
