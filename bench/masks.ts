/**
 * npm run bench:masks [-- --model path/to/isnet_small_quint8.onnx --only dtu,lego,pebbles --out file.md]
 *
 * Mask IoU of the masks stage against known masks, model-free ('auto') and, with --model, with
 * the salient-object model (models/isnet.json), its map alone and refined by the graph cut (the
 * stage's default for 'model'), and seconds per photo:
 * - the generated scenes in scenes/ (exact masks), the 9-view split's inputs at their 400x300;
 * - when ../shared/datasets exists (beside the checkout; never copied into the repo):
 *   DTU scan37, the 9 standard inputs 25 22 28 40 44 48 0 8 13 at 400x300 (4x box downsample),
 *   against mask/NNN.png thresholded at 128; Blender lego, the 8 standard inputs at 400x400,
 *   composited on a plain white background (the papers' background, as a photo on a white
 *   sheet would be), against its alpha thresholded at 128.
 * Photos are given one at a time per dataset as a set (same size), as the app does. The
 * cross-view check is not used here (it needs cameras; the stage runs before poses).
 * The two model rows share one inference per photo (memoised); each row's s/photo counts it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { decodeImage, downsampleImage, maskFromImage, resizeImage, type RGBAImage } from '../src/core/image.ts';
import { InputError } from '../src/core/errors.ts';
import { loadScene } from '../src/io/sceneFolder.ts';
import { fsSource } from '../src/node/fsFileSource.ts';
import { estimateMasks, loadOpenCv, loadSalientModel, maskIoU, type SalientModel } from '../src/recon/masks/index.ts';
import { compositeOver } from '../src/recon/prepareViews.ts';
import { parseArgs } from '../scripts/lib/args.ts';
import { DATASETS } from './benchScenes.ts';

interface Case {
  name: string;
  note: string;
  photos: RGBAImage[];
  truth: Uint8Array[];
}

const DTU_INPUTS = [25, 22, 28, 40, 44, 48, 0, 8, 13];
const LEGO_INPUTS = ['r_26', 'r_86', 'r_2', 'r_55', 'r_75', 'r_93', 'r_16', 'r_73'];

function dtuCase(): Case | null {
  const dir = resolve(DATASETS, 'dtu_scan37');
  if (!existsSync(dir)) return null;
  const photos: RGBAImage[] = [], truth: Uint8Array[] = [];
  for (const id of DTU_INPUTS) {
    const img = decodeImage(readFileSync(resolve(dir, 'images', `${String(id).padStart(6, '0')}.png`)));
    photos.push(downsampleImage(img, 4));
    const m = decodeImage(readFileSync(resolve(dir, 'mask', `${String(id).padStart(3, '0')}.png`)));
    truth.push(maskFromImage(downsampleImage(m, 4), 'luma'));
  }
  return { name: 'DTU scan37', note: '9 inputs, 400x300', photos, truth };
}

function legoCase(): Case | null {
  const dir = resolve(DATASETS, 'nerf_synthetic_lego');
  if (!existsSync(dir)) return null;
  const photos: RGBAImage[] = [], truth: Uint8Array[] = [];
  for (const id of LEGO_INPUTS) {
    const img = resizeImage(decodeImage(readFileSync(resolve(dir, 'train', `${id}.png`))), 400, 400);
    photos.push(compositeOver(img, [255, 255, 255]));
    truth.push(maskFromImage(img, 'alpha'));
  }
  return { name: 'lego', note: '8 inputs, 400x400, on white', photos, truth };
}

async function generatedCases(): Promise<Case[]> {
  const index = JSON.parse(readFileSync('scenes/index.json', 'utf8')) as { name: string; path: string }[];
  const out: Case[] = [];
  for (const e of index) {
    const scene = await loadScene(fsSource(resolve('scenes', e.path)));
    const ids = scene.manifest.splits['9']?.train ?? scene.views.map((v) => v.id);
    const views = ids.map((id) => scene.views.find((v) => v.id === id)!).filter((v) => v.maskData);
    out.push({
      name: e.name,
      note: `${views.length} inputs, ${views[0].rgba.width}x${views[0].rgba.height}, generated`,
      photos: views.map((v) => v.rgba),
      truth: views.map((v) => v.maskData!),
    });
  }
  return out;
}

/** Milliseconds of model inference the memo saved (added back to the s/photo of the row that hit it). */
let savedMs = 0;

