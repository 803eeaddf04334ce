/**
 * The Train stage's controls: settings, Reconstruct / Cancel, progress, live loss and PSNR,
 * splat count, elapsed time (the Cloud panel saves the result). Without WebGPU it explains which browsers and flags work.
 */
import { useEffect, useState } from 'react';
import { QualityFields } from './QualityFields.tsx';
import { useNumberDraft } from './numberDraft.ts';
import { ImageCanvas } from './evaluate/ImageCanvas.tsx';
import { Sparkline } from './Sparkline.tsx';
import { Term } from './Term.tsx';
import { cameraPrepassMs, formatDuration, msPerStepAt, runMs, timeLeftMs } from './trainEstimate.ts';
import { qualityOf, stepCostOf } from '../recon/train/qualityPresets.ts';
import { TRAIN_OPTION_SPECS, UNMASKED_START, type IntSpec, type TrainOptions } from '../recon/train/trainOptions.ts';
import { FIRST_RUN_BUDGET_MS, settingsSteps, trainSize, type RunStatus, type Training, type TrainSize } from './useTraining.ts';

interface Props {
  training: Training;
  sceneName: string;
}

/** A run in the app trains at least one step (0, the initialisation only, is for the CLI). */
const MIN_APP_STEPS = 1;

type TrainSettingsInit = TrainOptions['init'];

const INIT_TEXT: Record<TrainSettingsInit, string> = { hull: 'visual hull', stereo: 'stereo-point', random: 'random' };

const STATUS_TEXT: Record<RunStatus, string> = {
  starting: 'Starting',
  running: 'Training',
  finished: 'Finished',
  cancelled: 'Cancelled',
  failed: 'Stopped',
};

