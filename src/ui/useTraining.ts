/**
 * The Train stage in the app: whether it can run here (WebGPU, cameras, masks), its settings,
 * one run at a time in the train worker, its progress, previews and result. Opening another scene
 * cancels a run and forgets its result.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { resizeCamera, type Camera } from '../core/camera.ts';
import { describeError, isInputError } from '../core/errors.ts';
import type { LoadedScene } from '../io/sceneFolder.ts';
import { guessedViewIds, prepareSplit } from '../recon/prepareViews.ts';
import type { TrainProgress, TrainView } from '../recon/train/trainer.ts';
import { DEFAULT_TRAIN_OPTIONS, TRAIN_OPTION_SPECS, UNMASKED_START, type TrainOptions } from '../recon/train/trainOptions.ts';
import { isOutOfGpuMemory } from '../recon/train/outOfMemory.ts';
import { getTrainClient, type GpuStatus, type PreviewFrame, type TrainRunResult } from './trainClient.ts';
import { useLatest, type Notify, logUnexpected } from './notify.ts';
import type { TrainCheckpoint } from '../recon/train/checkpoint.ts';
import { LEVER_KEYS, stepCostOf, type LeverOptions } from '../recon/train/qualityPresets.ts';
import { defaultSteps } from '../recon/train/stepCount.ts';
import { fitBudget, fitSpeed, timedSteps, type SpeedModel, type TimedSteps } from './trainEstimate.ts';
import type { RepairPreview } from '../recon/train/trainSession.ts';
import { useModelChoice } from './models/useModelChoice.ts';
import { getPriorClient, priorRepairCallback } from './priorClient.ts';
import { REPAIR_PRIOR_MANIFEST } from './models/manifests.ts';
import type { ModelManifest } from '../models/modelManifest.ts';

export type TrainInit = TrainOptions['init'];
export type TrainSize = 'full' | 'half' | 'quarter';

/**
 * The training options the app offers (the rest keep DEFAULT_TRAIN_OPTIONS), and the training
 * size. `levers` are the Quality setting's switches (qualityPresets.ts); `maxSplats` only when a
 * run out of GPU memory lowered it (oomFallback).
 */
export type TrainSettings = Pick<TrainOptions, 'iterations' | 'init' | 'initSplats'> & {
  size: TrainSize;
  levers: LeverOptions;
  maxSplats?: number;
  /** The learned repair prior (issue 15): needs its model file (useTraining's priorModel). */
  repairPrior?: boolean;
  /**
   * The step count follows the number of training views (defaultSteps) until one is typed or
   * picked by the timing run; `iterations` is then the step count. A run's own settings always
   * hold the resolved count (settingsSteps), so a kept session resumes with the steps it had.
   */
  stepsByViews?: boolean;
};

export const DEFAULT_TRAIN_SETTINGS: TrainSettings = {
  iterations: DEFAULT_TRAIN_OPTIONS.iterations,
  init: DEFAULT_TRAIN_OPTIONS.init,
  initSplats: DEFAULT_TRAIN_OPTIONS.initSplats,
  size: 'full',
  levers: Object.fromEntries(LEVER_KEYS.map((k) => [k, DEFAULT_TRAIN_OPTIONS[k]])) as LeverOptions,
  stepsByViews: true,
};

/** The steps a run with these settings trains on `viewCount` training views. */
export function settingsSteps(s: TrainSettings, viewCount: number): number {
  return s.stepsByViews ? defaultSteps(viewCount) : s.iterations;
}

export const SIZE_FACTORS: Record<TrainSize, number> = { full: 1, half: 0.5, quarter: 0.25 };

export interface TrainPlan {
  /** Why training cannot start on this scene and split, or null. */
  problem: string | null;
  /** Why the visual-hull start cannot be used, or null. */
  hullProblem: string | null;
  trainIds: string[];
  /** Of trainIds, the views whose cameras the poses stage only guessed (refined in training, after the camera pre-pass). */
  guessedIds: string[];
  /** Size of the first training view (full size). */
  width: number;
  height: number;
}

