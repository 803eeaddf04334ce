/**
 * Which model file a stage uses: picked from disk or fetched from a URL the person gave (third-party
 * weights are never bundled), kept in the page for the session. The worker that runs the model checks
 * it against its manifest before the first run.
 */
import { useCallback, useRef, useState } from 'react';
import { describeError, InputError } from '../../core/errors.ts';
import { fetchModel, MAX_MODEL_BYTES, type PickedModel } from './fetchModel.ts';

export interface ModelChoice {
  model: PickedModel | null;
  /** A URL is being fetched. */
  loading: boolean;
  /** Why the last pick failed, in words, or null. */
  error: string | null;
  openFile(file: File): Promise<void>;
  openUrl(url: string): Promise<void>;
  clear(): void;
}

export function useModelChoice(): ModelChoice {
  const [model, setModel] = useState<PickedModel | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const pending = useRef<AbortController | null>(null);

  const openFile = useCallback(async (file: File) => {
    pending.current?.abort();
    setError(null);
    try {
      if (file.size > MAX_MODEL_BYTES) throw new InputError(`is larger than any model the app runs (${MAX_MODEL_BYTES / 2 ** 20} MB)`, { file: file.name });
      if (file.size === 0) throw new InputError('is empty', { file: file.name });
      setModel({ name: file.name, bytes: new Uint8Array(await file.arrayBuffer()) });
    } catch (e) {
      setError(describeError(e));
    }
  }, []);

  const openUrl = useCallback(async (url: string) => {
    pending.current?.abort();
    const ac = new AbortController();
    pending.current = ac;
    setError(null);
    setLoading(true);
    try {
      const m = await fetchModel(url.trim(), ac.signal);
      if (!ac.signal.aborted) setModel(m);
    } catch (e) {
      if (!ac.signal.aborted) setError(describeError(e));
    } finally {
      if (pending.current === ac) {
        pending.current = null;
        setLoading(false);
      }
    }
  }, []);

  const clear = useCallback(() => {
    pending.current?.abort();
    setModel(null);
    setError(null);
    setLoading(false);
  }, []);

  return { model, loading, error, openFile, openUrl, clear };
}
