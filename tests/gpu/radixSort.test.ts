/**
 * The GPU radix sort against a stable JS sort: random keys with many duplicates, so stability
 * is visible in the values (each value is its input position, the "index" tie-break the
 * rasterizer relies on). Covers identity values, explicit values, partial bit widths, odd and
 * even pass counts, block edges, zero and one element, and a count smaller than the capacity.
 */
import { describe, it } from 'vitest';
import { testGpu } from './gpuTestDevice.ts';
import { expectSortMatches, type SortCase } from './scanSortCases.ts';

describe('GPU radix sort', () => {
  const cases: SortCase[] = [
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
      await expectSortMatches((await testGpu()).device, c);
    });
  }
});
