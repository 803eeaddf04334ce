/**
 * The Poses stage in the app: once the masks are known, the photos without cameras are placed
 * by the poses stage (src/recon/poses) in the poses worker, with model-free OpenCV.js ORB features
 * by default, or learned ALIKE-N / XFeat features from a model file the person opens or names by
 * URL (the weights are never bundled), with per-stage progress (features, matching, placing), a time estimate and Cancel. The
 * cameras join the scene the later stages see as soon as they are known (the 3D view draws their
 * frustums); a photo that could not be placed is named with the reason.
 *
 * SfM fixes neither scale nor origin: the cameras are in the stage's own frame, and the object's
 * bounds come from the reconstructed points when the scene has none.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Camera } from '../core/camera.ts';
import { describeError, InputError } from '../core/errors.ts';
import type { LoadedScene } from '../io/sceneFolder.ts';
import type { FeatureSource } from '../recon/poses/estimatePoses.ts';
import { FEATURE_MANIFESTS } from './models/manifests.ts';
import { useModelChoice, type ModelChoice } from './models/useModelChoice.ts';
import { getPosesClient, type PosesProgress } from './posesClient.ts';
import { useLatest, type Notify, logUnexpected } from './notify.ts';

export interface PlacedPoses {
  /** Cameras of the photos placed, by view id. */
  cameras: ReadonlyMap<string, Camera>;
  /** Photos that could not be placed, and why. */
  unplaced: { id: string; image: string; reason: string }[];
  /**
   * Photos the matches could not place but the object-centred start did (a guess from the masks,
   * included in `cameras`), and why the matches could not.
   */
  guessed: { id: string; image: string; reason: string }[];
  bounds: { min: [number, number, number]; max: [number, number, number] } | null;
  /** What may be wrong with the photos (the same shot twice, blur, another object), with what to do. */
  warnings: { id: string; kind: string; message: string }[];
  focalPx: number;
  rmsPx: number;
}

export type PosesRunStatus = 'running' | 'done' | 'cancelled' | 'failed';

export interface PosesRun {
  status: PosesRunStatus;
  ids: string[];
  progress: PosesProgress | null;
  /** When the current sub-stage (features, matching, sfm) began. */
  stageStartedAt: number;
  startedAt: number;
  endedAt: number | null;
  message: string | null;
}

/**
 * The cameras a training run refined that replace guessed ones (views marked cameraGuess: those the
 * poses stage guessed, which withCameras marks, and those a `scene:from-photos` folder or a resumed
 * session came with), by view id. Cameras the matches placed are never replaced (training holds them).
 */
export function refinedGuesses(scene: LoadedScene | null, refined: ReadonlyMap<string, Camera> | null): Map<string, Camera> {
  const out = new Map<string, Camera>();
  for (const v of scene?.views ?? []) {
    const c = refined?.get(v.id);
    if (v.cameraGuess && v.camera && c) out.set(v.id, c);
  }
  return out;
}

/**
 * `scene` with refinedGuesses in place of its guessed cameras; `refined` null leaves it as it is.
 * The views keep their mark, so a later run refines them further from there.
 */
export function withRefinedGuesses(scene: LoadedScene | null, refined: ReadonlyMap<string, Camera> | null): LoadedScene | null {
  const moved = refinedGuesses(scene, refined);
  if (!scene || moved.size === 0) return scene;
  const take = <V extends { id: string; camera?: Camera }>(v: V): V => (moved.has(v.id) ? { ...v, camera: moved.get(v.id) } : v);
  return { manifest: { ...scene.manifest, views: scene.manifest.views.map(take) }, views: scene.views.map(take) };
}

/** Views of the scene without a camera of their own. */
export function unposedViews(scene: LoadedScene | null): string[] {
  return scene ? scene.views.filter((v) => !v.camera).map((v) => v.id) : [];
}

/**
 * The scene with the cameras found (views that had none), the points' bounds when it has none,
 * and, for a photo set without splits, one split that holds out the last photo placed for
 * evaluation (the last the matches placed, when two or more were; named by its number of training
 * views, like "3" and "9"), when at least 4 are placed.
 */
