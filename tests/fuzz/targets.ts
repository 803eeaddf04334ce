/**
 * Every reader and importer of untrusted bytes, as a fuzz target: a few valid seed files made
 * here (deterministic, no fixtures on disk), the mutations that reach past the format's first
 * check, and the reader itself, run the way the app or CLI runs it (parse, then build cameras or
 * clouds from the result, since a bad value often only breaks there).
 * `allocBound(n)` is the most a reader may allocate at once for an n-byte input: proportional to
 * the input for plain formats; for compressed ones (PNG, zip, npz, SPZ) deflate's largest ratio
 * (1032:1) times the input, and never more than the decoded-pixel cap for images.
 */
import './allocWatch.ts'; // first: the readers' libraries must capture the watched constructors
import { zipSync } from 'fflate';
import jpeg from 'jpeg-js';
import { encode as encodePngRaw } from 'fast-png';
import { encodePng, createImage, MAX_IMAGE_PIXELS } from '../../src/core/image.ts';
import { decodeImage } from '../../src/core/image.ts';
import { mulberry32 } from '../../src/core/random.ts';
import { blenderFrameCamera, parseBlenderTransforms } from '../../src/io/blenderTransforms.ts';
import { colmapViews, parseColmapCameras, parseColmapImages, parseColmapPoints } from '../../src/io/colmapText.ts';
import { zipSource } from '../../src/io/fileSource.ts';
import { idrCamera, parseIdrCameras } from '../../src/io/idrCameras.ts';
import { importDatasetFromSource } from '../../src/io/importDataset.ts';
import { llffCamera, parseLlffPosesBounds } from '../../src/io/llffPosesBounds.ts';
import { encodeNpy, parseNpy } from '../../src/io/npy.ts';
import { encodeNpz, parseNpz } from '../../src/io/npz.ts';
import { writePly } from '../../src/io/ply.ts';
import { parseSceneManifest, serializeSceneManifest, type SceneManifest } from '../../src/io/sceneFormat.ts';
import { readSplatFile } from '../../src/io/splatFile.ts';
import { writeSplat } from '../../src/io/splatFormat.ts';
import { writeSpz } from '../../src/io/spz.ts';
import { writeStreamFile } from '../../src/io/streamFile.ts';
import { readModelManifest } from '../../src/models/modelManifest.ts';
import { ingest } from '../../src/recon/ingest.ts';
import { sessionFromZip, sessionToZip } from '../../src/ui/sessions/sessionZip.ts';
import { sampleSession } from '../ui/sessionSample.ts';
import { randomCloud } from '../io/randomCloud.ts';
import { knownCamera, toBlenderMatrix, toIdrMatrices, toLlffRow } from '../io/fixtures.ts';
import { rotationToQuaternion } from '../io/fixtures.ts';
import alikeManifest from '../../models/alike_n.json';
import lpipsManifest from '../../models/lpips.json';
import { mutateBytes, mutateJson, mutateText, type Random } from './mutations.ts';

export interface FuzzTarget {
  name: string;
  /** Valid inputs the mutations start from. */
  seeds: () => Uint8Array[];
  /** How far into a file its header reaches (half the byte mutations land there). */
  hotLen: number;
  /** Which mutations apply; 'bytes' always does. */
  structure?: 'json' | 'text';
  read: (bytes: Uint8Array) => unknown;
  allocBound: (inputBytes: number) => number;
}

const MiB = 2 ** 20;
const DEFLATE_MAX_RATIO = 1032;
const enc = new TextEncoder();
const plain = (perByte: number) => (n: number) => perByte * n + 4 * MiB;
const deflated = (n: number) => DEFLATE_MAX_RATIO * 8 * n + 4 * MiB;
// Images: a 1-bit PNG expands 32x past deflate (1 bit to 4 bytes), a JPEG holds at most 1024 pixels per byte (src/core/image.ts).
const imageBound = (n: number) => Math.min(32 * DEFLATE_MAX_RATIO * n + 4 * MiB, MAX_IMAGE_PIXELS * 4 * 2);

