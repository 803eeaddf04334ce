/** The read-back helpers of src/gpu/buffers.ts on a real device. */
import { describe, expect, it } from 'vitest';
import { createRangeReadback, storageBuffer } from '../../src/gpu/buffers.ts';
import { testGpu } from './gpuTestDevice.ts';

describe('createRangeReadback', () => {
  it('packs the ranges one after another, again on every read', async () => {
    const { device } = await testGpu();
    const a = storageBuffer(device, 'a', 32);
    const b = storageBuffer(device, 'b', 32);
    device.queue.writeBuffer(a, 0, Uint32Array.from({ length: 8 }, (_, i) => 100 + i));
    device.queue.writeBuffer(b, 0, Uint32Array.from({ length: 8 }, (_, i) => 200 + i));
    const readback = createRangeReadback(device, 'test read-back', 24);
    try {
      const first = new Uint32Array(await readback.read([{ buffer: a, size: 16 }, { buffer: b, offset: 8, size: 8 }]));
      expect([...first]).toEqual([100, 101, 102, 103, 202, 203]);
      device.queue.writeBuffer(a, 0, Uint32Array.of(7));
      const again = new Uint32Array(await readback.read([{ buffer: a, size: 4 }]));
      expect([...again]).toEqual([7, 101, 102, 103, 202, 203]);
    } finally {
      readback.destroy();
      a.destroy();
      b.destroy();
    }
  });
});