/** What a run would train on: the split's train views (every posed view without splits). */
export function planTraining(scene: LoadedScene | null, split: string | null): TrainPlan {
  const none = { hullProblem: null, trainIds: [], guessedIds: [], width: 0, height: 0 };
  if (!scene) return { problem: 'Open a scene first.', ...none };
  const s = split ? scene.manifest.splits[split] : undefined;
  const ids = s ? s.train : scene.views.filter((v) => v.camera).map((v) => v.id);
  const byId = new Map(scene.views.map((v) => [v.id, v]));
  const views = ids.map((id) => byId.get(id)).filter((v) => !!v);
  if (views.length === 0 || !views.some((v) => v.camera))
    return { problem: 'Training needs photos with cameras: the Poses stage places dropped photos once their masks are found (or open a scene folder with cameras).', ...none };
  const unposed = views.filter((v) => !v.camera).map((v) => v.id);
  if (unposed.length > 0)
    return { problem: `Training views without a camera: ${unposed.join(', ')} (the Poses stage has not placed them: see why there, or pick another split).`, ...none };
  const unmasked = views.filter((v) => !v.maskData).map((v) => v.id);
  const hullProblem = unmasked.length > 0 ? `The visual-hull start needs a mask for every training view (${unmasked.join(', ')} ha${unmasked.length === 1 ? 's' : 've'} none).` : null;
  const problem = hullProblem && !scene.manifest.bounds ? 'Training needs masks or object bounds in scene.json to know where the object is.' : null;
  const trainIds = views.map((v) => v.id);
  return { problem, hullProblem, trainIds, guessedIds: guessedViewIds(scene, trainIds), width: views[0].rgba.width, height: views[0].rgba.height };
}

export function trainSize(plan: TrainPlan, size: TrainSize): { width: number; height: number } {
  const f = SIZE_FACTORS[size];
  return { width: Math.max(16, Math.round(plan.width * f)), height: Math.max(16, Math.round(plan.height * f)) };
}

/** Tries again smaller after running out of GPU memory at most this often per run. */
export const MAX_OOM_RETRIES = 2;

const SMALLER: Record<TrainSize, TrainSize | null> = { full: 'half', half: 'quarter', quarter: null };

/**
 * What to try after the run's GPU buffers did not fit: the next smaller training size, or, at the
 * smallest, half the splat budget (start splats and the most densification may grow to); with the
 * one line that says so. Null when nothing is smaller.
 */
export function oomFallback(plan: TrainPlan, s: TrainSettings): { settings: TrainSettings; message: string } | null {
  const at = trainSize(plan, s.size);
  const next = SMALLER[s.size];
  if (next) {
    const to = trainSize(plan, next);
    return { settings: { ...s, size: next }, message: `Out of GPU memory at ${at.width}×${at.height}; training at ${to.width}×${to.height} instead.` };
  }
  const minInit = TRAIN_OPTION_SPECS.initSplats.min;
  const minMax = TRAIN_OPTION_SPECS.maxSplats.min;
  const maxSplats = s.maxSplats ?? DEFAULT_TRAIN_OPTIONS.maxSplats;
  const halved = { initSplats: Math.max(minInit, Math.floor(s.initSplats / 2)), maxSplats: Math.max(minMax, Math.floor(maxSplats / 2)) };
  if (halved.initSplats === s.initSplats && halved.maxSplats === maxSplats) return null;
  return {
    settings: { ...s, ...halved },
    message: `Out of GPU memory at ${at.width}×${at.height} with ${s.initSplats.toLocaleString('en')} start splats (at most ${maxSplats.toLocaleString('en')}); training with ${halved.initSplats.toLocaleString('en')} (at most ${halved.maxSplats.toLocaleString('en')}) instead.`,
  };
}

/** Progress reports per run: every step for short runs, every 10 for long ones. */
export function progressEvery(iterations: number): number {
  return Math.max(1, Math.min(10, Math.round(iterations / 100)));
}

export type RunStatus = 'starting' | 'running' | 'finished' | 'cancelled' | 'failed';

/** Steps of each timing run (the first one carries the start; the others are timed). */
export const PROBE_STEPS = 5;
/** What a first run should take at most: the settings picked from the timed steps fit this. */
export const FIRST_RUN_BUDGET_MS = 3 * 60_000;

