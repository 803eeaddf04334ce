/**
 * npm run prior:data -- [--objects N] [--heldout K] [--size WxH] [--iters N] [--out DIR]
 * Training pairs for the repair prior (scripts/prior/README.md), made from the seeded random
 * objects of src/scenegen/objects/random/. For each object: ray-traced views on the DTU-like rig
 * (ground truth), then degraded clouds rendered at views they were not trained on:
 *  (a) a sparse reconstruction from 2-4 neighbouring input views, trained briefly;
 *  (b) the ray tracer's surface cloud (surfaceCloud.ts) with GaussianObject's 3D noise at three levels.
 * Each pair is 10 uint8 planes: degraded render RGB, its alpha, the nearest input photo RGB,
 * the clean target RGB; one obj-<seed>.npy [P, 10, H, W] per object plus index.json.
 * Training objects are seeds 1..N, held-out ones HELDOUT_BASE+1..HELDOUT_BASE+K.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cameraCenter, type Camera } from '../../src/core/camera.ts';
import type { GaussianCloud } from '../../src/core/gaussianCloud.ts';
import { createRng, type Rng } from '../../src/core/random.ts';
import { createRasterizer } from '../../src/gpu/rasterizer.ts';
import { trainGaussians, type TrainView } from '../../src/recon/train/trainer.ts';
import { buildRandomObject } from '../../src/scenegen/objects/random/randomObject.ts';
import { renderView, type RenderedView } from '../../src/scenegen/render.ts';
import { dtuLikeRig, RIG_PER_RING, RIG_RINGS } from '../../src/scenegen/rig.ts';
import { parseArgs, parseSize } from '../lib/args.ts';
import { nodeGpu } from '../lib/nodeGpu.ts';
import { runCli } from '../lib/runCli.ts';
import { encodeNpyU8 } from './npy.ts';
import { perturbCloud } from './noise3d.ts';
import { surfaceCloud } from './surfaceCloud.ts';

export const HELDOUT_BASE = 900_000;
const PLANES = 10;
const BLACK: [number, number, number] = [0, 0, 0];
/** Views the clean surface cloud is cast from: a spread over the rig (rings 0, 2, 4, 6 x 3 azimuths). */
const DENSE_VIEWS = [0, 2, 4, 6].flatMap((ring) => [0, 3, 6].map((i) => ring * RIG_PER_RING + i));

const USAGE = `usage: npm run prior:data -- [--objects 32] [--heldout 6] [--size 96x64] [--iters 80] [--out out/prior-data]`;

interface Pair { render: Float32Array; alpha: Float32Array; photo: Uint8ClampedArray; target: Uint8ClampedArray }

function angleBetween(a: Camera, b: Camera, centre: readonly number[]): number {
  const ca = cameraCenter(a), cb = cameraCenter(b);
  const da = ca.map((x, k) => x - centre[k]), db = cb.map((x, k) => x - centre[k]);
  const dot = da[0] * db[0] + da[1] * db[1] + da[2] * db[2];
  return Math.acos(Math.max(-1, Math.min(1, dot / (Math.hypot(...da) * Math.hypot(...db)))));
}

/** The index (into `inputs`) of the input camera closest in viewing direction to `cam`. */
function nearestInput(cam: Camera, inputs: readonly Camera[], centre: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < inputs.length; i++) if (angleBetween(cam, inputs[i], centre) < angleBetween(cam, inputs[best], centre)) best = i;
  return best;
}

/** 2-4 input views around a random anchor, one or two rig steps apart (like a sparse capture). */
function pickInputs(rng: Rng): number[] {
  const k = 2 + rng.int(3);
  const ring = 1 + rng.int(RIG_RINGS - 2), index = 1 + rng.int(RIG_PER_RING - 2);
  const picked = new Set<number>([ring * RIG_PER_RING + index]);
  while (picked.size < k) {
    const r = Math.min(RIG_RINGS - 1, Math.max(0, ring + rng.int(5) - 2));
    const i = Math.min(RIG_PER_RING - 1, Math.max(0, index + rng.int(5) - 2));
    picked.add(r * RIG_PER_RING + i);
  }
  return [...picked].sort((a, b) => a - b);
}

/** `n` distinct rig views not in `exclude`, in random order. */
function pickNovel(rng: Rng, n: number, exclude: readonly number[]): number[] {
  const out: number[] = [];
  while (out.length < n) {
    const v = rng.int(RIG_RINGS * RIG_PER_RING);
    if (!exclude.includes(v) && !out.includes(v)) out.push(v);
  }
  return out;
}

async function renderCloud(device: GPUDevice, cloud: GaussianCloud, cams: readonly Camera[]) {
  const { width, height } = cams[0];
  const r = createRasterizer(device, { width, height, shDegree: cloud.shDegree, maxSplats: Math.max(1, cloud.count), antialiased: cloud.antialiased });
  try {
    r.upload(cloud);
    const out: { rgb: Float32Array; alpha: Float32Array }[] = [];
    for (const cam of cams) {
      await r.forward(cam, BLACK);
      const img = await r.readImage();
      out.push({ rgb: img.rgb, alpha: img.alpha });
    }
    return out;
  } finally {
    r.destroy();
  }
}

