/**
 * The Evaluate stage in the app: which cloud is scored (the last run's, or a .ply/.spz/.splat
 * file the user opened: read by the app's cloud loader, src/ui/useShownCloud.ts, and handed here
 * with setFileCloud), the optional LPIPS model (a file or a URL), one evaluation at a time in the
 * evaluation worker (the current split's test views at the training size), its report and
 * images, the selected test view and the camera the 3D view flies to. A cloud is scored at the size
 * it was trained at (a run's size, or the size a PLY records); a file that does not say is scored
 * at the Train panel's size.
 *
 * Pose-free (a checkbox): the pose-free protocol of protocol.ts (align the test cameras by a
 * similarity fitted on the training views, refine each against the frozen cloud, score before and
 * after). The app has no pose estimation yet, so its clouds are made in the scene's own frame and
 * the "estimated" training cameras are the scene's (poseFreeTrainCameras): the alignment is the
 * identity and the option amounts to test-time pose refinement; a poses stage will hand its
 * estimated cameras here instead.
 *
 * A cloud that cannot be scored is refused with a message and changes nothing. Another scene
 * forgets the cloud file and the report; another split, size or cloud forgets the report (it
 * would describe something else).
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { Camera } from '../../core/camera.ts';
import { InputError } from '../../core/errors.ts';
import type { GaussianCloud } from '../../core/gaussianCloud.ts';
import type { LoadedScene } from '../../io/sceneFolder.ts';
import type { LpipsSource } from '../../recon/evaluate/lpips.ts';
import { assertEvaluableCloud, type Size } from '../../recon/evaluate/protocol.ts';
import { reportCsv, reportJsonText } from '../../recon/evaluate/reportFormat.ts';
import { downloadFile } from '../download.ts';
import { trainSize, type Training } from '../useTraining.ts';
import { getEvalClient, type EvaluateResult } from './evalClient.ts';
import { useLatest, type Notify, logUnexpected } from '../notify.ts';

export interface CloudSource {
  kind: 'run' | 'file';
  cloud: GaussianCloud;
  /** What the cloud is, for the panel and the exported JSON's "cloud" field. */
  label: string;
  /** The size it was trained at (a run's, or what a PLY records): it is scored at that size. Null: unknown. */
  trainedSize: Size | null;
}

export type LpipsChoice = { kind: 'file'; name: string; bytes: Uint8Array } | { kind: 'url'; url: string };

export type EvalStatus = 'running' | 'done' | 'failed' | 'cancelled';

export interface Evaluation {
  status: EvalStatus;
  /** What was scored: the cloud's label, split and size. */
  cloud: string;
  split: string;
  size: Size;
  progress: { done: number; total: number };
  result: EvaluateResult | null;
  message: string | null;
}

export interface FlyTarget {
  id: string;
  camera: Camera;
  /** Changes on every request, so clicking the same row again flies again. */
  seq: number;
}

export const SPLAT_FILE_PATTERN = /\.(ply|spz|splat)$/i;
export const ONNX_FILE_PATTERN = /\.onnx$/i;

export interface EvalProblem {
  /** Short, for the stage's label ("needs cameras"). */
  label: string;
  message: string;
}

/** Why the Evaluate stage cannot run on this scene and split (whatever the cloud), or null. */
export function evaluationProblem(scene: LoadedScene | null, split: string | null): EvalProblem | null {
  if (!scene) return { label: 'needs a scene', message: 'Open a scene first.' };
  if (!scene.views.some((v) => v.camera)) return { label: 'needs cameras', message: 'Evaluation needs photos with cameras: the Poses stage places dropped photos once their masks are found.' };
  const s = split ? scene.manifest.splits[split] : undefined;
  if (!s) return { label: 'needs test views', message: 'Evaluation needs held-out test views: pick a split below (dropped photos get one that holds out a photo once 4 or more are placed), or add "splits" to scene.json.' };
  if (s.test.length === 0) return { label: 'needs test views', message: `Split ${split} has no test views: nothing to score.` };
  const byId = new Map(scene.views.map((v) => [v.id, v]));
  const unposed = [...s.train, ...s.test].filter((id) => !byId.get(id)?.camera);
  if (unposed.length > 0) return { label: 'needs cameras', message: `Views without a camera in split ${split}: ${unposed.join(', ')}.` };
  return null;
}

/** The scene cut down to a split's views (what the worker needs; far less to copy). */
export function splitScene(scene: LoadedScene, split: string): LoadedScene {
  const s = scene.manifest.splits[split];
  const ids = new Set([...s.train, ...s.test]);
  return { manifest: scene.manifest, views: scene.views.filter((v) => ids.has(v.id)) };
}

