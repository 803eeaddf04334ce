/**
 * The cloud the 3D view shows as splats and the app exports: the last Reconstruct run's (from the
 * train worker's result, once the run has ended) or a .ply/.spz/.splat file the user opened or
 * dropped (read in the file worker, with progress). The newest of the two is shown. A new run
 * or another scene takes the run's cloud away; opening another scene forgets an opened file too
 * (as the Evaluate stage does), closing the scene keeps it. A file that cannot be read shows the
 * reader's message and changes nothing. Save writes the shown cloud as PLY, SPZ or .splat (a PLY
 * records the size the cloud was trained at, when known: src/io/trainedSize.ts).
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { InputError } from '../core/errors.ts';
import type { GaussianCloud } from '../core/gaussianCloud.ts';
import type { LoadedScene } from '../io/sceneFolder.ts';
import { SPLAT_FILE_EXTENSIONS, type SplatFileFormat } from '../io/splatFile.ts';
import { STREAM_EXTENSION } from '../io/streamFile.ts';
import { PLY_HEADER_BYTES, plyTrainedSize, trainedSizeComment, type TrainedSize } from '../io/trainedSize.ts';
import { downloadFile } from './download.ts';
import { getSplatFileClient } from './splatFileClient.ts';
import type { Training } from './useTraining.ts';
import { useLatest, type Notify } from './notify.ts';

export interface ShownCloud {
  /** Different for every cloud shown in this page. */
  id: number;
  kind: 'run' | 'file';
  cloud: GaussianCloud;
  /** What it is, for the panel ("cloud.ply", "run: 1000 steps, hull start"). */
  label: string;
  /** File name to save as, without extension. */
  saveName: string;
  /** The size it was trained at (a run's, or what the file records), or null when unknown. */
  trainedSize: TrainedSize | null;
}

/** A file being read or a cloud being written. */
export interface SavedStream {
  cloudId: number;
  name: string;
  bytes: number;
  splats: number;
  seconds: number;
  plyBytes: number;
  /** The stream's bytes (the Compress stage decodes them to check and preview it). */
  data: Uint8Array;
}

/** Bytes of the cloud as a binary 3DGS PLY (the header aside): 4 bytes a value. */
function plyByteSize(cloud: GaussianCloud): number {
  return cloud.count * 4 * (3 + 3 + 4 + 1 + 3 * (cloud.shDegree + 1) ** 2 + 3);
}

export interface CloudJob {
  id: number;
  kind: 'read' | 'write';
  label: string;
  done: number;
  total: number;
}

let nextId = 1;
const stem = (name: string) => name.replace(/^.*[\\/]/, '').replace(/\.[^.]*$/, '') || 'cloud';
const countText = (n: number) => n.toLocaleString('en');

