/**
 * Benchmark of the WebGPU rasterizer: GPU time per pass (timestamp queries) of one forward and
 * one backward for 10k and 100k splats at 256x256, SH degree 3, median of a few runs after a
 * warm-up; then the baseline measured in the same run: the CPU reference (renderReference and
 * renderReferenceBackward) against the GPU on one tiny scene.
 *
 * Usage: npx tsx bench/rasterizer.ts   (VK_ICD_FILENAMES picks the Vulkan driver in Node;
 * SwiftShader by default, lavapipe via ../shared/tools/get-lavapipe.sh is 3-15x faster).
 */
import { existsSync } from 'node:fs';
import './registerWgslLoader.ts';
import { lookAtCamera, type Camera } from '../src/core/camera.ts';
import { allocateCloud, type GaussianCloud } from '../src/core/gaussianCloud.ts';

const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';
if (!process.env.VK_ICD_FILENAMES && existsSync(SWIFTSHADER_ICD)) process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;

const { getGpuDevice } = await import('../src/gpu/device.ts');
const { createRasterizer } = await import('../src/gpu/rasterizer.ts');
const { storageBuffer } = await import('../src/gpu/buffers.ts');
const { renderReference, renderReferenceBackward } = await import('../src/gpu/reference/rasterizeReference.ts');

const { mulberry32: rng } = await import('../src/core/random.ts');
/** An object-like cloud: splats on and inside a unit sphere, sizes as after a few thousand training steps. */
function benchCloud(count: number, shDegree: number, seed: number): GaussianCloud {
  const rnd = rng(seed);
  const K = (shDegree + 1) ** 2;
  const cloud = allocateCloud(count, shDegree);
  const sizeScale = Math.sqrt(10_000 / count); // keep coverage similar as the count grows
  for (let i = 0; i < count; i++) {
    const u = 2 * rnd() - 1;
    const phi = 2 * Math.PI * rnd();
    const r = Math.cbrt(0.3 + 0.7 * rnd());
    const s = Math.sqrt(1 - u * u);
    cloud.means.set([r * s * Math.cos(phi), r * s * Math.sin(phi), r * u], 3 * i);
    for (let k = 0; k < 3; k++) cloud.logScales[3 * i + k] = Math.log(sizeScale * (0.01 + 0.04 * rnd()));
    cloud.quats.set([rnd() - 0.5, rnd() - 0.5, rnd() - 0.5, rnd() - 0.5], 4 * i);
    cloud.opacityLogits[i] = -1 + 4 * rnd();
    for (let j = 0; j < 3 * K; j++) cloud.sh[3 * K * i + j] = j < 3 ? 2 * rnd() - 1 : 0.3 * (rnd() - 0.5);
  }
  return cloud;
}

