/**
 * A two-party swap keyed by step: each side hands in its value for a step and gets the other
 * side's value for the same step, or null when the other side will never give one (it has moved
 * past that step, e.g. a step it skipped, or it has ended). The two co-trained runs of coTrain.ts
 * meet here at their pseudo-view refreshes and co-prune steps; because a run that stops or skips
 * a step releases its partner, a failure on one side can never leave the other waiting forever.
 *
 * Keys must increase on each side (a run's steps do).
 */

export type Side = 0 | 1;

interface Posted<T> {
  key: number;
  value: T;
  resolve: (v: T | null) => void;
}

export interface Exchange<T> {
  swap(side: Side, key: number, value: T): Promise<T | null>;
  /** This side gives no more values: its partner's waits and later swaps get null. */
  close(side: Side): void;
}

export function createExchange<T>(): Exchange<T> {
  const waiting: (Posted<T> | null)[] = [null, null];
  const lastKey = [-Infinity, -Infinity];
  const closed = [false, false];
  return {
    swap(side, key, value) {
      const other = (1 - side) as Side;
      lastKey[side] = key;
      const w = waiting[other];
      if (w && w.key === key) {
        waiting[other] = null;
        w.resolve(value);
        return Promise.resolve(w.value);
      }
      // The partner waits on a step this side has now passed: that swap will never happen.
      if (w && w.key < key) {
        waiting[other] = null;
        w.resolve(null);
      }
      if (closed[other] || lastKey[other] > key) return Promise.resolve(null);
      return new Promise<T | null>((resolve) => (waiting[side] = { key, value, resolve }));
    },
    close(side) {
      closed[side] = true;
      const other = (1 - side) as Side;
      const w = waiting[other];
      if (w) {
        waiting[other] = null;
        w.resolve(null);
      }
    },
  };
}
