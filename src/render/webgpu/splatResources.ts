/**
 * The viewer's GPU buffers for clouds of up to `capacity` splats, each named by the mapping it
 * holds, with the exclusive scan (visible slot of each kept splat), the depth radix sort and the
 * bind groups that tie them to the pipelines. Rebuilt only when a bigger cloud arrives.
 *
 * Per frame:  splatProject   paramsFlat -> projectedFromSplat, quadHalfExtentFromSplat,
 *                            depthKeyFromSplat (z bits), visibleSlotFromSplat (1 = kept),
 *                            depthRange (kept splats' min and max z bits)
 *             scan           visibleSlotFromSplat (exclusive, in place); total = visible count
 *             splatCompact   -> depthKeyFromVisibleSlot (16-bit log depth, depthKey.ts),
 *                            splatIdFromVisibleSlot, drawArgs
 *             depth sort     -> depthKeyFromDepthRank, splatIdFromDepthRank (stable, 16-bit keys)
 *             splatDraw      quad k -> splatIdFromDepthRank[k], front to back, in draw batches
 *                            (indexed, quadCornerFromIndex; drawBatches.ts)
 */
import { storageBuffer, uniformBuffer } from '../../gpu/buffers.ts';
import { bindBuffers } from '../../gpu/pipelines.ts';
import { createPrefixSum, type PrefixSum } from '../../gpu/prefixSum.ts';
import { createRadixSort, type RadixSort } from '../../gpu/radixSort.ts';
import { flatParamLayout } from '../../core/gaussianCloud.ts';
import { DEPTH_KEY_BITS } from './depthKey.ts';
import { COMPACT_PARAMS_BYTES, DRAW_BATCH_ENDS } from './drawBatches.ts';
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
  /** Half-axes (h1 e1, h2 e2) of the oriented quad drawn for each kept splat (quadAxes.ts). */
  quadAxesFromSplat: GPUBuffer;
  depthKeyFromSplat: GPUBuffer;
  visibleSlotFromSplat: GPUBuffer;
  /** u32 bits of the kept splats' (min, max) camera z; reset to (0xffffffff, 0) every frame. */
  depthRange: GPUBuffer;
  depthKeyFromVisibleSlot: GPUBuffer;
  splatIdFromVisibleSlot: GPUBuffer;
  depthKeyFromDepthRank: GPUBuffer;
  splatIdFromDepthRank: GPUBuffer;
  /** drawIndexedIndirect arguments of each draw batch (drawBatches.ts), 20 bytes apart. */
  drawArgs: GPUBuffer;
  /** Index buffer of the quads: index 6k + j -> vertex 4k + (0, 1, 2, 2, 1, 3)[j] (static). */
  quadCornerFromIndex: GPUBuffer;
  visibleScan: PrefixSum;
  depthSort: RadixSort;
  groups: { project: GPUBindGroup; compact: GPUBindGroup; draw: GPUBindGroup };
  destroy(): void;
}

const QUAD_TRIANGLES = [0, 1, 2, 2, 1, 3];

function quadIndexBuffer(device: GPUDevice, quads: number): GPUBuffer {
  const buffer = device.createBuffer({ label: 'quadCornerFromIndex', size: 4 * 6 * quads, usage: GPUBufferUsage.INDEX, mappedAtCreation: true });
  const indices = new Uint32Array(buffer.getMappedRange());
  for (let k = 0, j = 0; k < quads; k++) for (const c of QUAD_TRIANGLES) indices[j++] = 4 * k + c;
  buffer.unmap();
  return buffer;
}

export function createSplatResources(device: GPUDevice, pipelines: ViewerPipelines, uniforms: GPUBuffer, capacity: number, shDegree: number): SplatResources {
  const floats = flatParamLayout(capacity, shDegree).length;
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
    compactParams: own(uniformBuffer(device, 'splatCompact params', new ArrayBuffer(COMPACT_PARAMS_BYTES))),
    projectedFromSplat: buf('projectedFromSplat', PROJECTED_BYTES * capacity),
    quadHalfExtentFromSplat: buf('quadHalfExtentFromSplat', 8 * capacity),
    quadAxesFromSplat: buf('quadAxesFromSplat', 16 * capacity),
    depthKeyFromSplat: buf('depthKeyFromSplat', 4 * capacity),
    visibleSlotFromSplat: buf('visibleSlotFromSplat', 4 * capacity),
    depthRange: buf('depthRange', 8),
    depthKeyFromVisibleSlot: buf('depthKeyFromVisibleSlot', 4 * capacity),
    splatIdFromVisibleSlot: buf('splatIdFromVisibleSlot', 4 * capacity),
    depthKeyFromDepthRank: buf('depthKeyFromDepthRank', 4 * capacity),
    splatIdFromDepthRank: buf('splatIdFromDepthRank', 4 * capacity),
    drawArgs: buf('drawArgs', 20 * DRAW_BATCH_ENDS.length, GPUBufferUsage.INDIRECT),
    quadCornerFromIndex: own(quadIndexBuffer(device, capacity)),
  };
  const visibleScan = createPrefixSum(device, { label: 'visible slots', data: r.visibleSlotFromSplat, maxLength: capacity, lengthSource: splatCount, lengthIndex: 0 });
  const visibleCount = visibleScan.totalBuffer;
  const depthSort = createRadixSort(device, {
    label: 'viewer depth sort',
    capacity,
    bits: DEPTH_KEY_BITS,
    countSource: visibleCount,
    countIndex: 0,
    keysIn: r.depthKeyFromVisibleSlot,
    valuesIn: r.splatIdFromVisibleSlot,
    keysOut: r.depthKeyFromDepthRank,
    valuesOut: r.splatIdFromDepthRank,
  });
  const groups = {
    project: bindBuffers(device, pipelines.project, 'splatProject', [uniforms, r.paramsFlat, r.projectedFromSplat, r.quadHalfExtentFromSplat, r.depthKeyFromSplat, r.visibleSlotFromSplat, r.depthRange, r.quadAxesFromSplat]),
    compact: bindBuffers(device, pipelines.compact, 'splatCompact', [
      r.compactParams,
      r.depthKeyFromSplat,
      r.visibleSlotFromSplat,
      visibleCount,
      r.depthKeyFromVisibleSlot,
      r.splatIdFromVisibleSlot,
      r.drawArgs,
      r.depthRange,
    ]),
    draw: device.createBindGroup({
      label: 'splatDraw',
      layout: pipelines.drawLayout,
      entries: [uniforms, r.splatIdFromDepthRank, r.projectedFromSplat, r.quadHalfExtentFromSplat, r.quadAxesFromSplat].map((buffer, binding) => ({ binding, resource: { buffer } })),
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
