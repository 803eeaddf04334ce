/**
 * The DepthSorter that runs in a web worker (workers/sort.worker.ts) through comlink. A worker
 * that dies (out of memory, a crash) fails the calls in flight with a message saying so, instead of
 * leaving the renderer waiting forever; later calls fail the same way.
 */
import { callsInFlight } from '../../core/callsInFlight.ts';
import * as Comlink from 'comlink';
import type { SortWorkerApi } from '../../../workers/sort.worker.ts';
import type { DepthSorter, SortedOrder, SortRequest } from './sortProtocol.ts';
import type { SortCloud } from './viewDepths.ts';

export function createWorkerSorter(): DepthSorter {
  const worker = new Worker(new URL('../../../workers/sort.worker.ts', import.meta.url), { type: 'module', name: 'splat-sort' });
  const remote = Comlink.wrap<SortWorkerApi>(worker);
  let failure: Error | null = null;
  const calls = callsInFlight();
  const die = (why: string) => {
    failure = new Error(`the splat sort worker stopped (${why})`);
    calls.failAll(failure);
    worker.terminate();
  };
  worker.addEventListener('error', (e) => die(e.message || 'it failed to load or crashed'));
  worker.addEventListener('messageerror', () => die('a message could not be read'));

  async function guarded<T>(call: () => Promise<T>): Promise<T> {
    if (failure) throw failure;
    return calls.run(call);
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