export function withCameras(scene: LoadedScene | null, poses: PlacedPoses | null): LoadedScene | null {
  if (!scene || !poses || poses.cameras.size === 0) return scene;
  const cam = (id: string, c: Camera | undefined) => c ?? poses.cameras.get(id);
  // A camera the object-centred start guessed is marked (scene.json's cameraGuess), so that training
  // refines it, also in a session resumed from this scene, where the poses stage does not run again.
  const guessed = new Set(poses.guessed.map((g) => g.id));
  const mark = (id: string) => (guessed.has(id) ? { cameraGuess: true } : {});
  const views = scene.views.map((v) => (!v.camera && poses.cameras.has(v.id) ? { ...v, camera: poses.cameras.get(v.id), ...mark(v.id) } : v));
  const placed = views.filter((v) => v.camera).map((v) => v.id);
  // The held-out photo is the last one the matches placed (the scene's guesses and the poses stage's
  // are marked by now): a guessed camera held out would never be refined, and Evaluate would score
  // the cloud from a rough camera. With fewer than two matched, the last placed: holding out the only
  // matched camera would leave training guesses alone, and it would hold the first of them fixed.
  const matched = views.filter((v) => v.camera && !v.cameraGuess).map((v) => v.id);
  const test = matched.length >= 2 ? matched[matched.length - 1] : placed[placed.length - 1];
  const splits =
    Object.keys(scene.manifest.splits).length === 0 && placed.length >= 4
      ? { [String(placed.length - 1)]: { train: placed.filter((id) => id !== test), test: [test] } }
      : scene.manifest.splits;
  const manifest = {
    ...scene.manifest,
    views: scene.manifest.views.map((v) => ({ ...v, camera: cam(v.id, v.camera), ...(v.camera ? {} : mark(v.id)) })),
    bounds: scene.manifest.bounds ?? poses.bounds ?? undefined,
    splits,
  };
  return { manifest, views };
}

const STEP_WORDS: Record<PosesProgress['stage'], string> = {
  features: 'Finding features', matching: 'Matching photos', sfm: 'Placing cameras',
  clusters: 'Matching the unplaced photos on tilted copies', silhouettes: 'Turning the photo clusters until the outlines agree',
  rematch: 'Matching the placed photos again along their epipolar lines',
};

/** What the run is doing, in words, with a time estimate for the current step when it can say. */
export function posesProgressText(run: PosesRun, now: number): string {
  const p = run.progress;
  const elapsed = (now - run.startedAt) / 1000;
  if (!p) return `Starting · ${elapsed.toFixed(0)} s`;
  const inStage = (now - run.stageStartedAt) / 1000;
  const left = p.done > 0 && p.done < p.total ? (inStage / p.done) * (p.total - p.done) : null;
  return `${STEP_WORDS[p.stage]} ${p.done} / ${p.total} · ${elapsed.toFixed(0)} s${left !== null ? `, this step about ${Math.max(1, Math.round(left))} s more` : ''}`;
}

/**
 * `scene`: the scene with the masks as edited; `ready`: the masks are settled (the stage starts
 * by itself once per scene when they are); `sceneKey`: the scene opened (a new one forgets all).
 */
