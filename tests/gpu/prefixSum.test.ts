/**
 * The GPU exclusive scan against a plain JS one: lengths around the 1024-element block edges,
 * zero, and one large enough for three levels; the length comes from a GPU buffer, as in use.
 */
import { describe, expect, it } from 'vitest';
import { readBuffer, storageBuffer } from '../../src/gpu/buffers.ts';
import { createPrefixSum } from '../../src/gpu/prefixSum.ts';
import { mulberry32, testGpu, withGpuErrorScope } from './gpuTestDevice.ts';

async function gpuScan(values: Uint32Array, maxLength: number): Promise<{ scanned: Uint32Array; total: number }> {
  const { device } = await testGpu();
  return withGpuErrorScope(device, async () => {
    const data = storageBuffer(device, 'scan data', 4 * maxLength);
    device.queue.writeBuffer(data, 0, values);
    const lengthSource = storageBuffer(device, 'scan length', 16);
    device.queue.writeBuffer(lengthSource, 4, new Uint32Array([values.length]));
    const scan = createPrefixSum(device, { label: 'test scan', data, maxLength, lengthSource, lengthIndex: 1 });
    const encoder = device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    scan.encode(pass);
    pass.end();
    device.queue.submit([encoder.finish()]);
    const scanned = new Uint32Array(await readBuffer(device, data, 4 * values.length));
    const total = new Uint32Array(await readBuffer(device, scan.totalBuffer, 4))[0];
    scan.destroy();
    data.destroy();
    lengthSource.destroy();
    return { scanned, total };
  });
}

function cpuScan(values: Uint32Array): { scanned: Uint32Array; total: number } {
  const scanned = new Uint32Array(values.length);
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    scanned[i] = sum;
    sum = (sum + values[i]) >>> 0;
  }
  return { scanned, total: sum };
}

describe('GPU prefix sum', () => {
  const cases: [number, number][] = [
    [0, 10],
    [1, 1],
    [1023, 1024],
    [1024, 1024],
    [1025, 5000],
    [70_001, 200_000],
    [1_100_000, 1_100_000],
  ];
  for (const [n, maxLength] of cases) {
    it(`matches a CPU exclusive scan for n = ${n} (capacity ${maxLength})`, async () => {
      const rnd = mulberry32(n + 7);
      const values = Uint32Array.from({ length: n }, () => Math.floor(rnd() * 50));
      const gpu = await gpuScan(values, maxLength);
      const cpu = cpuScan(values);
      expect(gpu.total).toBe(cpu.total);
      let firstBad = -1;
      for (let i = 0; i < n && firstBad < 0; i++) if (gpu.scanned[i] !== cpu.scanned[i]) firstBad = i;
      expect(firstBad, firstBad >= 0 ? `element ${firstBad}: ${gpu.scanned[firstBad]} vs ${cpu.scanned[firstBad]}` : '').toBe(-1);
    });
  }
});
