/**
 * What is shown and how it changes: loads bundled scenes and dropped files through the ingest
 * worker, one job at a time (a new job aborts the previous one). A failed load only sets the
 * error message: what was shown before stays shown.
 */
import { useCallback, useRef, useState } from 'react';
import { describeError, InputError } from '../core/errors.ts';
import type { LoadedScene } from '../io/sceneFolder.ts';
import type { DroppedFile } from '../recon/ingest.ts';
import type { BundledScene } from './bundledScenes.ts';
import { getIngestClient } from './ingestClient.ts';
import type { Status } from './Messages.tsx';
import { logUnexpected } from './notify.ts';

/** `?scene=none`: start without a scene (to look at a cloud file alone). */
export const NO_SCENE = 'none';

export interface Shown {
  kind: 'scene' | 'photos';
  title: string;
  /** Where it came from, for the info panel. */
  source: string;
  /** The bundled scene's name, or null for the user's own files. */
  bundled: string | null;
  scene: LoadedScene;
  /** What the loader changed and the person should know (photos turned to one size). */
  notes?: string[];
}

export function useSceneLoader() {
  const [shown, setShown] = useState<Shown | null>(null);
  const [status, setStatus] = useState<Status>({});
  const job = useRef<AbortController | null>(null);

  const run = useCallback(async (label: string, work: (signal: AbortSignal, progress: (d: number, t: number) => void) => Promise<Shown>) => {
    job.current?.abort();
    const ac = new AbortController();
    job.current = ac;
    setStatus({ busy: { label, done: 0, total: 0 } });
    // Progress comes from the worker on its own channel and may arrive after the result:
    // once the job has settled, late progress is dropped.
    let settled = false;
    try {
      const next = await work(ac.signal, (done, total) => {
        if (!settled && !ac.signal.aborted) setStatus({ busy: { label, done, total } });
      });
      settled = true;
      if (ac.signal.aborted) return;
      setShown(next);
      const n = next.scene.views.length;
      const v = next.scene.views[0];
      setStatus({ info: [`Loaded ${next.title}: ${n} view${n === 1 ? '' : 's'}, ${v.rgba.width}×${v.rgba.height}.`, ...(next.notes ?? [])].join(' ') });
    } catch (e) {
      settled = true;
      if (ac.signal.aborted) return;
      logUnexpected(e);
      setStatus({ error: describeError(e) });
    } finally {
      if (job.current === ac) job.current = null;
    }
  }, []);

  const openBundled = useCallback(
    (s: BundledScene) =>
      run(`Loading scene “${s.title}”`, async (signal, progress) => {
        const scene = await getIngestClient().loadSceneUrl(s.url, signal, progress);
        history.replaceState(null, '', `?scene=${encodeURIComponent(s.name)}`);
        return { kind: 'scene', title: s.title, source: 'bundled with the app', bundled: s.name, scene };
      }),
    [run],
  );

  /** `files` must already be started (DataTransfer contents are only readable during the drop). */
  const openFiles = useCallback(
    (files: Promise<DroppedFile[]>) =>
      run('Reading your files', async (signal, progress) => {
        let dropped: DroppedFile[];
        try {
          dropped = await files;
        } catch (e) {
          throw new InputError(`could not read the files (${(e as Error).message}). Try again, or copy them to a local folder first.`);
        }
        const res = await getIngestClient().ingestFiles(dropped, signal, progress);
        history.replaceState(null, '', location.pathname);
        const title = res.kind === 'scene' ? res.scene.manifest.name : res.label;
        const source = res.kind === 'scene' ? `your scene folder (${res.label})` : `your photos (${res.label})`;
        return { kind: res.kind, title, source, bundled: null, scene: res.scene, notes: res.kind === 'photos' ? res.notes : undefined };
      }),
    [run],
  );

  /** Shows a scene kept in the browser (a saved session's photos, masks and cameras). */
  const openStored = useCallback(
    (scene: LoadedScene, title: string) =>
      run('Opening the kept session', async () => {
        history.replaceState(null, '', location.pathname);
        return { kind: 'scene', title, source: 'a session kept in this browser', bundled: null, scene };
      }),
    [run],
  );

  /** Shows no scene (a cloud alone); a load in progress is abandoned. */
  const close = useCallback(() => {
    job.current?.abort();
    job.current = null;
    setShown(null);
    setStatus({});
    history.replaceState(null, '', `?scene=${NO_SCENE}`);
  }, []);

  const showError = useCallback((e: unknown) => setStatus({ error: describeError(e) }), []);
  const showInfo = useCallback((info: string) => setStatus((s) => ({ busy: s.busy, info })), []);
  const dismiss = useCallback(() => setStatus((s) => ({ busy: s.busy })), []);

  return { shown, status, openBundled, openFiles, openStored, close, showError, showInfo, dismiss };
}
