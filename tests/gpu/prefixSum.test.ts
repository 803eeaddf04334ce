/**
 * The GPU exclusive scan against a plain JS one: lengths around the 1024-element block edges,
 * zero, and one large enough for three levels; the length comes from a GPU buffer, as in use.
 */
import { describe, it } from 'vitest';
import { testGpu } from './gpuTestDevice.ts';
import { expectScanMatches } from './scanSortCases.ts';

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
      await expectScanMatches((await testGpu()).device, n, maxLength);
    });
  }
});
