/**
 * <splat-viewer> from the library build (vite.lib.config.ts) in an ordinary page, fed by a local
 * static server that honours Range requests and sends the stream at a throttled rate: the first
 * frame is drawn before 15% of the stream's bytes have left the server, the final frame matches
 * the uncompressed cloud's render (a second element showing the PLY from the same camera) within
 * the codec's error, and a screenshot is saved. Also: the server's Range answers decode as chunks.
 */
import { createServer, type Server } from 'node:http';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allocateCloud, type GaussianCloud } from '../../src/core/gaussianCloud.ts';
import { mulberry32 } from '../../src/core/random.ts';
import { SH_C0 } from '../../src/core/sh.ts';
import { writePly } from '../../src/io/ply.ts';
import { encodePng } from '../../src/core/image.ts';
import { encodeStream, parseStreamHeader } from '../../src/stream/index.ts';
import { CHROMIUM, CHROMIUM_FLAGS } from '../chromium.ts';
import { freePort, requireChromium, ROOT } from './harness.ts';

const LIB_DIR = resolve(ROOT, 'test-results/e2e-embed-lib');
const SHOTS = resolve(ROOT, 'test-results');
/** Throttle: this many bytes every TICK_MS (16 KB/s). */
const SLICE = 1600;
const TICK_MS = 100;

/** A ball of 12000 splats with smooth colour bands and SH degree-1 shading: something to see. */
function ballCloud(): GaussianCloud {
  const n = 12000;
  const r = mulberry32(17);
  const cloud = allocateCloud(n, 1);
  for (let i = 0; i < n; i++) {
    const z = 2 * r() - 1;
    const phi = 2 * Math.PI * r();
    const s = Math.sqrt(1 - z * z);
    const p = [s * Math.cos(phi), s * Math.sin(phi), z];
    cloud.means.set(p, 3 * i);
    cloud.logScales.set([Math.log(0.045), Math.log(0.045), Math.log(0.012)], 3 * i);
    // Rotate the thin axis (z) onto the normal p: quaternion from (0,0,1) to p.
    const w = 1 + p[2];
    const q = w < 1e-6 ? [0, 1, 0, 0] : [w, -p[1], p[0], 0];
    const qn = Math.hypot(...q);
    cloud.quats.set(q.map((v) => v / qn), 4 * i);
    cloud.opacityLogits[i] = 3;
    const colour = [0.5 + 0.4 * Math.sin(3 * phi), 0.5 + 0.4 * Math.cos(4 * z), 0.5 + 0.4 * Math.sin(2 * phi + 2 * z)];
    for (let c = 0; c < 3; c++) {
      cloud.sh[12 * i + c] = (colour[c] - 0.5) / SH_C0;
      for (let k = 1; k < 4; k++) cloud.sh[12 * i + 3 * k + c] = 0.1 * p[k - 1] * (c === 0 ? 1 : -0.5);
    }
  }
  return cloud;
}

const PAGE = `<!doctype html><html><head><meta charset="utf-8">
<style>body{margin:0;background:#333} splat-viewer{width:256px;height:192px;display:inline-block}</style>
<script type="module" src="/lib/splat-viewer.js"></script></head><body>
<splat-viewer id="stream" src="/scene.gsrq" background="#000000" camera="30 25 2.6" target="0 0 0" radius="1" up="0 0 1"></splat-viewer>
<script type="module">
  import * as lib from '/lib/splat-viewer.js';
  window.lib = lib;
  window.events = [];
  const v = document.getElementById('stream');
  for (const t of ['frame', 'progress', 'load', 'error', 'warning'])
    v.addEventListener(t, (e) => { window.events.push({ type: t, ...e.detail }); if (t === 'frame' && e.detail.frame === 1) window.firstFrame(e.detail); });
</script></body></html>`;

let server: Server;
let browser: Browser;
let baseUrl: string;
let stream: Uint8Array;
let ply: Uint8Array;
/** Bytes of the stream the server has written so far (all requests). */
let streamBytesSent = 0;
let sentAtFirstFrame = -1;
/** Range headers the server saw for the stream ('none' for a plain GET). */
const rangesSeen: string[] = [];

function send(res: import('node:http').ServerResponse, bytes: Uint8Array, type: string, range: string | undefined, throttled: boolean) {
  let start = 0;
  let end = bytes.length - 1;
  const m = range ? /^bytes=(\d+)-(\d*)$/.exec(range) : null;
  if (range && !m) {
    res.writeHead(416);
    return res.end();
  }
  if (m) {
    start = Number(m[1]);
    end = m[2] ? Math.min(Number(m[2]), bytes.length - 1) : bytes.length - 1;
    res.writeHead(206, { 'Content-Type': type, 'Content-Length': end - start + 1, 'Content-Range': `bytes ${start}-${end}/${bytes.length}`, 'Accept-Ranges': 'bytes' });
  } else res.writeHead(200, { 'Content-Type': type, 'Content-Length': bytes.length, 'Accept-Ranges': 'bytes' });
  const body = bytes.subarray(start, end + 1);
  if (!throttled) return res.end(body);
  let at = 0;
  const timer = setInterval(() => {
    const piece = body.subarray(at, at + SLICE);
    at += piece.length;
    streamBytesSent += piece.length;
    res.write(piece);
    if (at >= body.length) {
      clearInterval(timer);
      res.end();
    }
  }, TICK_MS);
  res.on('close', () => clearInterval(timer));
}

