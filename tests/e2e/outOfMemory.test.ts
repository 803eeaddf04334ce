/**
 * Out of GPU memory while a run allocates its buffers (issue 16, item 2), in headless Chromium on
 * the built app: the `?test-hooks` hook (src/ui/trainClient.ts) makes the next run's out-of-memory
 * error scope report an error, as a small GPU would. The app tries again at the next smaller
 * training size, says so in one line, and the run finishes at that size, without a reload.
 */
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openWithTestHooks, ROOT } from './harness.ts';

const OUT_DIR = resolve(ROOT, 'test-results/e2e-oom-dist');
const STEPS = 8;

let page: Page;
let pageErrors: string[] = [];
let close: (() => Promise<void>) | undefined;

beforeAll(async () => {
  ({ page, pageErrors, close } = await openWithTestHooks(OUT_DIR));
});

afterAll(async () => {
  await close?.();
});

describe('out of GPU memory while allocating a run', () => {
  it('the run goes on at the next smaller size, says so, and finishes there', async () => {
    // Every info line shown, however briefly (the run's own end replaces it).
    await page.evaluate(() => {
      const w = window as unknown as { seenInfo: string[] };
      w.seenInfo = [];
      const look = () => {
        const t = document.querySelector('[data-testid="message-info"]')?.textContent ?? '';
        if (t && w.seenInfo[w.seenInfo.length - 1] !== t) w.seenInfo.push(t);
      };
      new MutationObserver(look).observe(document.body, { subtree: true, childList: true, characterData: true });
    });
    await page.fill('[data-testid="train-iterations"]', String(STEPS));
    await page.selectOption('[data-testid="train-size"]', 'half');
    await page.fill('[data-testid="train-splats"]', '800');
    const label = (v: string) => page.locator(`[data-testid="train-size"] option[value="${v}"]`).textContent();
    const dims = (s: string | null) => /\((\d+×\d+)\)/.exec(s ?? '')?.[1];
    const half = dims(await label('half'));
    const quarter = dims(await label('quarter'));
    expect(half).toBeTruthy();
    expect(quarter).toBeTruthy();

    await page.evaluate(() => (window as unknown as { sparseSplatTest: { failNextAllocation(): Promise<void> } }).sparseSplatTest.failNextAllocation());
    await page.click('[data-testid="train-start"]');
    await page.waitForFunction(() => ['finished', 'failed'].includes(document.querySelector('[data-testid="train-run"]')?.getAttribute('data-status') ?? ''), null, { timeout: 120_000 });

    expect(await page.locator('[data-testid="train-run"]').getAttribute('data-status')).toBe('finished');
    const seen = await page.evaluate(() => (window as unknown as { seenInfo: string[] }).seenInfo);
    expect(seen).toContain(`Out of GPU memory at ${half}; training at ${quarter} instead.`);
    expect(seen[seen.length - 1]).toMatch(new RegExp(`Trained [\\d,]+ splats in ${STEPS} steps`));
    // The run's panel shows the size it trained at, and the size choice follows it.
    expect(await page.locator('[data-testid="train-status"]').textContent()).toContain(`${quarter}, `);
    expect(await page.locator('[data-testid="train-size"]').inputValue()).toBe('quarter');
    expect(Number(await page.locator('[data-testid="train-step"]').getAttribute('data-step'))).toBe(STEPS);
    expect(pageErrors).toEqual([]);
  });
});
