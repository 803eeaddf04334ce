/**
 * An evaluation report as text: an aligned table for the terminal, CSV and JSON for export.
 * The CLI writes all three and the app's export buttons reuse them, so the numbers are the same
 * everywhere. Null cells read "n/a" (no mask) or "no model" (LPIPS without a model), never a
 * number. CSV and JSON keep full precision (shortest round-trip form, so both parse back to the
 * same doubles); non-finite values are written "inf", "-inf", "nan" (JSON has no such numbers,
 * and JSON.stringify would silently turn them into null, i.e. "n/a").
 * A pose-free report (protocol.ts) adds: a second table (before test-time refinement) and a
 * line on the alignment to the text; a `<metric>_before` column per metric and the refinement's
 * rotation and centre shift to the CSV; `poseFree` to the JSON. Other reports are unchanged.
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

function rows(report: Pick<EvaluationReport, 'views' | 'mean'>): { label: string; row: MetricRow }[] {
  return [...report.views.map((v) => ({ label: v.id, row: v as MetricRow })), { label: 'mean', row: report.mean }];
}

/** Columns after the metrics, one cell per view then the mean. */
interface ExtraColumn {
  title: string;
  cells: string[];
}

function table(report: EvaluationReport, part: Pick<EvaluationReport, 'views' | 'mean'>, extra: readonly ExtraColumn[] = []): string[] {
  const header = ['view', ...METRIC_COLUMNS.map((c) => c.title), ...extra.map((e) => e.title)];
  const body = rows(part).map(({ label, row }, i) => [label, ...METRIC_COLUMNS.map((c) => formatCell(report, c, row[c.key])), ...extra.map((e) => e.cells[i])]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ').trimEnd();
  const sep = widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(header), sep, ...body.slice(0, -1).map(line), sep, line(body[body.length - 1])];
}

const meanOf = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** The refinement's per-view camera change, as extra columns (mean last). */
function refinementColumns(report: EvaluationReport, format: (x: number, digits: number) => string): ExtraColumn[] {
  const r = report.poseFree!.refinement;
  const col = (title: string, xs: number[], digits: number): ExtraColumn => ({ title, cells: [...xs, meanOf(xs)].map((x) => format(x, digits)) });
  return [col('refine deg', r.map((x) => x.rotationDeg), 3), col('refine shift', r.map((x) => x.centreShift), 4)];
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
  const pf = report.poseFree;
  const lines = [
    `${report.scene}, split ${report.split}: ${report.trainViews.length} input views, ${report.testViews.length} test views at ${report.size.width}x${report.size.height}, ${report.splats} splats`,
    `masked metrics: ${report.masks ? 'DTU convention (background black in both images)' : 'n/a (the test views have no masks)'}; LPIPS: ${report.lpipsModel ? `${report.lpipsModel.name} (${report.lpipsModel.file})` : 'no model (give --lpips-model)'}`,
    ...resizedLines(report),
  ];
  if (!pf) return [...lines, '', ...table(report, report)].join('\n');
  const a = pf.alignment;
  const fmt = (x: number, d: number) => (Number.isFinite(x) ? x.toFixed(d) : String(exactNumber(x)));
  lines.push(
    `pose-free: test cameras aligned by a similarity fitted on the ${report.trainViews.length} training views (${a.method}: scale ${a.scale.toPrecision(6)}; ` +
      `residuals: rotation max ${fmt(Math.max(...a.residualRotationDeg), 3)} deg, centre max ${fmt(Math.max(...a.residualCentre), 4)} of spread ${fmt(a.centreSpread, 4)}), ` +
      `${a.focalScale !== 1 ? `with the estimated focal length (the dataset's x ${a.focalScale.toFixed(4)}), ` : ''}` +
      `then refined against the frozen cloud for ${pf.refineSteps} steps each`,
    '',
    `after test-time pose refinement (${pf.refineSteps} steps):`,
    ...table(report, report, refinementColumns(report, fmt)),
    '',
    'before test-time pose refinement (aligned only):',
    ...table(report, pf.before),
  );
  return lines.join('\n');
}

/** CSV: a header row, one row per test view, then the mean row. */
export function reportCsv(report: EvaluationReport): string {
  const cell = (row: MetricRow, c: MetricColumn) => (row[c.key] === null ? nullCell(report, c.key) : String(exactNumber(row[c.key]!)));
  const pf = report.poseFree;
  const header = ['view', ...METRIC_COLUMNS.map((c) => c.csv)];
  if (pf) header.push(...METRIC_COLUMNS.map((c) => `${c.csv}_before`), 'refine_rot_deg', 'refine_centre_shift');
  const before = pf ? rows(pf.before) : [];
  const extra = pf ? refinementColumns(report, (x) => String(exactNumber(x))) : [];
  const body = rows(report).map(({ label, row }, i) => {
    const cells = [label, ...METRIC_COLUMNS.map((c) => cell(row, c))];
    if (pf) cells.push(...METRIC_COLUMNS.map((c) => cell(before[i].row, c)), ...extra.map((e) => e.cells[i]));
    return cells.join(',');
  });
  return [header.join(','), ...body].join('\n') + '\n';
}

function jsonRow<T extends MetricRow>(row: T): Record<string, unknown> {
  const out: Record<string, unknown> = { ...(row as object) };
  for (const k of METRIC_KEYS) if (row[k] !== null) out[k] = exactNumber(row[k]!);
  return out;
}

/** The report as JSON-safe data (null = not computed; "inf"/"nan" for non-finite values). */
export function reportJson(report: EvaluationReport): Record<string, unknown> {
  const out: Record<string, unknown> = { ...report, views: report.views.map(jsonRow), mean: jsonRow(report.mean) };
  const pf = report.poseFree;
  if (pf) {
    const refinement = pf.refinement.map((r) => ({ ...r, initialLoss: exactNumber(r.initialLoss), finalLoss: exactNumber(r.finalLoss) }));
    out.poseFree = { ...pf, before: { views: pf.before.views.map(jsonRow), mean: jsonRow(pf.before.mean) }, refinement };
  }
  return out;
}

/** The text of eval.json as `npm run eval` writes it and the app exports it: where the cloud came from, then the report. */
export function reportJsonText(report: EvaluationReport, cloud: string): string {
  return JSON.stringify({ cloud, ...reportJson(report) }, null, 1) + '\n';
}
