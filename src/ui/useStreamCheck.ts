/**
 * The Compress stage's check of the stream it saved: the stream is decoded in the file worker
 * (as the app opens a .gsrq), then the decoded cloud and the uncompressed one are both scored on
 * the split's held-out test views in the evaluation worker (the Evaluate stage's protocol, size
 * and worker, no LPIPS), so the stage can say what the compression cost in PSNR. The decoded
 * cloud can replace the uncompressed one in the 3D view (a preview toggle), to look for what
 * the numbers average away.
 *
 * Runs on its own after every stream saved; a scene without test views with cameras gets the
 * decoded cloud and its preview, and says why there is no PSNR. Another cloud, scene or split
 * forgets the check.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { GaussianCloud } from '../core/gaussianCloud.ts';
import type { LoadedScene } from '../io/sceneFolder.ts';
import type { Size } from '../recon/evaluate/protocol.ts';
import { getEvalClient } from './evaluate/evalClient.ts';
import { splitScene, type EvalProblem } from './evaluate/useEvaluation.ts';
import { getSplatFileClient } from './splatFileClient.ts';
import type { SavedStream, ShownCloud } from './useShownCloud.ts';

export interface StreamCheck {
  /** The stream checked (its cloud id and name). */
  cloudId: number;
  name: string;
  status: 'decoding' | 'scoring' | 'done' | 'failed';
  /** Of the current phase: bytes decoded, or test views scored (both clouds). */
  progress: { done: number; total: number };
  decoded: GaussianCloud | null;
  /** Mean test-view PSNR of the uncompressed and the decoded cloud, once scored. */
  psnr: { before: number; after: number; views: number; split: string; size: Size } | null;
  /** Why there is no PSNR (no test views, a failure), or null. */
  message: string | null;
}

export function useStreamCheck(scene: LoadedScene | null, split: string | null, size: Size, problem: EvalProblem | null, shown: ShownCloud | null, stream: SavedStream | null) {
  const [check, setCheck] = useState<StreamCheck | null>(null);
  const [preview, setPreview] = useState(false);
  const seq = useRef(0);
  const abortRef = useRef<AbortController | null>(null);
  const inputs = useRef({ scene, split, size, problem, shown });
  inputs.current = { scene, split, size, problem, shown };

  const run = useCallback(async (s: SavedStream, cloud: ShownCloud) => {
    const job = ++seq.current;
    abortRef.current?.abort();
    const ac = new AbortController();
    abortRef.current = ac;
    const mine = (f: (c: StreamCheck) => StreamCheck) => {
      if (seq.current === job) setCheck((c) => (c ? f(c) : c));
    };
    setCheck({ cloudId: s.cloudId, name: s.name, status: 'decoding', progress: { done: 0, total: s.data.length }, decoded: null, psnr: null, message: null });
    try {
      const decoded = await getSplatFileClient().read(new File([s.data as Uint8Array<ArrayBuffer>], s.name), (_phase, done, total) => mine((c) => (c.status === 'decoding' ? { ...c, progress: { done, total } } : c)));
      const { scene: sc, split: sp, size: sz, problem: pr } = inputs.current;
      if (!sc || !sp || pr) {
        mine((c) => ({ ...c, status: 'done', decoded, message: `No PSNR change: ${pr?.message ?? 'open a scene with test views first.'}` }));
        return;
      }
      const views = sc.manifest.splits[sp].test.length;
      mine((c) => ({ ...c, status: 'scoring', decoded, progress: { done: 0, total: 2 * views } }));
      const score = async (g: GaussianCloud, offset: number) => {
        const r = await getEvalClient().evaluate({ scene: splitScene(sc, sp), cloud: g, split: sp, size: sz, lpips: null }, ac.signal, (done) =>
          mine((c) => (c.status === 'scoring' ? { ...c, progress: { done: offset + done, total: 2 * views } } : c)),
        );
        return r.report.mean.psnr;
      };
      const before = await score(cloud.cloud, 0);
      const after = await score(decoded, views);
      mine((c) => ({ ...c, status: 'done', progress: { done: 2 * views, total: 2 * views }, psnr: { before, after, views, split: sp, size: sz } }));
    } catch (e) {
      if (ac.signal.aborted) return;
      mine((c) => ({ ...c, status: 'failed', message: `The check failed: ${e instanceof Error ? e.message : String(e)}` }));
    }
  }, []);

  // Every newly saved stream is checked, for the cloud it was made of.
  useEffect(() => {
    const cloud = inputs.current.shown;
    if (stream && cloud && stream.cloudId === cloud.id) void run(stream, cloud);
  }, [stream, run]);

  // Another cloud, scene or split: the check described something else.
  const shownId = shown?.id ?? null;
  useEffect(() => {
    seq.current++;
    abortRef.current?.abort();
    setCheck(null);
    setPreview(false);
  }, [shownId, scene, split]);

  const current = check && shown && check.cloudId === shown.id ? check : null;
  /** What the 3D view shows: the decoded stream while previewing, else the uncompressed cloud. */
  const viewCloud: ShownCloud | null =
    shown && preview && current?.decoded ? { ...shown, id: -shown.id, cloud: current.decoded, label: `${current.name} (decoded)` } : shown;
  return { check: current, preview: preview && !!current?.decoded, setPreview, viewCloud };
}

export type StreamCheckState = ReturnType<typeof useStreamCheck>;