/** Test-time refinement steps per held-out view in the app (as `npm run eval`'s default). */
export const APP_REFINE_STEPS = 100;

/** The estimated training cameras the pose-free option sends (the scene's own; see the file comment). */
export function poseFreeTrainCameras(scene: LoadedScene, split: string): [string, Pick<Camera, 'R' | 't'>][] {
  const byId = new Map(scene.views.map((v) => [v.id, v]));
  return scene.manifest.splits[split].train.flatMap((id) => {
    const c = byId.get(id)?.camera;
    return c ? [[id, { R: c.R, t: c.t }] as [string, Pick<Camera, 'R' | 't'>]] : [];
  });
}

function lpipsSource(choice: LpipsChoice | null): LpipsSource | null {
  if (!choice) return null;
  return choice.kind === 'url' ? { url: choice.url } : { bytes: choice.bytes, name: choice.name };
}

/** `sceneKey` identifies the scene opened (see useTraining): edits of its masks keep the cloud and report. */
export function useEvaluation(scene: LoadedScene | null, split: string | null, training: Training, notify: Notify, sceneKey: unknown = scene) {
  const [source, setSource] = useState<CloudSource | null>(null);
  const [lpips, setLpips] = useState<LpipsChoice | null>(null);
  const [poseFree, setPoseFree] = useState(false);
  const [evaluation, setEvaluation] = useState<Evaluation | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [flyTo, setFlyTo] = useState<FlyTarget | null>(null);
  const abortRef = useRef<AbortController | null>(null);
  /** The evaluation whose outcome is still wanted (bumped to forget one). */
  const jobRef = useRef(0);
  const notifyRef = useLatest(notify);

  const problem = useMemo(() => evaluationProblem(scene, split), [scene, split]);
  // Scores compare at the size the cloud was trained at; when unknown (a file from another tool), the Train panel's size.
  const panelSize = useMemo(() => trainSize(training.plan, training.settings.size), [training.plan, training.settings.size]);
  const trained = source?.trainedSize ?? null;
  const size = useMemo<Size>(() => trained ?? panelSize, [trained, panelSize]);
  /** Where the evaluation size comes from, for the panel. */
  const sizeFrom: 'cloud' | 'panel' = trained ? 'cloud' : 'panel';

  const forgetReport = useCallback(() => {
    jobRef.current++;
    abortRef.current?.abort();
    abortRef.current = null;
    setEvaluation(null);
    setSelected(null);
  }, []);

  // Another scene: forget everything about the last one.
  useEffect(() => {
    forgetReport();
    setSource(null);
    setFlyTo(null);
  }, [sceneKey, forgetReport]);

  // The last run's cloud becomes the one scored once the run has ended; a new run takes it away.
  const runRef = useRef(training.run);
  runRef.current = training.run;
  const runCloud = training.running ? null : (training.run?.result?.cloud ?? null);
  useEffect(() => {
    if (training.running) {
      setSource((s) => (s?.kind === 'run' ? null : s));
      return;
    }
    const run = runRef.current;
    if (!runCloud || runCloud.count === 0 || !run?.result) return;
    const what = run.status === 'finished' ? 'run' : run.status === 'cancelled' ? 'cancelled run' : 'last good cloud of a failed run';
    setSource({ kind: 'run', cloud: runCloud, label: `${what}: ${run.result.stepsDone} steps, ${run.settings.init} start, ${run.width}x${run.height}`, trainedSize: { width: run.width, height: run.height } });
  }, [runCloud, training.running]);

  // A report describes one cloud, split and size.
  const sizeKey = `${size.width}x${size.height}`;
  useEffect(() => forgetReport(), [source, split, sizeKey, poseFree, forgetReport]);

  /**
   * Scores `cloud` (read from the file `name`, trained at `trainedSize` when known) from now on; throws an InputError naming the file
   * when it cannot be scored (no scene with cameras, no splats, NaN), leaving the source as it was.
   */
  const setFileCloud = useCallback((cloud: GaussianCloud, name: string, trainedSize: Size | null = null) => {
    if (!scene || !scene.views.some((v) => v.camera)) throw new InputError('open a scene with cameras first: a cloud is scored against its photos', { file: name });
    try {
      assertEvaluableCloud(cloud);
    } catch (e) {
      throw e instanceof InputError ? new InputError(e.message, { file: name }) : e;
    }
    setSource({ kind: 'file', cloud, label: name, trainedSize });
  }, [scene]);

  const openLpipsFile = useCallback(async (file: File) => {
    try {
      setLpips({ kind: 'file', name: file.name, bytes: new Uint8Array(await file.arrayBuffer()) });
    } catch (e) {
      notifyRef.current.showError(new InputError(`could not read the file (${(e as Error).message})`, { file: file.name }));
    }
  }, []);

  const setLpipsUrl = useCallback((url: string) => {
    const u = url.trim();
    if (!u) return setLpips(null);
    try {
      new URL(u, location.href);
    } catch {
      notifyRef.current.showError(new InputError(`"${u}" is not a URL`, { field: 'LPIPS model' }));
      return;
    }
    setLpips({ kind: 'url', url: u });
  }, []);

  const evaluate = useCallback(async () => {
    if (!scene || !split || problem || !source || training.running) return;
    abortRef.current?.abort();
    const ac = new AbortController();
    abortRef.current = ac;
    const job = ++jobRef.current;
    const base: Evaluation = { status: 'running', cloud: source.label, split, size, progress: { done: 0, total: scene.manifest.splits[split].test.length }, result: null, message: null };
    setEvaluation(base);
    setSelected(null);
    // Only this evaluation's updates, and only while it is still wanted (checked now, not when React applies them).
    const mine = (f: (e: Evaluation) => Evaluation) => {
      if (jobRef.current === job) setEvaluation((e) => (e ? f(e) : e));
    };
    try {
      const result = await getEvalClient().evaluate(
        {
          scene: splitScene(scene, split), cloud: source.cloud, split, size, lpips: lpipsSource(lpips),
          ...(poseFree ? { poseFree: { estimatedTrain: poseFreeTrainCameras(scene, split), refineSteps: APP_REFINE_STEPS } } : {}),
        },
        ac.signal,
        (done, total) => mine((e) => (e.status === 'running' ? { ...e, progress: { done, total } } : e)),
      );
      if (jobRef.current !== job) return;
      mine((e) => ({ ...e, status: 'done', result, progress: { done: result.images.length, total: result.images.length } }));
      setSelected(result.report.views[0]?.id ?? null);
      const m = result.report.mean;
      const before = result.report.poseFree?.before.mean;
      notifyRef.current.showInfo(
        `Evaluated ${result.report.views.length} test views of split ${split} at ${size.width}×${size.height}: mean PSNR ${m.psnr.toFixed(2)} dB` +
          (m.psnrMasked !== null ? ` (masked ${m.psnrMasked.toFixed(2)} dB)` : '') +
          (before ? `, after test-time pose refinement (${before.psnr.toFixed(2)} dB before)` : '') + '.',
      );
    } catch (e) {
      if (jobRef.current !== job) return;
      if (ac.signal.aborted) {
        mine((x) => ({ ...x, status: 'cancelled', message: 'cancelled' }));
        return;
      }
      logUnexpected(e);
      mine((x) => ({ ...x, status: 'failed', message: e instanceof Error ? e.message : String(e) }));
      notifyRef.current.showError(e);
    } finally {
      if (abortRef.current === ac) abortRef.current = null;
    }
  }, [scene, split, problem, source, training.running, size, lpips, poseFree]);

  const cancel = useCallback(() => abortRef.current?.abort(), []);

  const select = useCallback(
    (id: string) => {
      setSelected(id);
      const camera = scene?.views.find((v) => v.id === id)?.camera;
      if (camera) setFlyTo((f) => ({ id, camera, seq: (f?.seq ?? 0) + 1 }));
    },
    [scene],
  );

  const report = evaluation?.status === 'done' ? (evaluation.result?.report ?? null) : null;
  const baseName = `${scene?.manifest.name ?? 'scene'}-split${evaluation?.split ?? split}-eval`;
  const exportJson = useCallback(() => {
    if (report && evaluation) downloadFile(`${baseName}.json`, reportJsonText(report, evaluation.cloud), 'application/json');
  }, [report, evaluation, baseName]);
  const exportCsv = useCallback(() => {
    if (report) downloadFile(`${baseName}.csv`, reportCsv(report), 'text/csv');
  }, [report, baseName]);

  return {
    problem, size, sizeFrom, source, lpips, setLpips, poseFree, setPoseFree, setFileCloud, openLpipsFile, setLpipsUrl,
    evaluation, report, evaluate, cancel, selected, select, flyTo, exportJson, exportCsv,
  };
}

export type EvaluationState = ReturnType<typeof useEvaluation>;
