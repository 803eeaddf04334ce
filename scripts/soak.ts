/**
 * npm run soak [-- --runs 20 --steps 12]
 *
 * Memory over many reconstructions in one page (issue 16, item 5): builds the app, serves it on
 * 127.0.0.1, opens it in headless Chromium (SwiftShader WebGPU) and trains the default scene
 * `runs` times in a row (small: a quarter of the size, `steps` steps, 800 start splats). After
 * each run, garbage is collected and it prints the page's JS heap and the GPU buffers alive in the
 * training worker (created and not destroyed: src/gpu/bufferLedger.ts). Growth must stop: the
 * last line compares the second half of the runs with the first and exits 1 when the GPU buffers
 * still grow or the JS heap grew by more than 10% over the second half.
 */
import { rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { CHROMIUM, CHROMIUM_FLAGS } from '../tests/chromium.ts';
import { buildAndPreview, ROOT } from '../tests/e2e/harness.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '20' }, steps: { type: 'string', default: '12' } } });
const runs = Number(values.runs);
const steps = Number(values.steps);
const OUT = resolve(ROOT, 'out/soak-dist');

const { server, baseUrl } = await buildAndPreview(OUT);
const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
const mb = (n: number) => (n / 2 ** 20).toFixed(1);
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  await page.goto(`${baseUrl}?test-hooks`);
  await page.waitForFunction(() => document.querySelector('[data-testid="stage-train"]')?.getAttribute('data-state') === 'ready', null, { timeout: 60_000 });
  await page.fill('[data-testid="train-iterations"]', String(steps));
  await page.selectOption('[data-testid="train-size"]', 'quarter');
  await page.fill('[data-testid="train-splats"]', '800');
  console.log(`soak: ${runs} runs of ${steps} steps on the default scene, one page (${baseUrl})`);
  console.log('| run | s | splats | page JS heap MB | train-worker GPU buffers MB (count) |');
  console.log('|---|---|---|---|---|');
  const rows: { heap: number; gpu: number; buffers: number }[] = [];
  for (let i = 1; i <= runs; i++) {
    const t0 = Date.now();
    await page.click('[data-testid="train-start"]');
    await page.waitForFunction(() => document.querySelector('[data-testid="train-run"]')?.getAttribute('data-status') === 'running', null, { timeout: 60_000 });
    await page.waitForFunction(() => ['finished', 'failed', 'cancelled'].includes(document.querySelector('[data-testid="train-run"]')?.getAttribute('data-status') ?? ''), null, { timeout: 300_000 });
    const status = await page.locator('[data-testid="train-run"]').getAttribute('data-status');
    if (status !== 'finished') throw new Error(`run ${i} ended ${status}: ${await page.locator('[data-testid="train-status"]').textContent()}`);
    const secs = (Date.now() - t0) / 1000;
    await cdp.send('HeapProfiler.collectGarbage');
    const { metrics } = await cdp.send('Performance.getMetrics');
    const heap = metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? NaN;
    const gpu = (await page.evaluate(() => (window as unknown as { sparseSplatTest: { gpuMemory(): Promise<{ bytes: number; buffers: number } | null> } }).sparseSplatTest.gpuMemory())) ?? { bytes: NaN, buffers: NaN };
    const splats = (await page.locator('[data-testid="train-splat-count"]').textContent())?.trim() ?? '?';
    rows.push({ heap, gpu: gpu.bytes, buffers: gpu.buffers });
    console.log(`| ${i} | ${secs.toFixed(1)} | ${splats} | ${mb(heap)} | ${mb(gpu.bytes)} (${gpu.buffers}) |`);
  }
  const half = Math.floor(runs / 2);
  const heapGrowth = (rows[runs - 1].heap - rows[half - 1].heap) / rows[half - 1].heap;
  const gpuGrowth = rows[runs - 1].gpu - rows[half - 1].gpu;
  const ok = gpuGrowth <= 0 && heapGrowth <= 0.1 && errors.length === 0;
  console.log(
    `growth over runs ${half}..${runs}: page JS heap ${(100 * heapGrowth).toFixed(1)}%, GPU buffers ${mb(gpuGrowth)} MB; page errors ${errors.length}; ${ok ? 'growth stopped' : 'STILL GROWING'}`,
  );
  if (!ok) process.exitCode = 1;
} finally {
  await browser.close();
  await server.close();
  await rm(OUT, { recursive: true, force: true });
}