/** The model with its map kept per photo, so the 'alone' and '+ grabCut' rows run it once. */
function memoised(model: SalientModel): SalientModel {
  const seen = new Map<RGBAImage, { p: Float32Array; ms: number }>();
  return {
    model: model.model,
    inputWidth: model.inputWidth,
    inputHeight: model.inputHeight,
    async probability(img) {
      const hit = seen.get(img);
      if (hit) {
        savedMs += hit.ms;
        return hit.p.slice();
      }
      const t0 = performance.now();
      const p = await model.probability(img);
      seen.set(img, { p: p.slice(), ms: performance.now() - t0 });
      return p;
    },
    dispose: () => model.dispose(),
  };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2), ['model', 'only', 'out']);
  if (args.help) {
    console.log('npm run bench:masks [-- --model isnet_small_quint8.onnx --only dtu,lego,pebbles --out file.md]');
    return;
  }
  const only = args.values.only?.split(',').map((s) => s.trim().toLowerCase());
  const cases: Case[] = [...(await generatedCases())];
  const datasetsThere = existsSync(DATASETS);
  if (datasetsThere) {
    for (const c of [dtuCase(), legoCase()]) if (c) cases.push(c);
  } else console.error(`no datasets folder at ${DATASETS}: DTU scan37 and lego are left out (only the generated scenes run).`);
  const picked = cases.filter((c) => !only || only.some((o) => c.name.toLowerCase().includes(o)));
  if (picked.length === 0) throw new InputError(`--only ${args.values.only} matches none of: ${cases.map((c) => c.name).join(', ')}`);

  let model: SalientModel | null = null;
  if (args.values.model) {
    const path = resolve(args.values.model);
    if (!existsSync(path)) throw new InputError(`--model: no file at ${path}`);
    model = memoised(await loadSalientModel(new Uint8Array(readFileSync(path)), { label: path }));
  }
  const t0 = performance.now();
  await loadOpenCv();
  console.error(`OpenCV.js ready in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  const rows: string[] = [];
  const runs: { method: 'auto' | 'model'; refine: boolean }[] = [{ method: 'auto', refine: false }];
  if (model) runs.push({ method: 'model', refine: false }, { method: 'model', refine: true });
  for (const c of picked) {
    for (const { method, refine } of runs) {
      console.error(`${c.name}: ${method}${refine ? ' + grabCut' : ''}...`);
      const saved0 = savedMs;
      const res = await estimateMasks(c.photos, { method, refine, model: model ?? undefined });
      const ms = res.msPerPhoto + (savedMs - saved0) / c.photos.length;
      const ious = res.masks.map((m, i) => maskIoU(m.mask, c.truth[i]));
      const mean = ious.reduce((a, b) => a + b, 0) / ious.length;
      const warned = res.masks.filter((m) => m.warning).length;
      const label = method === 'auto' ? 'model-free (grabCut)' : refine ? `model (${res.model?.name}) + grabCut` : `model (${res.model?.name}) alone`;
      rows.push(`| ${c.name} | ${c.note} | ${label} | ${mean.toFixed(3)} | ${Math.min(...ious).toFixed(3)} | ${ious.map((x) => x.toFixed(2)).join(' ')} | ${(ms / 1000).toFixed(2)} | ${warned} |`);
      console.error(rows[rows.length - 1]);
    }
  }
  await model?.dispose();
  const table = [
    '| scene | photos | method | mean IoU | min IoU | IoU per photo | s/photo | warnings |',
    '|---|---|---|---:|---:|---|---:|---:|',
    ...rows,
  ].join('\n');
  console.log(table);
  if (!model) console.log('\n(no --model given: the salient-object model path was not run)');
  if (!datasetsThere) console.log(`\n(no datasets folder at ${DATASETS}: DTU scan37 and lego not run)`);
  if (args.values.out) await writeFile(args.values.out, table + '\n');
}

main().catch((e) => {
  console.error(e instanceof InputError ? `bench:masks: ${e.message}` : e);
  process.exit(e instanceof InputError ? 2 : 1);
});
