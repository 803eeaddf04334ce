/**
 * Exclusive prefix sum of u32 on the GPU, in place, for any length up to `maxLength`, multi-level:
 * each level scans blocks of 1024 and hands the block totals to the next level, until one block
 * remains; then the scanned totals are added back down. The length is read on the GPU
 * (lengthSource[lengthIndex]) so it can come from an earlier kernel without a CPU round trip.
 */
import { uniformBuffer, storageBuffer } from './buffers.ts';
import { WGSL } from './kernels.ts';
import { bindBuffers, computePipeline, workgroupGrid } from './pipelines.ts';

export const SCAN_BLOCK = 1024;

export interface PrefixSumOptions {
  label: string;
  /** Scanned in place; at least maxLength u32. */
  data: GPUBuffer;
  maxLength: number;
  lengthSource: GPUBuffer;
  lengthIndex: number;
}

export interface PrefixSum {
  encode(pass: GPUComputePassEncoder): void;
  /** One u32: the sum of all inputs (the value one past the end of the exclusive scan). */
  readonly totalBuffer: GPUBuffer;
  destroy(): void;
}

export function createPrefixSum(device: GPUDevice, o: PrefixSumOptions): PrefixSum {
  const scan = computePipeline(device, 'prefixSumScanBlocks', WGSL.prefixSumScanBlocks);
  const add = computePipeline(device, 'prefixSumAddBlockOffsets', WGSL.prefixSumAddBlockOffsets);
  // Level j scans lengths[j] values of levelData[j] into levelData[j + 1]; the last holds the total.
  const lengths = [Math.max(o.maxLength, 1)];
  while (lengths[lengths.length - 1] > SCAN_BLOCK) lengths.push(Math.ceil(lengths[lengths.length - 1] / SCAN_BLOCK));
  const owned: GPUBuffer[] = [];
  const levelData = [o.data];
  for (let j = 0; j < lengths.length; j++) {
    const b = storageBuffer(device, `${o.label} block sums ${j + 1}`, 4 * Math.ceil(lengths[j] / SCAN_BLOCK));
    owned.push(b);
    levelData.push(b);
  }
  const levelUniforms = lengths.map((_, j) => {
    const u = uniformBuffer(device, `${o.label} level ${j}`, new Uint32Array([j, o.lengthIndex, 0, 0]));
    owned.push(u);
    return u;
  });
  const scanGroups = lengths.map((_, j) => bindBuffers(device, scan, `${o.label} scan ${j}`, [levelUniforms[j], o.lengthSource, levelData[j], levelData[j + 1]]));
  const addGroups = lengths.map((_, j) => bindBuffers(device, add, `${o.label} add ${j}`, [levelUniforms[j], o.lengthSource, levelData[j], levelData[j + 1]]));

  return {
    totalBuffer: levelData[levelData.length - 1],
    encode(pass) {
      pass.setPipeline(scan);
      for (let j = 0; j < lengths.length; j++) {
        pass.setBindGroup(0, scanGroups[j]);
        pass.dispatchWorkgroups(...workgroupGrid(Math.ceil(lengths[j] / SCAN_BLOCK)));
      }
      pass.setPipeline(add);
      for (let j = lengths.length - 2; j >= 0; j--) {
        pass.setBindGroup(0, addGroups[j]);
        pass.dispatchWorkgroups(...workgroupGrid(Math.ceil(lengths[j] / SCAN_BLOCK)));
      }
    },
    destroy() {
      for (const b of owned) b.destroy();
    },
  };
}
