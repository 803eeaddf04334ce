/**
 * The app shell: header, 3D view, side panels, thumbnails. The scene lives in useSceneLoader, the
 * cloud the 3D view shows in useShownCloud. `?scene=none` starts without a scene, `?renderer=`
 * picks the splat backend (auto, webgpu, webgl2).
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { Camera } from '../core/camera.ts';
import { useLatest } from './notify.ts';
import { InputError } from '../core/errors.ts';
import type { LoadedScene } from '../io/sceneFolder.ts';
import { CloudPanel } from './CloudPanel.tsx';
import { CompressPanel } from './CompressPanel.tsx';
import { useStreamCheck } from './useStreamCheck.ts';
import { fetchBundledScenes, type BundledScene } from './bundledScenes.ts';
import { DropOverlay } from './DropOverlay.tsx';
import { EvaluatePanel } from './evaluate/EvaluatePanel.tsx';
import { EvaluationView } from './evaluate/EvaluationView.tsx';
import { ONNX_FILE_PATTERN, SPLAT_FILE_PATTERN, useEvaluation, type EvalProblem, type EvaluationState } from './evaluate/useEvaluation.ts';
import { Header } from './Header.tsx';
import { Messages } from './Messages.tsx';
import { PipelinePanel } from './PipelinePanel.tsx';
import { readDataTransfer, readFileList } from './readFiles.ts';
import { rendererChoice } from './rendererChoice.ts';
import { SceneInfo } from './SceneInfo.tsx';
import { SplitSelector } from './SplitSelector.tsx';
import { defaultSplit, splitNames, viewRoles } from './splits.ts';
import { ThumbnailStrip } from './ThumbnailStrip.tsx';
import type { StageId, StageStatus } from './stages.ts';
import { useThumbnails } from './thumbnails.ts';
import { TrainPanel } from './TrainPanel.tsx';
import { NO_SCENE, useSceneLoader } from './useSceneLoader.ts';
import { useShownCloud } from './useShownCloud.ts';
import { useMasks, withMasks, type Masks } from './useMasks.ts';
import { MasksPanel } from './MasksPanel.tsx';
import { PosesPanel } from './PosesPanel.tsx';
import { usePoses, withCameras, refinedGuesses, withRefinedGuesses, type PlacedPoses, type Poses } from './usePoses.ts';
import { useTraining, type Training } from './useTraining.ts';
import { ResumeBanner, SessionsList } from './sessions/SessionsPanel.tsx';
import { loadSession, type SessionMeta } from './sessions/sessionStore.ts';
import { useSessions } from './sessions/useSessions.ts';
import type { TrainCheckpoint } from '../recon/train/checkpoint.ts';
import { Viewport } from './Viewport.tsx';
import { Term } from './Term.tsx';
import { GUIDE_STEPS, guideStep, useGuideDone } from './guide.ts';
import { GLOSSARY } from './glossary.ts';

const RENDERER = rendererChoice(location.search);
const START_WITHOUT_SCENE = new URLSearchParams(location.search).get('scene') === NO_SCENE;

export function App() {
  const { shown, status, openBundled, openFiles, openStored, close, showError, showInfo, dismiss } = useSceneLoader();
  const [bundled, setBundled] = useState<BundledScene[]>([]);
  const [split, setSplit] = useState<string | null>(null);
  const [hover, setHover] = useState<string | null>(null);
  const [noScene, setNoScene] = useState(START_WITHOUT_SCENE);

  useEffect(() => {
    if (RENDERER.problem) showError(new InputError(RENDERER.problem, { file: '?renderer' }));
  }, [showError]);

  useEffect(() => {
    fetchBundledScenes()
      .then((list) => {
        setBundled(list);
        if (START_WITHOUT_SCENE) return;
        const wanted = new URLSearchParams(location.search).get('scene');
        const first = list.find((s) => s.name === wanted) ?? list[0];
        if (!first) return;
        void openBundled(first).then(() => {
          if (wanted && first.name !== wanted)
            showError(new InputError(`there is no bundled scene "${wanted}"; showing “${first.title}” instead.`, { file: '?scene' }));
        });
      })
      .catch(showError);
  }, [openBundled, showError]);

  const scene = shown?.scene ?? null;
  useEffect(() => setSplit(scene ? defaultSplit(scene.manifest) : null), [scene]);
  const thumbnails = useThumbnails(scene);
  const masks = useMasks(scene, { showError, showInfo });
  // The scene as the later stages see it: the edited masks in place of the missing ones, and the
  // cameras the Poses stage found (it starts once the masks are settled).
  const maskedScene = useMemo(() => withMasks(scene, masks.edited), [scene, masks.edited]);
  const masksSettled = !masks.running && (masks.missing.length === 0 || masks.run?.status === 'done');
  const poses = usePoses(maskedScene, masksSettled, { showError, showInfo }, scene);
  // Cameras refined by a training run (the guessed ones: see cameraRefinement below), for the scene
  // and the poses they were refined from: placing the photos again or opening another scene drops them.
  const [refined, setRefined] = useState<{ scene: LoadedScene; poses: PlacedPoses | null; cameras: ReadonlyMap<string, Camera> } | null>(null);
  useEffect(() => setRefined(null), [scene]);
  const refinedCameras = refined && refined.scene === scene && refined.poses === poses.poses ? refined.cameras : null;
  const workScene = useMemo(() => withRefinedGuesses(withCameras(maskedScene, poses.poses), refinedCameras), [maskedScene, poses.poses, refinedCameras]);
  // What the 3D view, the split and the thumbnails show: the scene with the cameras found. Without
  // the edited masks, so that moving the threshold does not re-frame the 3D view. (The frustums of
  // refined cameras are drawn where training moved them: Viewport's refinedCameras.)
  const viewScene = useMemo(() => withCameras(scene, poses.poses), [scene, poses.poses]);
  const refinedGuessCameras = useMemo(() => refinedGuesses(viewScene, refinedCameras), [viewScene, refinedCameras]);
  const roles = useMemo(() => (viewScene ? viewRoles(viewScene.manifest, split) : new Map()), [viewScene, split]);
  const sessions = useSessions(shown, workScene, showError);
  // Photos placed only roughly (from their outlines) are refined by the training run that uses them.
  // (withCameras marks them in workScene: scene.json's cameraGuess.)
  const posesRef = useLatest(poses.poses);
  const sceneRef = useLatest(scene);
  const cameraRefinement = useMemo(
    () => ({
      onRefined: (cameras: Map<string, Camera>) => {
        const from = sceneRef.current;
        if (from) setRefined({ scene: from, poses: posesRef.current, cameras });
      },
    }),
    [posesRef, sceneRef],
  );
  const training = useTraining(workScene, split, { showError, showInfo }, scene, sessions.persistence, cameraRefinement);
  // Resuming a kept session: open its scene, then start from its checkpoint once training can run.
  const [pendingResume, setPendingResume] = useState<{ meta: SessionMeta; checkpoint: TrainCheckpoint } | null>(null);
  const resumeSession = useCallback(
    async (meta: SessionMeta) => {
      sessions.dismissInterrupted();
      try {
        const saved = await loadSession(meta.id);
        if (!saved?.checkpoint) throw new InputError(`the session “${meta.name}” has no checkpoint to go on from`);
        if (meta.scene.kind === 'bundled') {
          const name = meta.scene.name;
          const b = bundled.find((s) => s.name === name);
          if (!b) throw new InputError(`the session's scene “${meta.scene.title}” is no longer bundled with the app`);
          if (shown?.bundled !== name) await openBundled(b);
        } else {
          if (!saved.scene) throw new InputError(`the photos of the session “${meta.name}” are missing from the browser's storage`);
          await openStored(saved.scene, meta.scene.title);
        }
        setPendingResume({ meta, checkpoint: saved.checkpoint });
      } catch (e) {
        showError(e);
      }
    },
    [sessions, bundled, shown, openBundled, openStored, showError],
  );
  useEffect(() => {
    if (!pendingResume || !workScene || !training.gpu?.ok || training.running || training.probing) return;
    if (split !== pendingResume.meta.split) return setSplit(pendingResume.meta.split);
    if (training.plan.problem) return;
    setPendingResume(null);
    void training.start({ sessionId: pendingResume.meta.id, checkpoint: pendingResume.checkpoint, settings: pendingResume.meta.settings });
  }, [pendingResume, workScene, training, split]);
  const evaluation = useEvaluation(workScene, split, training, { showError, showInfo }, scene);
  const evalBlocked = evaluationBlocked(training);
  const evalReady = !evalBlocked && !evaluation.problem;
  const stageStatus = { masks: masksStatus(scene, masks), poses: posesStatus(scene, poses), ...pipelineStatus(training), evaluate: evaluateStatus(evaluation, evalBlocked) };
  const viewer = useShownCloud(scene, training, { showError, showInfo });
  const streamCheck = useStreamCheck(workScene, split, evaluation.size, evaluation.problem, viewer.shown, viewer.stream);
  const compressing = viewer.job?.kind === 'write' && viewer.job.label.startsWith('Compressing') ? viewer.job : null;
  const compressStatus = compressing
    ? { state: 'running' as const, label: `running · ${compressing.done}%` }
    : viewer.stream
      ? { state: 'done' as const, label: 'done' }
      : { state: viewer.shown ? ('ready' as const) : ('blocked' as const), label: viewer.shown ? 'ready' : 'needs a cloud', hint: viewer.shown ? undefined : 'Reconstruct or open a cloud first' };
  // The preview describes the run: shown while it trains and while its cloud is the one on view
  // (an opened file replaces it), until closed (a new run brings it back).
  const [closedPreview, setClosedPreview] = useState<number | null>(null);
  const previewRun = training.run?.startedAt ?? null;
  const preview = (training.running || viewer.shown?.kind === 'run') && previewRun !== closedPreview ? previewOf(training) : null;
  const closePreview = useCallback(() => setClosedPreview(previewRun), [previewRun]);
  const hasCameras = !!viewScene?.views.some((v) => v.camera);

  // The guided first run: what to do next, until a cloud is saved (or the guide is closed).
  const [guideDone, finishGuide] = useGuideDone();
  const [lookedAt, setLookedAt] = useState<number | null>(null);
  const shownId = viewer.shown?.id ?? null;
  const onLook = useCallback(() => setLookedAt(shownId), [shownId]);
  const guide = guideDone
    ? null
    : guideStep({
        scene: !!scene,
        cameras: hasCameras,
        preparing: masks.running || poses.running || status.busy !== undefined,
        training: training.running,
        cloud: !!viewer.shown,
        looked: shownId !== null && lookedAt === shownId,
        evaluating: evaluation.evaluation?.status === 'running',
        evaluated: evaluation.evaluation?.status === 'done',
        saved: viewer.saved > 0,
      });
  useEffect(() => {
    if (!guideDone && viewer.saved > 0) finishGuide();
  }, [guideDone, viewer.saved, finishGuide]);

  // A cloud file is shown in the 3D view (in the scene's world when a scene is loaded, else alone)
  // and, with a scene with cameras, scored by the Evaluate stage.
  const { openFile: readCloudFile } = viewer;
  const { setFileCloud } = evaluation;
  const openCloud = useCallback(
    async (file: File) => {
      const read = await readCloudFile(file);
      if (!read) return;
      const { cloud, trainedSize } = read;
      const what = `Opened ${file.name}: ${cloud.count.toLocaleString('en')} splats (SH degree ${cloud.shDegree})`;
      if (!hasCameras) return showInfo(`${what}, shown on their own.`);
      try {
        setFileCloud(cloud, file.name, trainedSize);
        showInfo(`${what}, shown with the scene's cameras${evalReady ? ' and ready to evaluate' : ''}${trainedSize ? ` (trained at ${trainedSize.width}×${trainedSize.height})` : ''}.`);
      } catch (e) {
        showError(e);
      }
    },
    [readCloudFile, setFileCloud, hasCameras, evalReady, showInfo, showError],
  );
  const pickScene = useCallback(
    (s: BundledScene | null) => {
      setNoScene(!s);
      if (s) void openBundled(s);
      else close();
    },
    [openBundled, close],
  );

  // A single cloud file (.ply/.spz/.splat) is shown (and scored), an .onnx file is the Evaluate
  // stage's LPIPS model; anything else opens as photos or a scene.
  const { openLpipsFile } = evaluation;
  const routeSingle = useCallback(
    (files: File[]): boolean => {
      if (files.length !== 1) return false;
      if (SPLAT_FILE_PATTERN.test(files[0].name)) void openCloud(files[0]);
      else if (ONNX_FILE_PATTERN.test(files[0].name)) void openLpipsFile(files[0]);
      else return false;
      return true;
    },
    [openCloud, openLpipsFile],
  );
  const onFiles = useCallback((files: FileList) => {
    if (!routeSingle([...files])) void openFiles(readFileList(files));
  }, [openFiles, routeSingle]);
  const onDrop = useCallback((dt: DataTransfer) => {
    if (!routeSingle([...dt.files])) void openFiles(readDataTransfer(dt));
  }, [openFiles, routeSingle]);

  const note = !scene
    ? viewer.shown || viewer.job
      ? undefined
      : 'Drop 3 to 9 photos of an object, a scene folder, or a .zip of one to start; or a .ply, .spz or .splat cloud to look at.'
    : !hasCameras && !viewer.shown
      ? noCamerasNote(masks, poses)
      : undefined;

  return (
    <div className="app">
      <Header
        scenes={bundled}
        selected={shown?.bundled ?? (shown || noScene ? null : (bundled[0]?.name ?? null))}
        droppedLabel={shown && !shown.bundled ? shown.title : null}
        onPickScene={pickScene}
        onFiles={onFiles}
        guide={guide && { ...guide, of: GUIDE_STEPS, onClose: finishGuide }}
      />
      <main className="main">
        <div className="workspace">
          {sessions.interrupted && <ResumeBanner session={sessions.interrupted} onResume={() => void resumeSession(sessions.interrupted!)} onDiscard={sessions.dismissInterrupted} />}
          <Viewport
            scene={viewScene}
            refinedCameras={refinedGuessCameras}
            roles={roles}
            thumbnails={thumbnails}
            highlight={hover}
            note={note}
            preview={preview}
            onClosePreview={closePreview}
            onViewCamera={training.onViewCamera}
            flyTo={evaluation.flyTo}
            cloud={streamCheck.viewCloud}
            job={viewer.job}
            renderer={RENDERER.choice}
            onSplatError={showError}
            onInteract={onLook}
          />
          <EvaluationView ev={evaluation} history={evaluation.source?.kind === 'run' ? (training.run?.history ?? null) : null} />
        </div>
        <aside className="sidebar" data-testid="sidebar">
          <PipelinePanel
            status={{ ...stageStatus, compress: compressStatus }}
            bodies={{
              // Nothing to show for masks and cameras that came with the scene.
              masks: scene && masks.missing.length > 0 && <MasksPanel masks={masks} />,
              poses: scene && poses.missing.length > 0 && <PosesPanel poses={poses} refinedIds={refinedGuessCameras} />,
              train: <TrainPanel training={training} sceneName={shown?.scene.manifest.name ?? 'scene'} />,
              compress: viewer.shown && (
                <CompressPanel
                  hasCloud={!!viewer.shown}
                  busy={!!viewer.job}
                  compressing={compressing}
                  stream={viewer.stream}
                  check={streamCheck.check}
                  preview={streamCheck.preview}
                  onPreview={streamCheck.setPreview}
                  onCompress={() => void viewer.saveStream()}
                />
              ),
              evaluate: scene && (
                <EvaluatePanel
                  ev={evaluation}
                  blocked={evalBlocked?.message ?? null}
                  split={split}
                  testViews={split ? (viewScene?.manifest.splits[split]?.test.length ?? 0) : 0}
                  onOpenCloud={(f) => void openCloud(f)}
                  readingCloud={viewer.job?.kind === 'read'}
                />
              ),
            }}
          />
          <CloudPanel shown={viewer.shown} job={viewer.job} onOpen={(f) => void openCloud(f)} onSave={(f) => void viewer.save(f)} />
          {shown && <SceneInfo scene={shown.scene} title={shown.title} source={shown.source} />}
        </aside>
      </main>
      <footer className="footer">
        <div className="footer-bar">
          <h2>Views</h2>
          {viewScene && <SplitSelector names={splitNames(viewScene.manifest)} value={split} onChange={setSplit} />}
          {scene && split && (
            <span className="legend">
              <i className="dot train" /> train <i className="dot test" /> test
              {[...roles.values()].includes('unused') && (
                <>
                  {' '}
                  <i className="dot unused" /> <Term id="notInSplit">not in split</Term>
                </>
              )}
            </span>
          )}
          {/* The kept sessions open upwards from the views bar, over the view: nothing changes size. */}
          <SessionsList sessions={sessions} onResume={(s) => void resumeSession(s)} />
          {/* One line at the right of the views bar: neither the sidebar nor the 3D view changes size for it. */}
          <Messages status={status} onDismiss={dismiss} />
        </div>
        <ThumbnailStrip
          views={viewScene?.views ?? []}
          roles={roles}
          thumbnails={thumbnails}
          onHover={setHover}
          masks={masks.edited}
          maskActions={masks.running ? undefined : masks}
          unplaced={poses.poses?.unplaced}
        />
      </footer>
      <DropOverlay onDrop={onDrop} />
    </div>
  );
}