export function TrainPanel({ training, sceneName }: Props) {
  const { gpu, plan, settings, setSettings, run, running, start, cancel, probing } = training;
  const now = useNow(running);

  if (gpu && !gpu.ok) {
    return (
      <div className="train" data-testid="train-panel">
        <p className="train-gpu-missing" role="note" data-testid="train-gpu-message">
          {gpu.message}
        </p>
        <button type="button" className="btn primary" disabled data-testid="train-start">
          Reconstruct
        </button>
      </div>
    );
  }

  const canStart = !!gpu?.ok && !plan.problem && !running && !probing;
  const chosen = plan.width > 0 ? trainSize(plan, settings.size) : null;
  // The timed speed is that of the plain trainer (the timing runs use no levers): each Quality
  // level's time is that times its measured cost per step.
  const steps = settingsSteps(settings, plan.trainIds.length);
  const plainMs = training.speed && chosen ? runMs(training.speed, chosen.width * chosen.height, steps) : null;
  // Guessed cameras: the run begins with the camera pre-pass, a short run of its own at a small size.
  const prepassMs = training.speed && chosen && plan.guessedIds.length > 0 ? cameraPrepassMs(training.speed, chosen, steps) : 0;
  const estimateMs = plainMs !== null ? plainMs * stepCostOf(settings.levers) + prepassMs : null;
  const leftMs = running && run ? timeLeftMs(run.history, run.settings.iterations) : null;
  const hullOk = !plan.hullProblem;
  const init = settings.init === 'hull' && !hullOk ? UNMASKED_START : settings.init;
  const last = run?.history.at(-1);
  // In the camera pre-pass (guessed cameras), its own steps are shown; the run proper's count from 0 after it.
  const prepass = running && last?.phase === 'cameras' ? last : null;
  const iterations = run?.settings.iterations ?? steps;
  const step = run?.result ? run.result.stepsDone : (last?.step ?? 0);
  const elapsed = run ? ((run.endedAt ?? now) - run.startedAt) / 1000 : 0;
  const splats = run?.result?.cloud?.count ?? last?.splats;
  const sizeLabel = (s: TrainSize) => {
    const { width, height } = trainSize(plan, s);
    return `${s === 'full' ? 'full' : s === 'half' ? '½' : '¼'} (${width}×${height})`;
  };

  return (
    <div className="train" data-testid="train-panel">
      {running && run ? (
        // While it runs the settings cannot change: one line says what they are, so the progress and plots fit.
        <p className="train-note" data-testid="train-settings-summary">
          {run.settings.iterations.toLocaleString('en')} steps · {INIT_TEXT[run.settings.init]} start · {run.width}×{run.height} ·{' '}
          {run.settings.initSplats.toLocaleString('en')} start splats · {qualityOf(run.settings.levers) ?? 'custom'} quality
        </p>
      ) : (
      <div className="train-settings">
        {/* Not a <label>: its first labelable child would be the "by views" button, and a click on
            the label would then set the steps back to the view count's. The input is named by aria-label. */}
        <div className="train-field">
          <span>
            <Term id="steps">Steps</Term>{' '}
            <StepsSource byViews={!!settings.stepsByViews} views={plan.trainIds.length} disabled={running || probing}
              onByViews={() => setSettings((s) => ({ ...s, stepsByViews: true }))} />
          </span>
          <NumberField
            spec={TRAIN_OPTION_SPECS.iterations}
            min={MIN_APP_STEPS}
            value={steps}
            disabled={running || probing}
            testId="train-iterations"
            label="Steps"
            onValue={(v) => setSettings((s) => (v === settingsSteps(s, plan.trainIds.length) ? s : { ...s, iterations: v, stepsByViews: false }))}
          />
        </div>
        <label className="train-field">
          <span>
            <Term id="startFrom">Start from</Term>
          </span>
          <select
            value={init}
            disabled={running || probing}
            data-testid="train-init"
            onChange={(e) => setSettings((s) => ({ ...s, init: e.target.value as TrainSettingsInit }))}
          >
            <option value="hull" disabled={!hullOk} title={plan.hullProblem ?? 'Splats on the surface of the shape carved from the masks'}>
              visual hull
            </option>
            <option value="stereo" title="Splats where the photos agree on a surface (a plane sweep through the scene's box; needs no masks), the rest at random">
              stereo points
            </option>
            <option value="random">random splats</option>
          </select>
        </label>
        <label className="train-field">
          <span>
            <Term id="trainingSize">Training size</Term>
          </span>
          <select
            value={settings.size}
            disabled={running || probing || !plan.width}
            data-testid="train-size"
            onChange={(e) => setSettings((s) => ({ ...s, size: e.target.value as TrainSize }))}
          >
            {plan.width > 0 ? (
              (['full', 'half', 'quarter'] as const).map((s) => (
                <option key={s} value={s}>
                  {sizeLabel(s)}
                </option>
              ))
            ) : (
              // Without cameras there is no training view to take the size from yet.
              <option value={settings.size}>set by the photos, once placed</option>
            )}
          </select>
        </label>
        <label className="train-field">
          <span>
            <Term id="startSplats">Start splats</Term>
          </span>
          <NumberField
            spec={TRAIN_OPTION_SPECS.initSplats}
            step={100}
            value={settings.initSplats}
            disabled={running || probing}
            testId="train-splats"
            onValue={(v) => setSettings((s) => ({ ...s, initSplats: v }))}
          />
        </label>
        <QualityFields
          levers={settings.levers}
          disabled={running || probing}
          plainMs={plainMs}
          onLevers={(levers) => setSettings((s) => ({ ...s, levers }))}
          prior={{
            on: !!settings.repairPrior, onToggle: (on) => setSettings((s) => ({ ...s, repairPrior: on })), model: training.priorModel,
            roundMs: training.priorRoundMs, iterations: steps,
            manifest: training.priorManifest, onManifest: training.setPriorManifest,
          }}
        />
      </div>
      )}
      {/* Before a run: how long it takes (once steps were timed), else which views it trains on. */}
      {!running && canEstimate(training) && (probing || estimateMs !== null) ? (
        <EstimateLine training={training} estimateMs={estimateMs} />
      ) : !running && plan.problem && (
      // Which views it trains on is on the thumbnails and the Reconstruct button's tooltip: the
      // line is kept for what stops a run, so that the sidebar fits 1280x720.
      <p className="train-note">{plan.problem}</p>
      )}
      <div className="train-actions">
        {running ? (
          <button type="button" className="btn" onClick={cancel} data-testid="train-cancel">
            Cancel
          </button>
        ) : (
          <button
            type="button"
            // The page's next step is the primary button: once a run has made a cloud, that is Evaluate.
            className={run?.result?.cloud ? 'btn' : 'btn primary'}
            onClick={() => void start()}
            disabled={!canStart}
            data-testid="train-start"
            title={!gpu ? 'Checking WebGPU…' : (plan.problem ?? `Train 3D Gaussians on ${plan.trainIds.length} view${plan.trainIds.length === 1 ? '' : 's'}: ${plan.trainIds.join(', ')} (the split below)`)}
          >
            {run ? 'Reconstruct again' : 'Reconstruct'}
          </button>
        )}
        {!running && !probing && canEstimate(training) && !training.speed && (
          <button
            type="button"
            className="btn"
            onClick={() => void training.estimate()}
            data-testid="train-estimate-start"
            title="Runs a few training steps at two sizes (seconds to a minute), then says how long a run takes here and picks a size and step count that finish in a few minutes"
          >
            How long?
          </button>
        )}
        {training.probe?.message && !probing && <span className="train-checking">Timing {training.probe.message}.</span>}
        {!gpu && <span className="train-checking">Checking WebGPU…</span>}
      </div>
      {run && (
        <div className="train-run" data-testid="train-run" data-status={run.status} data-resumed-from={run.resumedFrom ?? ''} data-checkpoint-step={run.checkpointStep ?? ''} data-recovered={run.recovered}>
          <div className="train-progress">
            <progress max={prepass ? prepass.iterations : iterations} value={prepass ? prepass.step : step} data-testid="train-progress" />
            <span data-testid="train-step" data-step={step}>
              {prepass ? `camera pre-pass: step ${prepass.step} / ${prepass.iterations}` : `step ${step} / ${iterations}`}
            </span>
            {run.checkpointStep !== null && (
              <span className="train-left" data-testid="train-checkpoint" title="The run is kept in this browser up to this step: after a reload it can go on from there">
                kept at step {run.checkpointStep}
                {run.resumedFrom !== null ? ` · resumed from ${run.resumedFrom}` : ''}
              </span>
            )}
            {running && (
              <span className="train-left" data-testid="train-time-left" data-ms={leftMs === null ? '' : Math.round(leftMs)}>
                {leftMs !== null ? `about ${formatDuration(leftMs)} left${prepass ? ' of the pre-pass' : ''}` : 'timing…'}
              </span>
            )}
          </div>
          <div className="train-status" data-testid="train-status">
            <span className={`train-badge train-${run.status}`}>{STATUS_TEXT[run.status]}</span>
            <span className="train-status-text">
              {run.status === 'starting'
                ? run.settings.init === 'hull'
                  ? 'carving the visual hull and compiling GPU kernels…'
                  : run.settings.init === 'stereo'
                    ? 'finding stereo points and compiling GPU kernels…'
                    : 'placing random splats and compiling GPU kernels…'
                : run.status === 'cancelled'
                  ? run.result?.cameraPrepass?.stopped ? `cancelled in the camera pre-pass, at its step ${run.result.cameraPrepass.steps}` : `cancelled at step ${step}`
                  : run.status === 'failed'
                    ? run.message
                    : prepass
                      ? `refining the ${plan.guessedIds.length === 1 ? 'guessed camera' : `${plan.guessedIds.length} guessed cameras`} first, in a short run at a small size whose splats are then discarded`
                      : `${run.width}×${run.height}, ${run.views} views`}
            </span>
          </div>
          <dl className="facts train-facts">
            <dt>Splats</dt>
            <dd data-testid="train-splat-count">{splats !== undefined ? splats.toLocaleString('en') : '–'}</dd>
            <dt>Elapsed</dt>
            <dd data-testid="train-elapsed">{elapsed.toFixed(1)} s</dd>
            {run.result?.cameraPrepass && (
              <>
                <dt>Camera pre-pass</dt>
                <dd data-testid="train-camera-prepass" title="The guessed cameras were refined first in a short run at a small size, whose splats were then discarded">
                  {run.result.cameraPrepass.steps} steps at {run.result.cameraPrepass.width}×{run.result.cameraPrepass.height}, {(run.result.cameraPrepass.wallMs / 1000).toFixed(1)} s
                </dd>
              </>
            )}
            {last && (
              <>
                <dt>Speed</dt>
                <dd>{last.step > 0 ? `${(last.elapsedMs / last.step).toFixed(0)} ms / step (incl. start)` : '–'}</dd>
              </>
            )}
          </dl>
          {training.repairPreview && <RepairPair p={training.repairPreview} />}
          {/* The input views' steps only: a pseudo view's loss is against a repaired image, not a photo (and the camera pre-pass trains another cloud). */}
          <div className="train-plots" data-testid="train-plot">
            <Sparkline
              title="Loss (lower is better)"
              testId="train-plot-loss"
              points={inputSteps(run.history).map((p) => [p.step, p.loss])}
              maxStep={iterations}
              format={(v) => v.toFixed(4)}
              color="#ffa94d"
            />
            <Sparkline
              title="Train PSNR ↑"
              term="psnr"
              testId="train-plot-psnr"
              points={inputSteps(run.history).map((p) => [p.step, p.psnr])}
              maxStep={iterations}
              format={(v) => `${v.toFixed(2)} dB`}
              color="#4cc2ff"
            />
          </div>
        </div>
      )}
    </div>
  );
}

