/**
 * npm run bench:render [-- --frames N --sizes 100k,1M --viewers webgpu,webgl2,spark,gs3d
 *                         --step-deg D --out file.md --shots dir --settle-s S]
 *
 * --shots writes a PNG of each viewer's last frame (they should show the same view);
 * --settle-s (default 600) bounds the warm-up wait for camera 0's own order and the wait for a
 * sort still running after the last frame.
 *
 * One run, one headless Chromium (the system one, tests/chromium.ts: WebGPU and WebGL2 on
 * SwiftShader, a software adapter): the same synthetic cloud (bench/render/syntheticCloud.ts: a
 * unit ball of splats, deterministic from src/core/random.ts, written once per size to a binary
 * 3DGS PLY that all four viewers load) drawn along the same orbit (bench/render/orbit.ts: camera 0
 * warm-up, then N measured frames, `--step-deg` (default 2) degrees apart, radius 3, 20 degrees
 * elevation, 512x512, vertical FOV 50 degrees, centred principal point, identical for all) by:
 *   webgpu  this viewer's WebGPU backend (src/render/webgpu)
 *   webgl2  this viewer's WebGL2 backend (src/render/webgl2)
 *   spark   @sparkjsdev/spark (three.js)
 *   gs3d    @mkkellogg/gaussian-splats-3d (three.js)
 * Each viewer runs in a fresh page of a small Vite-built page (bench/render/page.ts) served from
 * 127.0.0.1, cross-origin isolated (so GS3D uses its default shared-memory sort).
 *
 * Frame pacing: one measured frame per requestAnimationFrame, the camera one step further each
 * time, as when a user orbits continuously; asynchronous sorts get the event loop between frames.
 *
 * Columns:
 * - median frame (ms): over the N measured frames (the warm-up frames are excluded), from setting
 *   the frame's camera to the frame being complete on the GPU: WebGPU: render() resolved (it reads
 *   back a 32-byte stats buffer) and device.queue.onSubmittedWorkDone(); the WebGL viewers: the
 *   draw call(s) then gl.readPixels of one pixel of the canvas (a full GPU sync). For our two
 *   backends this includes the sort (it is part of every frame); for Spark and GS3D it does not
 *   (their sort runs in a worker between frames).
 * - median sort (ms): webgpu: the GPU radix sort pass by timestamp queries (FrameStats.sortMs;
 *   "n/a" if the adapter lacks timestamp-query); webgl2: the sort worker's own time for culling,
 *   depths and the counting sort (FrameStats.sortMs); spark: from the start of a sort's GPU
 *   depth readback (SparkRenderer.readbackDepth) to its sort worker's answer (sortSplats32), on
 *   the main-thread clock; gs3d: the sort worker's reported sortTime (its WASM sort). Only sorts
 *   started (spark) or answered (gs3d) during the measured frames count (after the last frame the
 *   page waits, drawing nothing, for a sort still running); "n/a" when there were none (e.g. GS3D
 *   did not re-sort within the frames: it re-sorts only after a turn of ~8 degrees).
 * - stale frames: measured frames drawn with a depth order that was not sorted (completely) for
 *   that frame's own camera. webgpu and webgl2: FrameStats.orderAge > 0 (the renderer reports the
 *   age of the order it drew with; the WebGPU backend sorts inside each frame, the WebGL2 backend
 *   waits for its worker's order for the frame's camera). spark: its sort worker is wrapped when
 *   SparkRenderer creates it; each sortSplats32 call is tagged with the orbit camera whose centre
 *   equals SparkRenderer.sortedCenter (the view origin the sort is for) and its answer is when the
 *   new ordering texture replaces the old one (uploaded in the same microtask chain, before any
 *   later frame); a frame is stale when the last answered sort's camera is not the frame's camera.
 *   gs3d: its sort worker's postMessage is wrapped; each {sort} message is tagged with the orbit
 *   camera matching its cameraPosition (partial when splatSortCount < splatRenderCount) and each
 *   {sortDone} answer (FIFO) is when that order replaces the one drawn (updateRenderIndexes); a
 *   frame is stale when that camera is not the frame's camera, or the order is partial. A frame
 *   drawn before any order was answered counts stale too. See bench/render/staleFrames.ts.
 * - max order age: largest (frame camera index - order camera index) among the measured frames.
 * Notes under the table say when a viewer never settled on camera 0, drew almost nothing, held a
 * different splat count, or made partial sorts.
 *
 * The GPU adapter is printed: this is Chromium's SwiftShader, a software rasterizer on the CPU,
 * so the numbers compare the viewers' work, not what a GPU would do. Keep --frames small; 1M
 * splats take long on SwiftShader.
 */
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, resolve, sep } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { build } from 'vite';
import { writePly } from '../src/io/ply.ts';
import { CHROMIUM, CHROMIUM_FLAGS } from '../tests/chromium.ts';
import { DEFAULT_ORBIT, orbitCameras } from './render/orbit.ts';
import { VIEWER_LABELS, VIEWERS, type AdapterInfo, type BenchPage, type RunRequest, type RunResult, type ViewerId } from './render/protocol.ts';
import { median } from './render/staleFrames.ts';
import { formatSplatCount, parseSplatCount, syntheticCloud } from './render/syntheticCloud.ts';

