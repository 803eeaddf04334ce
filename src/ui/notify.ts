/**
 * What the app's hooks need to tell a person something (App.tsx's message strip provides it), and
 * `useLatest`, the ref that always holds a hook's newest argument: callbacks made once (useCallback
 * with no deps, worker callbacks) read `.current` instead of capturing a stale value.
 */
import { useRef, type MutableRefObject } from 'react';
import { isInputError } from '../core/errors.ts';

export interface Notify {
  showError: (e: unknown) => void;
  showInfo: (text: string) => void;
}

export function useLatest<T>(value: T): MutableRefObject<T> {
  const ref = useRef(value);
  ref.current = value;
  return ref;
}

/**
 * Logs an error to the console only when it is unexpected (a bug, a crash in a worker): a
 * person's input error (InputError) is shown in the page and needs no stack trace.
 */
export function logUnexpected(e: unknown): void {
  if (!isInputError(e)) console.error(e);
}