/** Progress of steps that trained on an input photo (not on a repair prior's pseudo view). */
function inputSteps<T extends { pseudoView?: number; phase: string }>(history: T[]): T[] {
  return history.filter((p) => p.pseudoView === undefined && p.phase !== 'cameras');
}

/** The repair prior at work: one novel view of the last round, rendered and repaired. */
function RepairPair({ p }: { p: NonNullable<Training['repairPreview']> }) {
  return (
    <figure className="train-repair" data-testid="train-repair-pair" data-step={p.step}>
      <ImageCanvas width={p.width} height={p.height} rgba={p.before} testId="train-repair-before" label={`novel view at step ${p.step}, rendered`} />
      <ImageCanvas width={p.width} height={p.height} rgba={p.after} testId="train-repair-after" label={`the same view repaired by the prior`} />
      <figcaption className="train-note">
        Novel view before / after repair (step {p.step}, weight {p.weight.toFixed(2)}); {p.views} views repaired in {(p.repairMs / 1000).toFixed(1)} s
        {p.waitMs > 1 ? `, training waited ${(p.waitMs / 1000).toFixed(1)} s` : ', while training went on'}.
      </figcaption>
    </figure>
  );
}

/** The estimate can be shown or measured: WebGPU works and the scene can train. */
function canEstimate({ gpu, plan }: Training): boolean {
  return !!gpu?.ok && !plan.problem && plan.width > 0;
}

