/**
 * npm run bench:object-centred [-- --only pebbles,stool,patterned-cube,dtu,lego --models-dir DIR --out f.md]
 *
 * The object-centred start (src/recon/poses/objectCentred.ts) where the matches cannot place every
 * photo, with and without the relative rotations of pairs too weak for SfM (PairGeometry.R: 12+
 * inliers and half the matches), in the same run on the same matches: ALIKE-N inside the masks
 * the masks stage finds, incremental SfM, then placeWithObjectCentredStart. Columns: views SfM
 * placed, median/max pairwise rotation error and median translation-direction error over all
 * views (degrees; the known cameras are only used to score). Cases: the generated scenes' 3- and
 * 9-view splits and, when ../shared/datasets has them, DTU scan37 (6, 9) and lego (3, 8).
 */
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { loadScene } from '../src/io/sceneFolder.ts';
import { fsSource } from '../src/node/fsFileSource.ts';
import { estimateMasks } from '../src/recon/masks/index.ts';
import { matchPhotos } from '../src/recon/poses/estimatePoses.ts';
import { incrementalSfm } from '../src/recon/poses/incrementalSfm.ts';
import { placeWithObjectCentredStart } from '../src/recon/poses/objectCentred.ts';
import { pairwisePoseErrors } from '../src/recon/poses/poseErrors.ts';
import { parseArgs } from '../scripts/lib/args.ts';
import { runCli } from '../scripts/lib/runCli.ts';
import { DATASETS, ensureImported, flatten } from './benchScenes.ts';

const fmt = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : '-');

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2), ['only', 'models-dir', 'out']);
  if (args.help) { console.log('usage: npm run bench:object-centred [-- --only pebbles,stool,patterned-cube,dtu,lego --models-dir DIR --out f.md]'); return 0; }
  const only = args.values.only?.split(',');
  const want = (name: string) => !only || only.some((o) => name.startsWith(o));
  const modelPath = resolve(args.values['models-dir'] ?? '../shared/models', 'alike_n.onnx');
  if (!existsSync(modelPath)) { console.error(`alike_n.onnx not in ${modelPath}: nothing to measure`); return 1; }
  const model = new Uint8Array(await readFile(modelPath));

  const cases: { scene: string; dir: string; split: string; white?: boolean }[] = [];
  for (const name of ['pebbles', 'stool', 'patterned-cube']) if (want(name)) for (const split of ['3', '9']) cases.push({ scene: name, dir: resolve('scenes', name), split });
  if (want('dtu')) {
    const dir = await ensureImported('dtu_scan37', resolve(DATASETS, 'dtu_scan37'));
    if (dir) for (const split of ['6', '9']) cases.push({ scene: 'dtu_scan37', dir, split });
  }
  if (want('lego')) {
    const dir = await ensureImported('lego', resolve(DATASETS, 'nerf_synthetic_lego'));
    if (dir) for (const split of ['3', '8']) cases.push({ scene: 'lego', dir, split, white: true });
  }

  const rows = ['| scene | views | placed by SfM | object-centred start | rot. err. median (deg) | rot. err. max (deg) | transl. dir. err. median (deg) |', '|---|---:|---:|---|---:|---:|---:|'];
  console.log(rows.join('\n'));
  for (const c of cases) {
    const scene = await loadScene(fsSource(c.dir));
    const views = scene.manifest.splits[c.split].train.map((id) => scene.views.find((v) => v.id === id)!);
    const images = views.map((v) => (c.white ? flatten(v.rgba, [255, 255, 255]) : v.rgba));
    const truth = views.map((v) => v.camera!);
    const masks = (await estimateMasks(images, { method: 'auto' })).masks.map((m) => m.mask);
    const m = await matchPhotos(images, { features: 'alike', model, masks });
    const sfm = incrementalSfm(images.map((img, v) => ({ width: img.width, height: img.height, keypoints: m.features[v].keypoints })), m.matches, { essentialIterations: 5000 });
    const placed = sfm.views.filter((v) => v.registered).length;
    for (const weakPairs of [false, true]) {
      const r = await placeWithObjectCentredStart(sfm, images.map((img, v) => ({ width: img.width, height: img.height, mask: masks[v], focalPx: sfm.diagnostics.focalPx })), { weakPairs });
      const e = pairwisePoseErrors(r.cameras, truth);
      const row = `| ${c.scene} | ${views.length} | ${placed}/${views.length} | ${weakPairs ? 'with weak pairs\' rotations' : 'registered views only'} | ${fmt(e.rotationDeg.median)} | ${fmt(e.rotationDeg.max)} | ${fmt(e.translationDeg.median)} |`;
      rows.push(row);
      console.log(row);
    }
  }
  if (args.values.out) await writeFile(args.values.out, rows.join('\n') + '\n');
  return 0;
}

runCli(main);
