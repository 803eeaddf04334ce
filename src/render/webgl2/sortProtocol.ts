/**
 * The WebGL2 renderer's conversation with its depth sorter (normally the sort worker,
 * workers/sort.worker.ts). Every order names the cloud version and the request it answers, so
 * the renderer can refuse an order sorted for another cloud or another camera instead of drawing
 * a stale frame.
 */
import type { Camera } from '../../core/camera.ts';
import type { SortCloud } from './viewDepths.ts';

export interface SortRequest {
  /** Version given with the cloud in setCloud. */
  cloudVersion: number;
  /** Increases with every request of a renderer. */
  requestId: number;
  camera: Camera;
  /**
   * The previous order's buffer, handed back so the sorter can reuse it (transferred, not
   * copied). Optional.
   */
  recycle?: ArrayBuffer;
}

export interface SortedOrder {
  /** The cloud version this order indexes (the sorter's current one). */
  cloudVersion: number;
  requestId: number;
  /** Splat indices that survived culling, nearest first (quantised depth, ties by index). */
  order: Uint32Array;
  /** Depth range of the buckets and one bucket's width, for tests and diagnostics. */
  minDepth: number;
  maxDepth: number;
  bucketWidth: number;
  /** Sorter time for culling, depths and the counting sort, ms. */
  sortMs: number;
}

export interface DepthSorter {
  /** Replaces the cloud; takes ownership of the arrays (they are transferred to a worker). */
  setCloud(cloudVersion: number, cloud: SortCloud): Promise<void>;
  sort(request: SortRequest): Promise<SortedOrder>;
  destroy(): void;
}
