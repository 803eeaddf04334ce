/**
 * Page security of the built app and the embed demo, in headless Chromium:
 * - the built index.html carries the strict policy of vite.csp.ts (no inline script, no eval);
 * - a run (load, the default bundled scene opens, a short training) raises no CSP violation
 *   (securitypolicyviolation events and "Content Security Policy" console messages both count);
 * - every request of that run goes to the page's own origin (or is a data:/blob: URL): no CDN,
 *   no telemetry, no font service. Worker requests are included (the scene files are fetched by
 *   the ingest worker, and the test checks that they were seen);
 * - demo/embed.html, served with the library build, streams its scene under its own policy
 *   without a violation, and its style hash matches the element's stylesheet.
 * A control at the end injects an inline script, which must be reported: the detector works.
 */
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { copyFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { build, type PreviewServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allocateCloud } from '../../src/core/gaussianCloud.ts';
import { mulberry32 } from '../../src/core/random.ts';
import { encodeStream } from '../../src/stream/index.ts';
import { APP_CSP, cspString } from '../../vite.csp.ts';
import { CHROMIUM, CHROMIUM_FLAGS } from '../chromium.ts';
import { buildAndPreview, defaultSceneFolder, freePort, requireChromium, ROOT } from './harness.ts';

const OUT_DIR = resolve(ROOT, 'test-results/e2e-csp-dist');
const DEMO_ROOT = resolve(ROOT, 'test-results/e2e-csp-demo');

let preview: PreviewServer | undefined;
let demoServer: Server | undefined;
let browser: Browser | undefined;
let baseUrl: string;
let demoUrl: string;

interface Watch {
  violations: string[];
  requests: string[];
}

/** A fresh context whose every request and CSP report (page and workers) is recorded. */
async function watchedPage(): Promise<{ context: BrowserContext; page: Page; watch: Watch }> {
  const context = await browser!.newContext({ viewport: { width: 1280, height: 800 } });
  const watch: Watch = { violations: [], requests: [] };
  context.on('request', (r) => watch.requests.push(r.url()));
  await context.exposeBinding('__reportCsp', (_src, text: string) => void watch.violations.push(text));
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) =>
      (window as unknown as { __reportCsp: (t: string) => void }).__reportCsp(`${e.effectiveDirective} blocked ${e.blockedURI || '(inline)'} at ${e.sourceFile}:${e.lineNumber}`),
    );
  });
  const page = await context.newPage();
  const onConsole = (text: string) => {
    if (/Content Security Policy|Refused to/i.test(text)) watch.violations.push(`console: ${text}`);
  };
  page.on('console', (m) => onConsole(m.text()));
  page.on('worker', (w) => w.on('console', (m) => onConsole(m.text())));
  return { context, page, watch };
}

function serveStatic(root: string): Server {
  const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };
  return createServer(async (req, res) => {
    const file = resolve(root, '.' + decodeURIComponent((req.url ?? '/').split('?')[0]));
    const bytes = file.startsWith(root + sep) ? await readFile(file).catch(() => null) : null;
    if (!bytes) return res.writeHead(404).end('not found');
    res.writeHead(200, { 'Content-Type': types[extname(file)] ?? 'application/octet-stream', 'Content-Length': bytes.length });
    res.end(bytes);
  });
}

/** The demo's folder as a host would serve it: demo/ and dist-lib/ side by side, plus a scene. */
async function stageDemo(): Promise<void> {
  await rm(DEMO_ROOT, { recursive: true, force: true });
  await mkdir(resolve(DEMO_ROOT, 'demo'), { recursive: true });
  for (const f of ['embed.html', 'embed.css', 'embed.js']) await copyFile(resolve(ROOT, 'demo', f), resolve(DEMO_ROOT, 'demo', f));
  await build({ root: ROOT, configFile: resolve(ROOT, 'vite.lib.config.ts'), logLevel: 'error', build: { outDir: resolve(DEMO_ROOT, 'dist-lib'), emptyOutDir: true } });
  const r = mulberry32(3);
  const cloud = allocateCloud(2000, 0);
  for (let i = 0; i < 2000; i++) {
    cloud.means.set([r() - 0.5, r() - 0.5, r() - 0.5], 3 * i);
    cloud.logScales.fill(Math.log(0.03), 3 * i, 3 * i + 3);
    cloud.quats.set([1, 0, 0, 0], 4 * i);
    cloud.opacityLogits[i] = 2;
    cloud.sh.set([r(), r(), r()], 3 * i);
  }
  await writeFile(resolve(DEMO_ROOT, 'demo/scene.gsrq'), encodeStream(cloud));
}

