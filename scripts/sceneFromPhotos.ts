/**
 * npm run scene:from-photos -- <photos… or folder> --out <scene dir> [--features alike|xfeat|none]
 *                               [--model path] [--masks auto|model|none] [--mask-model path] [--keypoints N]
 * Estimates the cameras of 3-9 photos (src/recon/poses/estimatePoses.ts) and writes an ordinary
 * scene folder: scene.json with the estimated cameras and intrinsics, bounds from the SfM points
 * (and the masks' carved box, with masks), a split "all" (every placed view as train, no test
 * views), and images/ with the photos under their own file names (a photo turned upright by its
 * EXIF orientation is written as PNG).
 * Photos are read exactly as the app's drop zone reads them (src/recon/ingest.ts).
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { focalPxFrom35mm } from '../src/core/camera.ts';
import { InputError } from '../src/core/errors.ts';
import { encodeGreyPng, encodePng } from '../src/core/image.ts';
import { SCENE_VERSION, type SceneManifest } from '../src/io/sceneFormat.ts';
import { writeSceneFolder } from '../src/node/sceneWriter.ts';
import { ingest, type DroppedFile } from '../src/recon/ingest.ts';
import { estimateMasks, type MaskMethod } from '../src/recon/masks/index.ts';
import { estimatePoses, type FeatureSource } from '../src/recon/poses/index.ts';
import { parseArgs } from './lib/args.ts';
import { runCli } from './lib/runCli.ts';

const USAGE = `usage: npm run scene:from-photos -- <photos… or folder> --out <scene dir> [options]
  --out DIR              the scene folder to write (scene.json + images/)
  --features alike|xfeat|none
                         keypoints from ALIKE-N or XFeat (an ONNX model) or, with none, OpenCV ORB
                         (default: alike when its model is found, else none)
  --model FILE           the feature model (default ../shared/models/alike_n.onnx or xfeat.onnx)
  --masks auto|model|none
                         object masks: matching keeps keypoints inside them (dilated) and the scene
                         gets masks/ (auto: model-free grabCut; model: salient-object ONNX; default none)
  --mask-model FILE      the salient-object model for --masks model (default ../shared/models/isnet_small_quint8.onnx)
  --keypoints N          keypoints per photo (default 2048)`;

const IMAGE = /\.(png|jpe?g)$/i;

async function listInputs(paths: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const p of paths) {
    const s = await stat(p).catch(() => null);
    if (!s) throw new InputError('not found', { file: p });
    if (s.isDirectory()) {
      const names = (await readdir(p)).filter((n) => IMAGE.test(n) && !n.startsWith('.')).sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
      out.push(...names.map((n) => join(p, n)));
    } else out.push(p);
  }
  return out;
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2), ['out', 'features', 'model', 'masks', 'mask-model', 'keypoints']);
  if (args.help) { console.log(USAGE); return 0; }
  if (!args.values.out) throw new InputError(`--out is required\n${USAGE}`);
  if (args.positional.length === 0) throw new InputError(`give the photos or a folder of them\n${USAGE}`);
  const masks = (args.values.masks ?? 'none') as MaskMethod;
  if (!['auto', 'model', 'none'].includes(masks)) throw new InputError(`--masks must be auto, model or none, got "${masks}"`);
  const maxKeypoints = args.int('keypoints', 2048, 64, 20000);

  let features = args.values.features as FeatureSource | undefined;
  if (features && !['alike', 'xfeat', 'none'].includes(features)) throw new InputError(`--features must be alike, xfeat or none, got "${features}"`);
  const defaultModel = (f: FeatureSource) => resolve('../shared/models', f === 'xfeat' ? 'xfeat.onnx' : 'alike_n.onnx');
  let modelPath = args.values.model;
  if (!features) {
    const p = modelPath ?? defaultModel('alike');
    const found = await stat(p).then(() => true, () => false);
    features = found ? (modelPath && /xfeat/i.test(basename(modelPath)) ? 'xfeat' : 'alike') : 'none';
    if (found) modelPath = p;
    else console.error(`no feature model found (${p}): using OpenCV ORB (--features none)`);
  }
  let model: Uint8Array | undefined;
  if (features !== 'none') {
    modelPath ??= defaultModel(features);
    model = new Uint8Array(await readFile(modelPath).catch(() => { throw new InputError(`cannot read the ${features} model (give --model FILE, or --features none)`, { file: modelPath }); }));
  }

  const files = await listInputs(args.positional);
  const dropped: DroppedFile[] = await Promise.all(files.map(async (f) => ({ name: basename(f), bytes: new Uint8Array(await readFile(f)) })));
  const t0 = performance.now();
  const res = await ingest(dropped);
  if (res.kind !== 'photos') throw new InputError('this is a scene folder already; give photos (use npm run recon on a scene folder)');
  const { scene } = res;
  const exif = res.exif ?? [];
  const images = scene.views.map((v) => v.rgba);
  const focals = images.map((im, i) => (exif[i]?.focal35mm ? focalPxFrom35mm(exif[i].focal35mm!, im.width, im.height) : undefined));
  const ingestMs = performance.now() - t0;
  console.error(`${images.length} photos, ${images[0].width}x${images[0].height}; focal: ${focals.every(Boolean) ? `EXIF (35 mm equivalent ${exif[0].focal35mm} mm -> ${focals[0]!.toFixed(1)} px)` : 'no EXIF 35 mm focal, estimated'}`);
  console.error(`features: ${features === 'none' ? 'OpenCV ORB (no model)' : `${features} (${modelPath})`}`);

  let maskData: Uint8Array[] | undefined;
  let masksMs = 0;
  if (masks !== 'none') {
    const tm = performance.now();
    const maskModelPath = args.values['mask-model'] ?? resolve('../shared/models/isnet_small_quint8.onnx');
    const maskModel = masks === 'model'
      ? new Uint8Array(await readFile(maskModelPath).catch(() => { throw new InputError('cannot read the salient-object model (give --mask-model FILE, or --masks auto)', { file: maskModelPath }); }))
      : undefined;
    const mr = await estimateMasks(images, { method: masks, model: maskModel, names: scene.views.map((v) => v.image) });
    maskData = mr.masks.map((m) => m.mask);
    masksMs = performance.now() - tm;
    mr.masks.forEach((m, i) => { if (m.warning) console.error(`warning: ${scene.views[i].image}: ${m.warning}`); });
  }

  const tty = process.stderr.isTTY;
  const r = await estimatePoses(images, {
    features, model, modelLabel: modelPath, maxKeypoints, masks: maskData, names: scene.views.map((v) => v.image),
    focalPx: focals.every(Boolean) ? (focals as number[]) : undefined,
    onProgress: (p) => { if (tty) process.stderr.write(`\r${p.stage} ${p.done}/${p.total}   `); },
  });
  if (tty) process.stderr.write('\n');
  for (const w of r.warnings) console.error(`warning: ${w.message}`);

  const ids = scene.views.map((v) => v.id);
  const placed = ids.filter((_, i) => r.views[i].registered);
  console.log(`times: ingest ${(ingestMs / 1000).toFixed(2)} s, ${masks !== 'none' ? `masks (${masks}) ${(masksMs / 1000).toFixed(2)} s, ` : ''}features ${(r.times.featuresMs / 1000).toFixed(2)} s, matching ${(r.times.matchingMs / 1000).toFixed(2)} s, SfM ${(r.times.sfmMs / 1000).toFixed(2)} s`);
  const firstCam = r.views.find((v) => v.registered) as { camera: { fx: number } } | undefined;
  const focalText = firstCam ? `focal ${firstCam.camera.fx.toFixed(1)} px (${r.focalSource})` : 'no focal (no view placed)';
  console.log(`keypoints per photo: ${r.features.keypoints.join(', ')}; ${focalText}; reprojection RMS ${r.finalRmsPx.toFixed(2)} px; ${r.points.count} points`);
  r.views.forEach((v, i) => console.log(!v.registered ? `  not placed  ${scene.views[i].image}: ${v.reason}`
    : v.source === 'sfm' ? `  placed      ${scene.views[i].image} (${v.observations} points)`
    : `  guessed     ${scene.views[i].image} by the object-centred start from its mask (matches could not place it: ${v.sfmReason}); marked cameraGuess in scene.json: npm run recon refines it photometrically while it trains`));
  console.log(`${placed.length} of ${ids.length} views placed`);
  if (placed.length < 2) {
    console.error('error: fewer than 2 views placed: no scene written. Try more photos with more overlap, or another --features.');
    return 1;
  }

  const files2 = new Map<string, Uint8Array>();
  const manifest: SceneManifest = {
    version: SCENE_VERSION,
    name: basename(resolve(args.values.out)),
    description: `cameras estimated from ${ids.length} photos by npm run scene:from-photos (${r.features.detector}, incremental SfM); arbitrary scale and origin`,
    views: scene.views.map((v, i) => {
      const rotated = (exif[i]?.orientation ?? 1) !== 1;
      const image = `images/${rotated ? v.image.replace(/\.[^.]*$/, '') + '.png' : v.image}`;
      files2.set(image, rotated ? encodePng(v.rgba) : dropped.find((d) => d.name === v.image)!.bytes);
      const o = r.views[i];
      const mask = maskData ? `masks/${v.id}.png` : undefined;
      if (mask) files2.set(mask, encodeGreyPng(v.rgba.width, v.rgba.height, maskData![i].map((b) => (b ? 255 : 0))));
      // A guessed camera is marked, so that npm run recon and the app refine it and hold the matched ones.
      return { id: v.id, image, ...(mask ? { mask } : {}), ...(o.registered ? { camera: o.camera, ...(o.source === 'object-centred' ? { cameraGuess: true } : {}) } : {}) };
    }),
    splits: { all: { train: placed, test: [] } },
    ...(r.bounds ? { bounds: r.bounds } : {}),
    source: { tool: 'scene:from-photos', features: r.features.detector, model: r.features.model, focalPx: r.focalPx, focalSource: r.focalSource, notPlaced: Object.fromEntries(ids.flatMap((id, i) => (r.views[i].registered ? [] : [[id, (r.views[i] as { reason: string }).reason]]))) },
  };
  await writeSceneFolder(args.values.out, manifest, files2);
  console.log(`wrote ${args.values.out} (split "all": ${placed.length} train views)`);
  return 0;
}

runCli(main);
