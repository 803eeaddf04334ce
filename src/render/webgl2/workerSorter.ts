/**
 * The DepthSorter that runs in a web worker (workers/sort.worker.ts) through comlink. A worker
 * that dies (out of memory, a crash) fails the calls in flight with a message saying so, instead of
 * leaving the renderer waiting forever; later calls fail the same way.
 */
import * as Comlink from 'comlink';
import type { SortWorkerApi } from '../../../workers/sort.worker.ts';
import type { DepthSorter, SortedOrder, SortRequest } from './sortProtocol.ts';
import type { SortCloud } from './viewDepths.ts';

export function createWorkerSorter(): DepthSorter {
  const worker = new Worker(new URL('../../../workers/sort.worker.ts', import.meta.url), { type: 'module', name: 'splat-sort' });
  const remote = Comlink.wrap<SortWorkerApi>(worker);
  let failure: Error | null = null;
  const pending = new Set<(e: Error) => void>();
  const die = (why: string) => {
    failure = new Error(`the splat sort worker stopped (${why})`);
    for (const reject of pending) reject(failure);
    pending.clear();
    worker.terminate();
  };
  worker.addEventListener('error', (e) => die(e.message || 'it failed to load or crashed'));
  worker.addEventListener('messageerror', () => die('a message could not be read'));

  async function guarded<T>(call: () => Promise<T>): Promise<T> {
    if (failure) throw failure;
    let reject: (e: Error) => void = () => {};
    const crashed = new Promise<never>((_, r) => (reject = r));
    pending.add(reject);
    try {
      return await Promise.race([call(), crashed]);
    } finally {
      pending.delete(reject);
    }
  }

  return {
    setCloud(cloudVersion: number, cloud: SortCloud) {
      const buffers = [cloud.means.buffer, cloud.traces.buffer, cloud.radiiSquared.buffer] as ArrayBuffer[];
      return guarded(() => remote.setCloud(cloudVersion, Comlink.transfer(cloud, buffers)));
    },
    sort(request: SortRequest): Promise<SortedOrder> {
      const message = request.recycle ? Comlink.transfer(request, [request.recycle]) : request;
      return guarded(() => remote.sort(message));
    },
    destroy() {
      if (failure) return;
      remote[Comlink.releaseProxy]();
      die('destroyed');
    },
  };
}