function noisyImage(w: number, h: number, seed: number) {
  const r = mulberry32(seed);
  const img = createImage(w, h);
  for (let i = 0; i < img.data.length; i++) img.data[i] = (i % 4 === 3 ? 200 + 55 * r() : 255 * r()) | 0;
  return img;
}

const cams = [knownCamera(), knownCamera({}, [-2, 3, 1]), knownCamera({ fx: 60, fy: 62 }, [0.5, 3.5, -1])];

function sceneManifest(): SceneManifest {
  return {
    version: 1,
    name: 'fuzz',
    views: cams.map((camera, i) => ({ id: `v${i}`, image: `images/v${i}.png`, mask: `masks/v${i}.png`, camera })),
    splits: { '2': { train: ['v0', 'v1'], test: ['v2'] } },
    bounds: { min: [-1, -1, -1], max: [1, 1, 1] },
    background: [255, 255, 255],
  };
}

function transforms(ngp: boolean): Uint8Array {
  const frames = cams.map((c, i) => ({ file_path: `./train/r_${i}`, rotation: 0.1, transform_matrix: toBlenderMatrix(c) }));
  const head = ngp ? { fl_x: 70, fl_y: 70, cx: 32, cy: 24, w: 64, h: 48, k1: 0.01, p1: 0.001 } : { camera_angle_x: 0.8575560450553894 };
  return enc.encode(JSON.stringify({ ...head, frames }, null, 1));
}

function colmapFiles(): { cameras: string; images: string; points: string } {
  const cameras = '# Camera list\n1 PINHOLE 64 48 70 70 32 24\n2 OPENCV 64 48 60 62 32 24 0.01 -0.002 0 0\n3 SIMPLE_RADIAL 64 48 70 32 24 0.1\n';
  const images = cams
    .map((c, i) => `${i + 1} ${rotationToQuaternion(c.R).join(' ')} ${c.t.join(' ')} ${(i % 3) + 1} img ${i}.png\n${i === 1 ? '' : '10.5 20.25 1 30 40 -1'}`)
    .join('\n');
  const points = '# 3D points\n1 0.1 0.2 0.3 255 0 0 0.5 1 0 2 0\n2 -0.1 0 0.3 0 255 0 0.25 1 1\n';
  return { cameras, images: `# Image list\n${images}\n`, points };
}

const colmapCams = () => parseColmapCameras(colmapFiles().cameras);

function idrNpz(compress: boolean): Uint8Array {
  const arrays: Record<string, Uint8Array> = {};
  cams.forEach((c, i) => {
    const { world, scale } = toIdrMatrices(c, 1.5, [0.1, -0.2, 0.3], 2.5);
    arrays[`world_mat_${i}`] = encodeNpy([4, 4], world);
    arrays[`scale_mat_${i}`] = encodeNpy([4, 4], scale, i === 2 ? '<f4' : '<f8');
  });
  return encodeNpz(arrays, compress);
}

function llffNpy(dtype: '<f8' | '<f4'): Uint8Array {
  return encodeNpy([3, 17], cams.flatMap((c) => toLlffRow(c, [48, 64, 70], 0.5, 8)), dtype);
}

const pngs = (seed: number, n = 3, w = 8, h = 6) => Array.from({ length: n }, (_, i) => encodePng(noisyImage(w, h, seed + i)));

function photoZip(): Uint8Array {
  const files: Record<string, Uint8Array> = {};
  pngs(10).forEach((b, i) => (files[`photos/p${i}.png`] = b));
  files['photos/p3.jpg'] = jpegOf(8, 6, 13);
  return zipSync(files, { level: 6 });
}

function sceneZip(): Uint8Array {
  const m = sceneManifest();
  m.views.forEach((v) => v.camera && Object.assign(v.camera, { width: 8, height: 6, cx: 4, cy: 3 }));
  const files: Record<string, Uint8Array> = { 'scene/scene.json': enc.encode(serializeSceneManifest(m)) };
  pngs(20).forEach((b, i) => {
    files[`scene/images/v${i}.png`] = b;
    files[`scene/masks/v${i}.png`] = b;
  });
  return zipSync(files, { level: 0 });
}

