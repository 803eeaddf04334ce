/**
 * The Masks stage in the app: when a scene has photos without masks, the masks stage
 * (src/recon/masks: the model-free 'auto' method by default, or 'model': an IS-Net salient-object
 * map from a model file the person opens or names by URL, refined by the same graph cut) runs on
 * them in the masks worker, with progress and Cancel. The probability maps are kept, so the threshold slider re-thresholds every mask without
 * running the stage again. Per photo: accept, redo (run the stage again on that photo) or no mask
 * (the full frame). `edited` holds the masks as they are now; the training uses them.
 *
 * Views whose scene already has a mask (scene.json) keep it and are not estimated.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { describeError, InputError } from '../core/errors.ts';
import type { LoadedScene } from '../io/sceneFolder.ts';
import { getMasksClient, maskWarning, thresholdProbability } from './masksClient.ts';
import { SALIENT_MANIFEST } from './models/manifests.ts';
import { useModelChoice } from './models/useModelChoice.ts';
import { useLatest, type Notify, logUnexpected } from './notify.ts';

export type MaskChoice = 'auto' | 'accepted' | 'full';

export const DEFAULT_MASK_THRESHOLD = 0.5;

/** One estimated mask as the stage returned it, and what the person chose for it. */
export interface EstimatedMask {
  width: number;
  height: number;
  probability: Uint8Array;
  choice: MaskChoice;
  /** Set while this photo alone is being estimated again. */
  redoing: boolean;
}

/** A view's mask as it is used now. */
export interface EditedMask {
  mask: Uint8Array;
  /** Fraction of the frame it covers. */
  area: number;
  /** Why it looks wrong, in plain words, or null. */
  warning: string | null;
  choice: MaskChoice;
  redoing: boolean;
}

export type MasksRunStatus = 'running' | 'done' | 'cancelled' | 'failed';

export interface MasksRun {
  status: MasksRunStatus;
  /** Views estimated by this run. */
  ids: string[];
  done: number;
  total: number;
  startedAt: number;
  endedAt: number | null;
  message: string | null;
}

/** Views of the scene without a mask of their own. */
export function unmaskedViews(scene: LoadedScene | null): string[] {
  return scene ? scene.views.filter((v) => !v.maskData).map((v) => v.id) : [];
}

/** The mask used for an estimated view at `threshold`: the thresholded probability map, or the full frame. */
export function editedMask(m: EstimatedMask, threshold: number, label: string): EditedMask {
  if (m.choice === 'full') return { mask: new Uint8Array(m.width * m.height).fill(1), area: 1, warning: null, choice: m.choice, redoing: m.redoing };
  const mask = thresholdProbability(m.probability, threshold);
  let n = 0;
  for (let i = 0; i < mask.length; i++) n += mask[i];
  const warning = m.choice === 'accepted' ? null : maskWarning(mask, m.width, m.height, label);
  return { mask, area: n / mask.length, warning, choice: m.choice, redoing: m.redoing };
}

/** The scene with the edited masks as its views' masks (the same object when there are none). */
export function withMasks(scene: LoadedScene | null, masks: ReadonlyMap<string, EditedMask>): LoadedScene | null {
  if (!scene || masks.size === 0) return scene;
  return { ...scene, views: scene.views.map((v) => (masks.has(v.id) ? { ...v, maskData: masks.get(v.id)!.mask } : v)) };
}