function camera(size: number): Camera {
  return lookAtCamera([0.4, -2.8, 1.1], [0, 0, 0], [0, 0, 1], { fx: 1.2 * size, fy: 1.2 * size, cx: size / 2, cy: size / 2, width: size, height: size });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const gpu = await getGpuDevice({ timestamps: true });
const { device } = gpu;
const background: [number, number, number] = [0.2, 0.3, 0.4];

interface Measured {
  label: string;
  passes: Map<string, number>;
  forwardWall: number;
  backwardWall: number;
  intersections: number;
  visible: number;
}

async function measure(count: number, size: number, shDegree: number, runs: number): Promise<Measured> {
  const cloud = benchCloud(count, shDegree, count);
  const cam = camera(size);
  const r = createRasterizer(device, { width: size, height: size, shDegree, maxSplats: count, profile: true });
  r.upload(cloud);
  const rnd = rng(1);
  const dLdRgb = storageBuffer(device, 'bench dLdRgb', 12 * size * size);
  device.queue.writeBuffer(dLdRgb, 0, Float32Array.from({ length: 3 * size * size }, () => rnd() - 0.5));
  const perPass = new Map<string, number[]>();
  const fw: number[] = [];
  const bw: number[] = [];
  let stats = { intersections: 0, visibleSplats: 0 };
  for (let run = 0; run <= runs; run++) {
    let t0 = performance.now();
    stats = await r.forward(cam, background);
    const forwardWall = performance.now() - t0;
    t0 = performance.now();
    r.backward(dLdRgb);
    await device.queue.onSubmittedWorkDone();
    const backwardWall = performance.now() - t0;
    const timings = await r.readTimings();
    if (run === 0) continue; // warm-up: pipeline creation, first allocation
    fw.push(forwardWall);
    bw.push(backwardWall);
    for (const t of [...timings.forward, ...timings.backward]) perPass.set(t.label, [...(perPass.get(t.label) ?? []), t.ms]);
  }
  r.destroy();
  dLdRgb.destroy();
  return {
    label: `${count / 1000}k splats ${size}x${size}`,
    passes: new Map([...perPass].map(([k, v]) => [k, median(v)])),
    forwardWall: median(fw),
    backwardWall: median(bw),
    intersections: stats.intersections,
    visible: stats.visibleSplats,
  };
}

const fmt = (ms: number | undefined) => (ms === undefined ? '-' : ms < 10 ? ms.toFixed(2) : ms.toFixed(1));

const results = [await measure(10_000, 256, 3, 3), await measure(100_000, 256, 3, 2)];

// Baseline in the same run: the CPU reference and the GPU on one tiny scene.
const tinyCount = 1000;
const tinySize = 64;
const tiny = benchCloud(tinyCount, 3, 7);
const tinyCam = camera(tinySize);
const opts = { lowPass: 0.3, nearPlane: 0.01, background };
let t0 = performance.now();
renderReference(tiny, tinyCam, opts);
const cpuForward = performance.now() - t0;
const tinyGrad = Float64Array.from({ length: 3 * tinySize * tinySize }, (_, i) => ((i * 7919) % 13) / 13 - 0.5);
t0 = performance.now();
renderReferenceBackward(tiny, tinyCam, tinyGrad, null, opts);
const cpuBackward = performance.now() - t0;
const tinyGpu = await measure(tinyCount, tinySize, 3, 3);

const labels = [...new Set(results.flatMap((r) => [...r.passes.keys()]))];
const rows: string[][] = [
  ['pass (GPU ms, median)', ...results.map((r) => r.label)],
  ...labels.map((l) => [l, ...results.map((r) => fmt(r.passes.get(l)))]),
  ['sum of forward passes', ...results.map((r) => fmt([...r.passes].filter(([k]) => !/Backward/.test(k)).reduce((a, [, v]) => a + v, 0)))],
  ['sum of backward passes', ...results.map((r) => fmt([...r.passes].filter(([k]) => /Backward/.test(k)).reduce((a, [, v]) => a + v, 0)))],
  ['forward wall clock (incl. read-back)', ...results.map((r) => fmt(r.forwardWall))],
  ['backward wall clock', ...results.map((r) => fmt(r.backwardWall))],
  ['visible splats / intersections', ...results.map((r) => `${r.visible} / ${r.intersections}`)],
];
const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => row[c].length)));
const line = (row: string[]) => `| ${row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join(' | ')} |`;

console.log(`WebGPU rasterizer benchmark: ${gpu.description || 'unknown adapter'} (VK_ICD_FILENAMES=${process.env.VK_ICD_FILENAMES ?? '-'}), SH degree 3, timestamp queries: ${gpu.hasTimestamps ? 'yes' : 'no (pass times unavailable)'}`);
console.log(line(rows[0]));
console.log(`|${widths.map((w, c) => (c === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`);
for (const row of rows.slice(1)) console.log(line(row));
console.log('');
console.log(`Baseline, same run: ${tinyCount} splats at ${tinySize}x${tinySize}, SH 3`);
console.log(`| implementation | forward ms | backward ms |`);
console.log(`|---|---:|---:|`);
console.log(`| CPU reference (float64 TypeScript) | ${fmt(cpuForward)} | ${fmt(cpuBackward)} |`);
console.log(`| GPU rasterizer (wall clock, median) | ${fmt(tinyGpu.forwardWall)} | ${fmt(tinyGpu.backwardWall)} |`);
device.destroy();
