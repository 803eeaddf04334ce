/**
 * The Poses stage's controls: per-step progress with a time estimate and Cancel while it runs,
 * Place again, the photos that could not be placed, each with the reason, and those placed only
 * roughly from their outlines by the object-centred start; which features match the photos
 * (model-free, or ALIKE-N / XFeat from a model file or URL).
 */
import type { FeatureSource } from '../recon/poses/estimatePoses.ts';
import { FEATURE_MANIFESTS } from './models/manifests.ts';
import { ModelPicker } from './models/ModelPicker.tsx';
import { StageRunButton } from './StageRunButton.tsx';
import { useNow } from './useNow.ts';
import { posesProgressText, type Poses } from './usePoses.ts';

/** `refinedIds`: the photos whose cameras a training run has refined (App's refinedGuessCameras: the guesses training moved). */
export function PosesPanel({ poses: p, refinedIds = null }: { poses: Poses; refinedIds?: ReadonlyMap<string, unknown> | null }) {
  const { missing, run, running, poses, start, cancel, features, setFeatures, models, needsModel } = p;
  const now = useNow(running);
  if (missing.length === 0) return null;
  return (
    <div className="masks" data-testid="poses-panel">
      {run && running && (
        <div className="masks-progress" data-testid="poses-progress">
          <span>{posesProgressText(run, now)}</span>
          <progress max={run.progress?.total || 1} value={run.progress ? run.progress.done : undefined} />
        </div>
      )}
      {run && !running && run.message && (
        <p className="train-note" data-testid="poses-message">
          {run.status === 'cancelled'
            ? `Placing the photos was cancelled${poses ? '; the cameras found before are kept' : ''}.`
            : `Poses failed: ${run.message}`}
        </p>
      )}
      {poses && (
        <p className="train-note" data-testid="poses-summary">
          {poses.cameras.size} of {poses.cameras.size + poses.unplaced.length} photos placed
          {poses.cameras.size > 0 ? ` (focal ${poses.focalPx.toFixed(0)} px, reprojection error ${poses.rmsPx.toFixed(2)} px)` : ''}.
        </p>
      )}
      {poses && poses.unplaced.length > 0 && (
        <ul className="masks-warnings" data-testid="poses-unplaced">
          {poses.unplaced.map((u) => (
            <li key={u.id} data-view-id={u.id}>
              {u.image} could not be placed: {u.reason}.
            </li>
          ))}
        </ul>
      )}
      {poses && poses.warnings.length > 0 && (
        <ul className="masks-warnings" data-testid="poses-warnings">
          {poses.warnings.map((w) => (
            <li key={`${w.id}-${w.kind}`} data-view-id={w.id} data-kind={w.kind}>
              {w.message}
            </li>
          ))}
        </ul>
      )}
      {poses && poses.guessed.length > 0 && (
        <ul className="masks-warnings" data-testid="poses-guessed">
          {poses.guessed.map((u) => (
            <li key={u.id} data-view-id={u.id} title="The object-centred start: the camera is put on a circle around the object, turned so that the object sits where its outline is, and adjusted until the outlines of all photos agree. A rough guess: Reconstruct refines it photometrically while it trains, while the cameras the matches placed stay fixed and hold the frame.">
              {refinedIds?.has(u.id)
                ? `${u.image} was placed roughly, from its outline (the matches could not: ${u.reason}); training has refined its camera.`
                : `${u.image} was placed roughly, from its outline (the matches could not: ${u.reason}); Reconstruct refines its camera while it trains.`}
            </li>
          ))}
        </ul>
      )}
      {!running && !run && (
        <p className="train-note">Waits for the masks, then places the photos (features are matched inside the masks).</p>
      )}
      <label className="train-field" title="Learned features (ALIKE-N, XFeat) match wider angles between photos than the model-free ORB; their weights are not bundled: open the file or give its URL.">
        <span>Features</span>
        <select value={features} onChange={(e) => setFeatures(e.target.value as FeatureSource)} disabled={running} data-testid="poses-features">
          <option value="none">model-free (ORB)</option>
          <option value="alike">ALIKE-N (model file)</option>
          <option value="xfeat">XFeat (model file)</option>
        </select>
      </label>
      {features !== 'none' && <ModelPicker choice={models[features]} manifest={FEATURE_MANIFESTS[features]} disabled={running} testId="poses-model" />}
      {needsModel && (
        <p className="train-note" data-testid="poses-needs-model">
          {needsModel}
        </p>
      )}
      <StageRunButton stage="poses" running={running} onCancel={cancel} onStart={() => void start()} startLabel={run ? 'Place again' : 'Place photos'} />
    </div>
  );
}
