/** The splats' depth stand-in for the 3D view's helpers (src/ui/SplatOccluder.tsx): which splats hide what is behind them, and how far. */
import { describe, expect, it } from 'vitest';
import { allocateCloud } from '../../src/core/gaussianCloud.ts';
import { occluderDiscs } from '../../src/ui/SplatOccluder.tsx';

describe('occluderDiscs', () => {
  it('keeps the splats opaque at their centre, with the radius where their alpha stays above one half', () => {
    const cloud = allocateCloud(3, 0);
    cloud.means.set([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    cloud.logScales.set([Math.log(0.1), Math.log(0.3), Math.log(0.2), Math.log(1), Math.log(1), Math.log(1), Math.log(0.5), Math.log(0.5), Math.log(0.5)]);
    cloud.opacityLogits.set([4, -1, 0]); // opaque, translucent (0.27), exactly one half
    const { positions, radii } = occluderDiscs(cloud);
    expect([...positions]).toEqual([1, 2, 3]);
    const alpha = 1 / (1 + Math.exp(-4));
    expect(radii[0]).toBeCloseTo(0.2 * Math.sqrt(2 * Math.log(2 * alpha)), 6);
    // At that radius the splat's alpha (along its middle axis) is one half.
    expect(alpha * Math.exp(-(radii[0] ** 2) / (2 * 0.2 ** 2))).toBeCloseTo(0.5, 6);
  });

  it('skips splats with non-finite values', () => {
    const cloud = allocateCloud(2, 0);
    cloud.opacityLogits.set([5, 5]);
    cloud.means.set([NaN, 0, 0, 0, 0, 0]);
    expect(occluderDiscs(cloud).radii.length).toBe(1);
  });
});