export function useShownCloud(scene: LoadedScene | null, training: Training, notify: Notify) {
  const [shown, setShown] = useState<ShownCloud | null>(null);
  const [job, setJob] = useState<CloudJob | null>(null);
  /** Clouds saved so far on this page. */
  const [saved, setSaved] = useState(0);
  /** The last progressive stream saved (the Compress stage shows it), for the cloud shown then. */
  const [stream, setStream] = useState<SavedStream | null>(null);
  const notifyRef = useLatest(notify);
  /** The file read whose outcome is still wanted (bumped by every new read and scene). */
  const readRef = useRef(0);
  const jobSeq = useRef(0);
  const endJob = (id: number) => setJob((j) => (j?.id === id ? null : j));

  // Another scene forgets an opened file; no scene (closed) keeps it.
  useEffect(() => {
    if (scene) setShown((s) => (s?.kind === 'file' ? null : s));
    readRef.current++;
  }, [scene]);

  // The run's cloud once the run has ended; a new run (or none) takes it away.
  const runRef = useRef(training.run);
  runRef.current = training.run;
  const runCloud = training.running ? null : (training.run?.result?.cloud ?? null);
  const sceneName = scene?.manifest.name ?? 'scene';
  useEffect(() => {
    const run = runRef.current;
    if (!runCloud || runCloud.count === 0 || !run?.result) {
      setShown((s) => (s?.kind === 'run' ? null : s));
      return;
    }
    const steps = run.result.stepsDone;
    setShown({
      id: nextId++, kind: 'run', cloud: runCloud, label: `run: ${steps} steps, ${run.settings.init} start`, saveName: `${sceneName}-${steps}steps`,
      trainedSize: { width: run.width, height: run.height },
    });
  }, [runCloud, sceneName]);

  /**
   * Reads a cloud file and shows it; resolves to the cloud and the size it was trained at (when
   * its PLY header records it), or null when it failed or was superseded.
   */
  const openFile = useCallback(async (file: File): Promise<{ cloud: GaussianCloud; trainedSize: TrainedSize | null } | null> => {
    const read = ++readRef.current;
    const id = ++jobSeq.current;
    const label = `Reading ${file.name}`;
    setJob({ id, kind: 'read', label, done: 0, total: 0 });
    // Progress comes from the worker on a channel of its own and may arrive after the result:
    // once the read has settled, late progress is dropped.
    let settled = false;
    try {
      const cloud = await getSplatFileClient().read(file, (phase, done, total) => {
        if (settled || readRef.current !== read) return;
        setJob({ id, kind: 'read', label: phase === 'reading' ? label : `Decoding ${file.name}`, done, total });
      });
      const trainedSize = plyTrainedSize(new Uint8Array(await file.slice(0, PLY_HEADER_BYTES).arrayBuffer()));
      if (readRef.current !== read) return null;
      setShown({ id: nextId++, kind: 'file', cloud, label: file.name, saveName: stem(file.name), trainedSize });
      return { cloud, trainedSize };
    } catch (e) {
      if (readRef.current === read) notifyRef.current.showError(e);
      return null;
    } finally {
      settled = true;
      endJob(id);
    }
  }, []);

  const save = useCallback(async (format: SplatFileFormat) => {
    const s = shown;
    if (!s || job) return;
    const ext = SPLAT_FILE_EXTENSIONS[format];
    const id = ++jobSeq.current;
    setJob({ id, kind: 'write', label: `Writing ${ext}`, done: 0, total: s.cloud.count });
    let settled = false;
    try {
      const bytes = await getSplatFileClient().write(s.cloud, format, { ply: { comments: [`sparse-splat: ${s.label}`, ...(s.trainedSize ? [trainedSizeComment(s.trainedSize)] : [])] } }, (_phase, done, total) => {
        if (!settled) setJob((j) => (j?.id === id ? { id, kind: 'write', label: `Writing ${ext}`, done, total } : j));
      });
      const name = `${s.saveName}${ext}`;
      downloadFile(name, bytes, 'application/octet-stream');
      setSaved((n) => n + 1);
      notifyRef.current.showInfo(`Saved ${name}: ${countText(s.cloud.count)} splats, ${(bytes.length / 2 ** 20).toFixed(2)} MB.`);
    } catch (e) {
      const why = (e instanceof Error ? e.message : String(e)).replace(/^write\w*: /, '');
      notifyRef.current.showError(new InputError(`could not save the cloud as ${ext}: ${why}`));
    } finally {
      settled = true;
      endJob(id);
    }
  }, [shown, job]);

  /** The Compress stage: encode the shown cloud as a progressive stream in the worker and save it. */
  const saveStream = useCallback(async () => {
    const s = shown;
    if (!s || job) return;
    const id = ++jobSeq.current;
    const label = `Compressing to ${STREAM_EXTENSION}`;
    setJob({ id, kind: 'write', label, done: 0, total: 100 });
    let settled = false;
    try {
      const { bytes, seconds } = await getSplatFileClient().encodeStream(s.cloud, (_phase, done, total) => {
        if (!settled) setJob((j) => (j?.id === id ? { id, kind: 'write', label, done, total } : j));
      });
      const name = `${s.saveName}${STREAM_EXTENSION}`;
      downloadFile(name, bytes, 'application/octet-stream');
      setSaved((n) => n + 1);
      setStream({ cloudId: s.id, name, bytes: bytes.length, splats: s.cloud.count, seconds, plyBytes: plyByteSize(s.cloud), data: bytes });
      notifyRef.current.showInfo(`Saved ${name}: ${countText(s.cloud.count)} splats, ${(bytes.length / 2 ** 20).toFixed(2)} MB.`);
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      notifyRef.current.showError(new InputError(`could not compress the cloud: ${why}`));
    } finally {
      settled = true;
      endJob(id);
    }
  }, [shown, job]);

  return { shown, job, openFile, save, saved, saveStream, stream: stream && shown && stream.cloudId === shown.id ? stream : null };
}

export type ShownCloudState = ReturnType<typeof useShownCloud>;
