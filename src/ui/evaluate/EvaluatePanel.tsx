/**
 * The Evaluate stage's controls (the cloud, LPIPS and pose-free options once there is a cloud to
 * score, so that the stage stays short before): which cloud is scored (the last run's, or a .ply/.spz/.splat
 * file, opened through the app's cloud loader so the 3D view shows it too), the optional LPIPS model (a file or a URL; none: "no model"), what will be scored (split,
 * test views, size), Evaluate / Cancel, and Export JSON / CSV (the same files as `npm run eval`).
 */
import { useEffect, useRef, useState } from 'react';
import { ACCEPTED_SPLAT_FILES } from '../../io/splatFile.ts';
import { HiddenFileInput } from '../HiddenFileInput.tsx';
import { Term } from '../Term.tsx';
import type { EvaluationState } from './useEvaluation.ts';

interface Props {
  ev: EvaluationState;
  /** Why evaluation cannot start now beyond the scene (no WebGPU, training running), or null. */
  blocked: string | null;
  testViews: number;
  split: string | null;
  /** Opens a cloud file (the app reads it, shows it and hands it to this stage). */
  onOpenCloud: (file: File) => void;
  /** A cloud file is being read. */
  readingCloud: boolean;
}

export function EvaluatePanel({ ev, blocked, testViews, split, onOpenCloud, readingCloud }: Props) {
  const cloudInput = useRef<HTMLInputElement>(null);
  const modelInput = useRef<HTMLInputElement>(null);
  const [url, setUrl] = useState('');
  const { source, lpips, evaluation, report, problem, size, sizeFrom, poseFree } = ev;
  const pf = report?.poseFree;
  const running = evaluation?.status === 'running';
  const why = problem?.message ?? blocked ?? (!source ? 'Reconstruct first, or open a cloud file.' : null);
  // A new cloud to score: bring the Evaluate button into the sidebar's view (the next step).
  const actions = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (source) actions.current?.scrollIntoView?.({ block: 'nearest' });
  }, [source]);

  return (
    <div className="evaluate" data-testid="eval-panel">
      {source && (
      <>
      <dl className="facts eval-facts">
        <dt>Cloud</dt>
        <dd data-testid="eval-cloud" data-kind={source.kind}>
          {`${source.label} · ${source.cloud.count.toLocaleString('en')} splats`}
        </dd>
        <dt>
          <Term id="lpips">LPIPS</Term>
        </dt>
        <dd data-testid="eval-lpips">
          {lpips ? (
            <>
              {lpips.kind === 'file' ? lpips.name : lpips.url}{' '}
              <button type="button" className="link" onClick={() => ev.setLpips(null)} data-testid="eval-lpips-clear" title="Score without LPIPS">
                remove
              </button>
            </>
          ) : (
            'no model (the LPIPS column says so)'
          )}
        </dd>
      </dl>
      <div className="eval-actions">
        <button type="button" className="btn" onClick={() => modelInput.current?.click()} disabled={running} title="An LPIPS (AlexNet) ONNX model, as described in models/lpips.json (or drop the .onnx on the page)" data-testid="eval-open-model">
          LPIPS model…
        </button>
        <HiddenFileInput ref={modelInput} accept=".onnx" testId="eval-model-input" onFile={(f) => void ev.openLpipsFile(f)} />
      </div>
      <form
        className="eval-url"
        onSubmit={(e) => {
          e.preventDefault();
          ev.setLpipsUrl(url);
        }}
      >
        <input type="url" placeholder="or an LPIPS model URL" value={url} onChange={(e) => setUrl(e.target.value)} disabled={running} data-testid="eval-model-url" />
        <button type="submit" className="btn" disabled={running || !url.trim()} data-testid="eval-model-url-use">
          Use
        </button>
      </form>
      <label className="eval-pose-free" title="Align the test cameras to the training cameras by a similarity, then refine each test view's pose against the frozen cloud before scoring (the pose-free protocol; scores before and after the refinement)">
        <input type="checkbox" checked={poseFree} disabled={running} onChange={(e) => ev.setPoseFree(e.target.checked)} data-testid="eval-pose-free" /> <Term id="poseFree">pose-free</Term> (align + refine test poses)
      </label>
      </>
      )}
      <p className="train-note" data-testid="eval-note">
        {why ??
          `${testViews} held-out test view${testViews === 1 ? '' : 's'} of split ${split}, at ${size.width}×${size.height} (${
            sizeFrom === 'panel' ? "the training size: the file does not say what size it was trained at, so the Train panel's size" : source?.kind === 'file' ? 'the training size, as the file records it' : 'the training size'
          }).`}
      </p>
      {pf && (
        <p className="train-note" data-testid="eval-pose-free-summary">
          Pose-free: mean PSNR {pf.before.mean.psnr.toFixed(2)} dB before test-time pose refinement, {report.mean.psnr.toFixed(2)} dB after ({pf.refineSteps} steps a view; the table shows after).
        </p>
      )}
      <div className="train-actions" ref={actions}>
        {running ? (
          <button type="button" className="btn" onClick={ev.cancel} data-testid="eval-cancel">
            Cancel
          </button>
        ) : (
          <button type="button" className="btn primary" onClick={() => void ev.evaluate()} disabled={!!why} title={why ?? 'Render the test views and score them'} data-testid="eval-start">
            {report ? 'Evaluate again' : 'Evaluate'}
          </button>
        )}
        <button type="button" className="btn" onClick={() => cloudInput.current?.click()} disabled={running || readingCloud} title={`Open a ${ACCEPTED_SPLAT_FILES} cloud to score (or drop it on the page)`} data-testid="eval-open-cloud">
          {readingCloud ? 'Reading…' : 'Open cloud…'}
        </button>
        <HiddenFileInput ref={cloudInput} accept=".ply,.spz,.splat" testId="eval-cloud-input" onFile={onOpenCloud} />
        {report && !running && (
          <>
            <button type="button" className="btn" onClick={ev.exportJson} data-testid="eval-export-json">
              Export JSON
            </button>
            <button type="button" className="btn" onClick={ev.exportCsv} data-testid="eval-export-csv">
              Export CSV
            </button>
          </>
        )}
      </div>
    </div>
  );
}
