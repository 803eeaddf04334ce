/**
 * End to end, the splat viewer (issue 4's acceptance): builds the app, serves it on 127.0.0.1 and
 * drives headless Chromium (SwiftShader WebGPU and WebGL2) as a person would. Files written by
 * other tools, made here from one small known cloud (tests/e2e/otherToolFiles.ts): a PLY by
 * @playcanvas/splat-transform, opened with the file dialog, and an SPZ by spz-js, dropped on the
 * page. Each must show in the 3D view: the colour of each blob where the drawn camera projects its
 * centre, background elsewhere, the renderer named on the badge. Save PLY / SPZ / .splat must
 * read back (src/io/splatFile.ts) as the source cloud within each format's quantisation. Then: a
 * malformed file keeps what was shown, the splats can be hidden, a cloud dropped on a scene with
 * cameras is drawn with the frustums and handed to the Evaluate stage, and the WebGL2 backend draws
 * the same picture, asked for with ?renderer=webgl2 and chosen by itself where WebGPU is missing.
 */
import { mkdir, readFile, rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { PreviewServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Camera } from '../../src/core/camera.ts';
import type { GaussianCloud } from '../../src/core/gaussianCloud.ts';
import { mulberry32 } from '../../src/core/random.ts';
import { SH_C0 } from '../../src/core/sh.ts';
import { readSplatFile, writeSplatFile } from '../../src/io/splatFile.ts';
import { CHROMIUM, CHROMIUM_FLAGS } from '../chromium.ts';
import { maxDiff, rotationAngle, sigmoid } from '../io/splatTestKit.ts';
import { buildAndPreview, requireChromium, ROOT } from './harness.ts';
import { BLOBS, knownCloud, splatTransformPly, spzJsSpz } from './otherToolFiles.ts';
import { colourAround, decodeShot, project, waitForDrawnCloud, type Shot } from './viewerPixels.ts';

const OUT_DIR = resolve(ROOT, 'test-results/e2e-viewer-dist');
const SHOTS = resolve(ROOT, 'out');
/** The view's background, #0e1116. */
const BG = [0x0e, 0x11, 0x16];
/** Every blob's opacity (tests/e2e/otherToolFiles.ts). */
const ALPHA = sigmoid(4);
/** The blobs' largest standard deviation, world units. */
const BLOB_SIGMA = 0.08;

let server: PreviewServer | undefined;
let browser: Browser | undefined;
let baseUrl: string;
let page: Page;
const pageErrors: string[] = [];
const source = knownCloud();
let plyBytes: Uint8Array;
let spzBytes: Uint8Array;

beforeAll(async () => {
  requireChromium();
  [plyBytes, spzBytes] = await Promise.all([splatTransformPly(source), spzJsSpz(source)]);
  ({ server, baseUrl } = await buildAndPreview(OUT_DIR));
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
  page = await newPage();
  await mkdir(SHOTS, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await rm(OUT_DIR, { recursive: true, force: true });
});

// ---- helpers ------------------------------------------------------------------------------

async function newPage(init?: () => void): Promise<Page> {
  const p = await browser!.newPage({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
  p.on('pageerror', (e) => pageErrors.push(e.message));
  if (init) await p.addInitScript(init);
  return p;
}

const upload = (name: string, bytes: Uint8Array) => ({ name, mimeType: 'application/octet-stream', buffer: Buffer.from(bytes) });

/** Drops one file on the page as the file manager would (a synthetic DataTransfer). */
async function drop(p: Page, name: string, bytes: Uint8Array): Promise<void> {
  await p.evaluate(
    ({ name, b64 }) => {
      const dt = new DataTransfer();
      dt.items.add(new File([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], name));
      window.dispatchEvent(new DragEvent('dragenter', { dataTransfer: dt, cancelable: true }));
      window.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, cancelable: true }));
    },
    { name, b64: Buffer.from(bytes).toString('base64') },
  );
}

/** Opens the app without a scene, helpers (grid) hidden, so the view holds only the splats. */
async function openEmptyView(p: Page, query = ''): Promise<void> {
  await p.goto(`${baseUrl}?scene=none${query}`);
  await p.waitForSelector('[data-testid="viewport-note"]');
  await p.uncheck('[data-testid="show-helpers"]');
}

const shownId = (p: Page) => p.locator('[data-testid="cloud-shown"]').getAttribute('data-id');
const viewShot = async (p: Page): Promise<Shot> => decodeShot(await p.locator('[data-testid="viewport"]').screenshot());
const distance = (a: readonly number[], b: readonly number[]) => Math.max(...a.map((v, c) => Math.abs(v - b[c])));

/** Where each blob's centre lands on the screenshot (the drawn camera, scaled to the shot), and its size there. */
function blobPixels(camera: Camera, shot: Shot) {
  const s = shot.width / camera.width;
  expect(Math.abs(shot.height / camera.height - s)).toBeLessThan(0.02);
  return BLOBS.map((b) => {
    const p = project(camera, b.centre);
    return { ...b, x: p.x * s, y: p.y * s, depth: p.depth, sigmaPx: (BLOB_SIGMA * camera.fx * s) / p.depth };
  });
}

/**
 * The cloud is in the picture where the camera puts it: every blob's colour around its projected
 * centre (over the background at the blobs' opacity), background away from the blobs. `only`: how
 * many blobs at least must show (helpers such as frustums may cover some). Returns the coverage.
 */
function expectCloudPicture(shot: Shot, camera: Camera, only = BLOBS.length): number {
  const blobs = blobPixels(camera, shot);
  let showing = 0;
  for (const b of blobs) {
    expect(b.depth, 'blob in front of the camera').toBeGreaterThan(0);
    expect(b.x).toBeGreaterThan(10);
    expect(b.x).toBeLessThan(shot.width - 10);
    expect(b.y).toBeGreaterThan(10);
    expect(b.y).toBeLessThan(shot.height - 10);
    // The layout keeps the blobs apart on the screen, so no blob hides another's centre.
    for (const o of blobs) if (o !== b) expect(Math.hypot(o.x - b.x, o.y - b.y)).toBeGreaterThan(2.5 * Math.max(o.sigmaPx, b.sigmaPx));
    const want = b.colour.map((v, c) => 255 * (ALPHA * v + (1 - ALPHA) * (BG[c] / 255)));
    if (distance(colourAround(shot, b.x, b.y), want) <= 40) showing++;
  }
  expect(showing).toBeGreaterThanOrEqual(only);
  // Framed: the blobs spread over a good part of the view.
  const xs = blobs.map((b) => b.x);
  const ys = blobs.map((b) => b.y);
  expect(Math.max(Math.max(...xs) - Math.min(...xs), Math.max(...ys) - Math.min(...ys))).toBeGreaterThan(0.25 * Math.min(shot.width, shot.height));
  // Away from every blob (and from the overlays along the top and bottom edges): background.
  let far = 0;
  let background = 0;
  let covered = 0;
  let all = 0;
  for (let y = 40; y < shot.height - 40; y += 4) {
    for (let x = 4; x < shot.width - 4; x += 4) {
      all++;
      const px = shot.at(x, y);
      if (distance(px, BG) > 12) covered++;
      if (blobs.every((b) => Math.hypot(x - b.x, y - b.y) > 4 * b.sigmaPx)) {
        far++;
        if (distance(px, BG) <= 6) background++;
      }
    }
  }
  expect(far).toBeGreaterThan(100);
  if (only === BLOBS.length) expect(background / far).toBeGreaterThan(0.97);
  expect(covered / all).toBeGreaterThan(0.01);
  return covered / all;
}

/** Clicks a save button and reads the file it downloads (or fails with the message the app showed). */
async function download(p: Page, testId: string): Promise<{ name: string; bytes: Uint8Array }> {
  const error = p.locator('[data-testid="message-error"]');
  expect(await error.count(), `an error is shown already: ${await error.allTextContents()}`).toBe(0);
  const failed = error.waitFor({ timeout: 30_000 }).then(async () => {
    throw new Error(`saving failed: ${await error.textContent()}`);
  });
  failed.catch(() => {});
  const [d] = await Promise.all([Promise.race([p.waitForEvent('download'), failed]), p.click(`[data-testid="${testId}"]`, { timeout: 10_000 })]);
  return { name: d.suggestedFilename(), bytes: new Uint8Array(await readFile((await d.path())!)) };
}

/** Splat i of `b` is splat i of `a` (same order); the largest differences per field. */
function fieldDiffs(a: GaussianCloud, b: GaussianCloud) {
  expect(b.count).toBe(a.count);
  const K = (a.shDegree + 1) ** 2;
  const Kb = (b.shDegree + 1) ** 2;
  let dc = 0;
  let rest = 0;
  let angle = 0;
  for (let i = 0; i < a.count; i++) {
    for (let k = 0; k < Math.min(K, Kb); k++)
      for (let c = 0; c < 3; c++) {
        const d = Math.abs(a.sh[3 * K * i + 3 * k + c] - b.sh[3 * Kb * i + 3 * k + c]);
        if (k === 0) dc = Math.max(dc, d);
        else rest = Math.max(rest, d);
      }
    angle = Math.max(angle, rotationAngle(a.quats.subarray(4 * i, 4 * i + 4), b.quats.subarray(4 * i, 4 * i + 4)));
  }
  return {
    means: maxDiff(a.means, b.means),
    logScales: maxDiff(a.logScales, b.logScales),
    opacity: maxDiff(a.opacityLogits, b.opacityLogits, sigmoid),
    dc,
    rest,
    angle,
  };
}

// ---- tests ----------------------------------------------------------------------------------

describe('splat viewer in headless Chromium', () => {
  it('shows a PLY written by splat-transform on its own (file dialog), drawn with WebGPU, framed on its bounds', async () => {
    await openEmptyView(page);
    expect(await page.locator('[data-testid="thumbnail"]').count()).toBe(0);
    expect(await page.locator('[data-testid="cloud-shown"]').getAttribute('data-kind')).toBe('none');
    await page.setInputFiles('[data-testid="cloud-input"]', upload('cloud.ply', plyBytes));
    const drawn = await waitForDrawnCloud(page);
    expect(drawn.backend).toBe('webgpu');
    expect(drawn.fallback).toBe(false);
    expect(drawn.visibleSplats).toBe(BLOBS.length);
    expect(await page.locator('[data-testid="splat-backend"]').textContent()).toBe('WebGPU');
    expect(await page.locator('[data-testid="cloud-shown"]').textContent()).toBe('cloud.ply · 6 splats · SH degree 1');
    expect(await page.locator('[data-testid="message-info"]').textContent()).toBe('Opened cloud.ply: 6 splats (SH degree 1), shown on their own.');
    expect(await page.locator('[data-testid="viewport-note"]').count()).toBe(0);
    expectCloudPicture(await viewShot(page), drawn.camera);
    await page.screenshot({ path: resolve(SHOTS, 'e2e-viewer-alone.png') });
  });

  it('saves the shown cloud as PLY, SPZ and .splat that read back as the source within each format', async () => {
    const ply = await download(page, 'cloud-save-ply');
    expect(ply.name).toBe('cloud.ply');
    const fromPly = readSplatFile(ply.bytes, ply.name);
    expect(fromPly.shDegree).toBe(1);
    // PLY stores every value as a float32: the same cloud, bit for bit.
    for (const f of ['means', 'logScales', 'quats', 'opacityLogits', 'sh'] as const) expect(Array.from(fromPly[f]), f).toEqual(Array.from(source[f]));

    const spz = await download(page, 'cloud-save-spz');
    expect(spz.name).toBe('cloud.spz');
    const fromSpz = readSplatFile(spz.bytes, spz.name);
    expect(fromSpz.shDegree).toBe(1);
    // Half a quantisation step (see tests/io/spz.test.ts): position 2^-13, log scale 1/32,
    // opacity 0.5/255, DC 0.5/(0.15*255), degree-1 SH 4.5/128, rotation (smallest three) 0.005 rad.
    const s = fieldDiffs(source, fromSpz);
    expect(s.means).toBeLessThanOrEqual(2 ** -13 + 1e-6);
    expect(s.logScales).toBeLessThanOrEqual(1 / 32 + 1e-6);
    expect(s.opacity).toBeLessThanOrEqual(0.5 / 255 + 1e-6);
    expect(s.dc).toBeLessThanOrEqual(0.5 / (0.15 * 255) + 1e-6);
    expect(s.rest).toBeLessThanOrEqual(4.5 / 128 + 1e-6);
    expect(s.angle).toBeLessThan(0.005);
    expect(spz.bytes.length).toBeLessThan(ply.bytes.length);

    const splat = await download(page, 'cloud-save-splat');
    expect(splat.name).toBe('cloud.splat');
    expect(splat.bytes.length).toBe(32 * source.count);
    const fromSplat = readSplatFile(splat.bytes, splat.name);
    // .splat: float positions and scales, colour, opacity and rotation in bytes, DC colour only.
    expect(fromSplat.shDegree).toBe(0);
    const t = fieldDiffs(source, fromSplat);
    expect(t.means).toBe(0);
    expect(t.logScales).toBeLessThan(1e-6);
    expect(t.opacity).toBeLessThanOrEqual(0.5 / 255 + 1e-6);
    expect(t.dc).toBeLessThanOrEqual(0.5 / 255 / SH_C0 + 1e-6);
    expect(t.angle).toBeLessThan(0.03);
    expect(await page.locator('[data-testid="message-info"]').textContent()).toMatch(/^Saved cloud\.splat: 6 splats, 0\.00 MB\.$/);
  });

  it('shows an SPZ written by spz-js (dropped) as the same picture', async () => {
    const before = await shownId(page);
    await drop(page, 'cloud.spz', spzBytes);
    await page.waitForFunction((id) => document.querySelector('[data-testid="cloud-shown"]')?.getAttribute('data-id') !== id, before);
    const drawn = await waitForDrawnCloud(page);
    expect(drawn.backend).toBe('webgpu');
    expect(await page.locator('[data-testid="cloud-shown"]').textContent()).toBe('cloud.spz · 6 splats · SH degree 1');
    expectCloudPicture(await viewShot(page), drawn.camera);
  });

  it('refuses a malformed file with a clear message and keeps the cloud shown; hides and shows the splats', async () => {
    const id = await shownId(page);
    const drawnBefore = await waitForDrawnCloud(page);
    const cut = plyBytes.slice(0, plyBytes.length - 7);
    await page.setInputFiles('[data-testid="cloud-input"]', upload('cut.ply', cut));
    await page.waitForSelector('[data-testid="message-error"]');
    const message = (await page.locator('[data-testid="message-error"]').textContent()) ?? '';
    expect(message).toMatch(/^cut\.ply: /);
    expect(message).not.toContain('Internal error');
    expect(await shownId(page)).toBe(id);
    expectCloudPicture(await viewShot(page), drawnBefore.camera);

    // Hidden: the view shows the background where the blobs were; shown again: the blobs.
    await page.uncheck('[data-testid="show-splats"]');
    await page.waitForFunction(() => document.querySelector<HTMLCanvasElement>('canvas[data-splat-layer]')?.style.visibility === 'hidden');
    const hidden = await viewShot(page);
    for (const b of blobPixels(drawnBefore.camera, hidden)) expect(distance(colourAround(hidden, b.x, b.y), BG), b.colour.join()).toBeLessThanOrEqual(6);
    await page.check('[data-testid="show-splats"]');
    await page.waitForFunction(() => document.querySelector<HTMLCanvasElement>('canvas[data-splat-layer]')?.style.visibility === 'visible');
    expectCloudPicture(await viewShot(page), (await waitForDrawnCloud(page)).camera);
  });

  it('shows the progress of a big file while it loads, then draws it', async () => {
    const n = 250_000;
    const rnd = mulberry32(7);
    const big: GaussianCloud = {
      count: n,
      shDegree: 0,
      means: Float32Array.from({ length: 3 * n }, () => rnd() - 0.5),
      logScales: new Float32Array(3 * n).fill(Math.log(0.004)),
      quats: Float32Array.from({ length: 4 * n }, (_, i) => (i % 4 === 0 ? 1 : 0)),
      opacityLogits: new Float32Array(n).fill(2),
      sh: Float32Array.from({ length: 3 * n }, () => 2 * rnd() - 1),
    };
    const bytes = writeSplatFile(big, 'ply');
    const progress = page.waitForSelector('[data-testid="cloud-progress"]', { timeout: 30_000 }).then((el) => el.textContent());
    await page.setInputFiles('[data-testid="cloud-input"]', upload('big.ply', bytes));
    expect(await progress).toMatch(/^(Reading|Decoding) big\.ply(…| · \d+ %)$/);
    await page.waitForFunction((count) => document.querySelector('[data-testid="cloud-shown"]')?.getAttribute('data-count') === String(count), n, { timeout: 30_000 });
    const drawn = await waitForDrawnCloud(page, 60_000);
    expect(drawn.visibleSplats).toBeGreaterThan(n / 2);
    expect(await page.locator('[data-testid="cloud-progress"]').count()).toBe(0);
  }, 90_000);

  it('draws a cloud dropped on a scene with cameras together with the frustums, and hands it to Evaluate', async () => {
    await page.goto(baseUrl);
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="thumbnail"]').length > 0, null, { timeout: 20_000 });
    await page.waitForSelector('[data-testid="message-info"]');
    expect(await page.locator('[data-testid="cloud-shown"]').getAttribute('data-kind')).toBe('none');
    await drop(page, 'cloud.ply', plyBytes);
    const drawn = await waitForDrawnCloud(page);
    expect(drawn.backend).toBe('webgpu');
    await page.waitForFunction(() => document.querySelector('[data-testid="eval-cloud"]')?.getAttribute('data-kind') === 'file');
    expect(await page.locator('[data-testid="eval-cloud"]').textContent()).toBe('cloud.ply · 6 splats');
    expect(await page.locator('[data-testid="message-info"]').textContent()).toBe("Opened cloud.ply: 6 splats (SH degree 1), shown with the scene's cameras and ready to evaluate.");
    // Framed on the rig (cameras farther out than the cloud, so the blobs are small), frustums,
    // grid and bounds drawn over the splats: most blobs show (a frustum's photo covers one here),
    // and so do the test views' orange frustums.
    await page.screenshot({ path: resolve(SHOTS, 'e2e-viewer.png') });
    const shot = await viewShot(page);
    const blobs = blobPixels(drawn.camera, shot);
    const showing = blobs.filter((b) => distance(colourAround(shot, b.x, b.y), b.colour.map((v, c) => 255 * (ALPHA * v + (1 - ALPHA) * (BG[c] / 255)))) <= 40);
    expect(showing.length).toBeGreaterThanOrEqual(4);
    let orange = 0;
    for (let y = 0; y < shot.height; y += 2) for (let x = 0; x < shot.width; x += 2) if (distance(shot.at(x, y), [0xff, 0xa9, 0x4d]) <= 40) orange++;
    expect(orange).toBeGreaterThan(50);
    expect(await page.locator('.viewport-legend').textContent()).toMatch(/\d+ cameras/);
    expect(pageErrors).toEqual([]);
  });

  it('shows the cloud of a Reconstruct run once it ends, and saves it', async () => {
    await page.fill('[data-testid="train-iterations"]', '4');
    await page.selectOption('[data-testid="train-size"]', 'quarter');
    await page.fill('[data-testid="train-splats"]', '1000');
    await page.click('[data-testid="train-start"]');
    await page.waitForFunction(() => document.querySelector('[data-testid="train-run"]')?.getAttribute('data-status') === 'finished', null, { timeout: 90_000 });
    await page.waitForFunction(() => document.querySelector('[data-testid="cloud-shown"]')?.getAttribute('data-kind') === 'run');
    const count = Number(await page.locator('[data-testid="cloud-shown"]').getAttribute('data-count'));
    expect(String(count.toLocaleString('en'))).toBe(await page.locator('[data-testid="train-splat-count"]').textContent());
    expect(await page.locator('[data-testid="cloud-shown"]').textContent()).toMatch(/^run: 4 steps, (hull|stereo|random) start · [\d,]+ splats · SH degree \d$/);
    const drawn = await waitForDrawnCloud(page);
    expect(drawn.visibleSplats).toBeGreaterThan(0);
    expect(drawn.visibleSplats).toBeLessThanOrEqual(count);
    const spz = await download(page, 'cloud-save-spz');
    expect(spz.name).toMatch(/^[\w-]+-4steps\.spz$/);
    expect(readSplatFile(spz.bytes, spz.name).count).toBe(count);
  }, 120_000);

  it('draws the same picture with WebGL2 when asked (?renderer=webgl2)', async () => {
    await openEmptyView(page, '&renderer=webgl2');
    await page.setInputFiles('[data-testid="cloud-input"]', upload('cloud.ply', plyBytes));
    const drawn = await waitForDrawnCloud(page);
    expect(drawn.backend).toBe('webgl2');
    expect(drawn.fallback).toBe(false);
    expect(await page.locator('[data-testid="splat-backend"]').textContent()).toBe('WebGL2 (?renderer=webgl2)');
    expect(await page.locator('canvas[data-splat-layer]').getAttribute('data-splat-layer')).toBe('webgl2');
    expectCloudPicture(await viewShot(page), drawn.camera);
    await page.screenshot({ path: resolve(SHOTS, 'e2e-viewer-webgl2.png') });
  });

  it('falls back to WebGL2 by itself where the browser has no WebGPU, and says why', async () => {
    const noGpu = await newPage(() => Object.defineProperty(Navigator.prototype, 'gpu', { get: () => undefined, configurable: true }));
    try {
      await openEmptyView(noGpu);
      await drop(noGpu, 'cloud.spz', spzBytes);
      const drawn = await waitForDrawnCloud(noGpu);
      expect(drawn.backend).toBe('webgl2');
      expect(drawn.fallback).toBe(true);
      expect(await noGpu.locator('[data-testid="splat-backend"]').textContent()).toBe('WebGL2 (fallback)');
      expect(await noGpu.locator('[data-testid="splat-fallback-reason"]').textContent()).toBe(
        'WebGPU renderer unavailable: This browser does not expose WebGPU (navigator.gpu is missing).',
      );
      expectCloudPicture(await viewShot(noGpu), drawn.camera);
    } finally {
      await noGpu.close();
    }
    expect(pageErrors).toEqual([]);
  });
});
