/**
 * The evaluation report's text forms without a GPU: the mean row's rules (a column missing in any
 * view is null; NaN and Infinity are not hidden), "n/a" vs "no model" for null cells, and
 * non-finite values written as "inf"/"nan" in JSON and CSV (JSON.stringify would turn them into
 * null, which reads as "n/a").
 */
import { describe, expect, it } from 'vitest';
import { meanRow, type EvaluationReport, type ViewRow } from '../../src/recon/evaluate/protocol.ts';
import { reportCsv, reportJson, reportTable } from '../../src/recon/evaluate/reportFormat.ts';

const row = (id: string, psnr: number, psnrMasked: number | null, lpips: number | null = null): ViewRow => ({
  id, psnr, psnrMasked, ssim: 0.5, ssimMasked: psnrMasked === null ? null : 0.25, psnrInMask: psnrMasked === null ? null : psnrMasked - 5, lpips, lpipsMasked: null,
});

function report(views: ViewRow[], lpipsModel: EvaluationReport['lpipsModel'] = null): EvaluationReport {
  return {
    scene: 's', split: '3', size: { width: 64, height: 48 }, trainViews: ['a'], testViews: views.map((v) => v.id), splats: 10,
    masks: views.every((v) => v.psnrMasked !== null), lpipsModel, resized: [], views, mean: meanRow(views),
  };
}

describe('meanRow', () => {
  it('averages each column; a column null in any view is null; Infinity and NaN propagate', () => {
    const m = meanRow([row('a', 20, 30), row('b', 22, null)]);
    expect(m.psnr).toBe(21);
    expect(m.psnrMasked).toBeNull();
    expect(meanRow([row('a', 20, 30), row('b', Infinity, 34)]).psnr).toBe(Infinity);
    expect(meanRow([row('a', 20, NaN), row('b', 22, 34)]).psnrMasked).toBeNaN();
  });
});

describe('report formats', () => {
  it('writes non-finite values as inf/nan in JSON and CSV, nulls as n/a, LPIPS without a model as "no model"', () => {
    const r = report([row('a', Infinity, NaN), row('b', 20, 30)]);
    const json = JSON.parse(JSON.stringify(reportJson(r)));
    expect(json.views[0].psnr).toBe('inf');
    expect(json.views[0].psnrMasked).toBe('nan');
    expect(json.views[0].lpips).toBeNull();
    expect(json.views[1].psnr).toBe(20);
    expect(json.mean.psnr).toBe('inf');
    const csv = reportCsv(r).trim().split('\n');
    expect(csv[1]).toBe('a,nan,inf,0.25,0.5,nan,no model,no model');
    expect(csv[3]).toBe('mean,nan,inf,0.25,0.5,nan,no model,no model');
    expect(reportTable(r)).toMatch(/^b +30\.00 +20\.00 +0\.250 +0\.500 +25\.00 +no model +no model$/m);
  });

  it('with a model, a null LPIPS cell (no mask) reads n/a', () => {
    const r = report([row('a', 20, null, 0.125)], { name: 'lpips-alex', file: 'm.onnx', sha256: '0'.repeat(64) });
    expect(reportCsv(r).trim().split('\n')[1]).toBe('a,n/a,20,n/a,0.5,n/a,0.125,n/a');
    expect(reportTable(r)).toMatch(/LPIPS: lpips-alex \(m\.onnx\)/);
  });
});
