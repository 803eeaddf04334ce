/**
 * The Train panel's Quality setting (fast / balanced / best: src/recon/train/qualityPresets.ts),
 * each with the time it takes at the timed speed, and under "Advanced" the switches it sets (the
 * sparse-view levers of TRAIN_OPTION_SPECS) for a researcher. Moving a switch off every level
 * shows the setting as "custom".
 */
import { useRef, useState } from 'react';
import { useNumberDraft } from './numberDraft.ts';
import { Term } from './Term.tsx';
import { formatDuration } from './trainEstimate.ts';
import { CO_REG_COST_PER_STEP, QUALITY_LEVELS, QUALITY_PRESETS, qualityOf, type LeverOptions, type QualityLevel } from '../recon/train/qualityPresets.ts';
import { DEFAULT_TRAIN_OPTIONS, TRAIN_OPTION_SPECS, type NumberSpec } from '../recon/train/trainOptions.ts';
import { priorSchedule, refreshSteps } from '../recon/prior/priorSchedule.ts';
import { ModelPicker } from './models/ModelPicker.tsx';
import { REPAIR_PRIOR_MANIFEST } from './models/manifests.ts';
import type { ModelChoice } from './models/useModelChoice.ts';
import { HiddenFileInput } from './HiddenFileInput.tsx';
import { readModelManifest, type ModelManifest } from '../models/modelManifest.ts';
import { describeError } from '../core/errors.ts';

interface Props {
  levers: LeverOptions;
  disabled: boolean;
  /** Time of a plain ('fast') run at the current steps and size, when steps were timed. */
  plainMs: number | null;
  onLevers: (levers: LeverOptions) => void;
  /** The repair prior's switch, its model file and its measured time per repair round (ms; null before a run used it). */
  prior: {
    on: boolean; onToggle: (on: boolean) => void; model: ModelChoice; roundMs: number | null; iterations: number;
    /** Another model's manifest, for a model dropped in instead of the project's (null: models/repair-prior.json). */
    manifest: ModelManifest | null; onManifest: (m: ModelManifest | null) => void;
  };
}

/** Time of a run at this level, from the plain run's. */
function levelMs(plainMs: number, level: QualityLevel): number {
  return plainMs * QUALITY_PRESETS[level].costPerStep;
}

/** Repair rounds in a run of `iterations` steps at the default prior schedule. */
export function repairRounds(iterations: number): number {
  return refreshSteps(priorSchedule({ ...DEFAULT_TRAIN_OPTIONS, iterations })).length;
}

export function QualityFields({ levers, disabled, plainMs, onLevers, prior }: Props) {
  const level = qualityOf(levers);
  const set = <K extends keyof LeverOptions>(k: K, v: LeverOptions[K]) => onLevers({ ...levers, [k]: v });
  return (
    <>
      <label className="train-field train-field-inline">
        <span>
          <Term id="quality">Quality</Term>
        </span>
        <select
          value={level ?? 'custom'}
          disabled={disabled}
          data-testid="train-quality"
          title={level ? QUALITY_PRESETS[level].doc : 'the advanced switches below are set by hand'}
          onChange={(e) => {
            const q = e.target.value as QualityLevel;
            if (QUALITY_LEVELS.includes(q)) onLevers({ ...QUALITY_PRESETS[q].levers });
          }}
        >
          {QUALITY_LEVELS.map((q) => (
            <option key={q} value={q} title={QUALITY_PRESETS[q].doc}>
              {QUALITY_PRESETS[q].label}
              {plainMs !== null ? ` (about ${formatDuration(levelMs(plainMs, q))})` : ''}
            </option>
          ))}
          {!level && <option value="custom">custom</option>}
        </select>
      </label>
      <details className="train-advanced" data-testid="train-advanced">
        <summary>Advanced</summary>
        <label className="train-field">
          <span title={TRAIN_OPTION_SPECS.densifySchedule.doc}>Densify schedule</span>
          <select
            value={levers.densifySchedule}
            disabled={disabled}
            data-testid="train-densify-schedule"
            title={TRAIN_OPTION_SPECS.densifySchedule.doc}
            onChange={(e) => set('densifySchedule', e.target.value as LeverOptions['densifySchedule'])}
          >
            {TRAIN_OPTION_SPECS.densifySchedule.choices.map((c) => (
              <option key={c} value={c}>{c}</option>
            ))}
          </select>
        </label>
        <FloatField label="Dropout" spec={TRAIN_OPTION_SPECS.dropout} value={levers.dropout} disabled={disabled} testId="train-dropout" onValue={(v) => set('dropout', v)} />
        <FloatField label="Scale reg." spec={TRAIN_OPTION_SPECS.scaleReg} value={levers.scaleReg} disabled={disabled} testId="train-scale-reg" onValue={(v) => set('scaleReg', v)} />
        <FloatField label="Opacity reg." spec={TRAIN_OPTION_SPECS.opacityReg} value={levers.opacityReg} disabled={disabled} testId="train-opacity-reg" onValue={(v) => set('opacityReg', v)} />
        <FloatField label="Anisotropy reg." spec={TRAIN_OPTION_SPECS.anisoReg} value={levers.anisoReg} disabled={disabled} testId="train-aniso-reg" onValue={(v) => set('anisoReg', v)} />
        <FloatField label="Final prune" spec={TRAIN_OPTION_SPECS.finalPrune} value={levers.finalPrune} disabled={disabled} testId="train-final-prune" onValue={(v) => set('finalPrune', v)} />
        <FloatField label="Photo-consistency" spec={TRAIN_OPTION_SPECS.photoConsistencyWeight} value={levers.photoConsistencyWeight} disabled={disabled} testId="train-photo-consistency" onValue={(v) => set('photoConsistencyWeight', v)} />
        <label className="train-field train-check" title={TRAIN_OPTION_SPECS.coReg.doc}>
          <span>
            <input type="checkbox" checked={levers.coReg} disabled={disabled} data-testid="train-co-reg" onChange={(e) => set('coReg', e.target.checked)} /> Co-regularisation
          </span>
        </label>
        {levers.coReg && (
          <p className="train-note" data-testid="train-co-reg-cost">
            two clouds trained together: about {CO_REG_COST_PER_STEP}x the time per step{plainMs !== null ? ` (about ${formatDuration(plainMs * CO_REG_COST_PER_STEP)} at these settings)` : ''}
          </p>
        )}
        <RepairPriorField prior={prior} disabled={disabled} />
      </details>
    </>
  );
}