/** The 3D view's note for photos without cameras: what is happening to them now. */
function noCamerasNote(masks: Masks, poses: Poses): string {
  if (masks.running) return 'No cameras yet: finding the object in each photo, then placing the photos in 3D.';
  if (poses.running) return 'No cameras yet: placing the photos in 3D (see the Poses stage).';
  if (poses.poses) return 'No photo could be placed in 3D: see the Poses stage for why. Try photos with more overlap and texture.';
  return 'No cameras yet: the photos are placed in 3D once their masks are found (the Poses stage).';
}

/** The Poses stage: places the photos without cameras, or the scene's own cameras. */
function posesStatus(scene: LoadedScene | null, { missing, run, poses }: Poses): StageStatus {
  if (!scene) return { state: 'blocked', label: 'needs photos', hint: 'Drop 3 to 9 photos of an object.' };
  if (missing.length === 0) return { state: 'done', label: 'from the scene', hint: 'Every view has a camera in the scene folder.' };
  if (run?.status === 'running') {
    const p = run.progress;
    return { state: 'running', label: p ? `${p.stage} · ${p.done} / ${p.total}` : 'starting…' };
  }
  if (run?.status === 'cancelled' || run?.status === 'failed') return { state: run.status, hint: run.message ?? undefined };
  if (!poses) return { state: 'blocked', label: 'waits for masks', hint: 'Places the photos once their masks are found.' };
  const n = poses.cameras.size, total = n + poses.unplaced.length;
  if (n === 0) return { state: 'failed', label: 'no photo placed', hint: poses.unplaced.map((u) => `${u.image}: ${u.reason}`).join('\n') };
  return {
    state: 'done',
    label: `done · ${n} / ${total} placed`,
    hint: poses.unplaced.length ? `Not placed: ${poses.unplaced.map((u) => `${u.image} (${u.reason})`).join(', ')}` : 'Every photo placed.',
  };
}