export function usePoses(scene: LoadedScene | null, ready: boolean, notify: Notify, sceneKey: unknown) {
  const [run, setRun] = useState<PosesRun | null>(null);
  const [poses, setPoses] = useState<PlacedPoses | null>(null);
  const abortRef = useRef<AbortController | null>(null);
  const notifyRef = useLatest(notify);
  const sceneRef = useLatest(scene);
  const keyRef = useRef(sceneKey);
  keyRef.current = sceneKey;
  const startedFor = useRef<unknown>(null);
  const [features, setFeatures] = useState<FeatureSource>('none');
  const models: Record<'alike' | 'xfeat', ModelChoice> = { alike: useModelChoice(), xfeat: useModelChoice() };
  const model = features === 'none' ? null : models[features].model;
  /** Why Place cannot run with the chosen features, or null. */
  const needsModel = features !== 'none' && !model ? `Open the ${FEATURE_MANIFESTS[features].file} model file (or give its URL) first, or use model-free features.` : null;
  const choiceRef = useLatest({ features, model, needsModel });

  const start = useCallback(async () => {
    const sc = sceneRef.current;
    const key = keyRef.current;
    if (!sc) return;
    const choice = choiceRef.current;
    if (choice.needsModel) {
      notifyRef.current.showError(new InputError(choice.needsModel));
      return;
    }
    // Place again: every photo the scene itself has no camera for.
    const ids = unposedViews(sc);
    if (ids.length === 0) return;
    abortRef.current?.abort();
    const ac = new AbortController();
    abortRef.current = ac;
    const views = ids.map((id) => sc.views.find((v) => v.id === id)!);
    const startedAt = performance.now();
    const mine = (f: (r: PosesRun) => PosesRun) => setRun((r) => (r && r.startedAt === startedAt ? f(r) : r));
    // The cameras found before stay until new ones replace them (a cancel keeps them).
    setRun({ status: 'running', ids, progress: null, stageStartedAt: startedAt, startedAt, endedAt: null, message: null });
    try {
      const res = await getPosesClient().estimate(
        { features: choice.features, model: choice.model, images: views.map((v) => v.rgba), masks: views.map((v) => v.maskData), names: views.map((v) => v.image) },
        ac.signal,
        (p) => {
          if (ac.signal.aborted) return;
          mine((r) =>
            r.status !== 'running' ? r : { ...r, progress: p, stageStartedAt: r.progress?.stage === p.stage ? r.stageStartedAt : performance.now() },
          );
        },
      );
      if (ac.signal.aborted || keyRef.current !== key) return;
      const cameras = new Map<string, Camera>();
      const unplaced: PlacedPoses['unplaced'] = [];
      const guessed: PlacedPoses['guessed'] = [];
      res.views.forEach((o, i) => {
        if (o.registered) cameras.set(ids[i], o.camera);
        else unplaced.push({ id: ids[i], image: views[i].image, reason: o.reason });
        if (o.registered && o.source === 'object-centred') guessed.push({ id: ids[i], image: views[i].image, reason: o.sfmReason ?? 'no reason given' });
      });
      const warnings = res.warnings.map((w) => ({ id: ids[w.view], kind: w.kind, message: w.message }));
      setPoses({ cameras, unplaced, guessed, warnings, bounds: res.bounds, focalPx: res.focalPx, rmsPx: res.finalRmsPx });
      mine((r) => ({ ...r, status: 'done', endedAt: performance.now() }));
      const secs = (res.times.totalMs / 1000).toFixed(1);
      if (cameras.size === 0) notifyRef.current.showError(`No photo could be placed (${secs} s): ${unplaced.map((u) => `${u.image}: ${u.reason}`).join('; ')}.`);
      else if (unplaced.length > 0)
        notifyRef.current.showInfo(`Placed ${cameras.size} of ${ids.length} photos in ${secs} s; ${unplaced.map((u) => u.image).join(', ')} could not be placed (see the Poses stage).`);
      else if (guessed.length > 0)
        notifyRef.current.showInfo(`Placed all ${cameras.size} photos in ${secs} s; ${guessed.map((u) => u.image).join(', ')} only roughly, from the outline (see the Poses stage).`);
      else notifyRef.current.showInfo(`Placed all ${cameras.size} photos in ${secs} s. Reconstruct trains on them.`);
    } catch (e) {
      if (keyRef.current !== key) return;
      if (ac.signal.aborted) {
        mine((r) => ({ ...r, status: 'cancelled', endedAt: performance.now(), message: 'cancelled' }));
        return;
      }
      logUnexpected(e);
      mine((r) => ({ ...r, status: 'failed', endedAt: performance.now(), message: describeError(e) }));
      notifyRef.current.showError(e);
    } finally {
      if (abortRef.current === ac) abortRef.current = null;
    }
  }, []);

  const cancel = useCallback(() => abortRef.current?.abort(), []);

  // Another scene: cancel and forget.
  useEffect(() => {
    abortRef.current?.abort();
    abortRef.current = null;
    startedFor.current = null;
    setRun(null);
    setPoses(null);
  }, [sceneKey]);

  // Once per scene, when the masks are settled and some photo has no camera.
  useEffect(() => {
    if (!ready || !sceneKey || startedFor.current === sceneKey || unposedViews(sceneRef.current).length === 0) return;
    startedFor.current = sceneKey;
    void start();
  }, [ready, sceneKey, start]);

  const running = run?.status === 'running';
  return { missing: unposedViews(scene), run, running, poses, start, cancel, features, setFeatures, models, needsModel };
}

export type Poses = ReturnType<typeof usePoses>;
