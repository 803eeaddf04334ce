/**
 * Faults mid-run, in headless Chromium on the built app (issue 16's second acceptance line): the
 * training worker's GPU device is destroyed (device.destroy(), as a driver reset does), and in a
 * second run the worker itself crashes. Each time the run goes on from its last checkpoint, on a
 * new device or in a new worker, without a reload, and ends at its last step. The fault hooks
 * exist only with `?test-hooks` in the URL (src/ui/trainClient.ts).
 */
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openWithTestHooks, ROOT } from './harness.ts';

const OUT_DIR = resolve(ROOT, 'test-results/e2e-faults-dist');
const STEPS = 14;

let page: Page;
let pageErrors: string[] = [];
let close: (() => Promise<void>) | undefined;

beforeAll(async () => {
  ({ page, pageErrors, close } = await openWithTestHooks(OUT_DIR));
  // Set once: a reload would lose it, so the tests can tell that none happened.
  await page.evaluate(() => ((window as unknown as { pageLife: string }).pageLife = 'original'));
});

afterAll(async () => {
  await close?.();
});

const runAttr = (name: string) => page.locator('[data-testid="train-run"]').getAttribute(name);

async function runWithFault(fault: 'loseDevice' | 'crashWorker'): Promise<{ kept: number; resumedFrom: number }> {
  await page.fill('[data-testid="train-iterations"]', String(STEPS));
  await page.selectOption('[data-testid="train-size"]', 'quarter');
  await page.fill('[data-testid="train-splats"]', '800');
  await page.click('[data-testid="train-start"]');
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="train-run"]')?.getAttribute('data-checkpoint-step') || 0) > 0, null, { timeout: 120_000 });
  const kept = Number(await runAttr('data-checkpoint-step'));
  await page.evaluate((f) => (window as unknown as { sparseSplatTest: Record<string, () => Promise<void>> }).sparseSplatTest[f](), fault);
  await page.waitForFunction(() => document.querySelector('[data-testid="train-run"]')?.getAttribute('data-recovered') === '1', null, { timeout: 60_000 });
  await page.waitForFunction(() => ['finished', 'failed'].includes(document.querySelector('[data-testid="train-run"]')?.getAttribute('data-status') ?? ''), null, { timeout: 180_000 });
  return { kept, resumedFrom: Number(await runAttr('data-resumed-from')) };
}

describe('a lost GPU device or a crashed worker mid-run', () => {
  it('device.destroy() in the training worker: the run goes on from its checkpoint on a new device and finishes, no reload', async () => {
    const { kept, resumedFrom } = await runWithFault('loseDevice');
    expect(await runAttr('data-status')).toBe('finished');
    expect(resumedFrom).toBeGreaterThanOrEqual(kept);
    expect(resumedFrom).toBeLessThan(STEPS);
    expect(Number(await page.locator('[data-testid="train-step"]').getAttribute('data-step'))).toBe(STEPS);
    expect(await page.locator('[data-testid="message-info"]').textContent()).toMatch(/Trained [\d,]+ splats in 14 steps/);
    expect(await page.evaluate(() => (window as unknown as { pageLife?: string }).pageLife)).toBe('original');
  });

  it('the training worker crashes: a new worker goes on from the checkpoint and finishes, no reload', async () => {
    const { kept, resumedFrom } = await runWithFault('crashWorker');
    expect(await runAttr('data-status')).toBe('finished');
    expect(resumedFrom).toBeGreaterThanOrEqual(kept);
    expect(Number(await page.locator('[data-testid="train-step"]').getAttribute('data-step'))).toBe(STEPS);
    expect(await page.evaluate(() => (window as unknown as { pageLife?: string }).pageLife)).toBe('original');
    expect(pageErrors).toEqual([]);
  });
});
