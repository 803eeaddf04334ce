/**
 * The Masks stage's controls: progress with a time estimate and Cancel while it runs, Run again,
 * the threshold slider (re-thresholds the kept probability maps, no new run), and the photos whose
 * masks look wrong, in plain words, and the method (model-free, or IS-Net from a model file or
 * URL). Per-photo accept / redo / no mask are on the thumbnails.
 */
import { SALIENT_MANIFEST } from './models/manifests.ts';
import { ModelPicker } from './models/ModelPicker.tsx';
import { StageRunButton } from './StageRunButton.tsx';
import { useNow } from './useNow.ts';
import type { Masks } from './useMasks.ts';

export function MasksPanel({ masks }: { masks: Masks }) {
  const { missing, run, running, edited, threshold, setThreshold, start, cancel, method, setMethod, model, needsModel } = masks;
  const now = useNow(running);
  if (missing.length === 0) return null;
  const elapsed = run ? ((run.endedAt ?? now) - run.startedAt) / 1000 : 0;
  const left = run && running && run.done > 0 ? (elapsed / run.done) * (run.total - run.done) : null;
  const warnings = [...edited].filter(([, m]) => m.warning);
  return (
    <div className="masks" data-testid="masks-panel">
      {run && running && (
        <div className="masks-progress" data-testid="masks-progress">
          <span>
            Finding the object: photo {Math.min(run.done + 1, run.total)} of {run.total} · {elapsed.toFixed(0)} s
            {left !== null ? `, about ${Math.max(1, Math.round(left))} s left` : ''}
          </span>
          <progress max={run.total || 1} value={run.done} />
        </div>
      )}
      {run && !running && run.message && (
        <p className="train-note" data-testid="masks-message">
          {run.status === 'cancelled' ? `Masks ${run.message}.` : `Masks failed: ${run.message}`}
        </p>
      )}
      {edited.size > 0 && (
        <label className="train-field masks-threshold">
          <span>
            Threshold <b data-testid="masks-threshold-value">{threshold.toFixed(2)}</b> (lower: larger masks)
          </span>
          <input
            type="range"
            min={0.05}
            max={0.95}
            step={0.05}
            value={threshold}
            onChange={(e) => setThreshold(Number(e.target.value))}
            data-testid="masks-threshold"
          />
        </label>
      )}
      {warnings.length > 0 && (
        <ul className="masks-warnings" data-testid="masks-warnings">
          {warnings.map(([id, m]) => (
            <li key={id} data-view-id={id}>
              {m.warning}
            </li>
          ))}
        </ul>
      )}
      {edited.size > 0 && (
        <p className="train-note">
          Check each mask on the thumbnails: ✓ accepts it, ↻ finds it again, ▢ uses the whole photo (no mask). Training uses the masks as
          shown.
        </p>
      )}
      <label className="train-field" title="The model-free method separates the object from a plain-ish background by colour and a graph cut; a salient-object model (IS-Net, research-use weights, not bundled) handles busier backgrounds.">
        <span>Method</span>
        <select value={method} onChange={(e) => setMethod(e.target.value as 'auto' | 'model')} disabled={running} data-testid="masks-method">
          <option value="auto">model-free (colour + graph cut)</option>
          <option value="model">IS-Net (model file) + graph cut</option>
        </select>
      </label>
      {method === 'model' && <ModelPicker choice={model} manifest={SALIENT_MANIFEST} disabled={running} testId="masks-model" />}
      {needsModel && (
        <p className="train-note" data-testid="masks-needs-model">
          {needsModel}
        </p>
      )}
      <StageRunButton stage="masks" running={running} onCancel={cancel} onStart={() => void start()} startLabel={edited.size > 0 ? 'Find masks again' : 'Find masks'} />
    </div>
  );
}
