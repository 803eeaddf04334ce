/**
 * Sort worker of the WebGL2 renderer: holds the cloud's means and culling data and answers each
 * camera with the splat order for that camera (src/render/webgl2/sortForView.ts). A thin wrapper
 * (src/worker/workerHost.ts); the page side is src/render/webgl2/workerSorter.ts.
 *
 * Arrays travel as transferables in both directions (no SharedArrayBuffer, so no special server
 * headers are needed).
 */
import { createSortState, sortForView, type SortState } from '../src/render/webgl2/sortForView.ts';
import type { SortedOrder, SortRequest } from '../src/render/webgl2/sortProtocol.ts';
import type { SortCloud } from '../src/render/webgl2/viewDepths.ts';
import { hostWorker, transferring } from '../src/worker/workerHost.ts';

let state: SortState | null = null;

const api = hostWorker({
  setCloud(cloudVersion: number, cloud: SortCloud): void {
    state = createSortState(cloudVersion, cloud);
  },

  sort(request: SortRequest): SortedOrder {
    if (!state) throw new Error('sort worker: sort() before setCloud()');
    const result = sortForView(state, request);
    return transferring(result, [result.order]);
  },
});

export type SortWorkerApi = typeof api;
