/**
 * Every WGSL kernel of the rasterizer, composed with the chunks it needs (see pipelines.ts).
 * The .wgsl files are imported as text (Vite `?raw`; bench/registerWgslLoader.ts does the same
 * for plain Node scripts).
 */
import atomicAddF32 from './kernels/chunks/atomicAddF32.wgsl?raw';
import { BLEND_WGSL as blend } from './kernels/chunks/blend.ts';
import cameraGrad from './kernels/chunks/cameraGrad.wgsl?raw';
import cameraGradOff from './kernels/chunks/cameraGradOff.wgsl?raw';
import depthBackward from './kernels/chunks/depthBackward.wgsl?raw';
import depthBackwardOff from './kernels/chunks/depthBackwardOff.wgsl?raw';
import depthForward from './kernels/chunks/depthForward.wgsl?raw';
import depthForwardOff from './kernels/chunks/depthForwardOff.wgsl?raw';
import linearIndex from './kernels/chunks/linearIndex.wgsl?raw';
import projectSplat from './kernels/chunks/projectSplat.wgsl?raw';
import projectedSplat from './kernels/chunks/projectedSplat.wgsl?raw';
import rasterUniforms from './kernels/chunks/rasterUniforms.wgsl?raw';
import screenFootprint from './kernels/chunks/screenFootprint.wgsl?raw';
import sh from './kernels/chunks/sh.wgsl?raw';
import intersectionCount from './kernels/intersectionCount.wgsl?raw';
import intersectionEmit from './kernels/intersectionEmit.wgsl?raw';
import intersectionSetup from './kernels/intersectionSetup.wgsl?raw';
import prefixSumAddBlockOffsets from './kernels/prefixSumAddBlockOffsets.wgsl?raw';
import prefixSumScanBlocks from './kernels/prefixSumScanBlocks.wgsl?raw';
import projectBackward from './kernels/projectBackward.wgsl?raw';
import projectForward from './kernels/projectForward.wgsl?raw';
import radixSortCount from './kernels/radixSortCount.wgsl?raw';
import radixSortScatter from './kernels/radixSortScatter.wgsl?raw';
import radixSortSetup from './kernels/radixSortSetup.wgsl?raw';
import rasterizeBackward from './kernels/rasterizeBackward.wgsl?raw';
import rasterizeForward from './kernels/rasterizeForward.wgsl?raw';
import tileRanges from './kernels/tileRanges.wgsl?raw';
import { composeWgsl } from './pipelines.ts';

/** The CAS float-add chunk bound to a given `array<atomic<u32>>` binding. */
export function atomicAddF32Chunk(bufferName: string): string {
  return atomicAddF32.replaceAll('TARGET_BUFFER', bufferName);
}

/** Keys per radix-sort workgroup (256 threads, SORT_BLOCK / 256 consecutive keys each). */
export const SORT_BLOCK = 4096;
const sortBlock = `// Keys per radix-sort workgroup, from kernels.ts.\nconst SORT_BLOCK: u32 = ${SORT_BLOCK}u;`;

const projection = [rasterUniforms, sh, projectSplat, projectedSplat, blend, linearIndex];

export const WGSL = {
  prefixSumScanBlocks: composeWgsl(linearIndex, prefixSumScanBlocks),
  prefixSumAddBlockOffsets: composeWgsl(linearIndex, prefixSumAddBlockOffsets),
  radixSortSetup: composeWgsl(sortBlock, radixSortSetup),
  radixSortCount: composeWgsl(sortBlock, linearIndex, radixSortCount),
  radixSortScatter: composeWgsl(sortBlock, linearIndex, radixSortScatter),
  projectForward: composeWgsl(...projection, screenFootprint, projectForward),
  intersectionCount: composeWgsl(rasterUniforms, linearIndex, intersectionCount),
  intersectionSetup: composeWgsl(rasterUniforms, intersectionSetup),
  intersectionEmit: composeWgsl(rasterUniforms, linearIndex, intersectionEmit),
  tileRanges: composeWgsl(linearIndex, tileRanges),
  rasterizeForward: composeWgsl(rasterUniforms, projectedSplat, blend, depthForwardOff, rasterizeForward),
  rasterizeBackward: composeWgsl(rasterUniforms, projectedSplat, blend, atomicAddF32Chunk('gradProjectedFromSplat'), depthBackwardOff, rasterizeBackward),
  /** rasterizeForward that also writes expected depth (a rasterizer made with `depth`). */
  rasterizeForwardDepth: composeWgsl(rasterUniforms, projectedSplat, blend, depthForward, rasterizeForward),
  /** rasterizeBackward with a loss on expected depth (dLdDepth given to backward()). */
  rasterizeBackwardDepth: composeWgsl(rasterUniforms, projectedSplat, blend, atomicAddF32Chunk('gradProjectedFromSplat'), depthBackward, rasterizeBackward),
  projectBackward: composeWgsl(...projection, cameraGradOff, projectBackward),
  /** projectBackward that also sums the view's camera gradient into cameraGradFromView (camera refinement). */
  projectBackwardCamera: composeWgsl(...projection, atomicAddF32Chunk('cameraGradFromView'), cameraGrad, projectBackward),
} as const;
