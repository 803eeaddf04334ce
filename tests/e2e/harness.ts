/**
 * What every end-to-end file needs: a production build of the app served by `vite preview` on
 * 127.0.0.1, and the default bundled scene's folder. SCENES_DIR (optional) points the build at
 * another scene set, as it does for vite.config.ts.
 */
import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { build, preview, type PreviewServer } from 'vite';
import { inject } from 'vitest';
import { CHROMIUM, CHROMIUM_FLAGS } from '../chromium.ts';

export const ROOT = resolve(import.meta.dirname, '../..');
export const SCENES_DIR = resolve(ROOT, process.env.SCENES_DIR ?? 'scenes');
export const SHOTS = resolve(ROOT, 'test-results');

export function requireChromium(): void {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
}

export function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => ok(port));
    });
  });
}

/** The first entry of scenes/index.json: its name and folder. */
export async function defaultSceneFolder(): Promise<{ name: string; folder: string }> {
  const index = JSON.parse(await readFile(resolve(SCENES_DIR, 'index.json'), 'utf8')) as { name: string; path?: string }[];
  const folder = (index[0].path ?? index[0].name).replace(/^\.?\//, '').replace(/^scenes\//, '');
  return { name: index[0].name, folder: resolve(SCENES_DIR, folder) };
}

/** A production build (React in production mode), exactly as `npm run build` makes it, into `outDir`. */
export async function buildApp(outDir: string): Promise<void> {
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({ root: ROOT, mode: 'production', logLevel: 'error', build: { outDir, emptyOutDir: true } });
  } finally {
    process.env.NODE_ENV = nodeEnv;
  }
}

/**
 * The production build served on a free port. Under vitest's e2e project the build is the one its
 * global setup made once for all files (./sharedBuild.ts), and `outDir` is not written; run any
 * other way, the app is built into `outDir` first. `dir`: the folder served.
 */
export async function buildAndPreview(outDir: string): Promise<{ server: PreviewServer; baseUrl: string; dir: string }> {
  const shared = sharedBuildDir();
  const dir = shared ?? outDir;
  if (!shared) await buildApp(outDir);
  const port = await freePort();
  const server = await preview({ root: ROOT, logLevel: 'error', build: { outDir: dir }, preview: { host: '127.0.0.1', port, strictPort: true, open: false } });
  return { server, baseUrl: `http://127.0.0.1:${port}/`, dir };
}

function sharedBuildDir(): string | null {
  try {
    const dir = inject('e2eBuildDir');
    return dir && existsSync(resolve(dir, 'index.html')) ? dir : null;
  } catch {
    return null; // not inside a vitest worker
  }
}

/**
 * The built app opened with `?test-hooks` (the fault hooks of src/ui/trainClient.ts) in headless
 * Chromium, once the Train stage is ready and the hooks are installed; page errors are collected
 * into `pageErrors`. `close` shuts the browser and the server and removes the build.
 */
export async function openWithTestHooks(outDir: string): Promise<{ page: Page; pageErrors: string[]; close: () => Promise<void> }> {
  const app = await launchApp(outDir);
  const { page, pageErrors, close } = app;
  try {
    await page.goto(`${app.baseUrl}?test-hooks`);
    await page.waitForFunction(() => document.querySelector('[data-testid="stage-train"]')?.getAttribute('data-state') === 'ready', null, { timeout: 60_000 });
    await page.waitForFunction(() => 'sparseSplatTest' in window);
    return { page, pageErrors, close };
  } catch (e) {
    await close();
    throw e;
  }
}

/** What launchApp gives a test file: the served build, a browser on it, and one page. */
export interface LaunchedApp {
  baseUrl: string;
  browser: Browser;
  page: Page;
  /** Views of the default bundled scene (thumbnails to wait for). */
  viewCount: number;
  pageErrors: string[];
  consoleErrors: string[];
  /** Shuts the browser and the server and removes the build. */
  close: () => Promise<void>;
}

/**
 * The built app served from `outDir`, headless Chromium with the GPU flags, and one 1280x800 page
 * (downloads accepted) whose page and console errors are collected: the beforeAll of a test file
 * that drives the default scene. The page is not opened yet.
 */
export async function launchApp(outDir: string): Promise<LaunchedApp> {
  requireChromium();
  const { folder } = await defaultSceneFolder();
  const viewCount = (JSON.parse(await readFile(resolve(folder, 'scene.json'), 'utf8')) as { views: unknown[] }).views.length;
  const { server, baseUrl } = await buildAndPreview(outDir);
  let browser: Browser | undefined;
  const close = async () => {
    await browser?.close();
    await server.close();
    await rm(outDir, { recursive: true, force: true });
  };
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
    const pageErrors: string[] = [];
    const consoleErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
    return { baseUrl, browser, page, viewCount, pageErrors, consoleErrors, close };
  } catch (e) {
    await close();
    throw e;
  }
}
