/** The app shell: header, 3D view, side panels, thumbnails. State lives in useSceneLoader. */
import { useCallback, useEffect, useMemo, useState } from 'react';
import { InputError } from '../core/errors.ts';
import { fetchBundledScenes, type BundledScene } from './bundledScenes.ts';
import { DropOverlay } from './DropOverlay.tsx';
import { Header } from './Header.tsx';
import { Messages } from './Messages.tsx';
import { PipelinePanel } from './PipelinePanel.tsx';
import { readDataTransfer, readFileList } from './readFiles.ts';
import { SceneInfo } from './SceneInfo.tsx';
import { SplitSelector } from './SplitSelector.tsx';
import { defaultSplit, splitNames, viewRoles } from './splits.ts';
import { ThumbnailStrip } from './ThumbnailStrip.tsx';
import type { StageId, StageStatus } from './stages.ts';
import { useThumbnails } from './thumbnails.ts';
import { TrainPanel } from './TrainPanel.tsx';
import { useSceneLoader } from './useSceneLoader.ts';
import { useTraining, type Training } from './useTraining.ts';
import { Viewport } from './Viewport.tsx';

export function App() {
  const { shown, status, openBundled, openFiles, showError, showInfo, dismiss } = useSceneLoader();
  const [bundled, setBundled] = useState<BundledScene[]>([]);
  const [split, setSplit] = useState<string | null>(null);
  const [hover, setHover] = useState<string | null>(null);

  useEffect(() => {
    fetchBundledScenes()
      .then((list) => {
        setBundled(list);
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
  const roles = useMemo(() => (scene ? viewRoles(scene.manifest, split) : new Map()), [scene, split]);
  const thumbnails = useThumbnails(scene);
  const training = useTraining(scene, split, { showError, showInfo });
  const stageStatus = pipelineStatus(training);
  const preview = previewOf(training);

  const onFiles = useCallback((files: FileList) => void openFiles(readFileList(files)), [openFiles]);
  const onDrop = useCallback((dt: DataTransfer) => void openFiles(readDataTransfer(dt)), [openFiles]);

  const hasCameras = !!scene?.views.some((v) => v.camera);
  const note = !scene
    ? 'Drop 3 to 9 photos of an object, a scene folder, or a .zip of one to start.'
    : !hasCameras
      ? 'No cameras yet — pose estimation is not available yet'
      : undefined;

  return (
    <div className="app">
      <Header
        scenes={bundled}
        selected={shown?.bundled ?? (shown ? null : (bundled[0]?.name ?? null))}
        droppedLabel={shown && !shown.bundled ? shown.title : null}
        onPickScene={(s) => void openBundled(s)}
        onFiles={onFiles}
      />
      <main className="main">
        <Viewport
          scene={scene}
          roles={roles}
          thumbnails={thumbnails}
          highlight={hover}
          note={note}
          preview={preview}
          onViewCamera={training.onViewCamera}
        />
        <aside className="sidebar">
          <Messages status={status} onDismiss={dismiss} />
          <PipelinePanel
            status={stageStatus}
            bodies={{ train: <TrainPanel training={training} sceneName={shown?.scene.manifest.name ?? 'scene'} /> }}
          />
          {shown && <SceneInfo scene={shown.scene} title={shown.title} source={shown.source} />}
        </aside>
      </main>
      <footer className="footer">
        <div className="footer-bar">
          <h2>Views</h2>
          {scene && <SplitSelector names={splitNames(scene.manifest)} value={split} onChange={setSplit} />}
          {scene && split && (
            <span className="legend">
              <i className="dot train" /> train <i className="dot test" /> test
            </span>
          )}
        </div>
        <ThumbnailStrip views={scene?.views ?? []} roles={roles} thumbnails={thumbnails} onHover={setHover} />
      </footer>
      <DropOverlay onDrop={onDrop} />
    </div>
  );
}

/** What the pipeline panel says about the stages that exist (the others are "not available yet"). */
function pipelineStatus({ gpu, plan, run }: Training): Partial<Record<StageId, StageStatus>> {
  const needs = plan.problem ? (plan.trainIds.length === 0 ? 'needs cameras' : 'needs masks or bounds') : null;
  const hullHint = 'Carved from the masks on the CPU as the start of Train (Start from: visual hull)';
  const hull: StageStatus = needs
    ? { state: 'blocked', label: needs, hint: plan.problem ?? undefined }
    : plan.hullProblem
      ? { state: 'blocked', label: 'needs masks', hint: plan.hullProblem }
      : run?.status === 'starting' && run.settings.init === 'hull'
        ? { state: 'running', hint: hullHint }
        : run?.result?.hullVoxels
          ? { state: 'done', label: `done · ${run.result.hullVoxels.toLocaleString('en')} voxels`, hint: hullHint }
          : { state: 'ready', label: 'runs with Train', hint: hullHint };
  const train: StageStatus = !gpu
    ? { state: 'blocked', label: 'checking WebGPU…' }
    : !gpu.ok
      ? { state: 'blocked', label: 'needs WebGPU', hint: gpu.message }
      : needs
        ? { state: 'blocked', label: needs, hint: plan.problem ?? undefined }
        : !run
          ? { state: 'ready' }
          : run.status === 'starting' || run.status === 'running'
            ? { state: 'running' }
            : { state: run.status === 'finished' ? 'done' : run.status };
  return { hull, train };
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