const ROOT = resolve(import.meta.dirname, '..');
const PAGE_ROOT = resolve(ROOT, 'bench/render');

const { values: args } = parseArgs({
  options: {
    frames: { type: 'string', default: '8' },
    sizes: { type: 'string', default: '100k,1M' },
    viewers: { type: 'string', default: VIEWERS.join(',') },
    'step-deg': { type: 'string', default: String(DEFAULT_ORBIT.stepDeg) },
    out: { type: 'string' },
    shots: { type: 'string' },
    'settle-s': { type: 'string', default: '600' },
  },
  strict: true,
});

const frames = Number(args.frames);
if (!Number.isInteger(frames) || frames < 1 || frames > 1000) throw new Error(`--frames must be an integer 1..1000, got ${args.frames}`);
const stepDeg = Number(args['step-deg']);
if (!(stepDeg > 0 && stepDeg < 180)) throw new Error(`--step-deg must be in (0, 180), got ${args['step-deg']}`);
const sizes = args.sizes!.split(',').map(parseSplatCount);
const viewers = args.viewers!.split(',').map((v) => v.trim()) as ViewerId[];
for (const v of viewers) if (!VIEWERS.includes(v)) throw new Error(`unknown viewer "${v}"; use ${VIEWERS.join(', ')}`);
const settleMs = 1000 * Number(args['settle-s']);

const log = (s: string) => process.stderr.write(`${s}\n`);

