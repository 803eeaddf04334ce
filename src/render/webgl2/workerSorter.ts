/**
 * The DepthSorter that runs in a web worker (workers/sort.worker.ts) through comlink. A worker
 * that dies (out of memory, a crash) fails the calls in flight with a message saying so, instead of
 * leaving the renderer waiting forever; later calls fail the same way.
 */
import { transferring, workerClient } from '../../worker/workerClient.ts';
import type { SortWorkerApi } from '../../../workers/sort.worker.ts';
import type { DepthSorter, SortedOrder, SortRequest } from './sortProtocol.ts';
import type { SortCloud } from './viewDepths.ts';

export function createWorkerSorter(): DepthSorter {
  const worker = workerClient<SortWorkerApi>({
    start: () => new Worker(new URL('../../../workers/sort.worker.ts', import.meta.url), { type: 'module', name: 'splat-sort' }),
    name: 'the splat sort worker',
    crashed: 'it failed to load or crashed',
    restart: false,
  });
  return {
    setCloud(cloudVersion: number, cloud: SortCloud) {
      const sent = transferring(cloud, [cloud.means, cloud.traces, cloud.radiiSquared]);
      return worker.call((r) => r.setCloud(cloudVersion, sent));
    },
    sort(request: SortRequest): Promise<SortedOrder> {
      const message = request.recycle ? transferring(request, [request.recycle]) : request;
      return worker.call((r) => r.sort(message) as Promise<SortedOrder>);
    },
    destroy: () => worker.stop('destroyed'),
  };
}
