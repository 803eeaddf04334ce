/**
 * The viewer's GPU buffers for clouds of up to `capacity` splats, each named by the mapping it
 * holds, with the exclusive scan (visible slot of each kept splat), the depth radix sort and the
 * bind groups that tie them to the pipelines. Rebuilt only when a bigger cloud arrives.
 *
 * Per frame:  splatProject   paramsFlat -> projectedFromSplat, quadHalfExtentFromSplat,
 *                            depthKeyFromSplat, visibleSlotFromSplat (1 = kept)
 *             scan           visibleSlotFromSplat (exclusive, in place); total = visible count
 *             splatCompact   -> depthKeyFromVisibleSlot, splatIdFromVisibleSlot, drawArgs
 *             depth sort     -> depthKeyFromDepthRank, splatIdFromDepthRank (stable, 32-bit keys)
 *             splatDraw      instance k -> splatIdFromDepthRank[visible - 1 - k]
 */
import { storageBuffer, uniformBuffer } from '../../gpu/buffers.ts';
import { bindBuffers } from '../../gpu/pipelines.ts';
import { createPrefixSum, type PrefixSum } from '../../gpu/prefixSum.ts';
import { createRadixSort, type RadixSort } from '../../gpu/radixSort.ts';
import { flatLayout } from './cloudParams.ts';
import type { ViewerPipelines } from './viewerPipelines.ts';

const PROJECTED_BYTES = 48;

export interface SplatResources {
  capacity: number;
  shDegree: number;
  paramsFlat: GPUBuffer;
  /** One u32: the number of splats in the cloud (the scan's length). */
  splatCount: GPUBuffer;
  compactParams: GPUBuffer;
  projectedFromSplat: GPUBuffer;
  quadHalfExtentFromSplat: GPUBuffer;
  depthKeyFromSplat: GPUBuffer;
  visibleSlotFromSplat: GPUBuffer;
  depthKeyFromVisibleSlot: GPUBuffer;
  splatIdFromVisibleSlot: GPUBuffer;
  depthKeyFromDepthRank: GPUBuffer;
  splatIdFromDepthRank: GPUBuffer;
  /** drawIndirect arguments: 4 vertices, visible-count instances. */
  drawArgs: GPUBuffer;
  visibleScan: PrefixSum;
  depthSort: RadixSort;
  groups: { project: GPUBindGroup; compact: GPUBindGroup; draw: GPUBindGroup };
  destroy(): void;
}

export function createSplatResources(device: GPUDevice, pipelines: ViewerPipelines, uniforms: GPUBuffer, capacity: number, shDegree: number): SplatResources {
  const floats = flatLayout(capacity, shDegree).length;
  const limit = device.limits.maxStorageBufferBindingSize;
  if (4 * floats > limit) {
    throw new Error(
      `A cloud of ${capacity} splats with SH degree ${shDegree} needs a ${(4 * floats / 2 ** 20).toFixed(0)} MB parameter buffer; ` +
        `this device binds at most ${(limit / 2 ** 20).toFixed(0)} MB (request a device with a higher maxStorageBufferBindingSize, or render a lower SH degree).`,
    );
  }
  const owned: GPUBuffer[] = [];
  const own = (b: GPUBuffer) => (owned.push(b), b);
  const buf = (label: string, bytes: number, extra = 0) => own(storageBuffer(device, label, bytes, extra));
  const splatCount = buf('splatCount', 16);
  const r = {
    capacity,
    shDegree,
    paramsFlat: buf('paramsFlat', 4 * floats),
    splatCount,
    compactParams: own(uniformBuffer(device, 'splatCompact params', new Uint32Array(4))),
    projectedFromSplat: buf('projectedFromSplat', PROJECTED_BYTES * capacity),
    quadHalfExtentFromSplat: buf('quadHalfExtentFromSplat', 8 * capacity),
    depthKeyFromSplat: buf('depthKeyFromSplat', 4 * capacity),
    visibleSlotFromSplat: buf('visibleSlotFromSplat', 4 * capacity),
    depthKeyFromVisibleSlot: buf('depthKeyFromVisibleSlot', 4 * capacity),
    splatIdFromVisibleSlot: buf('splatIdFromVisibleSlot', 4 * capacity),
    depthKeyFromDepthRank: buf('depthKeyFromDepthRank', 4 * capacity),
    splatIdFromDepthRank: buf('splatIdFromDepthRank', 4 * capacity),
    drawArgs: buf('drawArgs', 16, GPUBufferUsage.INDIRECT),
  };
  const visibleScan = createPrefixSum(device, { label: 'visible slots', data: r.visibleSlotFromSplat, maxLength: capacity, lengthSource: splatCount, lengthIndex: 0 });
  const visibleCount = visibleScan.totalBuffer;
  const depthSort = createRadixSort(device, {
    label: 'viewer depth sort',
    capacity,
    bits: 32,
    countSource: visibleCount,
    countIndex: 0,
    keysIn: r.depthKeyFromVisibleSlot,
    valuesIn: r.splatIdFromVisibleSlot,
    keysOut: r.depthKeyFromDepthRank,
    valuesOut: r.splatIdFromDepthRank,
  });
  const groups = {
    project: bindBuffers(device, pipelines.project, 'splatProject', [uniforms, r.paramsFlat, r.projectedFromSplat, r.quadHalfExtentFromSplat, r.depthKeyFromSplat, r.visibleSlotFromSplat]),
    compact: bindBuffers(device, pipelines.compact, 'splatCompact', [
      r.compactParams,
      r.depthKeyFromSplat,
      r.visibleSlotFromSplat,
      visibleCount,
      r.depthKeyFromVisibleSlot,
      r.splatIdFromVisibleSlot,
      r.drawArgs,
    ]),
    draw: device.createBindGroup({
      label: 'splatDraw',
      layout: pipelines.draw.getBindGroupLayout(0),
      entries: [uniforms, r.splatIdFromDepthRank, r.projectedFromSplat, r.quadHalfExtentFromSplat, visibleCount].map((buffer, binding) => ({ binding, resource: { buffer } })),
    }),
  };
  return {
    ...r,
    visibleScan,
    depthSort,
    groups,
    destroy() {
      visibleScan.destroy();
      depthSort.destroy();
      for (const b of owned) b.destroy();
    },
  };
}
