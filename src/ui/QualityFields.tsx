/**
 * The Train panel's Quality setting (fast / balanced / best: src/recon/train/qualityPresets.ts),
 * each with the time it takes at the timed speed, and under "Advanced" the switches it sets (the
 * sparse-view levers of TRAIN_OPTION_SPECS) for a researcher. Moving a switch off every level
 * shows the setting as "custom".
 */
import { useNumberDraft } from './numberDraft.ts';
import { Term } from './Term.tsx';
import { formatDuration } from './trainEstimate.ts';
import { QUALITY_LEVELS, QUALITY_PRESETS, qualityOf, type LeverOptions, type QualityLevel } from '../recon/train/qualityPresets.ts';
import { TRAIN_OPTION_SPECS, type NumberSpec } from '../recon/train/trainOptions.ts';

interface Props {
  levers: LeverOptions;
  disabled: boolean;
  /** Time of a plain ('fast') run at the current steps and size, when steps were timed. */
  plainMs: number | null;
  onLevers: (levers: LeverOptions) => void;
}

/** Time of a run at this level, from the plain run's. */
export function levelMs(plainMs: number, level: QualityLevel): number {
  return plainMs * QUALITY_PRESETS[level].costPerStep;
}

export function QualityFields({ levers, disabled, plainMs, onLevers }: Props) {
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
      </details>
    </>
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
