/**
 * The radix sort and prefix sum runs and their checks against plain JS, shared by the Node tests
 * (radixSort.test.ts, prefixSum.test.ts) and the browser tests (tests/browser/).
 * Environment-free: the caller passes its device.
 */
import { expect } from 'vitest';
import { readBuffer, storageBuffer } from '../../src/gpu/buffers.ts';
import { createPrefixSum } from '../../src/gpu/prefixSum.ts';
import { createRadixSort } from '../../src/gpu/radixSort.ts';
import { mulberry32, withGpuErrorScope } from './gpuTestUtils.ts';

export interface SortCase {
  n: number;
  capacity: number;
  bits: number;
  distinct: number; // keys drawn from this many values (duplicates when small)
  identity: boolean;
}

export async function gpuSort(device: GPUDevice, keys: Uint32Array, values: Uint32Array | null, c: SortCase) {
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

/** Random keys (duplicates when `distinct` is small) sorted on the GPU equal a stable JS sort. */
export async function expectSortMatches(device: GPUDevice, c: SortCase): Promise<void> {
  const rnd = mulberry32(c.n * 31 + c.bits);
  const mask = c.bits === 32 ? 0xffffffff : (1 << c.bits) - 1;
  // Spread the distinct keys over the whole bit range so every pass matters.
  const palette = Uint32Array.from({ length: Math.min(c.distinct, 1 << 20) }, () => (Math.floor(rnd() * 4294967296) & mask) >>> 0);
  const keys = Uint32Array.from({ length: c.n }, () => palette[Math.floor(rnd() * palette.length)]);
  const values = c.identity ? null : Uint32Array.from({ length: c.n }, (_, i) => i * 3 + 1);
  const { sortedKeys, sortedValues, inputAfter } = await gpuSort(device, keys, values, c);

  const order = Array.from({ length: c.n }, (_, i) => i).sort((a, b) => keys[a] - keys[b] || a - b);
  const expectedKeys = Uint32Array.from(order, (i) => keys[i]);
  const expectedValues = Uint32Array.from(order, (i) => (values ? values[i] : i));
  let firstBad = -1;
  for (let i = 0; i < c.n && firstBad < 0; i++) if (sortedKeys[i] !== expectedKeys[i] || sortedValues[i] !== expectedValues[i]) firstBad = i;
  expect(firstBad, firstBad >= 0 ? `position ${firstBad}: (${sortedKeys[firstBad]}, ${sortedValues[firstBad]}) vs (${expectedKeys[firstBad]}, ${expectedValues[firstBad]})` : '').toBe(-1);
  expect(Array.from(inputAfter)).toEqual(Array.from(keys));
}

export async function gpuScan(device: GPUDevice, values: Uint32Array, maxLength: number): Promise<{ scanned: Uint32Array; total: number }> {
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

export function cpuScan(values: Uint32Array): { scanned: Uint32Array; total: number } {
  const scanned = new Uint32Array(values.length);
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    scanned[i] = sum;
    sum = (sum + values[i]) >>> 0;
  }
  return { scanned, total: sum };
}

/** Random values (0..49) scanned on the GPU, the length read from a GPU buffer, equal a JS scan. */
export async function expectScanMatches(device: GPUDevice, n: number, maxLength: number): Promise<void> {
  const rnd = mulberry32(n + 7);
  const values = Uint32Array.from({ length: n }, () => Math.floor(rnd() * 50));
  const gpu = await gpuScan(device, values, maxLength);
  const cpu = cpuScan(values);
  expect(gpu.total).toBe(cpu.total);
  let firstBad = -1;
  for (let i = 0; i < n && firstBad < 0; i++) if (gpu.scanned[i] !== cpu.scanned[i]) firstBad = i;
  expect(firstBad, firstBad >= 0 ? `element ${firstBad}: ${gpu.scanned[firstBad]} vs ${cpu.scanned[firstBad]}` : '').toBe(-1);
}
