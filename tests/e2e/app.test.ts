/**
 * End to end: builds the app with Vite, serves the build with `vite preview` on 127.0.0.1, and
 * drives it in headless Chromium (/usr/bin/chromium, flags from ../shared/GPU-TESTING.md) the
 * way a person would: open the default bundled scene, look at it, drop bad files, drop photos.
 *
 * SCENES_DIR (optional) points the build at another scene set, as it does for vite.config.ts.
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import { decode as decodePng } from 'fast-png';
import { zipSync } from 'fflate';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { PreviewServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createImage, encodePng } from '../../src/core/image.ts';
import { CHROMIUM, CHROMIUM_FLAGS } from '../chromium.ts';
import { buildAndPreview, defaultSceneFolder, requireChromium, ROOT, SHOTS } from './harness.ts';

const OUT_DIR = resolve(ROOT, 'test-results/e2e-dist');

interface SceneJson {
  name: string;
  views: { id: string }[];
  [k: string]: unknown;
}

let server: PreviewServer | undefined;
let browser: Browser | undefined;
let page: Page;
let baseUrl: string;
let defaultScene: SceneJson;
let defaultName: string;
let defaultFolder: string;
const pageErrors: string[] = [];

beforeAll(async () => {
  requireChromium();
  const def = await defaultSceneFolder();
  defaultName = def.name;
  defaultFolder = def.folder;
  defaultScene = JSON.parse(await readFile(resolve(defaultFolder, 'scene.json'), 'utf8')) as SceneJson;
  let dir: string;
  ({ server, baseUrl, dir } = await buildAndPreview(OUT_DIR));
  expect(existsSync(resolve(dir, 'scenes/index.json'))).toBe(true);

  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await mkdir(SHOTS, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await rm(OUT_DIR, { recursive: true, force: true });
});

// ---- helpers ------------------------------------------------------------------------------

const thumbnails = () => page.locator('[data-testid="thumbnail"]');

async function thumbnailIds(): Promise<string[]> {
  return thumbnails().evaluateAll((els) => els.map((e) => e.getAttribute('data-view-id') ?? ''));
}

async function waitForThumbnails(n: number): Promise<void> {
  await page.waitForFunction((count) => document.querySelectorAll('[data-testid="thumbnail"]').length === count, n, {
    timeout: 20_000,
  });
}

/** A small photo-like PNG: a gradient with a disc, different per seed. */
function photo(width: number, height: number, seed: number): Buffer {
  const img = createImage(width, height);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const k = (y * width + x) * 4;
      const inDisc = (x - width / 2) ** 2 + (y - height / 2) ** 2 < (Math.min(width, height) / 3) ** 2;
      img.data[k] = inDisc ? 200 : (x * 255) / width;
      img.data[k + 1] = inDisc ? 60 + seed * 40 : (y * 255) / height;
      img.data[k + 2] = inDisc ? 40 : 120;
      img.data[k + 3] = 255;
    }
  return Buffer.from(encodePng(img));
}

type Upload = { name: string; mimeType: string; buffer: Buffer };
const png = (name: string, w: number, h: number, seed = 0): Upload => ({ name, mimeType: 'image/png', buffer: photo(w, h, seed) });

/** Picks files in the "Open photos…" input and waits for the error message to say `expected`. */
async function dropExpectingError(files: Upload[], expected: string): Promise<string> {
  await page.setInputFiles('[data-testid="file-input"]', files);
  const error = page.locator('[data-testid="message-error"]');
  await page.waitForFunction(
    (text) => document.querySelector('[data-testid="message-error"]')?.textContent?.includes(text) ?? false,
    expected,
    { timeout: 15_000 },
  );
  return (await error.textContent()) ?? '';
}