/** A few timed steps before the first run (estimate()), and what was picked from them. */
export interface SpeedProbe {
  status: 'running' | 'done' | 'failed' | 'cancelled';
  /** The sizes being (or that were) timed. */
  sizes: { width: number; height: number }[];
  model: SpeedModel | null;
  /** The settings picked to fit FIRST_RUN_BUDGET_MS, when done. */
  picked: { size: TrainSize; iterations: number; ms: number } | null;
  message: string | null;
}

export interface TrainRun {
  status: RunStatus;
  settings: TrainSettings;
  split: string | null;
  width: number;
  height: number;
  views: number;
  history: TrainProgress[];
  startedAt: number;
  endedAt: number | null;
  result: TrainRunResult | null;
  /** Why the run ended early ('cancelled …' or the error), or null. */
  message: string | null;
  /** The step of the checkpoint the run went on from, or null for a fresh run. */
  resumedFrom: number | null;
  /** The step of the latest checkpoint kept, or null. */
  checkpointStep: number | null;
  /** How many times the run went on from its checkpoint after a lost device or a crashed worker. */
  recovered: number;
}

/** Goes on from the checkpoint after a lost device or crashed worker at most this often per run. */
export const MAX_RECOVERIES = 3;

/**
 * Where runs are kept (src/ui/sessions): `begin` before step 1 (its id, or null when nothing
 * will be kept, e.g. the quota is full), each checkpoint, and the end.
 */
export interface TrainPersistence {
  begin(run: { settings: TrainSettings; split: string | null }): Promise<string | null>;
  checkpoint(id: string, c: TrainCheckpoint): Promise<void>;
  end(id: string, status: RunStatus): void;
}

/** A run to go on with: its session, checkpoint and settings. */
export interface ResumeRequest {
  sessionId: string;
  checkpoint: TrainCheckpoint;
  settings: TrainSettings;
}

/** Training views with buffers of their own (they are transferred to the worker). */
function prepareViews(scene: LoadedScene, split: string | null, plan: TrainPlan, size: { width: number; height: number }): { views: TrainView[]; background: [number, number, number] } {
  const target = split && scene.manifest.splits[split] ? scene : { ...scene, manifest: { ...scene.manifest, splits: { all: { train: plan.trainIds, test: [] } } } };
  const prepared = prepareSplit(target, split && scene.manifest.splits[split] ? split : 'all', size);
  const owned = new Set<ArrayBufferLike>();
  for (const v of scene.views) {
    owned.add(v.rgba.data.buffer);
    if (v.maskData) owned.add(v.maskData.buffer);
  }
  const views = prepared.train.map((v) => ({
    ...v,
    rgba: owned.has(v.rgba.data.buffer) ? { ...v.rgba, data: v.rgba.data.slice() } : v.rgba,
    mask: v.mask && owned.has(v.mask.buffer) ? v.mask.slice() : v.mask,
  }));
  return { views, background: prepared.background };
}

/**
 * Cameras that are only guesses (the poses stage's object-centred start) are refined by the
 * trainer's photometric camera refinement (src/recon/train/cameraRefine.ts) whenever a run trains
 * on one of them: a guess is off by degrees, and a cloud fitted to a wrong camera is wrong between
 * the views. The refined cameras then replace the guesses in the scene the later stages use
 * (`onRefined`), so that a next run starts from them and a saved session keeps them.
 */
export interface CameraRefinement {
  /** After a run that refined them: every trained view's camera, in its photo's pixels, by view id. */
  onRefined: (cameras: Map<string, Camera>) => void;
}

/**
 * `scene` is the scene as training sees it (with the edited masks, and cameras once they are
 * known); `sceneKey` is what identifies the scene opened (default `scene`): only a new one cancels
 * a run and forgets its result, not an edit of its masks.
 */
