/** PSNR per test view as bars (masked and full side by side), the selected view shaded; click a bar to select its view. */
import { useMemo, useRef } from 'react';
import uPlot from 'uplot';
import type { EvaluationReport } from '../../recon/evaluate/protocol.ts';
import { AXIS_STYLE, UPlotChart } from './UPlotChart.tsx';

interface Props {
  report: EvaluationReport;
  selected: string | null;
  onSelect: (id: string) => void;
}

export const PSNR_COLORS = { masked: '#4cc2ff', full: '#ffa94d' };

export function PsnrChart({ report, selected, onSelect }: Props) {
  const ids = useMemo(() => report.views.map((v) => v.id), [report]);
  const masked = report.masks;
  const selectedRef = useRef(selected);
  selectedRef.current = selected;
  const onSelectRef = useRef(onSelect);
  onSelectRef.current = onSelect;

  const data = useMemo<uPlot.AlignedData>(() => {
    const x = ids.map((_, i) => i);
    const full = report.views.map((v) => (Number.isFinite(v.psnr) ? v.psnr : null));
    return masked ? [x, report.views.map((v) => v.psnrMasked), full] : [x, full];
  }, [ids, report, masked]);

  const options = useMemo<Omit<uPlot.Options, 'width' | 'height'>>(() => {
    const bars = uPlot.paths.bars!;
    const series: uPlot.Series[] = [{ label: 'view', value: (_u, i) => (i === null ? '–' : (ids[i] ?? '')) }];
    if (masked) series.push({ label: 'PSNR mask', stroke: PSNR_COLORS.masked, fill: PSNR_COLORS.masked + 'cc', paths: bars({ size: [0.42, 28], align: -1 }), points: { show: false }, value: (_u, v) => (v === null ? '–' : `${v.toFixed(2)} dB`) });
    series.push({ label: 'PSNR full', stroke: PSNR_COLORS.full, fill: PSNR_COLORS.full + 'cc', paths: bars({ size: [0.42, 28], align: masked ? 1 : 0 }), points: { show: false }, value: (_u, v) => (v === null ? '–' : `${v.toFixed(2)} dB`) });
    return {
      series,
      scales: {
        x: { time: false, range: () => [-0.6, ids.length - 0.4] },
        y: { range: (_u, _min, max) => [0, Math.max(10, Math.ceil((max || 0) / 5) * 5 + 2)] },
      },
      axes: [
        { ...AXIS_STYLE, splits: () => ids.map((_, i) => i), values: (_u, splits) => splits.map((i) => ids[i] ?? ''), rotate: ids.length > 12 ? -45 : 0, size: ids.length > 12 ? 44 : 30, grid: { show: false } },
        { ...AXIS_STYLE, label: 'PSNR (dB)', size: 44 },
      ],
      cursor: { drag: { x: false, y: false }, points: { show: false } },
      legend: { show: true },
      hooks: {
        drawClear: [
          (u) => {
            const i = selectedRef.current === null ? -1 : ids.indexOf(selectedRef.current);
            if (i < 0) return;
            const x0 = u.valToPos(i - 0.5, 'x', true), x1 = u.valToPos(i + 0.5, 'x', true);
            u.ctx.save();
            u.ctx.fillStyle = 'rgba(76, 194, 255, 0.14)';
            u.ctx.fillRect(x0, u.bbox.top, x1 - x0, u.bbox.height);
            u.ctx.restore();
          },
        ],
        ready: [
          (u) => {
            u.over.addEventListener('click', () => {
              const left = u.cursor.left;
              if (left === undefined || left < 0) return;
              const i = Math.round(u.posToVal(left, 'x'));
              if (i >= 0 && i < ids.length) onSelectRef.current(ids[i]);
            });
          },
        ],
      },
    };
  }, [ids, masked]);

  return (
    <figure className="eval-chart" data-testid="eval-psnr-chart" data-bars={ids.length}>
      <figcaption>PSNR per test view</figcaption>
      <UPlotChart options={options} data={data} height={170} redrawOn={selected} />
    </figure>
  );
}