function packPairs(pairs: readonly Pair[], W: number, H: number): Uint8Array {
  const n = W * H, out = new Uint8Array(pairs.length * PLANES * n);
  const q = (x: number) => Math.round(Math.min(1, Math.max(0, x)) * 255);
  pairs.forEach((p, i) => {
    const base = i * PLANES * n;
    for (let j = 0; j < n; j++) {
      for (let c = 0; c < 3; c++) {
        out[base + c * n + j] = q(p.render[j * 3 + c]);
        out[base + (4 + c) * n + j] = p.photo[j * 4 + c];
        out[base + (7 + c) * n + j] = p.target[j * 4 + c];
      }
      out[base + 3 * n + j] = q(p.alpha[j]);
    }
  });
  return out;
}

async function pairsForObject(device: GPUDevice, seed: number, W: number, H: number, iters: number): Promise<Pair[]> {
  const obj = buildRandomObject(seed);
  const rig = dtuLikeRig(obj.center, obj.radius, obj.bounds, W, H);
  const rng = createRng(seed * 7919 + 17);
  const truth = new Map<number, RenderedView>();
  const view = (i: number) => {
    if (!truth.has(i)) truth.set(i, renderView(obj, rig[i].camera));
    return truth.get(i)!;
  };
  const trainView = (i: number): TrainView => ({ id: rig[i].id, camera: rig[i].camera, rgba: view(i).image, mask: view(i).mask });
  const pairs: Pair[] = [];
  const addPairs = async (cloud: GaussianCloud, novel: number[], inputs: number[]) => {
    const renders = await renderCloud(device, cloud, novel.map((i) => rig[i].camera));
    novel.forEach((v, j) => {
      const near = inputs.filter((i) => i !== v);
      const photo = near[nearestInput(rig[v].camera, near.map((i) => rig[i].camera), obj.center)];
      pairs.push({ render: renders[j].rgb, alpha: renders[j].alpha, photo: view(photo).image.data, target: view(v).image.data });
    });
  };
  // (a) A sparse reconstruction, trained briefly (few steps, a small start: what a 2-4 view run
  // looks like early on, and what the data budget allows), scored at 6 views it never saw.
  const inputs = pickInputs(rng);
  const res = await trainGaussians(device, inputs.map(trainView), {
    bounds: obj.bounds, background: BLACK, iterations: iters, seed, initSplats: 3000, hullVoxels: 'surface',
  });
  await addPairs(res.cloud, pickNovel(rng, 6, inputs), inputs);
  // (b) The ray tracer's surface cloud, perturbed at three levels, each rendered at 3 views; the
  // "input photo" is the nearest of the sparse inputs above, so the condition looks as it will at use.
  const clean = surfaceCloud(obj, DENSE_VIEWS.map((i) => rig[i].camera), 2);
  for (const level of [0.3, 0.6, 1]) {
    const noisy = perturbCloud(clean, rng, level * rng.range(0.7, 1.3), obj.radius);
    await addPairs(noisy, pickNovel(rng, 3, []), inputs);
  }
  return pairs;
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2), ['objects', 'heldout', 'size', 'iters', 'out']);
  if (args.help) { console.log(USAGE); return 0; }
  const nTrain = args.int('objects', 32, 1, 10_000);
  const nHeld = args.int('heldout', 6, 0, 1000);
  const iters = args.int('iters', 80, 10, 30_000);
  const { width: W, height: H } = parseSize(args.values.size ?? '96x64');
  if (W % 16 || H % 16) throw new Error(`--size: width and height must be multiples of 16 (the model's contract), got ${W}x${H}`);
  const out = args.values.out ?? 'out/prior-data';
  await mkdir(out, { recursive: true });
  const gpu = await nodeGpu();
  console.error(`GPU: ${gpu.description} (${gpu.driver})`);
  const seeds = [
    ...Array.from({ length: nTrain }, (_, i) => ({ seed: i + 1, split: 'train' })),
    ...Array.from({ length: nHeld }, (_, i) => ({ seed: HELDOUT_BASE + i + 1, split: 'heldout' })),
  ];
  const index: { seed: number; split: string; file: string; pairs: number; description: string }[] = [];
  const t0 = performance.now();
  for (const [k, { seed, split }] of seeds.entries()) {
    const pairs = await pairsForObject(gpu.device, seed, W, H, iters);
    const file = `obj-${seed}.npy`;
    await writeFile(join(out, file), encodeNpyU8(packPairs(pairs, W, H), [pairs.length, PLANES, H, W]));
    index.push({ seed, split, file, pairs: pairs.length, description: buildRandomObject(seed).description });
    console.error(`${k + 1}/${seeds.length} ${split} seed ${seed}: ${pairs.length} pairs, ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  }
  const meta = {
    size: [W, H], planes: ['render.r', 'render.g', 'render.b', 'alpha', 'photo.r', 'photo.g', 'photo.b', 'target.r', 'target.g', 'target.b'],
    iters, heldoutBase: HELDOUT_BASE, objects: index, seconds: (performance.now() - t0) / 1000,
  };
  await writeFile(join(out, 'index.json'), JSON.stringify(meta, null, 1) + '\n');
  console.log(`wrote ${index.length} objects, ${index.reduce((a, b) => a + b.pairs, 0)} pairs to ${out} in ${meta.seconds.toFixed(0)} s`);
  return 0;
}

runCli(main);
