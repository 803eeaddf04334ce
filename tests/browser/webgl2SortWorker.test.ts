/**
 * The WebGL2 renderer's sort worker (workers/sort.worker.ts through comlink, in headless Chromium):
 * for a camera, the order it sends back is non-decreasing in depth (exactly, in quantised depth
 * with ties by index; within one bucket in true depth) and equals the in-thread sortForView; orders
 * for several cameras in flight at once each answer their own request; an order names the cloud it
 * indexes; a destroyed worker fails calls with a message instead of hanging.
 */
import { describe, expect, it } from 'vitest';
import { lookAtCamera, worldToCamera, type Camera } from '../../src/core/camera.ts';
import { bucketScale, depthBucket } from '../../src/render/webgl2/countingSort.ts';
import { createSortState, sortForView } from '../../src/render/webgl2/sortForView.ts';
import type { SortedOrder } from '../../src/render/webgl2/sortProtocol.ts';
import { prepareSortCloud } from '../../src/render/webgl2/viewDepths.ts';
import { createWorkerSorter } from '../../src/render/webgl2/workerSorter.ts';
import { makeScene } from '../gpu/rasterScenes.ts';
import type { GaussianCloud } from '../../src/core/gaussianCloud.ts';

function depthsFor(cloud: GaussianCloud, camera: Camera): number[] {
  return Array.from({ length: cloud.count }, (_, i) => worldToCamera(camera, cloud.means.subarray(3 * i, 3 * i + 3))[2]);
}

/** Breaks of the depth order: quantised keys must not decrease, equal keys keep index order. */
function orderBreaks(sorted: SortedOrder, depths: number[]): number {
  const scale = bucketScale(sorted.minDepth, sorted.maxDepth, 1 << 16);
  const key = (i: number) => depthBucket(Math.fround(depths[i]), sorted.minDepth, scale, 1 << 16);
  let breaks = 0;
  for (let k = 1; k < sorted.order.length; k++) {
    const a = sorted.order[k - 1], b = sorted.order[k];
    if (key(b) < key(a) || (key(b) === key(a) && b < a) || depths[b] < depths[a] - sorted.bucketWidth) breaks++;
  }
  return breaks;
}

function orbit(k: number, size: number): Camera {
  const a = (2 * Math.PI * k) / 6;
  return lookAtCamera([3 * Math.cos(a), 3 * Math.sin(a), 0.8], [0, 0, 0], [0, 0, 1], { fx: size, fy: size, cx: size / 2, cy: size / 2, width: size, height: size });
}

describe('WebGL2 sort worker', () => {
  const scene = makeScene(41, 3000, 0, 96, 96);

  it('sends back, for a camera, the kept splats in non-decreasing depth, as the in-thread sort', async () => {
    const sorter = createWorkerSorter();
    try {
      await sorter.setCloud(1, prepareSortCloud(scene.cloud));
      const sorted = await sorter.sort({ cloudVersion: 1, requestId: 1, camera: scene.camera });
      expect([sorted.cloudVersion, sorted.requestId]).toEqual([1, 1]);
      expect(sorted.order.length).toBeGreaterThan(1500);
      expect(orderBreaks(sorted, depthsFor(scene.cloud, scene.camera))).toBe(0);
      const local = sortForView(createSortState(1, prepareSortCloud(scene.cloud)), { cloudVersion: 1, requestId: 1, camera: scene.camera });
      expect(Array.from(sorted.order)).toEqual(Array.from(local.order));
      expect(sorted.sortMs).toBeGreaterThanOrEqual(0);
      console.log(`worker sort of ${scene.cloud.count} splats (${sorted.order.length} kept): ${sorted.sortMs.toFixed(2)} ms`);
    } finally {
      sorter.destroy();
    }
  });

  it('answers several cameras in flight at once, each with its own order, recycling buffers', async () => {
    const sorter = createWorkerSorter();
    try {
      await sorter.setCloud(3, prepareSortCloud(scene.cloud));
      const cameras = [0, 1, 2, 3, 4, 5].map((k) => orbit(k, 80));
      const answers = await Promise.all(
        cameras.map((camera, k) => sorter.sort({ cloudVersion: 3, requestId: 10 + k, camera, recycle: new ArrayBuffer(4 * scene.cloud.count) })),
      );
      for (const [k, sorted] of answers.entries()) {
        expect(sorted.requestId).toBe(10 + k);
        expect(sorted.order.length).toBeGreaterThan(500);
        expect(orderBreaks(sorted, depthsFor(scene.cloud, cameras[k]))).toBe(0);
      }
      // The check tells cameras apart: the opposite camera's order is far from sorted for camera 0.
      expect(orderBreaks(answers[3], depthsFor(scene.cloud, cameras[0]))).toBeGreaterThan(100);
    } finally {
      sorter.destroy();
    }
  });

  it('names the cloud an order indexes: after a new cloud, orders are for it', async () => {
    const sorter = createWorkerSorter();
    try {
      await sorter.setCloud(1, prepareSortCloud(scene.cloud));
      const small = makeScene(42, 200, 0, 64, 64);
      await sorter.setCloud(2, prepareSortCloud(small.cloud));
      const sorted = await sorter.sort({ cloudVersion: 2, requestId: 5, camera: small.camera });
      expect(sorted.cloudVersion).toBe(2);
      expect(Math.max(...sorted.order)).toBeLessThan(200);
      expect(orderBreaks(sorted, depthsFor(small.cloud, small.camera))).toBe(0);
    } finally {
      sorter.destroy();
    }
  });

  it('fails calls with a message once destroyed', async () => {
    const sorter = createWorkerSorter();
    await sorter.setCloud(1, prepareSortCloud(makeScene(43, 10, 0, 16, 16).cloud));
    sorter.destroy();
    await expect(sorter.sort({ cloudVersion: 1, requestId: 1, camera: scene.camera })).rejects.toThrow(/sort worker stopped \(destroyed\)/);
  });
});
