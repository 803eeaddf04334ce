/**
 * The compare-and-swap float add (kernels/chunks/atomicAddF32.wgsl) under heavy contention:
 * 65536 invocations adding to 7 addresses. The values are multiples of 1/4 whose partial sums
 * stay far below 2^22, so every addition is exact in float32 and the result must equal the
 * exact sum whatever order the atomics land in; a lost update would show as a missing term.
 */
import { describe, expect, it } from 'vitest';
import { readBuffer, storageBuffer } from '../../src/gpu/buffers.ts';
import { atomicAddF32Chunk } from '../../src/gpu/kernels.ts';
import { bindBuffers, composeWgsl, computePipeline } from '../../src/gpu/pipelines.ts';
import { testGpu, withGpuErrorScope } from './gpuTestDevice.ts';

const THREADS = 65536;
const ADDRESSES = 7;

const kernel = /* wgsl */ `
@group(0) @binding(0) var<storage, read_write> sums: array<atomic<u32>>;

fn valueOf(i: u32) -> f32 {
  return (f32(i % 13u) - 4.0) * 0.25;
}

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) id: vec3u) {
  let i = id.x;
  atomicAddF32(i % ${ADDRESSES}u, valueOf(i));
  // A second, contended add to one hot address.
  atomicAddF32(${ADDRESSES}u, 1.0);
}
`;

describe('float atomic add by compare-and-swap', () => {
  it(`${THREADS} invocations adding into ${ADDRESSES} + 1 addresses lose no update`, async () => {
    const { device } = await testGpu();
    const result = await withGpuErrorScope(device, async () => {
      const pipeline = computePipeline(device, 'atomicAddF32 test', composeWgsl(atomicAddF32Chunk('sums'), kernel));
      const sums = storageBuffer(device, 'sums', 4 * (ADDRESSES + 1));
      const encoder = device.createCommandEncoder();
      encoder.clearBuffer(sums);
      const pass = encoder.beginComputePass();
      pass.setPipeline(pipeline);
      pass.setBindGroup(0, bindBuffers(device, pipeline, 'sums', [sums]));
      pass.dispatchWorkgroups(THREADS / 256);
      pass.end();
      device.queue.submit([encoder.finish()]);
      const out = new Float32Array(await readBuffer(device, sums, 4 * (ADDRESSES + 1)));
      sums.destroy();
      return out;
    });
    const expected = new Array(ADDRESSES + 1).fill(0);
    for (let i = 0; i < THREADS; i++) expected[i % ADDRESSES] += ((i % 13) - 4) * 0.25;
    expected[ADDRESSES] = THREADS;
    expect(Array.from(result)).toEqual(expected);
  });
});