/**
 * The repair prior's switch (issue 15) with what it costs: the measured time of one repair round
 * (in the prior worker, beside the training) times the rounds of a run at these steps; and, when
 * on, the picker of its model file (models/repair-prior.json: the app asks for the file until the
 * trained model is served with it).
 */
function RepairPriorField({ prior, disabled }: { prior: Props['prior']; disabled: boolean }) {
  const manifestInput = useRef<HTMLInputElement>(null);
  const [manifestError, setManifestError] = useState<string | null>(null);
  const rounds = repairRounds(prior.iterations);
  const manifest = prior.manifest ?? REPAIR_PRIOR_MANIFEST;
  const cost = prior.roundMs !== null
    ? `${rounds} repair round${rounds === 1 ? '' : 's'} of about ${formatDuration(prior.roundMs)} each (measured), beside the training`
    : `${rounds} repair round${rounds === 1 ? '' : 's'}; their time is measured on the first run with it`;
  return (
    <div className="train-prior" data-testid="train-prior">
      <label className="train-field train-check" title={TRAIN_OPTION_SPECS.repairPrior.doc}>
        <span>
          <input type="checkbox" checked={prior.on} disabled={disabled} data-testid="train-repair-prior" onChange={(e) => prior.onToggle(e.target.checked)} /> Repair prior
        </span>
      </label>
      <p className="train-note" data-testid="train-prior-cost" data-round-ms={prior.roundMs === null ? '' : Math.round(prior.roundMs)}>
        {cost}
      </p>
      {prior.on && (
        <>
          <ModelPicker choice={prior.model} manifest={manifest} disabled={disabled} testId="train-prior-model" />
          {/* Another model keeping the contract comes with its own manifest (its hash, sizes, sampler defaults). */}
          <p className="train-note" data-testid="train-prior-manifest">
            Manifest: {prior.manifest ? `${prior.manifest.name} (dropped in)` : 'models/repair-prior.json'}{' '}
            <button type="button" className="link" disabled={disabled} data-testid="train-prior-manifest-open" onClick={() => manifestInput.current?.click()}>
              another model's…
            </button>
            {prior.manifest && (
              <>
                {' '}
                <button type="button" className="link" disabled={disabled} onClick={() => prior.onManifest(null)}>
                  back to the project's
                </button>
              </>
            )}
          </p>
          {manifestError && <p className="train-note model-error" role="alert">{manifestError}</p>}
          <HiddenFileInput
            ref={manifestInput}
            accept=".json"
            testId="train-prior-manifest-input"
            onFile={(f) =>
              void f.arrayBuffer().then(
                (b) => {
                  try {
                    const m = readModelManifest(new Uint8Array(b), f.name);
                    if (!m.prior) throw new Error(`${f.name}: not a repair-prior manifest (it has no "prior" object)`);
                    setManifestError(null);
                    prior.onManifest(m);
                  } catch (e) {
                    setManifestError(describeError(e));
                  }
                },
                (e: unknown) => setManifestError(describeError(e)),
              )
            }
          />
        </>
      )}
    </div>
  );
}

/**
 * A number input for a training option: the value is taken while it is a number in the option's
 * range, and the field shows the value in force again when it loses focus. Its tooltip is the
 * option's doc and range.
 */
function FloatField({ label, spec, value, disabled, testId, onValue }: {
  label: string;
  spec: NumberSpec;
  value: number;
  disabled: boolean;
  testId: string;
  onValue: (v: number) => void;
}) {
  const valid = (t: string) => t.trim() !== '' && Number.isFinite(Number(t)) && Number(t) >= spec.min && Number(t) <= spec.max;
  const draft = useNumberDraft(value, valid, onValue);
  return (
    <label className="train-field">
      <span title={spec.doc}>{label}</span>
      <input
        type="number"
        min={spec.min}
        max={spec.max}
        step="any"
        {...draft}
        disabled={disabled}
        title={`${spec.doc}: ${spec.min} to ${spec.max}`}
        data-testid={testId}
      />
    </label>
  );
}
