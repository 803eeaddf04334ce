/**
 * The evaluation protocol on the GPU, on a tiny in-memory scene whose photos are renders of a known
 * cloud: the true cloud scores perfectly on every held-out view (so cameras, photos and masks are
 * paired right), a perturbed cloud scores what scoreView says on its own renders, a test photo of
 * another size is resized and reported, no masks gives null masked columns, an empty cloud is
 * refused with a clear message.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { isInputError } from '../../src/core/errors.ts';
import { applyMaskBlack, mse } from '../../src/core/metrics/index.ts';
import { prepareSplit } from '../../src/recon/prepareViews.ts';
import { evaluateCloud, meanRow } from '../../src/recon/evaluate/protocol.ts';
import { reportCsv, reportTable } from '../../src/recon/evaluate/reportFormat.ts';
import { renderCloudViews } from '../../src/recon/renderViews.ts';
import { scoreView } from '../../src/recon/evaluate/scoreView.ts';
import { loadLpips } from '../../src/recon/evaluate/lpips.ts';
import { testGpu } from '../gpu/gpuTestDevice.ts';
import { buildEvalScene, emptyCloud, EVAL_SIZE, evalCloud, TEST_IDS, TRAIN_IDS, type EvalScene } from './evalTestScene.ts';
import { mseModelBytes } from '../models/lpipsTestModels.ts';

let device: GPUDevice;
let masked: EvalScene;

beforeAll(async () => {
  device = (await testGpu()).device;
  masked = await buildEvalScene(device, { masks: true, bigTestView: true });
}, 60_000);

describe('evaluateCloud', () => {
  it('scores the true cloud perfectly on every held-out view at the training photos\' size', async () => {
    const r = await evaluateCloud(device, masked.scene, masked.truth, { split: '3' });
    expect(r.size).toEqual(EVAL_SIZE);
    expect(r.trainViews).toEqual(TRAIN_IDS);
    expect(r.testViews).toEqual(TEST_IDS);
    expect(r.masks).toBe(true);
    expect(r.splats).toBe(60);
    for (const v of r.views.filter((v) => v.id !== 'v6')) {
      expect(v.psnr, v.id).toBe(Infinity);
      expect(v.ssim, v.id).toBe(1);
      expect(v.psnrMasked, v.id).toBe(Infinity);
      expect(v.ssimMasked, v.id).toBe(1);
      expect(v.lpips, v.id).toBeNull();
    }
  });

  it('resizes a test photo of another size by the protocol (area for 2x) and reports it', async () => {
    const r = await evaluateCloud(device, masked.scene, masked.truth, { split: '3' });
    expect(r.resized).toEqual([{ id: 'v6', from: { width: 128, height: 96 }, to: EVAL_SIZE, method: 'area' }]);
    const v6 = r.views.find((v) => v.id === 'v6')!;
    // A 2x render box-filtered down is close to the 1x render, not equal.
    expect(v6.psnr).toBeGreaterThan(25);
    expect(v6.psnr).toBeLessThan(Infinity);
    expect(reportTable(r)).toMatch(/^resized: 128x96 -> 64x48 \(area\): v6$/m);
  });

  it('scores a perturbed cloud as scoreView does on its renders, with LPIPS from the given model', async () => {
    const cloud = evalCloud(1);
    const lpips = await loadLpips({ bytes: mseModelBytes(), name: 'mse.onnx' });
    const r = await evaluateCloud(device, masked.scene, cloud, { split: '3', lpips });
    await lpips.dispose();
    const split = prepareSplit(masked.scene, '3', EVAL_SIZE);
    const renders = await renderCloudViews(device, cloud, split.test.map((v) => v.camera), split.background);
    for (const [i, v] of split.test.entries()) {
      const s = scoreView(v.id, renders[i], v.rgba, v.mask);
      const row = r.views[i];
      expect(row.id).toBe(v.id);
      expect(row.psnr).toBe(s.psnr);
      expect(row.ssim).toBe(s.ssim);
      expect(row.psnrMasked).toBe(s.psnrMasked);
      expect(row.ssimMasked).toBe(s.ssimMasked);
      expect(row.psnrInMask).toBe(s.psnrInMask);
      expect(row.psnr).toBeLessThan(40);
      // The stand-in model computes the mean squared difference in [-1, 1]: 4x the MSE in [0, 1].
      expect(row.lpips!).toBeCloseTo(4 * mse(renders[i], v.rgba), 5);
      expect(row.lpipsMasked!).toBeCloseTo(4 * mse(applyMaskBlack(renders[i], v.mask!), applyMaskBlack(v.rgba, v.mask!)), 5);
    }
    expect(r.lpipsModel?.name).toBe('lpips-alex');
    expect(r.mean).toEqual(meanRow(r.views));
    expect(r.mean.psnr).toBeCloseTo(r.views.reduce((a, v) => a + v.psnr, 0) / r.views.length, 12);
  });

  it('evaluates at a given size, resizing every test view and saying so', async () => {
    const r = await evaluateCloud(device, masked.scene, evalCloud(1), { split: '3', size: { width: 32, height: 24 } });
    expect(r.size).toEqual({ width: 32, height: 24 });
    expect(r.resized.map((x) => [x.id, x.method])).toEqual([['v1', 'area'], ['v3', 'area'], ['v5', 'area'], ['v6', 'area']]);
    expect(r.views.every((v) => Number.isFinite(v.psnr))).toBe(true);
  });

  it('gives null masked columns ("n/a") for a scene without masks', async () => {
    const plain = await buildEvalScene(device, { masks: false });
    const r = await evaluateCloud(device, plain.scene, evalCloud(1), { split: '3' });
    expect(r.masks).toBe(false);
    for (const row of [...r.views, r.mean]) {
      expect(row.psnrMasked).toBeNull();
      expect(row.ssimMasked).toBeNull();
      expect(row.psnrInMask).toBeNull();
      expect(Number.isFinite(row.psnr)).toBe(true);
    }
    const csv = reportCsv(r).trim().split('\n');
    expect(csv[0]).toBe('view,psnr_masked,psnr,ssim_masked,ssim,psnr_in_mask,lpips,lpips_masked');
    expect(csv[1]).toMatch(/^v1,n\/a,[\d.]+,n\/a,[\d.]+,n\/a,no model,no model$/);
  });

  it('refuses an empty cloud and an unknown split with clear messages', async () => {
    const empty = await evaluateCloud(device, masked.scene, emptyCloud(), { split: '3' }).catch((e) => e);
    expect(isInputError(empty)).toBe(true);
    expect(empty.message).toMatch(/no splats/);
    const split = await evaluateCloud(device, masked.scene, masked.truth, { split: '9' }).catch((e) => e);
    expect(isInputError(split)).toBe(true);
    expect(split.message).toMatch(/no split "9" \(it has: 3\)/);
  });

  it('reports progress view by view: each view is rendered just before it is scored, not all first', async () => {
    // Counts the GPU submissions made before each progress report: rendering every view first
    // (then scoring) would put nearly all of them before the first report.
    const queue = device.queue;
    const submit = queue.submit;
    let submits = 0;
    queue.submit = function (this: GPUQueue, ...args: Parameters<GPUQueue['submit']>) {
      submits++;
      return submit.apply(this, args);
    };
    const seen: { done: number; total: number; submits: number; views: number }[] = [];
    let views = 0;
    try {
      await evaluateCloud(device, masked.scene, masked.truth, {
        split: '3',
        onView: () => views++,
        onProgress: (done, total) => seen.push({ done, total, submits, views }),
      });
    } finally {
      queue.submit = submit;
    }
    const n = TEST_IDS.length;
    expect(n).toBeGreaterThanOrEqual(3);
    expect(seen.map((p) => p.done)).toEqual(TEST_IDS.map((_, i) => i + 1));
    expect(seen.every((p) => p.total === n)).toBe(true);
    expect(seen.map((p) => p.views)).toEqual(TEST_IDS.map((_, i) => i + 1));
    // Submissions grow between reports, and the first report comes before most of the work.
    for (let i = 1; i < n; i++) expect(seen[i].submits).toBeGreaterThan(seen[i - 1].submits);
    expect(seen[0].submits).toBeLessThan(seen[n - 1].submits / 2);
  });
});