async function packageVersion(name: string): Promise<string> {
  try {
    return (JSON.parse(await readFile(resolve(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return '?';
  }
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.css': 'text/css',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.ply': 'application/octet-stream',
};

/** Static files of the built page and the clouds, cross-origin isolated (COOP + COEP). */
function serve(pageDir: string, cloudDir: string): Promise<{ url: string; close: () => Promise<void> }> {
  const handler = async (req: IncomingMessage, res: ServerResponse) => {
    let rel = decodeURIComponent((req.url ?? '/').split('?')[0]);
    if (rel === '/') rel = '/index.html';
    if (rel === '/favicon.ico') {
      res.statusCode = 204;
      return res.end();
    }
    const [base, sub] = rel.startsWith('/clouds/') ? [cloudDir, rel.slice('/clouds'.length)] : [pageDir, rel];
    const file = resolve(base, '.' + sub);
    const st = file.startsWith(base + sep) ? await stat(file).catch(() => null) : null;
    res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
    res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
    if (!st?.isFile()) {
      res.statusCode = 404;
      return res.end('not found');
    }
    res.setHeader('Content-Type', MIME[extname(file)] ?? 'application/octet-stream');
    res.setHeader('Content-Length', st.size);
    createReadStream(file).pipe(res);
  };
  return new Promise((ok) => {
    const server = createServer((req, res) => void handler(req, res));
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      ok({ url: `http://127.0.0.1:${port}/`, close: () => new Promise((done) => server.close(() => done())) });
    });
  });
}

function fmt(v: number | null, digits = 1): string {
  return v === null ? 'n/a' : v.toFixed(digits);
}

function isSoftware(info: AdapterInfo): boolean {
  const text = `${info.webgpu ?? ''} ${info.webgl ?? ''}`;
  return info.webgpuFallback === true || /swiftshader|llvmpipe|lavapipe|software/i.test(text);
}

const work = await mkdtemp(join(tmpdir(), 'bench-render-'));
try {
  // 1. Clouds.
  const cloudDir = join(work, 'clouds');
  await mkdir(cloudDir);
  for (const n of sizes) {
    const t = performance.now();
    await writeFile(join(cloudDir, `cloud-${n}.ply`), writePly(syntheticCloud(n)));
    log(`cloud ${formatSplatCount(n)}: written in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  }

  // 2. The page.
  const pageDir = join(work, 'page');
  let t = performance.now();
  await build({
    root: PAGE_ROOT,
    configFile: false,
    base: './',
    logLevel: 'warn',
    worker: { format: 'es' },
    build: { outDir: pageDir, emptyOutDir: true, target: 'esnext', chunkSizeWarningLimit: 20_000, reportCompressedSize: false },
  });
  log(`page built in ${((performance.now() - t) / 1000).toFixed(1)} s`);

  const server = await serve(pageDir, cloudDir);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS, headless: true });
  try {
    const open = async () => {
      const page = await browser.newPage({ viewport: { width: 600, height: 600 } });
      page.on('console', (m) => {
        if ((m.type() === 'error' || m.type() === 'warning') && !/GPU stall due to ReadPixels/.test(m.text())) log(`  [page ${m.type()}] ${m.text().slice(0, 300)}`);
      });
      page.on('pageerror', (e) => log(`  [page error] ${e.message}`));
      await page.goto(server.url);
      await page.waitForFunction(() => 'benchRender' in window);
      return page;
    };

    const infoPage = await open();
    const info = await infoPage.evaluate(() => (window as unknown as { benchRender: BenchPage }).benchRender.adapterInfo());
    await infoPage.close();
    const software = isSoftware(info);
    const header = [
      `GPU adapter (WebGPU): ${info.webgpu ?? 'none'}${info.webgpuFallback ? ' (fallback adapter)' : ''}`,
      `GPU adapter (WebGL2): ${info.webgl ?? 'none'}`,
      software
        ? 'This is a software adapter (SwiftShader, on the CPU): times compare the viewers\' work, not GPU speed.'
        : 'Adapter not recognised as software.',
      `Chromium: ${/Chrome\/[\d.]+/.exec(info.userAgent)?.[0] ?? info.userAgent}; cross-origin isolated: ${info.crossOriginIsolated}`,
      `Orbit: ${frames} measured frames after warm-up, ${stepDeg} deg per frame, ${DEFAULT_ORBIT.width}x${DEFAULT_ORBIT.height}, vertical FOV ${DEFAULT_ORBIT.fovYDeg} deg; ` +
        `@sparkjsdev/spark ${await packageVersion('@sparkjsdev/spark')}, @mkkellogg/gaussian-splats-3d ${await packageVersion('@mkkellogg/gaussian-splats-3d')}, three ${await packageVersion('three')}.`,
    ];
    for (const l of header) log(l);

    const cameras = orbitCameras({ ...DEFAULT_ORBIT, frames, stepDeg });
    const results: { n: number; viewer: ViewerId; r: RunResult | null; error?: string }[] = [];
    for (const n of sizes) {
      for (const viewer of viewers) {
        t = performance.now();
        log(`${VIEWER_LABELS[viewer]} at ${formatSplatCount(n)} splats ...`);
        const page = await open();
        try {
          const req: RunRequest = {
            viewer,
            cloudUrl: `clouds/cloud-${n}.ply`,
            splats: n,
            cameras,
            background: [0, 0, 0],
            settleTimeoutMs: settleMs,
            shot: !!args.shots,
          };
          const r = await page.evaluate((q) => (window as unknown as { benchRender: BenchPage }).benchRender.run(q), req);
          results.push({ n, viewer, r });
          log(`  load ${(r.loadMs / 1000).toFixed(1)} s, ${r.warmupFrames} warm-up frames, frames ${r.frameMs.map((x) => x.toFixed(0)).join(' ')} ms, ages ${r.ages.map((a) => a ?? '?').join(' ')} (${((performance.now() - t) / 1000).toFixed(0)} s)`);
          if (args.shots && r.shot) {
            await mkdir(args.shots, { recursive: true });
            const file = join(args.shots, `${viewer}-${formatSplatCount(n)}.png`);
            await writeFile(file, Buffer.from(r.shot.split(',')[1], 'base64'));
            log(`  shot: ${file}`);
          }
        } catch (e) {
          const msg = (e instanceof Error ? e.message : String(e)).split('\n')[0];
          log(`  failed: ${msg}`);
          results.push({ n, viewer, r: null, error: msg });
        } finally {
          await page.close();
        }
      }
    }

    // 3. The table.
    const rows = [
      '| viewer | splats | median frame (ms) | median sort (ms) | stale frames | max order age | frames |',
      '|---|---|---|---|---|---|---|',
    ];
    const notes: string[] = [];
    for (const { n, viewer, r, error } of results) {
      if (!r) {
        rows.push(`| ${VIEWER_LABELS[viewer]} | ${formatSplatCount(n)} | failed | | | | |`);
        notes.push(`${VIEWER_LABELS[viewer]}, ${formatSplatCount(n)}: failed: ${error}`);
        continue;
      }
      const label = VIEWER_LABELS[r.viewer];
      const sort = r.sortMs ? fmt(median(r.sortMs), 2) : 'n/a';
      rows.push(`| ${label} | ${formatSplatCount(n)} | ${fmt(median(r.frameMs))} | ${sort} | ${r.stale.stale} | ${r.stale.maxAge ?? 'n/a'} | ${r.stale.frames} |`);
      const tag = `${label}, ${formatSplatCount(n)}`;
      notes.push(`${tag}: sort = ${r.sortMs ? `${r.sortNote} (${r.sortMs.length} samples)` : `n/a (${r.sortNote.startsWith('n/a') ? r.sortNote.slice(5) : `no sort observed during the measured frames; measured as: ${r.sortNote}`})`}`);
      if (r.stale.unknown) notes.push(`${tag}: ${r.stale.unknown} frame(s) drawn with no order yet or one for an unknown camera (counted stale)`);
      if (r.stale.partial) notes.push(`${tag}: ${r.stale.partial} frame(s) drawn with a partial sort for their own camera (counted stale)`);
      for (const x of r.notes) notes.push(`${tag}: ${x}`);
    }
    const table = rows.join('\n');
    const text = [...header, '', table, '', ...notes.map((x) => `- ${x}`), ''].join('\n');
    process.stdout.write(`\n${text}`);
    if (args.out) {
      const md = [...header.map((l) => `- ${l}`), '', table, '', ...notes.map((x) => `- ${x}`), ''].join('\n');
      await writeFile(args.out, `# npm run bench:render\n\n${md}`);
      log(`written: ${args.out}`);
    }
  } finally {
    await browser.close();
    await server.close();
  }
} finally {
  await rm(work, { recursive: true, force: true });
}
