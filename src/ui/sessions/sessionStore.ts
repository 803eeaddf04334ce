/**
 * Training sessions kept in IndexedDB (through `idb`), so that a reload, a closed tab or a crash
 * loses at most the steps since the last checkpoint. Three stores, one record per session in each:
 * - sessions: what the list shows (name, scene, settings, step, status), small;
 * - scenes: the photos, masks and cameras trained on, for scenes the app cannot fetch again (a
 *   drop); a bundled scene is stored by its name only;
 * - checkpoints: the latest checkpoint (cloud, Adam moments, step count, metrics so far).
 * Typed arrays are stored as they are (structured clone). Before anything big is written the
 * storage quota is checked, with a message naming the oldest sessions to delete.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import { InputError } from '../../core/errors.ts';
import type { LoadedScene } from '../../io/sceneFolder.ts';
import { checkpointBytes, type TrainCheckpoint } from '../../recon/train/checkpoint.ts';
import type { TrainSettings } from '../useTraining.ts';

export type SessionStatus = 'training' | 'finished' | 'stopped';

export interface SessionMeta {
  id: string;
  name: string;
  createdAt: number;
  updatedAt: number;
  scene: { kind: 'bundled'; name: string; title: string } | { kind: 'stored'; title: string };
  split: string | null;
  settings: TrainSettings;
  /** 'training' while a run is going on: found so after a reload, it was interrupted. */
  status: SessionStatus;
  /** Step of the latest checkpoint (0: none yet). */
  checkpointStep: number;
  iterations: number;
  /** Bytes stored for this session (scene + checkpoint), for the list and the quota message. */
  bytes: number;
  /** Of which the scene's (0 for a bundled scene). */
  sceneBytes: number;
}

interface Schema extends DBSchema {
  sessions: { key: string; value: SessionMeta; indexes: { updatedAt: number } };
  scenes: { key: string; value: LoadedScene };
  checkpoints: { key: string; value: TrainCheckpoint };
}

export const DB_NAME = 'sparse-splat-sessions';
let dbPromise: Promise<IDBPDatabase<Schema>> | null = null;

function db(): Promise<IDBPDatabase<Schema>> {
  dbPromise ??= openDB<Schema>(DB_NAME, 1, {
    upgrade(d) {
      d.createObjectStore('sessions', { keyPath: 'id' }).createIndex('updatedAt', 'updatedAt');
      d.createObjectStore('scenes');
      d.createObjectStore('checkpoints');
    },
  });
  return dbPromise;
}

export function sceneBytes(scene: LoadedScene): number {
  return scene.views.reduce((n, v) => n + v.rgba.data.byteLength + (v.maskData?.byteLength ?? 0), 0);
}

const mb = (n: number) => `${(n / 2 ** 20).toFixed(1)} MB`;

/**
 * Throws an InputError when `bytes` more would not fit in the origin's storage quota (with a
 * tenth kept free), naming the oldest sessions that could be deleted.
 */
export async function checkQuota(bytes: number): Promise<void> {
  const est = await navigator.storage?.estimate?.().catch(() => null);
  if (!est?.quota) return;
  const free = est.quota * 0.9 - (est.usage ?? 0);
  if (bytes <= free) return;
  const oldest = (await listSessions()).slice(-3).map((s) => `“${s.name}” (${mb(s.bytes)})`);
  throw new InputError(
    `not enough browser storage to keep this session: it needs ${mb(bytes)}, ${mb(Math.max(0, free))} are free.` +
      (oldest.length ? ` Delete older sessions in the Sessions list: ${oldest.join(', ')}.` : ' Free some space for this site in the browser settings.'),
  );
}

export async function createSession(meta: Omit<SessionMeta, 'id' | 'createdAt' | 'updatedAt' | 'bytes' | 'sceneBytes' | 'checkpointStep' | 'status'>, scene: LoadedScene | null): Promise<SessionMeta> {
  const bytes = scene ? sceneBytes(scene) : 0;
  await checkQuota(bytes);
  const now = Date.now();
  const full: SessionMeta = { ...meta, id: `s${now.toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`, createdAt: now, updatedAt: now, bytes, sceneBytes: bytes, checkpointStep: 0, status: 'training' };
  const tx = (await db()).transaction(['sessions', 'scenes'], 'readwrite');
  await tx.objectStore('sessions').put(full);
  if (scene) await tx.objectStore('scenes').put(scene, full.id);
  await tx.done;
  return full;
}

/** Replaces the session's checkpoint (only the latest is kept). */
export async function saveCheckpoint(id: string, c: TrainCheckpoint): Promise<void> {
  const d = await db();
  const meta = await d.get('sessions', id);
  if (!meta) return;
  const old = meta.bytes - meta.sceneBytes;
  const size = checkpointBytes(c);
  if (size > old) await checkQuota(size - old);
  const tx = d.transaction(['sessions', 'checkpoints'], 'readwrite');
  await tx.objectStore('checkpoints').put(c, id);
  await tx.objectStore('sessions').put({ ...meta, checkpointStep: c.step, updatedAt: Date.now(), bytes: meta.sceneBytes + size });
  await tx.done;
}

export async function setSessionStatus(id: string, status: SessionStatus): Promise<void> {
  const d = await db();
  const meta = await d.get('sessions', id);
  if (meta) await d.put('sessions', { ...meta, status, updatedAt: Date.now() });
}

export async function renameSession(id: string, name: string): Promise<void> {
  const d = await db();
  const meta = await d.get('sessions', id);
  if (meta) await d.put('sessions', { ...meta, name });
}

/** Newest first. */
export async function listSessions(): Promise<SessionMeta[]> {
  return (await (await db()).getAllFromIndex('sessions', 'updatedAt')).reverse();
}

export async function loadSession(id: string): Promise<{ meta: SessionMeta; checkpoint: TrainCheckpoint | null; scene: LoadedScene | null } | null> {
  const d = await db();
  const meta = await d.get('sessions', id);
  if (!meta) return null;
  return { meta, checkpoint: (await d.get('checkpoints', id)) ?? null, scene: meta.scene.kind === 'stored' ? ((await d.get('scenes', id)) ?? null) : null };
}

/** Keeps an imported session (sessionZip.ts) as a new one; a run it was in the middle of is 'stopped'. */
export async function importSession(s: { meta: Omit<SessionMeta, 'id' | 'createdAt' | 'updatedAt' | 'bytes' | 'sceneBytes' | 'checkpointStep'>; checkpoint: TrainCheckpoint | null; scene: LoadedScene | null }): Promise<SessionMeta> {
  const { status, ...rest } = s.meta;
  const meta = await createSession(rest, s.scene);
  if (s.checkpoint) await saveCheckpoint(meta.id, s.checkpoint);
  await setSessionStatus(meta.id, status === 'training' ? 'stopped' : status);
  return meta;
}

export async function deleteSession(id: string): Promise<void> {
  const tx = (await db()).transaction(['sessions', 'scenes', 'checkpoints'], 'readwrite');
  await Promise.all([tx.objectStore('sessions').delete(id), tx.objectStore('scenes').delete(id), tx.objectStore('checkpoints').delete(id), tx.done]);
}
