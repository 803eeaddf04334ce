/**
 * The app's side of the session store: the list (newest first), the interrupted run found at load
 * (a session still marked 'training': the page went away mid-run), and the TrainPersistence the
 * Train stage writes through. A bundled scene is kept by name; any other scene (a drop, with the
 * masks and cameras the stages found) is stored whole.
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { LoadedScene } from '../../io/sceneFolder.ts';
import type { Shown } from '../useSceneLoader.ts';
import type { TrainPersistence } from '../useTraining.ts';
import { downloadFile } from '../download.ts';
import { createSession, deleteSession, importSession, listSessions, loadSession, renameSession, saveCheckpoint, setSessionStatus, type SessionMeta } from './sessionStore.ts';
import { sessionFromZip, sessionToZip } from './sessionZip.ts';

export function useSessions(shown: Shown | null, trainScene: LoadedScene | null, onError: (e: unknown) => void) {
  const [list, setList] = useState<SessionMeta[] | null>(null);
  const refresh = useCallback(() => {
    listSessions()
      .then(setList)
      .catch((e: unknown) => {
        setList([]);
        onError(e);
      });
  }, [onError]);
  useEffect(refresh, [refresh]);
  // Found at load, not the run this page started: offered once, until resumed or discarded.
  const [interrupted, setInterrupted] = useState<SessionMeta | null | undefined>(undefined);
  useEffect(() => {
    if (list && interrupted === undefined) setInterrupted(list.find((s) => s.status === 'training' && s.checkpointStep > 0) ?? null);
  }, [list, interrupted]);

  const persistence = useMemo<TrainPersistence | undefined>(() => {
    if (!shown || !trainScene) return undefined;
    return {
      async begin({ settings, split }) {
        const scene = shown.bundled ? { kind: 'bundled' as const, name: shown.bundled, title: shown.title } : { kind: 'stored' as const, title: shown.title };
        const meta = await createSession({ name: shown.title, scene, split, settings, iterations: settings.iterations }, shown.bundled ? null : trainScene);
        refresh();
        return meta.id;
      },
      async checkpoint(id, c) {
        await saveCheckpoint(id, c);
        refresh();
      },
      end(id, status) {
        void setSessionStatus(id, status === 'finished' ? 'finished' : 'stopped').then(refresh, onError);
      },
    };
  }, [shown, trainScene, refresh, onError]);

  const remove = useCallback((id: string) => void deleteSession(id).then(refresh, onError), [refresh, onError]);
  const rename = useCallback((id: string, name: string) => void renameSession(id, name).then(refresh, onError), [refresh, onError]);
  const dismissInterrupted = useCallback(() => setInterrupted(null), []);
  /** Downloads the session as one zip (sessionZip.ts). */
  const exportZip = useCallback(
    (id: string) =>
      void loadSession(id)
        .then((s) => s && downloadFile(`${s.meta.name.replace(/[^\w.-]+/g, '_')}.session.zip`, sessionToZip(s.meta, s.checkpoint, s.scene), 'application/zip'))
        .catch(onError),
    [onError],
  );
  const importZip = useCallback(
    (file: File) =>
      void file
        .arrayBuffer()
        .then((b) => sessionFromZip(new Uint8Array(b), file.name))
        .then(importSession)
        .then(refresh, onError),
    [refresh, onError],
  );
  return { list, interrupted: interrupted ?? null, dismissInterrupted, persistence, remove, rename, refresh, exportZip, importZip };
}

export type Sessions = ReturnType<typeof useSessions>;
