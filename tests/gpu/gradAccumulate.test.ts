/**
 * Gradient accumulation (gradAccumulate.wgsl): a saved gradient added to one written after it,
 * against the TypeScript reference, and the saved copy following the gradient buffer's size.
 */
import { describe, expect, it } from 'vitest';
import { readBuffer, storageBuffer } from '../../src/gpu/buffers.ts';
import { addSavedReference, GradAccumulator } from '../../src/gpu/train/gradAccumulate.ts';
import { mulberry32, testGpu, withGpuErrorScope } from './gpuTestDevice.ts';

async function roundTrip(device: GPUDevice, acc: GradAccumulator, n: number, seed: number): Promise<void> {
  const rand = mulberry32(seed);
  const first = new Float32Array(n).map(() => rand() * 2 - 1);
  const second = new Float32Array(n).map(() => rand() * 2 - 1);
  const grads = storageBuffer(device, 'grads', 4 * n);
  device.queue.writeBuffer(grads, 0, first);
  acc.save(grads);
  // The second backward overwrites the buffer, as the rasterizer's does.
  device.queue.writeBuffer(grads, 0, second);
  acc.addSaved(grads);
  const got = new Float32Array(await readBuffer(device, grads, 4 * n));
  expect(Array.from(got)).toEqual(Array.from(addSavedReference(second, first)));
  grads.destroy();
}

describe('GradAccumulator', () => {
  it('adds the saved gradient to the one written after it, as the reference, at any buffer size', async () => {
    const { device } = await testGpu();
    const acc = new GradAccumulator(device);
    await withGpuErrorScope(device, async () => {
      // More floats than one workgroup row, then a smaller buffer and a larger one (the cloud grew).
      await roundTrip(device, acc, 70_001, 1);
      await roundTrip(device, acc, 300, 2);
      await roundTrip(device, acc, 5000, 3);
    });
    acc.destroy();
  });

  it('refuses to add what it has not saved, and the reference refuses mismatched lengths', async () => {
    const { device } = await testGpu();
    const acc = new GradAccumulator(device);
    const grads = storageBuffer(device, 'grads', 64);
    expect(() => acc.addSaved(grads)).toThrow(/nothing saved/);
    expect(() => addSavedReference([1, 2], [1])).toThrow(/2 gradients but 1 saved/);
    grads.destroy();
    acc.destroy();
  });
});