export function useTraining(
  scene: LoadedScene | null, split: string | null, notify: Notify, sceneKey: unknown = scene, persistence?: TrainPersistence, cameraRefinement?: CameraRefinement,
) {
  const [gpu, setGpu] = useState<GpuStatus | null>(null);
  const [settings, setSettings] = useState<TrainSettings>(DEFAULT_TRAIN_SETTINGS);
  const [run, setRun] = useState<TrainRun | null>(null);
  const [preview, setPreview] = useState<PreviewFrame | null>(null);
  const [probe, setProbe] = useState<SpeedProbe | null>(null);
  /** The repair prior's model file, its last before/after pair and its measured time per round. */
  const priorModel = useModelChoice();
  /** Another repair model's manifest (a model dropped in instead of the project's), or null. */
  const [priorManifest, setPriorManifest] = useState<ModelManifest | null>(null);
  const [repairPreview, setRepairPreview] = useState<RepairPreview | null>(null);
  const [priorRoundMs, setPriorRoundMs] = useState<number | null>(null);
  // With the trained model committed (its manifest names its hash), the app serves it itself
  // (vite.config.ts ownModels): turning the prior on fetches it; the hash is checked in the worker.
  const priorWanted = !!settings.repairPrior;
  const { model: pickedPrior, loading: priorLoading, error: priorError, openUrl: openPriorUrl } = priorModel;
  useEffect(() => {
    if (priorWanted && !pickedPrior && !priorLoading && !priorError && REPAIR_PRIOR_MANIFEST.sha256) void openPriorUrl(`/models/${REPAIR_PRIOR_MANIFEST.file}`);
  }, [priorWanted, pickedPrior, priorLoading, priorError, openPriorUrl]);
  const abortRef = useRef<AbortController | null>(null);
  const runRef = useRef<TrainRun | null>(null);
  runRef.current = run;
  const notifyRef = useLatest(notify);
  const persistRef = useLatest(persistence);
  const refinementRef = useLatest(cameraRefinement);
  /** Id of the run whose outcome is still wanted (0: none), and the last run's promise. */
  const currentRun = useRef(0);
  const lastRun = useRef<Promise<unknown>>(Promise.resolve());
  /** The orbit camera as an OpenCV camera for previews (see Viewport's onViewCamera). */
  const cameraRef = useRef<Camera | null>(null);

  useEffect(() => {
    let live = true;
    void getTrainClient()
      .gpuStatus()
      .then((s) => live && setGpu(s));
    return () => {
      live = false;
    };
  }, []);

  // Another scene: cancel the run, forget its result (and say nothing more about it).
  useEffect(() => {
    abortRef.current?.abort();
    abortRef.current = null;
    currentRun.current = 0;
    setRun(null);
    setPreview(null);
    setProbe(null);
    getTrainClient().forget();
  }, [sceneKey]);

  const plan = useMemo(() => planTraining(scene, split), [scene, split]);
  const running = run?.status === 'starting' || run?.status === 'running';

  const start = useCallback(async (resume?: ResumeRequest) => {
    if (!scene || plan.problem || !gpu?.ok || abortRef.current) return;
    // A kept session's settings over the defaults: one written before a setting existed lacks it.
    // A session stored before a lever existed trained without it: finalPrune 0 unless it says.
    // A kept session trains the steps it was started with, whatever its view count's default is now.
    const chosen = resume ? { ...DEFAULT_TRAIN_SETTINGS, ...resume.settings, levers: { ...DEFAULT_TRAIN_SETTINGS.levers, ...resume.settings.levers, finalPrune: resume.settings.levers?.finalPrune ?? 0, photoConsistencyWeight: resume.settings.levers?.photoConsistencyWeight ?? 0 }, stepsByViews: false } : settings;
    if (resume) setSettings(chosen);
    // The run's settings hold the step count resolved (not "by views"), as sessions store them.
    const { stepsByViews: _byViews, ...fixed } = { ...chosen, iterations: settingsSteps(chosen, plan.trainIds.length) };
    let s: TrainSettings = { ...fixed, init: chosen.init === 'hull' && plan.hullProblem ? UNMASKED_START : chosen.init };
    // Guessed cameras, as the scene marks them (the poses stage's, via withCameras; scene:from-photos; a resumed session).
    const refineCameras = plan.guessedIds.length > 0;
    let trainedIds: string[] = [];
    let size = trainSize(plan, s.size);
    const ac = new AbortController();
    abortRef.current = ac;
    const runId = (currentRun.current = performance.now());
    const wanted = () => currentRun.current === runId;
    const base: TrainRun = {
      status: 'starting', settings: s, split, ...size, views: plan.trainIds.length, history: resume ? resume.checkpoint.history : [],
      startedAt: performance.now(), endedAt: null, result: null, message: null,
      resumedFrom: resume ? resume.checkpoint.step : null, checkpointStep: resume ? resume.checkpoint.step : null, recovered: 0,
    };
    setRun(base);
    setPreview(null);
    setRepairPreview(null);
    const mine = (f: (r: TrainRun) => TrainRun) => setRun((r) => (r && r.startedAt === base.startedAt ? f(r) : r));
    let settled: () => void = () => {};
    let sessionId: string | null = null;
    const previous = lastRun.current;
    lastRun.current = new Promise<void>((ok) => (settled = ok));
    try {
      // A run of the scene shown before may still be winding down in the worker.
      await previous;
      if (ac.signal.aborted) {
        mine((r) => ({ ...r, status: 'cancelled', endedAt: performance.now(), message: 'cancelled before step 1' }));
        return;
      }
      getTrainClient().setCamera(cameraRef.current);
      // The repair prior's model, loaded and checked in its worker before step 1 (a wrong file
      // fails here with its name and hash, not mid-run).
      const prior = s.repairPrior ? priorModel.model : null;
      if (s.repairPrior) {
        if (!prior) throw new Error('The repair prior is on but has no model: open its model file (Advanced, Repair prior), or turn it off.');
        await getPriorClient().load(prior, priorManifest);
      }
      const persist = persistRef.current;
      if (resume) sessionId = resume.sessionId;
      else if (persist) sessionId = await persist.begin({ settings: s, split }).catch((e: unknown) => (notifyRef.current.showError(e), null));
      const sid = sessionId;
      // The newest checkpoint of this run, kept here too: a lost GPU device or a crashed worker
      // goes on from it on a new device (or a new worker), without a reload.
      let latest: TrainCheckpoint | null = resume?.checkpoint ?? null;
      let res: TrainRunResult | null = null;
      let oomRetries = 0;
      for (let recoveries = 0; ; recoveries++) {
        const prepared = prepareViews(scene, split, plan, size);
        const background = prepared.background;
        // The guessed views carry cameraGuess from the scene: with refineCamerasOf 'guesses' (the default) only they move.
        const views = prepared.views;
        trainedIds = views.map((v) => v.id);
        const from = latest;
        let failure: string;
        try {
          res = await getTrainClient().train(
            {
              views,
              background,
              options: {
                ...s.levers,
                iterations: s.iterations, init: s.init, initSplats: s.initSplats, bounds: scene.manifest.bounds,
                ...(s.maxSplats !== undefined ? { maxSplats: s.maxSplats } : {}),
                ...(refineCameras ? { refineCameras: true } : {}),
                progressEvery: progressEvery(s.iterations),
                ...(prior ? { repairPrior: true } : {}),
              },
              ...(from ? { resume: from } : {}),
              checkpointEvery: 'auto',
            },
            ac.signal,
            {
              onProgress: (p) => {
                mine((r) => (r.result ? r : { ...r, status: 'running', history: [...r.history, p] }));
              },
              onPreview: (frame) => {
                if (wanted()) setPreview(frame);
              },
              ...(prior
                ? {
                  repair: priorRepairCallback((ms) => wanted() && setPriorRoundMs(ms)),
                  onRepairPreview: (p: RepairPreview) => {
                    if (wanted()) setRepairPreview(p);
                  },
                }
                : {}),
              onCheckpoint: (c) => {
                latest = c;
                if (!sid || !persist) return mine((r) => ({ ...r, checkpointStep: c.step }));
                persist
                  .checkpoint(sid, c)
                  .then(() => mine((r) => ({ ...r, checkpointStep: c.step })))
                  .catch((e: unknown) => notifyRef.current.showError(e));
              },
            },
          );
          if (res.stopped === null || res.stopped.startsWith('cancelled')) break;
          if (isOutOfGpuMemory(res.stopped)) {
            // The run's buffers did not fit: try again from the start, smaller (and say so).
            const smaller = oomRetries < MAX_OOM_RETRIES && !ac.signal.aborted ? oomFallback(plan, s) : null;
            if (!smaller) break;
            oomRetries++;
            recoveries--;
            s = smaller.settings;
            size = trainSize(plan, s.size);
            latest = null;
            const next = s;
            setSettings((cur) => ({ ...cur, size: next.size, initSplats: next.initSplats, maxSplats: next.maxSplats }));
            notifyRef.current.showInfo(smaller.message);
            mine((r) => ({ ...r, status: 'starting', settings: next, ...trainSize(plan, next.size), history: [], resumedFrom: null, checkpointStep: null, message: smaller.message }));
            continue;
          }
          failure = res.stopped;
        } catch (e) {
          if (isInputError(e) || !latest || recoveries >= MAX_RECOVERIES || ac.signal.aborted) throw e;
          failure = describeError(e);
        }
        const back = latest;
        if (!back || recoveries >= MAX_RECOVERIES || ac.signal.aborted) break;
        notifyRef.current.showInfo(`${failure.replace(/\.$/, '')}; going on from the checkpoint of step ${back.step}.`);
        mine((r) => ({ ...r, history: back.history, resumedFrom: back.step, recovered: r.recovered + 1, message: failure }));
      }
      if (!res) throw new Error('no result from the training worker');
      const status: RunStatus = res.stopped === null ? 'finished' : res.stopped.startsWith('cancelled') ? 'cancelled' : 'failed';
      mine((r) => ({ ...r, status, result: res, history: res.history.length ? res.history : r.history, endedAt: performance.now(), message: res.stopped }));
      if (sid) persist?.end(sid, status);
      if (!wanted()) return;
      if (res.cameras && res.cloud && status !== 'failed') {
        const refined = new Map<string, Camera>();
        res.cameras.forEach((c, i) => {
          const view = scene.views.find((v) => v.id === trainedIds[i]);
          if (view) refined.set(view.id, resizeCamera(c, view.rgba.width, view.rgba.height));
        });
        refinementRef.current?.onRefined(refined);
      }
      const splats = res.cloud?.count ?? 0;
      const secs = (res.wallMs / 1000).toFixed(1);
      if (status === 'finished') notifyRef.current.showInfo(`Trained ${splats.toLocaleString('en')} splats in ${res.stepsDone} steps (${secs} s). The Cloud panel's Save buttons keep them.`);
      else if (status === 'cancelled')
        notifyRef.current.showInfo(
          res.cameraPrepass?.stopped
            ? `Training cancelled in the camera pre-pass (step ${res.cameraPrepass.steps}); the guessed cameras keep what it refined.`
            : res.cloud ? `Training cancelled after step ${res.stepsDone}; the cloud of that step (${splats.toLocaleString('en')} splats) can be saved.` : 'Training cancelled before the first step.',
        );
      else
        notifyRef.current.showError(
          `Training stopped at step ${res.stepsDone}: ${res.stopped}.` +
            (res.cloud && splats > 0 ? ` The last good cloud (${splats.toLocaleString('en')} splats) is kept: the Cloud panel's Save PLY saves it.` : ''),
        );
    } catch (e) {
      logUnexpected(e);
      if (sessionId) persistRef.current?.end(sessionId, 'failed');
      mine((r) => ({ ...r, status: 'failed', endedAt: performance.now(), message: describeError(e) }));
      if (wanted()) notifyRef.current.showError(e);
    } finally {
      if (abortRef.current === ac) abortRef.current = null;
      settled();
    }
  }, [scene, split, plan, gpu, settings, priorModel.model, priorManifest]);

  const cancel = useCallback(() => abortRef.current?.abort(), []);

  /**
   * Times a few steps at the smallest training size and at the chosen one (two short runs whose
   * clouds are thrown away), fits the time per step against the size, and picks the size and
   * steps that finish within FIRST_RUN_BUDGET_MS: the settings a first run is offered.
   */
  const estimate = useCallback(async () => {
    if (!scene || plan.problem || !gpu?.ok || abortRef.current) return;
    const ac = new AbortController();
    abortRef.current = ac;
    const init = settings.init === 'hull' && plan.hullProblem ? UNMASKED_START : settings.init;
    const names: TrainSize[] = settings.size === 'quarter' ? ['quarter', 'half'] : ['quarter', settings.size];
    const sizes = names.map((n) => trainSize(plan, n));
    setProbe({ status: 'running', sizes, model: null, picked: null, message: null });
    let settled: () => void = () => {};
    const previous = lastRun.current;
    lastRun.current = new Promise<void>((ok) => (settled = ok));
    try {
      await previous;
      const points: TimedSteps[] = [];
      for (const size of sizes) {
        if (ac.signal.aborted) break;
        const { views, background } = prepareViews(scene, split, plan, size);
        const res = await getTrainClient().train(
          { views, background, options: { iterations: PROBE_STEPS, init, initSplats: settings.initSplats, bounds: scene.manifest.bounds, progressEvery: 1 } },
          ac.signal,
          { onProgress: () => {}, onPreview: () => {} },
        );
        if (res.stopped !== null) throw new Error(res.stopped.startsWith('cancelled') ? 'cancelled' : res.stopped);
        const t = timedSteps(res.history, size.width * size.height);
        if (t) points.push(t);
      }
      // The timing runs' clouds are not results: the worker forgets them.
      getTrainClient().forget();
      const model = fitSpeed(points);
      if (!model) throw new Error('too few steps were timed');
      const choices = (['full', 'half', 'quarter'] as const).map((s) => {
        const px = trainSize(plan, s);
        return { size: s, pixels: px.width * px.height };
      });
      const steps = settingsSteps(settings, plan.trainIds.length);
      // The timing runs are plain; the run the settings are for costs its Quality level's factor
      // more a step (the estimate line shows that), so the budget is fitted with it.
      const cost = stepCostOf(settings.levers);
      const fit = fitBudget(model, choices, steps, FIRST_RUN_BUDGET_MS / cost, Math.min(steps, 200));
      setSettings((s) => ({ ...s, size: fit.size, iterations: fit.steps, stepsByViews: false }));
      setProbe({ status: 'done', sizes, model, picked: { size: fit.size, iterations: fit.steps, ms: fit.ms * cost }, message: null });
    } catch (e) {
      const cancelled = ac.signal.aborted || (e instanceof Error && e.message === 'cancelled');
      setProbe((p) => ({ ...(p ?? { sizes, model: null, picked: null }), status: cancelled ? 'cancelled' : 'failed', message: cancelled ? 'cancelled' : describeError(e) }));
      if (!cancelled) logUnexpected(e);
    } finally {
      if (abortRef.current === ac) abortRef.current = null;
      settled();
    }
  }, [scene, split, plan, gpu, settings]);

  /** The speed the estimates use: the timing runs', else the last run's steps (at its size). */
  const speed = useMemo<SpeedModel | null>(() => {
    if (probe?.model) return probe.model;
    const t = run && run.status !== 'starting' ? timedSteps(run.history, run.width * run.height) : null;
    return t ? fitSpeed([t]) : null;
  }, [probe, run]);
  const probing = probe?.status === 'running';

  // The orbit camera, as previews need it: sent to the worker at most every 150 ms; after a
  // run, the final cloud is re-rendered from it (one render at a time, the latest camera wins).
  const sendTimer = useRef<number | null>(null);
  const rendering = useRef(false);
  const renderWanted = useRef(false);
  const renderLast = useCallback(async () => {
    if (rendering.current) {
      renderWanted.current = true;
      return;
    }
    rendering.current = true;
    try {
      do {
        renderWanted.current = false;
        const cam = cameraRef.current;
        const r = runRef.current;
        if (!cam || !r?.result?.cloud || abortRef.current) break;
        const frame = await getTrainClient().renderLast(cam).catch(() => null);
        if (frame && runRef.current === r) setPreview(frame);
      } while (renderWanted.current);
    } finally {
      rendering.current = false;
    }
  }, []);
  const onViewCamera = useCallback(
    (cam: Camera) => {
      cameraRef.current = cam;
      if (sendTimer.current !== null) return;
      sendTimer.current = window.setTimeout(() => {
        sendTimer.current = null;
        getTrainClient().setCamera(cameraRef.current);
        if (!abortRef.current && runRef.current?.result?.cloud) void renderLast();
      }, 150);
    },
    [renderLast],
  );
  useEffect(() => () => {
    if (sendTimer.current !== null) clearTimeout(sendTimer.current);
  }, []);

  return { gpu, plan, settings, setSettings, run, running, preview, start, cancel, onViewCamera, probe, probing, estimate, speed, priorModel, priorManifest, setPriorManifest, repairPreview, priorRoundMs };
}

export type Training = ReturnType<typeof useTraining>;
