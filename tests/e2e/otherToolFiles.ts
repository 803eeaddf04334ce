/**
 * Splat files written by other tools, made in Node from one small known cloud: a 3DGS PLY written
 * by PlayCanvas's @playcanvas/splat-transform (its library API: a DataTable of the standard PLY
 * columns as a chunk source, writeSource to memory) and an SPZ written by spz-js (serializeSpz).
 *
 * The cloud: six round, nearly opaque blobs of distinct saturated colours at asymmetric places
 * (so a mirrored or flipped reading would put colours in the wrong places), with random rotations,
 * slightly different axis scales and small SH degree-1 terms (so every field round-trips).
 *
 * Frames: the cloud is in the 3DGS PLY frame (right, down, front), handed to splat-transform as
 * such (Transform.PLY), so it writes the values as they are. spz-js stores whatever it is given; the SPZ spec stores right, up, back (RUB), so the
 * cloud is handed to it converted the way the reference library's PLY->SPZ does: y and z of
 * positions and of the quaternions' vector parts negated, degree-1 SH signs flipped. (spz-js's
 * own loadPly -> serializeSpz skips that conversion, as older reference tools did: such files
 * open upside down in every reader that follows the spec, this app's included.)
 */
import { Column, createChunkDataPool, DataTable, dataTableToChunkSource, getOutputFormat, MemoryFileSystem, Transform, writeSource } from '@playcanvas/splat-transform';
import { serializeSpz } from 'spz-js';
import { allocateCloud, type GaussianCloud } from '../../src/core/gaussianCloud.ts';
import { mulberry32 } from '../../src/core/random.ts';
import { SH_C0 } from '../../src/core/sh.ts';
import { SH_FLIP_RDF_RUB } from '../../src/io/spz.ts';

export interface Blob3 {
  centre: [number, number, number];
  /** sRGB 0..1 of the blob seen head-on (the DC colour). */
  colour: [number, number, number];
}

export const BLOBS: Blob3[] = [
  { centre: [-0.6, 0.0, 0.0], colour: [0.9, 0.1, 0.1] },
  { centre: [0.6, 0.05, 0.1], colour: [0.1, 0.9, 0.1] },
  { centre: [0.0, -0.5, 0.2], colour: [0.15, 0.25, 0.95] },
  { centre: [0.05, 0.45, -0.3], colour: [0.9, 0.9, 0.1] },
  { centre: [0.35, -0.15, 0.6], colour: [0.9, 0.1, 0.9] },
  { centre: [-0.3, 0.3, 0.5], colour: [0.1, 0.9, 0.9] },
];

/** Opacity logit of every blob: sigmoid(4) = 0.982. */
const OPACITY_LOGIT = 4;

export function knownCloud(): GaussianCloud {
  const rnd = mulberry32(4242);
  const n = BLOBS.length;
  const K = 4;
  const cloud = allocateCloud(n, 1);
  cloud.opacityLogits.fill(OPACITY_LOGIT);
  BLOBS.forEach((b, i) => {
    cloud.means.set(b.centre, 3 * i);
    cloud.logScales.set([Math.log(0.07), Math.log(0.075), Math.log(0.08)], 3 * i);
    const q = [rnd() - 0.5, rnd() - 0.5, rnd() - 0.5, rnd() - 0.5];
    const norm = Math.hypot(...q);
    cloud.quats.set(q.map((v) => v / norm), 4 * i);
    for (let c = 0; c < 3; c++) {
      cloud.sh[3 * K * i + c] = (b.colour[c] - 0.5) / SH_C0;
      for (let k = 1; k < K; k++) cloud.sh[3 * K * i + 3 * k + c] = (rnd() - 0.5) * 0.06;
    }
  });
  return cloud;
}

/** The cloud as a 3DGS PLY written by @playcanvas/splat-transform. */
export async function splatTransformPly(cloud: GaussianCloud): Promise<Uint8Array> {
  const n = cloud.count;
  const K = (cloud.shDegree + 1) ** 2;
  const col = (name: string, f: (i: number) => number) => new Column(name, Float32Array.from({ length: n }, (_, i) => f(i)));
  const columns = [
    ...['x', 'y', 'z'].map((name, a) => col(name, (i) => cloud.means[3 * i + a])),
    ...[0, 1, 2].map((c) => col(`f_dc_${c}`, (i) => cloud.sh[3 * K * i + c])),
    // f_rest is channel-major: all red coefficients, then green, then blue.
    ...Array.from({ length: 3 * (K - 1) }, (_, j) => col(`f_rest_${j}`, (i) => cloud.sh[3 * K * i + 3 * (1 + (j % (K - 1))) + Math.floor(j / (K - 1))])),
    col('opacity', (i) => cloud.opacityLogits[i]),
    ...[0, 1, 2].map((a) => col(`scale_${a}`, (i) => cloud.logScales[3 * i + a])),
    ...[0, 1, 2, 3].map((c) => col(`rot_${c}`, (i) => cloud.quats[4 * i + c])),
  ];
  const fs = new MemoryFileSystem();
  // Transform.PLY: the columns are in PLY coordinates already (without it, splat-transform takes
  // them for PlayCanvas engine coordinates and turns them 180 degrees about z on the way out).
  const source = dataTableToChunkSource(new DataTable(columns, Transform.PLY));
  try {
    await writeSource({ filename: 'cloud.ply', outputFormat: getOutputFormat('cloud.ply', {}), source, pool: createChunkDataPool(), options: {} }, fs);
  } finally {
    await source.close();
  }
  const bytes = fs.results.get('cloud.ply');
  if (!bytes) throw new Error('splat-transform wrote no cloud.ply');
  return bytes;
}

/** The cloud as an SPZ written by spz-js, in the spec's RUB frame (see the top of this file). */
export async function spzJsSpz(cloud: GaussianCloud): Promise<Uint8Array> {
  const n = cloud.count;
  const K = (cloud.shDegree + 1) ** 2;
  const flip = [1, -1, -1];
  const positions = Float32Array.from({ length: 3 * n }, (_, j) => cloud.means[j] * flip[j % 3]);
  // spz-js takes (x, y, z, w); ours are (w, x, y, z).
  const rotations = new Float32Array(4 * n);
  for (let i = 0; i < n; i++) {
    const [w, x, y, z] = cloud.quats.subarray(4 * i, 4 * i + 4);
    rotations.set([x, -y, -z, w], 4 * i);
  }
  const colors = new Float32Array(3 * n);
  const sh = new Float32Array(3 * (K - 1) * n);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < 3; c++) colors[3 * i + c] = cloud.sh[3 * K * i + c];
    for (let k = 1; k < K; k++) for (let c = 0; c < 3; c++) sh[3 * (K - 1) * i + 3 * (k - 1) + c] = SH_FLIP_RDF_RUB[k - 1] * cloud.sh[3 * K * i + 3 * k + c];
  }
  return serializeSpz({
    numPoints: n,
    shDegree: cloud.shDegree,
    antialiased: false,
    positions,
    scales: cloud.logScales.slice(),
    rotations,
    alphas: cloud.opacityLogits.slice(),
    colors,
    sh,
  });
}