beforeAll(async () => {
  requireChromium();
  ({ server: preview, baseUrl } = await buildAndPreview(OUT_DIR));
  await stageDemo();
  demoServer = serveStatic(DEMO_ROOT);
  const port = await freePort();
  await new Promise<void>((ok) => demoServer!.listen(port, '127.0.0.1', ok));
  demoUrl = `http://127.0.0.1:${port}/demo/embed.html`;
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
});

afterAll(async () => {
  await browser?.close();
  await preview?.close();
  await new Promise((ok) => (demoServer ? demoServer.close(ok) : ok(undefined)));
  await rm(OUT_DIR, { recursive: true, force: true });
  await rm(DEMO_ROOT, { recursive: true, force: true });
});

const foreign = (urls: string[], origin: string) => urls.filter((u) => !u.startsWith(origin + '/') && !/^(data|blob):/.test(u));

describe('Content-Security-Policy and network requests of the built app', () => {
  it('the built page carries the strict policy and no inline script', async () => {
    const html = await (await fetch(baseUrl)).text();
    const meta = /<meta http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1].replace(/&#39;/g, "'");
    expect(meta).toBe(cspString(APP_CSP));
    expect(meta).not.toMatch(/unsafe-inline|unsafe-eval/);
    // Every <script> has a src (an inline one would be refused by the policy anyway).
    expect([...html.matchAll(/<script\b[^>]*>/g)].every((m) => /\bsrc=/.test(m[0]))).toBe(true);
    // The policy comes before the first script, or it would not govern it.
    expect(html.indexOf('Content-Security-Policy')).toBeLessThan(html.indexOf('<script'));
  });

  it('load, open the default scene, train 6 steps: no CSP violation, no request off the page origin', async () => {
    const { context, page, watch } = await watchedPage();
    const origin = new URL(baseUrl).origin;
    const { folder } = await defaultSceneFolder();
    const views = (JSON.parse(await readFile(resolve(folder, 'scene.json'), 'utf8')) as { views: unknown[] }).views.length;
    await page.goto(baseUrl);
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid="thumbnail"]').length === n, views, { timeout: 30_000 });
    await page.waitForFunction(() => document.querySelector('[data-testid="stage-train"]')?.getAttribute('data-state') === 'ready', null, { timeout: 30_000 });
    await page.fill('[data-testid="train-iterations"]', '6');
    await page.selectOption('[data-testid="train-size"]', 'quarter');
    await page.fill('[data-testid="train-splats"]', '1000');
    await page.click('[data-testid="train-start"]');
    await page.waitForFunction(() => document.querySelector('[data-testid="train-run"]')?.getAttribute('data-status') === 'finished', null, { timeout: 90_000 });

    expect(watch.violations).toEqual([]);
    expect(foreign(watch.requests, origin)).toEqual([]);
    // The recording sees worker traffic: the worker scripts and the scene files the ingest worker fetched.
    expect(watch.requests.some((u) => /\/assets\/train\.worker[^/]*\.js$/.test(u))).toBe(true);
    expect(watch.requests.some((u) => /\/scenes\/.+\/scene\.json$/.test(u))).toBe(true);

    // Control: an injected inline script must be refused and reported, or the checks above prove nothing.
    await page.evaluate(() => {
      const s = document.createElement('script');
      s.textContent = 'window.__inlineRan = true';
      document.head.append(s);
    });
    await page.waitForFunction(() => true);
    await expect.poll(() => watch.violations.length, { timeout: 5_000 }).toBeGreaterThan(0);
    expect(watch.violations.join('\n')).toMatch(/script-src/);
    expect(await page.evaluate(() => (window as unknown as { __inlineRan?: boolean }).__inlineRan ?? false)).toBe(false);
    await context.close();
  });

  it('demo/embed.html streams its scene under its policy: no violation, nothing off its origin', async () => {
    const { context, page, watch } = await watchedPage();
    await page.goto(demoUrl);
    await page.waitForFunction(() => /loaded/.test(document.getElementById('status')?.textContent ?? ''), null, { timeout: 60_000 });
    expect(await page.locator('#status').textContent()).toMatch(/^2000 splats, loaded$/);
    expect(watch.violations).toEqual([]);
    expect(foreign(watch.requests, new URL(demoUrl).origin)).toEqual([]);
    await context.close();
    const html = await readFile(resolve(ROOT, 'demo/embed.html'), 'utf8');
    const source = await readFile(resolve(ROOT, 'src/embed/splatViewer.ts'), 'utf8');
    const style = /const STYLE = `([\s\S]*?)`;/.exec(source)![1];
    const hash = createHash('sha256').update(style).digest('base64');
    expect(html).toContain(`'sha256-${hash}'`);
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/); // no inline script
    expect(html).not.toMatch(/unsafe-inline|unsafe-eval/);
  });
});