/** The Masks stage: estimated for the photos that have none, or the scene's own. */
function masksStatus(scene: LoadedScene | null, { missing, run, edited }: Masks): StageStatus {
  if (!scene) return { state: 'blocked', label: 'needs photos', hint: 'Drop 3 to 9 photos of an object.' };
  if (missing.length === 0) return { state: 'done', label: 'from the scene', hint: 'Every view has a mask in the scene folder.' };
  if (run?.status === 'running') return { state: 'running', label: `running · ${run.done} / ${run.total}` };
  if (run?.status === 'cancelled' || run?.status === 'failed') return { state: run.status, hint: run.message ?? undefined };
  if (edited.size === 0) return { state: 'ready', label: 'ready' };
  const warned = [...edited.values()].filter((m) => m.warning).length;
  return {
    state: 'done',
    label: warned ? `done · ${warned} to check` : `done · ${edited.size} masks`,
    hint: warned ? `${warned} mask${warned === 1 ? '' : 's'} look wrong: see the warnings.` : 'Masks found from the photos; check them on the thumbnails.',
  };
}

/** What the pipeline panel says about Hull, Train (the stages that run in the Train worker). */
function pipelineStatus({ gpu, plan, run, probing }: Training): Partial<Record<StageId, StageStatus>> {
  const needs = plan.problem ? (plan.trainIds.length === 0 ? 'needs cameras' : 'needs masks or bounds') : null;
  const hullHint = 'Carved from the masks on the CPU as the start of Train (Start from: visual hull)';
  const hull: StageStatus = needs
    ? { state: 'blocked', label: needs, hint: plan.problem ?? undefined }
    : gpu && !gpu.ok
      ? { state: 'blocked', label: 'needs WebGPU', hint: 'The visual hull is carved as the first part of Train, and Train needs WebGPU, which this browser does not give.' }
    : plan.hullProblem
      ? { state: 'blocked', label: 'needs masks', hint: plan.hullProblem }
      : run?.status === 'starting' && run.settings.init === 'hull'
        ? { state: 'running', hint: hullHint }
        : run?.result?.hullVoxels
          ? { state: 'done', label: `done · ${run.result.hullVoxels.toLocaleString('en')} voxels`, hint: `${hullHint}. ${GLOSSARY.voxels.plain}` }
          : { state: 'ready', label: 'runs with Train', hint: hullHint };
  const train: StageStatus = !gpu
    ? { state: 'blocked', label: 'checking WebGPU…' }
    : !gpu.ok
      ? { state: 'blocked', label: 'needs WebGPU', hint: gpu.message }
      : needs
        ? { state: 'blocked', label: needs, hint: plan.problem ?? undefined }
        : probing
          ? { state: 'running', label: 'timing a few steps…', hint: 'A few steps are timed to say how long a run takes here.' }
          : !run
          ? { state: 'ready' }
          : run.status === 'starting' || run.status === 'running'
            ? { state: 'running' }
            : { state: run.status === 'finished' ? 'done' : run.status };
  return { hull, train };
}