export function useMasks(scene: LoadedScene | null, notify: Notify) {
  const [run, setRun] = useState<MasksRun | null>(null);
  const [estimated, setEstimated] = useState<ReadonlyMap<string, EstimatedMask>>(new Map());
  const [threshold, setThreshold] = useState(DEFAULT_MASK_THRESHOLD);
  const abortRef = useRef<AbortController | null>(null);
  const redoAborts = useRef(new Map<string, AbortController>());
  const notifyRef = useLatest(notify);
  const sceneRef = useLatest(scene);

  const missing = useMemo(() => unmaskedViews(scene), [scene]);
  const [method, setMethod] = useState<'auto' | 'model'>('auto');
  const model = useModelChoice();
  /** Why a run cannot use the chosen method, or null. */
  const needsModel = method === 'model' && !model.model ? `Open the ${SALIENT_MANIFEST.file} model file (or give its URL) first, or use the model-free method.` : null;
  const choiceRef = useLatest({ method, model: model.model, needsModel });
  /** The worker request's method and model, or null (and the reason shown) when the model is missing. */
  const methodRequest = useCallback(() => {
    const c = choiceRef.current;
    if (c.needsModel) {
      notifyRef.current.showError(new InputError(c.needsModel));
      return null;
    }
    return c.method === 'model' ? { method: 'model' as const, model: c.model } : { method: 'auto' as const };
  }, []);

  /** Estimates the masks of `ids` (all views without a mask by default). */
  const start = useCallback(async (ids?: string[]) => {
    const sc = sceneRef.current;
    if (!sc) return;
    const want = ids ?? unmaskedViews(sc);
    if (want.length === 0) return;
    const how = methodRequest();
    if (!how) return;
    abortRef.current?.abort();
    const ac = new AbortController();
    abortRef.current = ac;
    const views = want.map((id) => sc.views.find((v) => v.id === id)!);
    const startedAt = performance.now();
    const mine = (f: (r: MasksRun) => MasksRun) => setRun((r) => (r && r.startedAt === startedAt ? f(r) : r));
    setRun({ status: 'running', ids: want, done: 0, total: views.length, startedAt, endedAt: null, message: null });
    try {
      const res = await getMasksClient().estimate(
        { ...how, threshold, images: views.map((v) => v.rgba), names: views.map((v) => v.image) },
        ac.signal,
        (done, total) => {
          if (!ac.signal.aborted) mine((r) => (r.status === 'running' ? { ...r, done, total } : r));
        },
      );
      if (ac.signal.aborted || sceneRef.current !== sc) return;
      setEstimated((prev) => {
        const next = new Map(prev);
        res.masks.forEach((m, i) => next.set(want[i], { width: m.width, height: m.height, probability: m.probability, choice: 'auto', redoing: false }));
        return next;
      });
      mine((r) => ({ ...r, status: 'done', done: r.total, endedAt: performance.now() }));
      const warned = res.masks.filter((m) => m.warning).length;
      notifyRef.current.showInfo(
        `Masks found for ${res.masks.length} photo${res.masks.length === 1 ? '' : 's'}` +
          (warned ? `; ${warned} look${warned === 1 ? 's' : ''} wrong (see the Masks stage).` : '. Check them on the thumbnails below.'),
      );
    } catch (e) {
      if (sceneRef.current !== sc) return;
      if (ac.signal.aborted) {
        mine((r) => ({ ...r, status: 'cancelled', endedAt: performance.now(), message: `cancelled after ${r.done} of ${r.total} photos` }));
        return;
      }
      logUnexpected(e);
      mine((r) => ({ ...r, status: 'failed', endedAt: performance.now(), message: describeError(e) }));
      notifyRef.current.showError(e);
    } finally {
      if (abortRef.current === ac) abortRef.current = null;
    }
  }, [threshold]);

  const cancel = useCallback(() => abortRef.current?.abort(), []);

  // Another scene: cancel, forget, and estimate the masks it lacks.
  const startRef = useRef(start);
  startRef.current = start;
  useEffect(() => {
    abortRef.current?.abort();
    abortRef.current = null;
    for (const ac of redoAborts.current.values()) ac.abort();
    redoAborts.current.clear();
    setRun(null);
    setEstimated(new Map());
    setThreshold(DEFAULT_MASK_THRESHOLD);
    if (scene && unmaskedViews(scene).length > 0) void startRef.current();
  }, [scene]);

  const setChoice = useCallback((id: string, choice: MaskChoice) => {
    setEstimated((prev) => {
      const m = prev.get(id);
      if (!m) return prev;
      return new Map(prev).set(id, { ...m, choice: m.choice === choice ? 'auto' : choice });
    });
  }, []);

  /** Runs the stage again on one photo (its choice goes back to the estimated mask). */
  const redo = useCallback(async (id: string) => {
    const sc = sceneRef.current;
    const v = sc?.views.find((x) => x.id === id);
    if (!sc || !v || redoAborts.current.has(id)) return;
    const how = methodRequest();
    if (!how) return;
    const ac = new AbortController();
    redoAborts.current.set(id, ac);
    const patch = (f: (m: EstimatedMask) => EstimatedMask) =>
      setEstimated((prev) => {
        const m = prev.get(id);
        return m ? new Map(prev).set(id, f(m)) : prev;
      });
    patch((m) => ({ ...m, redoing: true }));
    try {
      const res = await getMasksClient().estimate({ ...how, threshold, images: [v.rgba], names: [v.image] }, ac.signal, () => {});
      if (sceneRef.current !== sc || ac.signal.aborted) return;
      const m = res.masks[0];
      patch(() => ({ width: m.width, height: m.height, probability: m.probability, choice: 'auto', redoing: false }));
    } catch (e) {
      if (sceneRef.current !== sc || ac.signal.aborted) return;
      patch((m) => ({ ...m, redoing: false }));
      notifyRef.current.showError(e);
    } finally {
      if (redoAborts.current.get(id) === ac) redoAborts.current.delete(id);
    }
  }, [threshold]);

  const names = useMemo(() => new Map(scene?.views.map((v) => [v.id, v.image]) ?? []), [scene]);
  const edited = useMemo(() => {
    const out = new Map<string, EditedMask>();
    for (const [id, m] of estimated) out.set(id, editedMask(m, threshold, names.get(id) ?? id));
    return out as ReadonlyMap<string, EditedMask>;
  }, [estimated, threshold, names]);

  const running = run?.status === 'running';
  return { missing, run, running, edited, threshold, setThreshold, start, cancel, setChoice, redo, method, setMethod, model, needsModel };
}

export type Masks = ReturnType<typeof useMasks>;
