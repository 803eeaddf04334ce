/**
 * Calls waiting on a worker that may die. Comlink never settles a call whose worker crashed, so
 * each client races its calls against a rejection it can fire for all of them at once.
 */
export interface CallsInFlight {
  /** Runs `call`, rejected early if failAll() happens first. */
  run<T>(call: () => Promise<T>): Promise<T>;
  /** Rejects every call in flight with `err`. */
  failAll(err: Error): void;
}

export function callsInFlight(): CallsInFlight {
  const pending = new Set<(e: Error) => void>();
  return {
    async run<T>(call: () => Promise<T>): Promise<T> {
      let reject: (e: Error) => void = () => {};
      const crashed = new Promise<never>((_, r) => (reject = r));
      pending.add(reject);
      try {
        return await Promise.race([call(), crashed]);
      } finally {
        pending.delete(reject);
      }
    },
    failAll(err: Error) {
      for (const reject of pending) reject(err);
      pending.clear();
    },
  };
}
