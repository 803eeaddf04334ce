/**
 * The training loss, Adam, the radix sort and the prefix sum in the browser's own WebGPU
 * (headless Chromium, SwiftShader), one case each, with the same runs and checks as the Node
 * tests (tests/gpu/lossCases.ts, adamCases.ts, scanSortCases.ts).
 */
import { describe, it } from 'vitest';
import { expectAdamMatchesReference } from '../gpu/adamCases.ts';
import { asF32, expectLossMatches, gpuLoss, randomLossInputs } from '../gpu/lossCases.ts';
import { expectScanMatches, expectSortMatches } from '../gpu/scanSortCases.ts';
import { browserGpu } from './browserGpu.ts';

describe('GPU kernels in Chromium vs references', () => {
  it('loss (L1 + D-SSIM + mask) matches lossReference at 32x24 with a mask', async () => {
    const { device } = await browserGpu();
    const weights = { ssimWeight: 0.2, maskWeight: 0.3 };
    const inputs = asF32(randomLossInputs(32, 24, true, 34));
    const [g] = await gpuLoss(device, [inputs], [weights]);
    expectLossMatches(g, inputs, weights, 'browser');
  });

  it('Adam matches adamStepReference over 6 steps (50 splats, capacity 64, SH 3)', async () => {
    const { device } = await browserGpu();
    await expectAdamMatchesReference(device, 50, 64, 3);
  });

  it('radix sort sorts 4097 keys of 13 bits stably with given values', async () => {
    const { device } = await browserGpu();
    await expectSortMatches(device, { n: 4097, capacity: 9000, bits: 13, distinct: 300, identity: false });
  });

  it('prefix sum matches a CPU exclusive scan for n = 70001 (capacity 200000)', async () => {
    const { device } = await browserGpu();
    await expectScanMatches(device, 70_001, 200_000);
  });
});
