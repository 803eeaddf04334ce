/**
 * Long loops in a web worker only see an abort() when they give the event loop a turn (the
 * abort arrives as a message), so the hull stage yields every few tens of milliseconds of work.
 */

const SLICE_MS = 30;

export interface Cooperator {
  /** Cheap to call often: yields (and rethrows an abort) only once a time slice has passed. */
  tick(): Promise<void>;
}

export function cooperator(signal: AbortSignal | undefined): Cooperator {
  let last = performance.now();
  return {
    async tick() {
      signal?.throwIfAborted();
      const now = performance.now();
      if (now - last < SLICE_MS) return;
      await nextMacrotask();
      last = performance.now();
      signal?.throwIfAborted();
    },
  };
}

// setTimeout(0) is clamped to >= 1 ms (4 ms when nested in browsers); setImmediate is not, and a
// MessageChannel post is the browser/worker equivalent.
function nextMacrotask(): Promise<void> {
  const g = globalThis as { setImmediate?: (cb: () => void) => unknown };
  if (typeof g.setImmediate === 'function') return new Promise((resolve) => g.setImmediate!(resolve));
  if (typeof MessageChannel !== 'undefined')
    return new Promise((resolve) => {
      const ch = new MessageChannel();
      ch.port1.onmessage = () => {
        ch.port1.close();
        resolve();
      };
      ch.port2.postMessage(null);
    });
  return new Promise((resolve) => setTimeout(resolve, 0));
}