/**
 * Why evaluation needs WebGPU although the viewer can draw with WebGL2: scores must be the ones
 * `npm run eval` gives, so the test views are rendered by the same rasterizer as training.
 */
export const EVAL_NEEDS_WEBGPU =
  'Evaluation needs WebGPU: it renders the test views with the same rasterizer as training, so that its scores match `npm run eval` and the papers. ' +
  'The WebGL2 viewer draws the splats another, approximate way, and its pictures would give different scores. Open the page in a browser with WebGPU (see the Train stage).';

/** Why evaluation cannot start because of the GPU or a running training, or null. */
function evaluationBlocked({ gpu, running }: Training): EvalProblem | null {
  if (!gpu) return { label: 'checking WebGPU…', message: 'Checking WebGPU…' };
  if (!gpu.ok) return { label: 'needs WebGPU', message: EVAL_NEEDS_WEBGPU };
  if (running) return { label: 'waits for Train', message: 'Training is running: evaluate when it has ended.' };
  return null;
}

/** The Evaluate stage: blocked until there is a scene with test views, WebGPU and a cloud. */
function evaluateStatus(ev: EvaluationState, blocked: EvalProblem | null): StageStatus {
  const s = ev.evaluation;
  if (s?.status === 'running') return { state: 'running', label: `running · ${s.progress.done} / ${s.progress.total}` };
  if (ev.problem) return { state: 'blocked', label: ev.problem.label, hint: ev.problem.message };
  if (blocked) return { state: 'blocked', label: blocked.label, hint: blocked.message };
  if (!ev.source) return { state: 'blocked', label: 'needs a cloud', hint: 'Reconstruct first, or open / drop a .ply, .spz or .splat cloud.' };
  if (s?.status === 'done' && s.result) {
    const m = s.result.report.mean;
    return { state: 'done', label: `done · ${(m.psnrMasked ?? m.psnr).toFixed(2)} dB`, hint: `Mean ${m.psnrMasked !== null ? 'masked ' : ''}PSNR over the test views. ${GLOSSARY.psnr.plain}` };
  }
  if (s?.status === 'failed' || s?.status === 'cancelled') return { state: s.status, hint: s.message ?? undefined };
  return { state: 'ready' };
}

/** The image over the 3D view and an honest caption of what it is. */
function previewOf({ preview, run }: Training): { frame: NonNullable<Training['preview']>; caption: string } | null {
  if (!preview || !run) return null;
  const splats = `${preview.splats.toLocaleString('en')} splats`;
  if (!preview.final) return { frame: preview, caption: `training preview, step ${preview.step} / ${preview.iterations} · ${splats}` };
  const what =
    run.status === 'finished' ? 'final render' : run.status === 'cancelled' ? 'render of the cloud at cancel' : 'render of the last good cloud';
  return { frame: preview, caption: `${what}, step ${preview.step} · ${splats}` };
}
