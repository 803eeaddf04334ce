/**
 * The test views and their metrics, one row each, and the mean row; cells rounded for reading
 * (reportFormat's formatCell: "n/a" without masks, "no model" without an LPIPS model), the exact
 * value in data-value. Clicking a row (or Enter on it) selects the view.
 */
import type { EvaluationReport, MetricRow } from '../../recon/evaluate/protocol.ts';
import { exactNumber, formatCell, METRIC_COLUMNS, type MetricKey } from '../../recon/evaluate/reportFormat.ts';
import type { TermId } from '../glossary.ts';
import { Term } from '../Term.tsx';

/** The columns shown: PSNR and SSIM masked and full, LPIPS. */
export const TABLE_KEYS: readonly MetricKey[] = ['psnrMasked', 'psnr', 'ssimMasked', 'ssim', 'lpips'];
const COLUMNS = METRIC_COLUMNS.filter((c) => TABLE_KEYS.includes(c.key));

/** Heading, which part of the picture, its glossary entry, and which way is better. */
const HEADINGS: Partial<Record<MetricKey, [string, string, TermId, '↑' | '↓']>> = {
  psnrMasked: ['PSNR', 'mask', 'psnr', '↑'],
  psnr: ['PSNR', 'full', 'psnr', '↑'],
  ssimMasked: ['SSIM', 'mask', 'ssim', '↑'],
  ssim: ['SSIM', 'full', 'ssim', '↑'],
  lpips: ['LPIPS', 'full', 'lpips', '↓'],
};

interface Props {
  report: EvaluationReport;
  selected: string | null;
  onSelect: (id: string) => void;
}

export function EvalTable({ report, selected, onSelect }: Props) {
  const cells = (row: MetricRow) =>
    COLUMNS.map((c) => {
      const v = row[c.key];
      return (
        <td key={c.key} data-key={c.key} data-value={v === null ? 'null' : String(exactNumber(v))} className={v === null ? 'eval-null' : undefined}>
          {formatCell(report, c, v)}
        </td>
      );
    });
  return (
    <table className="eval-table" data-testid="eval-table">
      <caption className="eval-caption" data-testid="eval-caption">
        ↑ higher is better · ↓ lower is better · <Term id="masked">mask / full</Term>
      </caption>
      <thead>
        <tr>
          <th scope="col">view</th>
          {COLUMNS.map((c) => (
            <th key={c.key} scope="col" data-better={HEADINGS[c.key]?.[3] === '↑' ? 'higher' : 'lower'}>
              <Term id={HEADINGS[c.key]![2]}>{`${HEADINGS[c.key]?.[0]} ${HEADINGS[c.key]?.[3]}`}</Term>
              <small>{HEADINGS[c.key]?.[1]}</small>
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {report.views.map((v) => (
          <tr
            key={v.id}
            data-testid="eval-row"
            data-view-id={v.id}
            aria-selected={selected === v.id}
            tabIndex={0}
            className={selected === v.id ? 'selected' : undefined}
            onClick={() => onSelect(v.id)}
            onKeyDown={(e) => {
              if (e.key === 'Enter' || e.key === ' ') {
                e.preventDefault();
                onSelect(v.id);
              }
            }}
          >
            <th scope="row">{v.id}</th>
            {cells(v)}
          </tr>
        ))}
      </tbody>
      <tfoot>
        <tr data-testid="eval-mean">
          <th scope="row">mean</th>
          {cells(report.mean)}
        </tr>
      </tfoot>
    </table>
  );
}