beforeAll(async () => {
  requireChromium();
  const cloud = ballCloud();
  stream = encodeStream(cloud, { stages: 3 });
  ply = writePly(cloud);
  await build({ root: ROOT, configFile: resolve(ROOT, 'vite.lib.config.ts'), logLevel: 'error', build: { outDir: LIB_DIR, emptyOutDir: true } });
  server = createServer(async (req, res) => {
    const url = (req.url ?? '/').split('?')[0];
    if (url === '/' || url === '/index.html') return send(res, new TextEncoder().encode(PAGE), 'text/html', undefined, false);
    if (url === '/scene.gsrq') {
      rangesSeen.push(req.headers.range ?? 'none');
      return send(res, stream, 'application/octet-stream', req.headers.range, req.headers['x-unthrottled'] === undefined);
    }
    // A host that ignores Range: the whole file, 200, unthrottled.
    if (url === '/no-range/scene.gsrq') return send(res, stream, 'application/octet-stream', undefined, false);
    if (url === '/scene.ply') return send(res, ply, 'application/octet-stream', req.headers.range, false);
    if (url.startsWith('/lib/') && !url.includes('..')) {
      const bytes = await readFile(resolve(LIB_DIR, url.slice(5))).catch(() => null);
      if (bytes) return send(res, bytes, extname(url) === '.js' ? 'text/javascript' : 'application/octet-stream', undefined, false);
    }
    res.writeHead(404);
    res.end('not found');
  });
  const port = await freePort();
  await new Promise<void>((ok) => server.listen(port, '127.0.0.1', ok));
  baseUrl = `http://127.0.0.1:${port}`;
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
});

afterAll(async () => {
  await browser?.close();
  await new Promise((ok) => server?.close(ok));
  await rm(LIB_DIR, { recursive: true, force: true });
});

function psnrRgb(a: Uint8Array, b: Uint8Array): number {
  let se = 0;
  let n = 0;
  for (let i = 0; i < a.length; i += 4) for (let c = 0; c < 3; c++, n++) se += (a[i + c] - b[i + c]) ** 2;
  return se === 0 ? Infinity : 10 * Math.log10((255 * 255) / (se / n));
}

