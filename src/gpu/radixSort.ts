/**
 * Stable LSD radix sort of (u32 key, u32 value) pairs on the GPU, 4 bits per pass: per pass a
 * histogram of each block of SORT_BLOCK keys, one prefix sum over all (bin, block) counts, and a stable
 * scatter. Only the low `bits` of the keys are sorted (a tile id needs far fewer than 32).
 *
 * The number of pairs is read on the GPU (countSource[countIndex], clamped to `capacity`) and the
 * passes are dispatched indirectly, so a sort can follow the kernel that produced its input in
 * the same submission. Inputs are left untouched; the result lands in keysOut/valuesOut.
 */
import { storageBuffer, uniformBuffer } from './buffers.ts';
import { SORT_BLOCK, WGSL } from './kernels.ts';
import { createPrefixSum, type PrefixSum } from './prefixSum.ts';
import { bindBuffers, computePipeline } from './pipelines.ts';

export const BITS_PER_PASS = 4;

export interface RadixSortOptions {
  label: string;
  capacity: number;
  /** Significant low bits of the keys (1..32). */
  bits: number;
  countSource: GPUBuffer;
  countIndex: number;
  keysIn: GPUBuffer;
  /** null: the values are the input positions 0..n-1 (sorting an index by key). */
  valuesIn: GPUBuffer | null;
  keysOut: GPUBuffer;
  valuesOut: GPUBuffer;
}

export interface RadixSort {
  encode(pass: GPUComputePassEncoder): void;
  readonly passes: number;
  destroy(): void;
}

export function createRadixSort(device: GPUDevice, o: RadixSortOptions): RadixSort {
  if (!(o.bits >= 1 && o.bits <= 32)) throw new Error(`radix sort ${o.label}: bits must be 1..32, got ${o.bits}`);
  const setup = computePipeline(device, 'radixSortSetup', WGSL.radixSortSetup);
  const count = computePipeline(device, 'radixSortCount', WGSL.radixSortCount);
  const scatter = computePipeline(device, 'radixSortScatter', WGSL.radixSortScatter);

  const passes = Math.ceil(o.bits / BITS_PER_PASS);
  const maxBlocks = Math.max(1, Math.ceil(o.capacity / SORT_BLOCK));
  const owned: GPUBuffer[] = [];
  const own = (b: GPUBuffer) => (owned.push(b), b);
  const sortParams = own(storageBuffer(device, `${o.label} params`, 16));
  const sortDispatch = own(storageBuffer(device, `${o.label} dispatch`, 16, GPUBufferUsage.INDIRECT));
  const counts = own(storageBuffer(device, `${o.label} countsFromBinAndBlock`, 4 * 16 * maxBlocks));
  const scratchKeys = own(storageBuffer(device, `${o.label} scratch keys`, 4 * o.capacity));
  const scratchValues = own(storageBuffer(device, `${o.label} scratch values`, 4 * o.capacity));
  const identityPlaceholder = own(storageBuffer(device, `${o.label} identity values placeholder`, 16));
  const setupUniform = own(uniformBuffer(device, `${o.label} setup`, new Uint32Array([o.countIndex, o.capacity, 0, 0])));
  const scan: PrefixSum = createPrefixSum(device, {
    label: `${o.label} bin offsets`,
    data: counts,
    maxLength: 16 * maxBlocks,
    lengthSource: sortParams,
    lengthIndex: 2,
  });

  const setupGroup = bindBuffers(device, setup, `${o.label} setup`, [setupUniform, o.countSource, sortParams, sortDispatch]);
  // The last pass writes the outputs; going back, passes alternate with the scratch pair, so no
  // pass reads and writes the same buffer.
  const outputOf = (p: number) => ((passes - 1 - p) % 2 === 0 ? [o.keysOut, o.valuesOut] : [scratchKeys, scratchValues]);
  const passGroups = Array.from({ length: passes }, (_, p) => {
    const uniform = own(uniformBuffer(device, `${o.label} pass ${p}`, new Uint32Array([BITS_PER_PASS * p, p === 0 && !o.valuesIn ? 1 : 0, 0, 0])));
    const [keysIn, valuesIn] = p === 0 ? [o.keysIn, o.valuesIn ?? identityPlaceholder] : outputOf(p - 1);
    const [keysOut, valuesOut] = outputOf(p);
    return {
      count: bindBuffers(device, count, `${o.label} count ${p}`, [uniform, sortParams, keysIn, counts]),
      scatter: bindBuffers(device, scatter, `${o.label} scatter ${p}`, [uniform, sortParams, keysIn, valuesIn, counts, keysOut, valuesOut]),
    };
  });

  return {
    passes,
    encode(pass) {
      pass.setPipeline(setup);
      pass.setBindGroup(0, setupGroup);
      pass.dispatchWorkgroups(1);
      for (const g of passGroups) {
        pass.setPipeline(count);
        pass.setBindGroup(0, g.count);
        pass.dispatchWorkgroupsIndirect(sortDispatch, 0);
        scan.encode(pass);
        pass.setPipeline(scatter);
        pass.setBindGroup(0, g.scatter);
        pass.dispatchWorkgroupsIndirect(sortDispatch, 0);
      }
    },
    destroy() {
      scan.destroy();
      for (const b of owned) b.destroy();
    },
  };
}
