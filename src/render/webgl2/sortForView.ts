/**
 * One sort job of the worker, as a pure function: frustum-cull and depth every splat for the
 * camera (viewDepths.ts), then counting-sort them by quantised depth (countingSort.ts).
 * Scratch arrays live in `state` so that a frame allocates nothing once warm.
 */
import { countingSortByDepth, createDepthSortScratch, type DepthSortScratch } from './countingSort.ts';
import type { SortedOrder, SortRequest } from './sortProtocol.ts';
import { NEAR_PLANE } from '../../core/gaussianCloud.ts';
import { viewDepths, type SortCloud } from './viewDepths.ts';

export interface SortState {
  cloudVersion: number;
  cloud: SortCloud;
  depths: Float32Array;
  scratch: DepthSortScratch;
}

export function createSortState(cloudVersion: number, cloud: SortCloud): SortState {
  return { cloudVersion, cloud, depths: new Float32Array(cloud.count), scratch: createDepthSortScratch(cloud.count) };
}

export function sortForView(state: SortState, request: SortRequest, now: () => number = () => performance.now()): SortedOrder {
  const start = now();
  viewDepths(state.cloud, request.camera, state.depths);
  const out = request.recycle ? new Uint32Array(request.recycle) : undefined;
  const sorted = countingSortByDepth(state.depths, { nearPlane: NEAR_PLANE, scratch: state.scratch, out });
  return {
    cloudVersion: state.cloudVersion,
    requestId: request.requestId,
    // A subarray of a recycled buffer would transfer the whole buffer: callers use .length.
    order: sorted.order,
    minDepth: sorted.minDepth,
    maxDepth: sorted.maxDepth,
    bucketWidth: sorted.bucketWidth,
    sortMs: now() - start,
  };
}