function blenderDatasetZip(): Uint8Array {
  const files: Record<string, Uint8Array> = { 'lego/transforms_train.json': transforms(false) };
  pngs(30, 3, 8, 8).forEach((b, i) => (files[`lego/train/r_${i}.png`] = b));
  return zipSync(files, { level: 1 });
}

function llffDatasetZip(): Uint8Array {
  const files: Record<string, Uint8Array> = { 'fern/poses_bounds.npy': llffNpy('<f8') };
  pngs(40, 3, 8, 6).forEach((b, i) => (files[`fern/images_8/IMG_${i}.png`] = b));
  return zipSync(files, { level: 0 });
}

function jpegOf(w: number, h: number, seed: number, quality = 80): Uint8Array {
  const img = noisyImage(w, h, seed);
  return new Uint8Array(jpeg.encode({ width: w, height: h, data: img.data }, quality).data);
}

export const FUZZ_TARGETS: FuzzTarget[] = [
  {
    name: 'PNG',
    seeds: () => [
      encodePng(noisyImage(9, 7, 1)),
      encodePngRaw({ width: 5, height: 4, data: Uint8Array.from({ length: 20 }, (_, i) => i * 12), channels: 1, depth: 8 }),
      encodePngRaw({ width: 4, height: 3, data: Uint16Array.from({ length: 36 }, (_, i) => i * 1800), channels: 3, depth: 16 }),
      encodePngRaw({ width: 6, height: 2, data: Uint8Array.from({ length: 24 }, (_, i) => i * 10), channels: 2, depth: 8 }),
    ],
    hotLen: 40,
    read: (b) => decodeImage(b, 'fuzz.png'),
    allocBound: imageBound,
  },
  {
    name: 'JPEG',
    seeds: () => [jpegOf(16, 12, 2), jpegOf(9, 17, 3, 30), jpegOf(33, 8, 4, 95)],
    hotLen: 200,
    read: (b) => decodeImage(b, 'fuzz.jpg'),
    allocBound: imageBound,
  },
  {
    name: 'scene.json',
    seeds: () => [enc.encode(serializeSceneManifest(sceneManifest()))],
    hotLen: 64,
    structure: 'json',
    read: (b) => parseSceneManifest(b),
    allocBound: plain(16),
  },
  {
    name: 'transforms.json',
    seeds: () => [transforms(false), transforms(true)],
    hotLen: 64,
    structure: 'json',
    read: (b) => {
      const t = parseBlenderTransforms(b);
      return t.frames.map((f) => blenderFrameCamera(t, f, 64, 48));
    },
    allocBound: plain(16),
  },
  {
    name: 'LLFF poses_bounds.npy',
    seeds: () => [llffNpy('<f8'), llffNpy('<f4')],
    hotLen: 128,
    read: (b) => parseLlffPosesBounds(parseNpy(b, 'poses_bounds.npy')).map((p) => llffCamera(p, 64, 48)),
    allocBound: plain(4),
  },
  {
    name: 'IDR cameras_sphere.npz',
    seeds: () => [idrNpz(false), idrNpz(true)],
    hotLen: 128,
    read: (b) => parseIdrCameras(parseNpz(b)).map((v) => idrCamera(v, 64, 48, 2)),
    allocBound: deflated,
  },
  {
    name: 'COLMAP cameras.txt',
    seeds: () => [enc.encode(colmapFiles().cameras)],
    hotLen: 64,
    structure: 'text',
    read: (b) => parseColmapCameras(new TextDecoder().decode(b)),
    allocBound: plain(16),
  },
  {
    name: 'COLMAP images.txt',
    seeds: () => [enc.encode(colmapFiles().images)],
    hotLen: 64,
    structure: 'text',
    read: (b) => colmapViews(colmapCams(), parseColmapImages(new TextDecoder().decode(b))),
    allocBound: plain(16),
  },
  {
    name: 'COLMAP points3D.txt',
    seeds: () => [enc.encode(colmapFiles().points)],
    hotLen: 32,
    structure: 'text',
    read: (b) => parseColmapPoints(new TextDecoder().decode(b)),
    allocBound: plain(16),
  },
  {
    name: 'zip',
    seeds: () => [photoZip(), sceneZip()],
    hotLen: 64,
    read: async (b) => {
      const src = zipSource('fuzz.zip', b);
      for (const p of (await src.list?.()) ?? []) await src.read(p);
    },
    allocBound: deflated,
  },
  {
    name: 'drop (ingest of a zip)',
    seeds: () => [photoZip(), sceneZip()],
    hotLen: 64,
    read: (b) => ingest([{ name: 'drop.zip', bytes: b }]),
    allocBound: (n) => Math.min(deflated(n), MAX_IMAGE_PIXELS * 4 * 2),
  },
  {
    name: 'dataset import (zip)',
    seeds: () => [blenderDatasetZip(), llffDatasetZip()],
    hotLen: 64,
    read: (b) => importDatasetFromSource(zipSource('dataset.zip', b), { scale: 1 }),
    allocBound: (n) => Math.min(deflated(n), MAX_IMAGE_PIXELS * 4 * 2),
  },
  {
    name: 'session zip',
    seeds: () => {
      const s = sampleSession();
      return [sessionToZip(s.meta, s.checkpoint, s.scene), sessionToZip({ ...s.meta, scene: { kind: 'bundled', name: 'pebbles', title: 'Pebbles' } }, s.checkpoint, null)];
    },
    hotLen: 64,
    read: (b) => sessionFromZip(b, 'fuzz.session.zip'),
    allocBound: (n) => Math.min(deflated(n), MAX_IMAGE_PIXELS * 4 * 2),
  },
  {
    name: 'model manifest',
    seeds: () => [enc.encode(JSON.stringify(alikeManifest, null, 2)), enc.encode(JSON.stringify(lpipsManifest, null, 2))],
    hotLen: 64,
    structure: 'json',
    read: (b) => readModelManifest(b, 'model.json'),
    allocBound: plain(16),
  },
  {
    name: 'stream (.gsrq)',
    seeds: () => [writeStreamFile(randomCloud(300, 1, 7)), writeStreamFile(randomCloud(64, 0, 8))],
    hotLen: 256,
    read: (b) => readSplatFile(b, 'fuzz.gsrq'),
    allocBound: plain(256),
  },
  {
    name: 'PLY',
    seeds: () => [writePly(randomCloud(4, 0, 1)), writePly(randomCloud(6, 3, 2)), writePly(randomCloud(5, 1, 3), { format: 'ascii' })],
    hotLen: 200,
    read: (b) => readSplatFile(b, 'fuzz.ply'),
    allocBound: plain(32),
  },
  {
    name: 'SPZ',
    seeds: () => [writeSpz(randomCloud(30, 0, 50)), writeSpz(randomCloud(8, 3, 51)), writeSpz(randomCloud(20, 1, 52), { version: 2 })],
    hotLen: 24,
    read: (b) => readSplatFile(b, 'fuzz.spz'),
    allocBound: deflated,
  },
  {
    name: '.splat',
    seeds: () => [writeSplat(randomCloud(12, 0, 5)), writeSplat(randomCloud(40, 3, 6))],
    hotLen: 32,
    read: (b) => readSplatFile(b, 'fuzz.splat'),
    allocBound: plain(8),
  },
];

/** Input `index` of a target for `seed`: the same bytes every time (so a failure can be replayed). */
export function fuzzInput(t: FuzzTarget, seeds: Uint8Array[], seed: number, index: number): { bytes: Uint8Array; kind: string } {
  const r: Random = mulberry32((Math.imul(seed, 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca6b)) >>> 0);
  const src = seeds[index % seeds.length];
  const structural = t.structure && r() < 0.5;
  let out = structural ? (t.structure === 'json' ? mutateJson(src, r) : mutateText(src, r)) : mutateBytes(src, r, t.hotLen);
  // A second round on a quarter of them: damage compounds (a truncated file with a flipped header).
  if (r() < 0.25) {
    const again = mutateBytes(out.bytes, r, t.hotLen);
    out = { bytes: again.bytes, kind: `${out.kind}+${again.kind}` };
  }
  return out;
}
