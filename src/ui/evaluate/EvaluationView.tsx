/**
 * The evaluation view under the 3D view: the table of test views (click a row: select it and fly
 * the 3D view to its camera), the selected view's ground truth | render | error heat map and a
 * wipe/flicker compare, PSNR per view and the last run's training curve.
 */
import { useMemo, useState } from 'react';
import type { EvaluationReport } from '../../recon/evaluate/protocol.ts';
import type { TrainProgress } from '../../recon/train/trainer.ts';
import { CompareSlider } from './CompareSlider.tsx';
import { ErrorHeatmap } from './ErrorHeatmap.tsx';
import { EvalTable } from './EvalTable.tsx';
import { ImageCanvas } from './ImageCanvas.tsx';
import { PsnrChart } from './PsnrChart.tsx';
import { TrainingCurve } from './TrainingCurve.tsx';
import type { EvaluationState } from './useEvaluation.ts';

interface Props {
  ev: EvaluationState;
  /** The training curve of the run whose cloud was scored; null when the cloud came from a file. */
  history: readonly TrainProgress[] | null;
}

export function EvaluationView({ ev, history }: Props) {
  const [collapsed, setCollapsed] = useState(false);
  const { evaluation, report, selected, select } = ev;
  const images = evaluation?.result?.images;
  const shown = useMemo(() => images?.find((v) => v.id === selected) ?? null, [images, selected]);
  if (!evaluation) return null;

  const photo = shown && { width: shown.width, height: shown.height, data: shown.photo };
  const render = shown && { width: shown.width, height: shown.height, data: shown.render };
  const mean = report?.mean;

  return (
    <section className={`eval-view${collapsed ? ' collapsed' : ''}`} data-testid="eval-view" data-status={evaluation.status} aria-label="Evaluation">
      <header className="eval-view-head">
        <h2>Evaluation</h2>
        <span className="eval-view-what" data-testid="eval-summary">
          split {evaluation.split} · {evaluation.size.width}×{evaluation.size.height} · {evaluation.cloud}
          {report && ` · ${report.splats.toLocaleString('en')} splats`}
          {mean && ` · mean PSNR ${mean.psnr.toFixed(2)} dB${mean.psnrMasked !== null ? `, masked ${mean.psnrMasked.toFixed(2)} dB` : ''}`}
        </span>
        <button type="button" className="btn small" onClick={() => setCollapsed((c) => !c)} aria-expanded={!collapsed} data-testid="eval-collapse">
          {collapsed ? 'Show' : 'Hide'}
        </button>
      </header>
      {!collapsed && evaluation.status === 'running' && (
        <div className="eval-progress" data-testid="eval-progress">
          <progress max={evaluation.progress.total || 1} value={evaluation.progress.done} />
          <span>
            rendering and scoring {evaluation.progress.total} test views… {evaluation.progress.done} / {evaluation.progress.total}
          </span>
        </div>
      )}
      {!collapsed && (evaluation.status === 'failed' || evaluation.status === 'cancelled') && (
        <p className="eval-failed" data-testid="eval-failed">
          {evaluation.status === 'cancelled' ? 'Evaluation cancelled.' : `Evaluation failed: ${evaluation.message}`}
        </p>
      )}
      {!collapsed && report && (
        <div className="eval-body">
          <div className="eval-left">
            <EvalTable report={report} selected={selected} onSelect={select} />
            <ReportNotes report={report} />
          </div>
          <div className="eval-right">
            {shown && photo && render ? (
              <>
                <div className="eval-triple" data-testid="eval-selected" data-view-id={shown.id}>
                  <figure>
                    <ImageCanvas width={shown.width} height={shown.height} rgba={shown.photo} testId="eval-photo" label={`ground truth ${shown.id}`} />
                    <figcaption>ground truth · {shown.id}</figcaption>
                  </figure>
                  <figure>
                    <ImageCanvas width={shown.width} height={shown.height} rgba={shown.render} testId="eval-render" label={`render ${shown.id}`} />
                    <figcaption>render</figcaption>
                  </figure>
                  <figure>
                    <ErrorHeatmap render={render} photo={photo} />
                    <figcaption>error |render − photo|</figcaption>
                  </figure>
                </div>
                <CompareSlider render={render} photo={photo} />
              </>
            ) : (
              <p className="eval-hint">Click a row to see that view.</p>
            )}
          </div>
          <div className="eval-charts">
            <PsnrChart report={report} selected={selected} onSelect={select} />
            {history && history.length > 0 ? (
              <TrainingCurve history={history} />
            ) : (
              <p className="eval-hint" data-testid="eval-no-curve">
                No training curve: this cloud was opened from a file.
              </p>
            )}
          </div>
        </div>
      )}
    </section>
  );
}

function ReportNotes({ report }: { report: EvaluationReport }) {
  const resized = report.resized;
  return (
    <ul className="eval-notes" data-testid="eval-notes">
      <li>
        Masked: {report.masks ? 'DTU convention (background black in both images; SSIM in the mask\'s box)' : 'n/a (the test views have no masks)'}
      </li>
      <li>LPIPS: {report.lpipsModel ? `${report.lpipsModel.name} (${report.lpipsModel.file})` : 'no model (open an LPIPS ONNX model in the Evaluate stage)'}</li>
      {resized.length > 0 && (
        <li data-testid="eval-resized">
          Resized to {report.size.width}×{report.size.height}: {resized.length} test view{resized.length === 1 ? '' : 's'} from{' '}
          {[...new Set(resized.map((r) => `${r.from.width}×${r.from.height} (${r.method === 'area' ? 'box filter' : 'bilinear'})`))].join(', ')}
        </li>
      )}
    </ul>
  );
}
