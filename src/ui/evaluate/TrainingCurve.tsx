/** The last run's training curve: loss (left axis) and train PSNR (right axis) over the steps. */
import { useMemo } from 'react';
import type uPlot from 'uplot';
import type { TrainProgress } from '../../recon/train/trainer.ts';
import { AXIS_STYLE, UPlotChart } from './UPlotChart.tsx';

interface Props {
  history: readonly TrainProgress[];
}

export function TrainingCurve({ history }: Props) {
  const data = useMemo<uPlot.AlignedData>(
    () => [history.map((p) => p.step), history.map((p) => (Number.isFinite(p.loss) ? p.loss : null)), history.map((p) => (Number.isFinite(p.psnr) ? p.psnr : null))],
    [history],
  );
  const few = history.length < 3;
  const options = useMemo<Omit<uPlot.Options, 'width' | 'height'>>(
    () => ({
      series: [
        { label: 'step' },
        { label: 'loss', stroke: '#ffa94d', width: 1.5, scale: 'loss', points: { show: few }, value: (_u, v) => (v === null ? '–' : v.toFixed(4)) },
        { label: 'train PSNR', stroke: '#4cc2ff', width: 1.5, scale: 'db', points: { show: few }, value: (_u, v) => (v === null ? '–' : `${v.toFixed(2)} dB`) },
      ],
      scales: { x: { time: false } },
      axes: [
        { ...AXIS_STYLE, label: 'step', size: 34 },
        { ...AXIS_STYLE, scale: 'loss', label: 'loss', size: 50 },
        { ...AXIS_STYLE, scale: 'db', label: 'PSNR (dB)', side: 1, size: 44, grid: { show: false } },
      ],
      cursor: { drag: { x: true, y: false } },
      legend: { show: true },
    }),
    [few],
  );
  return (
    <figure className="eval-chart" data-testid="eval-training-curve" data-points={history.length}>
      <figcaption>Training curve of the last run</figcaption>
      <UPlotChart options={options} data={data} height={170} />
    </figure>
  );
}