/** Decodes a PNG screenshot and measures how much is on it. */
function imageStats(pngBytes: Buffer): { distinct: number; stdDev: number } {
  const img = decodePng(pngBytes);
  const ch = img.channels;
  const colours = new Set<number>();
  let sum = 0;
  let sum2 = 0;
  const n = img.width * img.height;
  for (let i = 0; i < n; i++) {
    const r = img.data[i * ch], g = img.data[i * ch + 1], b = img.data[i * ch + 2];
    colours.add((r << 16) | (g << 8) | b);
    const l = 0.299 * r + 0.587 * g + 0.114 * b;
    sum += l;
    sum2 += l * l;
  }
  return { distinct: colours.size, stdDev: Math.sqrt(Math.max(0, sum2 / n - (sum / n) ** 2)) };
}

// ---- tests ----------------------------------------------------------------------------------

describe('app in headless Chromium', () => {
  it('opens the default bundled scene with its views, frustums and pipeline', async () => {
    await page.goto(baseUrl);
    const n = defaultScene.views.length;
    await waitForThumbnails(n);
    expect(await thumbnailIds()).toEqual(defaultScene.views.map((v) => v.id));
    await page.waitForSelector('[data-testid="message-info"]', { timeout: 20_000 });
    expect(await page.locator('[data-testid="message-error"]').count()).toBe(0);

    // The scene's own masks and cameras are used; Visual hull and
    // Train run here (cameras, masks, WebGPU).
    for (const id of ['masks', 'poses']) {
      expect(await page.locator(`[data-testid="stage-${id}"]`).getAttribute('data-state')).toBe('done');
      expect(await page.locator(`[data-testid="stage-${id}-label"]`).textContent()).toBe('from the scene');
    }
    // Compress is built, and waits for a cloud to pack.
    expect(await page.locator('[data-testid="stage-compress"]').getAttribute('data-state')).toBe('blocked');
    expect(await page.locator('[data-testid="stage-compress-label"]').textContent()).toBe('needs a cloud');
    await page.waitForFunction(() => document.querySelector('[data-testid="stage-train"]')?.getAttribute('data-state') === 'ready', null, {
      timeout: 20_000,
    });
    expect(await page.locator('[data-testid="stage-hull"]').getAttribute('data-state')).toBe('ready');
    // Evaluate is built, and waits for a cloud to score.
    expect(await page.locator('[data-testid="stage-evaluate"]').getAttribute('data-state')).toBe('blocked');
    expect(await page.locator('[data-testid="stage-evaluate-label"]').textContent()).toBe('needs a cloud');

    // The 3D view shows something: frustums with their photos, a grid, the bounds.
    const canvas = page.locator('[data-testid="viewport"] canvas');
    await canvas.waitFor({ state: 'visible' });
    // Thumbnails (also the frustums' textures) are drawn asynchronously; let a few frames pass.
    await page.waitForFunction(() =>
      [...document.querySelectorAll<HTMLCanvasElement>('[data-testid="thumbnail"] canvas')].every((c) => c.width > 0),
    );
    await page.waitForTimeout(500);
    const stats = imageStats(await canvas.screenshot());
    expect(stats.distinct).toBeGreaterThan(50);
    expect(stats.stdDev).toBeGreaterThan(3);
    await page.screenshot({ path: resolve(SHOTS, 'app-default-scene.png') });
  });

  it('refuses bad drops with clear messages and keeps the scene that was shown', async () => {
    const ids = defaultScene.views.map((v) => v.id);
    const stillShown = async () => expect(await thumbnailIds()).toEqual(ids);

    expect(await dropExpectingError([png('IMG_1.png', 32, 24)], 'Add at least 3 photos of the object from different sides (you gave 1).')).toBeTruthy();
    await stillShown();

    const twelve = Array.from({ length: 12 }, (_, i) => png(`IMG_${i + 1}.png`, 32, 24, i));
    await dropExpectingError(twelve, 'Use at most 9 photos (you gave 12).');
    await stillShown();

    const text = { name: 'photo.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('this is not a photo, just text\n') };
    await dropExpectingError([text], 'photo.jpg is not a PNG or JPEG photo');
    await stillShown();

    const truncated = { ...png('broken.png', 32, 24), buffer: png('broken.png', 32, 24).buffer.subarray(0, 60) };
    await dropExpectingError([png('a.png', 32, 24, 1), truncated, png('c.png', 32, 24, 2)], 'broken.png: the PNG file is corrupt or truncated');
    await stillShown();

    const msg = await dropExpectingError(
      [png('a.png', 32, 24, 1), png('b.png', 32, 24, 2), png('c.png', 40, 30, 3)],
      'Photos must all be the same size',
    );
    expect(msg).toContain('a.png is 32x24 but c.png is 40x30');
    await stillShown();

    const { name: _name, ...noName } = defaultScene;
    const badJson = { name: 'scene.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(noName)) };
    await dropExpectingError([badJson], 'scene.json: name: is missing');
    await stillShown();

    await page.screenshot({ path: resolve(SHOTS, 'app-error.png') });
  });

  it('opens 3 good photos (file dialog), 4 by drag and drop, a zipped scene, then the bundled scene again', async () => {
    await page.setInputFiles('[data-testid="file-input"]', [png('a.png', 48, 36, 1), png('b.png', 48, 36, 2), png('c.png', 48, 36, 3)]);
    await waitForThumbnails(3);
    expect(await thumbnailIds()).toEqual(['a', 'b', 'c']);
    expect(await page.locator('[data-testid="message-error"]').count()).toBe(0);
    // Masks, then poses run on them; until a photo is placed the 3D view says what is happening.
    expect(await page.locator('[data-testid="viewport-note"]').textContent()).toMatch(/^No (cameras yet: |photo could be placed)/);
    expect(await page.locator('[data-testid="stage-train-label"]').textContent()).toBe('needs cameras');
    expect(await page.locator('[data-testid="stage-evaluate-label"]').textContent()).toBe('needs cameras');
    expect(await page.locator('[data-testid="train-start"]').isDisabled()).toBe(true);
    await page.screenshot({ path: resolve(SHOTS, 'app-photos.png') });

    // A drop, as from the file manager (synthetic DataTransfer: no directory entries).
    const files = [1, 2, 3, 4].map((i) => ({ name: `shot${i}.png`, b64: photo(40, 30, i).toString('base64') }));
    await page.evaluate((list) => {
      const dt = new DataTransfer();
      for (const f of list) {
        const bytes = Uint8Array.from(atob(f.b64), (c) => c.charCodeAt(0));
        dt.items.add(new File([bytes], f.name, { type: 'image/png' }));
      }
      window.dispatchEvent(new DragEvent('dragenter', { dataTransfer: dt, cancelable: true }));
      window.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, cancelable: true }));
    }, files);
    await waitForThumbnails(4);
    expect(await thumbnailIds()).toEqual(['shot1', 'shot2', 'shot3', 'shot4']);

    // The default scene's folder as a .zip: loaded as a scene, with cameras.
    const zip = zipSync(Object.fromEntries(await Promise.all(
      (await readdir(defaultFolder, { recursive: true, withFileTypes: true }))
        .filter((e) => e.isFile())
        .map(async (e) => {
          const abs = resolve(e.parentPath, e.name);
          return [`${defaultName}/${relative(defaultFolder, abs)}`, new Uint8Array(await readFile(abs))] as const;
        }),
    )));
    await page.setInputFiles('[data-testid="file-input"]', [{ name: `${defaultName}.zip`, mimeType: 'application/zip', buffer: Buffer.from(zip) }]);
    await waitForThumbnails(defaultScene.views.length);
    expect(await page.locator('[data-testid="viewport-note"]').count()).toBe(0);
    expect(await page.locator('[data-testid="scene-info"]').textContent()).toContain(`your scene folder (${defaultName}.zip)`);

    await page.selectOption('[data-testid="scene-picker"]', defaultName);
    await page.waitForFunction(() => document.querySelector('[data-testid="scene-info"]')?.textContent?.includes('bundled with the app'));
    await waitForThumbnails(defaultScene.views.length);
    expect(pageErrors).toEqual([]);
  });
});
