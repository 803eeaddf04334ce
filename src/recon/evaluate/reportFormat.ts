/**
 * An evaluation report as text: an aligned table for the terminal, CSV and JSON for export.
 * The CLI writes all three and the app's export buttons reuse them, so the numbers are the same
 * everywhere. Null cells read "n/a" (no mask) or "no model" (LPIPS without a model), never a
 * number. CSV and JSON keep full precision (shortest round-trip form, so both parse back to the
 * same doubles); non-finite values are written "inf", "-inf", "nan" (JSON has no such numbers,
 * and JSON.stringify would silently turn them into null, i.e. "n/a").
 */
import { METRIC_KEYS, type EvaluationReport, type MetricRow } from './protocol.ts';

export type MetricKey = (typeof METRIC_KEYS)[number];

export interface MetricColumn {
  key: MetricKey;
  /** CSV header (snake case). */
  csv: string;
  /** Terminal table header. */
  title: string;
  digits: number;
}

export const METRIC_COLUMNS: readonly MetricColumn[] = [
  { key: 'psnrMasked', csv: 'psnr_masked', title: 'PSNR mask', digits: 2 },
  { key: 'psnr', csv: 'psnr', title: 'PSNR', digits: 2 },
  { key: 'ssimMasked', csv: 'ssim_masked', title: 'SSIM mask', digits: 3 },
  { key: 'ssim', csv: 'ssim', title: 'SSIM', digits: 3 },
  { key: 'psnrInMask', csv: 'psnr_in_mask', title: 'PSNR in-mask', digits: 2 },
  { key: 'lpips', csv: 'lpips', title: 'LPIPS', digits: 3 },
  { key: 'lpipsMasked', csv: 'lpips_masked', title: 'LPIPS mask', digits: 3 },
];

const isLpips = (k: MetricKey) => k === 'lpips' || k === 'lpipsMasked';

/** What a null cell says: LPIPS without a model says so; anything else is "n/a". */
export function nullCell(report: Pick<EvaluationReport, 'lpipsModel'>, key: MetricKey): string {
  return isLpips(key) && !report.lpipsModel ? 'no model' : 'n/a';
}

/** A non-finite number as text ("inf", "-inf", "nan"); finite numbers in full precision. */
export function exactNumber(x: number): string | number {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  return x;
}

/** A cell rounded for reading. */
export function formatCell(report: Pick<EvaluationReport, 'lpipsModel'>, col: MetricColumn, x: number | null): string {
  if (x === null) return nullCell(report, col.key);
  return Number.isFinite(x) ? x.toFixed(col.digits) : String(exactNumber(x));
}

function rows(report: EvaluationReport): { label: string; row: MetricRow }[] {
  return [...report.views.map((v) => ({ label: v.id, row: v as MetricRow })), { label: 'mean', row: report.mean }];
}

/** "resized: 400x300 -> 64x48 (bilinear): v00, v02", one line per original size and method. */
function resizedLines(report: EvaluationReport): string[] {
  const groups = new Map<string, string[]>();
  for (const r of report.resized) {
    const k = `${r.from.width}x${r.from.height} -> ${r.to.width}x${r.to.height} (${r.method})`;
    groups.set(k, [...(groups.get(k) ?? []), r.id]);
  }
  return [...groups].map(([k, ids]) => `resized: ${k}: ${ids.join(', ')}`);
}

/** The per-view and mean table, columns aligned, with a header line saying what was scored. */
export function reportTable(report: EvaluationReport): string {
  const header = ['view', ...METRIC_COLUMNS.map((c) => c.title)];
  const body = rows(report).map(({ label, row }) => [label, ...METRIC_COLUMNS.map((c) => formatCell(report, c, row[c.key]))]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ').trimEnd();
  const sep = widths.map((w) => '-'.repeat(w)).join('  ');
  const lines = [
    `${report.scene}, split ${report.split}: ${report.trainViews.length} input views, ${report.testViews.length} test views at ${report.size.width}x${report.size.height}, ${report.splats} splats`,
    `masked metrics: ${report.masks ? 'DTU convention (background black in both images)' : 'n/a (the test views have no masks)'}; LPIPS: ${report.lpipsModel ? `${report.lpipsModel.name} (${report.lpipsModel.file})` : 'no model (give --lpips-model)'}`,
    ...resizedLines(report),
    '',
    line(header),
    sep,
    ...body.slice(0, -1).map(line),
    sep,
    line(body[body.length - 1]),
  ];
  return lines.join('\n');
}

/** CSV: a header row, one row per test view, then the mean row. */
export function reportCsv(report: EvaluationReport): string {
  const header = ['view', ...METRIC_COLUMNS.map((c) => c.csv)].join(',');
  const body = rows(report).map(({ label, row }) =>
    [label, ...METRIC_COLUMNS.map((c) => (row[c.key] === null ? nullCell(report, c.key) : String(exactNumber(row[c.key]!))))].join(','),
  );
  return [header, ...body].join('\n') + '\n';
}

function jsonRow<T extends MetricRow>(row: T): Record<string, unknown> {
  const out: Record<string, unknown> = { ...(row as object) };
  for (const k of METRIC_KEYS) if (row[k] !== null) out[k] = exactNumber(row[k]!);
  return out;
}

/** The report as JSON-safe data (null = not computed; "inf"/"nan" for non-finite values). */
export function reportJson(report: EvaluationReport): Record<string, unknown> {
  return { ...report, views: report.views.map(jsonRow), mean: jsonRow(report.mean) };
}

/** The text of eval.json as `npm run eval` writes it and the app exports it: where the cloud came from, then the report. */
export function reportJsonText(report: EvaluationReport, cloud: string): string {
  return JSON.stringify({ cloud, ...reportJson(report) }, null, 1) + '\n';
}