/**
 * Before a run: how long it would take at these settings (from timed steps: a timing run, or the
 * last run), or, while steps are timed, at which sizes (with Cancel). The "How long?" button
 * that starts the timing sits next to Reconstruct.
 */
function EstimateLine({ training, estimateMs }: { training: Training; estimateMs: number | null }) {
  const { probe, probing, cancel, speed, plan, settings } = training;
  if (probing)
    return (
      <div className="train-estimate" data-testid="train-estimate-line" data-state="running">
        <span>Timing a few steps at {probe!.sizes.map((s) => `${s.width}×${s.height}`).join(' and ')}…</span>
        <button type="button" className="btn small" onClick={cancel} data-testid="train-estimate-cancel">
          Cancel
        </button>
      </div>
    );
  if (speed && estimateMs !== null) {
    const px = trainSize(plan, settings.size);
    const perStep = msPerStepAt(speed, px.width * px.height);
    const picked = probe?.status === 'done' && probe.picked;
    return (
      <p className="train-note train-estimate" data-testid="train-estimate-line" data-state="done" data-ms={Math.round(estimateMs)}>
        <b data-testid="train-estimate">About {formatDuration(estimateMs)}</b> at these settings · {perStep < 10 ? perStep.toFixed(1) : perStep.toFixed(0)} ms a step
        {probe?.model ? ' (timed here)' : ' (last run)'}, more as splats are added.
        {picked && ` Size and steps picked to take at most ${formatDuration(FIRST_RUN_BUDGET_MS)}.`}
      </p>
    );
  }
  return null;
}

/**
 * Where the step count comes from: the number of training views (the default, measured per view
 * count: stepCount.ts), or a count typed or picked by the timing run, with a way back.
 */
function StepsSource({ byViews, views, disabled, onByViews }: { byViews: boolean; views: number; disabled: boolean; onByViews: () => void }) {
  if (byViews)
    return (
      <small className="train-steps-source" data-testid="train-steps-source" title="Fewer views over-fit with more steps; more views keep gaining: the default is measured per view count">
        {views > 0 ? `by ${views} view${views === 1 ? '' : 's'}` : 'by the views'}
      </small>
    );
  return (
    <button type="button" className="link train-steps-source" disabled={disabled} data-testid="train-steps-by-views" onClick={onByViews}
      title="Set the steps from the number of training views again">
      by views
    </button>
  );
}

/**
 * An integer input for a training option that lets the user clear it and type: the value is taken
 * while it is a whole number in the option's range (TRAIN_OPTION_SPECS; `min` raises its lower
 * bound), and the field shows the value in force again when it loses focus. Its tooltip is the
 * option's doc and range.
 */
function NumberField({ spec, value, min: minAbove, step = 1, disabled, testId, label, onValue }: {
  spec: IntSpec;
  /** Its accessible name, when it is not inside a <label>. */
  label?: string;
  value: number;
  min?: number;
  step?: number;
  disabled?: boolean;
  testId: string;
  onValue: (v: number) => void;
}) {
  const min = Math.max(spec.min, minAbove ?? spec.min);
  const max = spec.max;
  const valid = (t: string) => /^\s*\d+\s*$/.test(t) && Number(t) >= min && Number(t) <= max;
  const draft = useNumberDraft(value, valid, onValue);
  return (
    <input
      type="number"
      inputMode="numeric"
      min={min}
      max={max}
      step={step}
      {...draft}
      disabled={disabled}
      title={`${capitalised(spec.doc)}: ${min.toLocaleString('en')} to ${max.toLocaleString('en')}`}
      aria-label={label}
      data-testid={testId}
    />
  );
}

function capitalised(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** performance.now(), refreshed every 200 ms while `active`. */
function useNow(active: boolean): number {
  const [now, setNow] = useState(() => performance.now());
  useEffect(() => {
    if (!active) return;
    setNow(performance.now());
    const id = setInterval(() => setNow(performance.now()), 200);
    return () => clearInterval(id);
  }, [active]);
  return now;
}
