/**
 * The GPU radix sort against a stable JS sort: random keys with many duplicates, so stability
 * is visible in the values (each value is its input position, the "index" tie-break the
 * rasterizer relies on). Covers identity values, explicit values, partial bit widths, odd and
 * even pass counts, block edges, zero and one element, and a count smaller than the capacity.
 */
import { describe, expect, it } from 'vitest';
import { readBuffer, storageBuffer } from '../../src/gpu/buffers.ts';
import { createRadixSort } from '../../src/gpu/radixSort.ts';
import { mulberry32, testGpu, withGpuErrorScope } from './gpuTestDevice.ts';

interface Case {
  n: number;
  capacity: number;
  bits: number;
  distinct: number; // keys drawn from this many values (duplicates when small)
  identity: boolean;
}

async function gpuSort(keys: Uint32Array, values: Uint32Array | null, c: Case) {
  const { device } = await testGpu();
  return withGpuErrorScope(device, async () => {
    const bytes = 4 * c.capacity;
    const keysIn = storageBuffer(device, 'keys in', bytes);
    const valuesIn = values ? storageBuffer(device, 'values in', bytes) : null;
    const keysOut = storageBuffer(device, 'keys out', bytes);
    const valuesOut = storageBuffer(device, 'values out', bytes);
    const countSource = storageBuffer(device, 'count', 16);
    device.queue.writeBuffer(keysIn, 0, keys);
    if (valuesIn && values) device.queue.writeBuffer(valuesIn, 0, values);
    device.queue.writeBuffer(countSource, 8, new Uint32Array([keys.length]));
    const sort = createRadixSort(device, { label: 'test sort', capacity: c.capacity, bits: c.bits, countSource, countIndex: 2, keysIn, valuesIn, keysOut, valuesOut });
    const encoder = device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    sort.encode(pass);
    pass.end();
    device.queue.submit([encoder.finish()]);
    const sortedKeys = new Uint32Array(await readBuffer(device, keysOut, 4 * keys.length));
    const sortedValues = new Uint32Array(await readBuffer(device, valuesOut, 4 * keys.length));
    const inputAfter = new Uint32Array(await readBuffer(device, keysIn, 4 * keys.length));
    sort.destroy();
    for (const b of [keysIn, valuesIn, keysOut, valuesOut, countSource]) b?.destroy();
    return { sortedKeys, sortedValues, inputAfter };
  });
}

describe('GPU radix sort', () => {
  const cases: Case[] = [
    { n: 0, capacity: 16, bits: 32, distinct: 10, identity: true },
    { n: 1, capacity: 1, bits: 32, distinct: 10, identity: true },
    { n: 1000, capacity: 1000, bits: 32, distinct: 1 << 30, identity: true },
    { n: 1024, capacity: 4096, bits: 8, distinct: 7, identity: false },
    { n: 5000, capacity: 6000, bits: 9, distinct: 300, identity: false },
    { n: 4096, capacity: 4096, bits: 12, distinct: 100, identity: true },
    { n: 4097, capacity: 9000, bits: 5, distinct: 3, identity: false },
    { n: 70_000, capacity: 100_000, bits: 32, distinct: 5000, identity: true },
    { n: 30_000, capacity: 30_000, bits: 13, distinct: 8192, identity: false },
  ];
  for (const c of cases) {
    it(`sorts ${c.n} keys of ${c.bits} bits (${c.distinct} distinct, ${c.identity ? 'index' : 'given'} values) stably`, async () => {
      const rnd = mulberry32(c.n * 31 + c.bits);
      const mask = c.bits === 32 ? 0xffffffff : (1 << c.bits) - 1;
      // Spread the distinct keys over the whole bit range so every pass matters.
      const palette = Uint32Array.from({ length: Math.min(c.distinct, 1 << 20) }, () => (Math.floor(rnd() * 4294967296) & mask) >>> 0);
      const keys = Uint32Array.from({ length: c.n }, () => palette[Math.floor(rnd() * palette.length)]);
      const values = c.identity ? null : Uint32Array.from({ length: c.n }, (_, i) => i * 3 + 1);
      const { sortedKeys, sortedValues, inputAfter } = await gpuSort(keys, values, c);

      const order = Array.from({ length: c.n }, (_, i) => i).sort((a, b) => keys[a] - keys[b] || a - b);
      const expectedKeys = Uint32Array.from(order, (i) => keys[i]);
      const expectedValues = Uint32Array.from(order, (i) => (values ? values[i] : i));
      let firstBad = -1;
      for (let i = 0; i < c.n && firstBad < 0; i++) if (sortedKeys[i] !== expectedKeys[i] || sortedValues[i] !== expectedValues[i]) firstBad = i;
      expect(firstBad, firstBad >= 0 ? `position ${firstBad}: (${sortedKeys[firstBad]}, ${sortedValues[firstBad]}) vs (${expectedKeys[firstBad]}, ${expectedValues[firstBad]})` : '').toBe(-1);
      expect(Array.from(inputAfter)).toEqual(Array.from(keys));
    });
  }
});