describe('<splat-viewer>', () => {
  it('draws the first chunk before 15% of the stream arrived, and ends at the uncompressed picture', async () => {
    const page = await browser.newPage({ viewport: { width: 600, height: 400 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.exposeFunction('firstFrame', () => {
      sentAtFirstFrame = streamBytesSent;
    });
    await page.goto(`${baseUrl}/`);
    await page.waitForFunction(() => (window as unknown as { events: { type: string }[] }).events.some((e) => e.type === 'load' || e.type === 'error'), undefined, { timeout: 90_000 });
    const events = await page.evaluate(() => (window as unknown as { events: Record<string, unknown>[] }).events);
    expect(events.filter((e) => e.type === 'error')).toEqual([]);
    const first = events.find((e) => e.type === 'frame')!;
    const h = parseStreamHeader(stream);
    console.log(`embed: stream ${stream.length} bytes; first base chunk ends at ${h.chunks[1].offset + h.chunks[1].byteLength}; first frame done: server had sent ${sentAtFirstFrame}, page had ${String(first.bytesLoaded)}`);
    // The first frame: the first chunk's splats only, drawn while the server had sent < 15%.
    expect(first.splats as number).toBeLessThan(12000);
    expect(sentAtFirstFrame).toBeGreaterThan(0);
    expect(sentAtFirstFrame / stream.length).toBeLessThan(0.15);
    expect((first.bytesLoaded as number) / stream.length).toBeLessThan(0.15);
    expect(events.find((e) => e.type === 'load')!.splats).toBe(12000);
    // Decoded in the worker, read by ranges: the header's range first, then more.
    expect(await page.evaluate(() => (document.getElementById('stream') as unknown as { loadMode: unknown }).loadMode)).toEqual({ thread: 'worker', read: 'range' });
    expect(rangesSeen[0]).toBe('bytes=0-16383');
    expect(rangesSeen.length).toBeGreaterThan(2);
    expect(rangesSeen).not.toContain('none');

    // The final frame against the PLY drawn by the same element code from the same camera.
    await page.waitForFunction(() => {
      const v = document.getElementById('stream') as unknown as { frames: number };
      return v.frames > 0 && (window as unknown as { events: { type: string }[] }).events.at(-1)?.type !== 'progress';
    });
    await page.evaluate(() => new Promise((ok) => setTimeout(ok, 500)));
    const shots = await page.evaluate(async () => {
      const a = document.getElementById('stream') as unknown as HTMLElement & { readPixels(): Promise<Uint8Array>; frames: number };
      const b = document.createElement('splat-viewer') as unknown as HTMLElement & { readPixels(): Promise<Uint8Array>; frames: number };
      for (const name of ['background', 'camera', 'target', 'radius', 'up']) b.setAttribute(name, a.getAttribute(name)!);
      b.setAttribute('src', '/scene.ply');
      document.body.append(b);
      await new Promise((ok) => b.addEventListener('frame', ok, { once: true }));
      const [pa, pb] = await Promise.all([a.readPixels(), b.readPixels()]);
      return { a: Array.from(pa), b: Array.from(pb) };
    });
    const a = Uint8Array.from(shots.a);
    const b = Uint8Array.from(shots.b);
    const lit = Array.from({ length: a.length / 4 }, (_, i) => a[4 * i] + a[4 * i + 1] + a[4 * i + 2]).filter((v) => v > 30).length;
    expect(lit / (a.length / 4)).toBeGreaterThan(0.2); // the ball is there, not a black frame
    const p = psnrRgb(a, b);
    await mkdir(SHOTS, { recursive: true });
    await writeFile(resolve(SHOTS, 'embed-stream-final.png'), encodePng({ width: 256, height: 192, data: new Uint8ClampedArray(a) }));
    await writeFile(resolve(SHOTS, 'embed-ply.png'), encodePng({ width: 256, height: 192, data: new Uint8ClampedArray(b) }));
    console.log(`embed: first frame after ${sentAtFirstFrame} of ${stream.length} bytes (${((100 * sentAtFirstFrame) / stream.length).toFixed(1)}%), ${first.splats} splats; final frame vs PLY ${p.toFixed(2)} dB`);
    // The whole stream's render against the uncompressed cloud's: bench:codec's "vs PLY render"
    // column is 43-53 dB for the whole file on trained clouds; 40 dB is also the bar both viewer
    // backends must meet against the trainer's rasterizer (src/render/splatRenderer.ts).
    expect(p).toBeGreaterThan(40);
    await page.screenshot({ path: resolve(SHOTS, 'embed-splat-viewer.png') });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('builds an r3f entry that exports <SplatStream> and leaves React, three and r3f to the page', async () => {
    const r3f = await readFile(resolve(LIB_DIR, 'splat-viewer-r3f.js'), 'utf8');
    expect(r3f).toMatch(/export\s*{[^}]*\bSplatStream\b[^}]*}/);
    for (const peer of ['react', 'three', '@react-three/fiber']) expect(r3f).toMatch(new RegExp(`from\\s*"${peer.replace('/', '\\/')}"`));
    // The element's entry has no React in it.
    const element = await readFile(resolve(LIB_DIR, 'splat-viewer.js'), 'utf8');
    expect(element).not.toMatch(/from\s*"react"/);
    expect(element).toMatch(/export\s*{[^}]*\bdecodeStream\b[^}]*}/);
  });

  it('falls back to one streamed GET where the server ignores Range', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${baseUrl}/`);
    const got = await page.evaluate(async () => {
      const v = document.createElement('splat-viewer') as unknown as HTMLElement & { loadMode: unknown };
      v.setAttribute('src', '/no-range/scene.gsrq');
      const loaded = new Promise<{ splats: number; warnings: string[] }>((ok) => v.addEventListener('load', (e) => ok((e as CustomEvent).detail), { once: true }));
      document.body.append(v);
      return { ...(await loaded), mode: v.loadMode };
    });
    expect(got).toEqual({ splats: 12000, warnings: [], mode: { thread: 'worker', read: 'whole' } });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('serves chunks by HTTP Range that decode on their own', async () => {
    const header = parseStreamHeader(stream);
    const page = await browser.newPage();
    await page.goto(`${baseUrl}/`);
    const got = await page.evaluate(
      async ({ chunks, headerBytes }) => {
        const lib = (window as unknown as { lib: typeof import('../../src/embed/index.ts') }).lib;
        const head = new Uint8Array(await (await fetch('/scene.gsrq', { headers: { Range: `bytes=0-${headerBytes - 1}`, 'x-unthrottled': '1' } })).arrayBuffer());
        const h = lib.parseStreamHeader(head);
        const dec = lib.createStreamDecoder(h);
        // Codebook 0 and the second base chunk only, fetched by Range.
        for (const i of chunks) {
          const c = h.chunks[i];
          const res = await fetch('/scene.gsrq', { headers: { Range: `bytes=${c.offset}-${c.offset + c.byteLength - 1}`, 'x-unthrottled': '1' } });
          dec.addChunk(i, new Uint8Array(await res.arrayBuffer()));
        }
        return { splats: dec.decodedSplats(), warnings: dec.warnings.length };
      },
      { chunks: [0, 2], headerBytes: header.headerBytes },
    );
    expect(got).toEqual({ splats: header.chunks[2].splatCount, warnings: 0 });
    await page.close();
  });
});
