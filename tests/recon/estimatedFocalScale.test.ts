/** The pose-free protocol's held-out focal length (protocol.ts estimatedFocalScale). */
import { describe, expect, it } from 'vitest';
import { estimatedFocalScale } from '../../src/recon/evaluate/protocol.ts';

const known = [{ fx: 500, width: 400 }, { fx: 500, width: 400 }, { fx: 520, width: 400 }];

describe('estimatedFocalScale', () => {
  it('is the median ratio of estimated to dataset focal length, each per pixel of its width', () => {
    // Estimated in photos twice the evaluation size: 0.9, 0.95 and 1.1 of the dataset's.
    const est = [{ fx: 900, width: 800 }, { fx: 950, width: 800 }, { fx: 1144, width: 800 }];
    expect(estimatedFocalScale(est, known)).toBeCloseTo(0.95, 12);
    expect(estimatedFocalScale(est.slice(0, 2), known.slice(0, 2))).toBeCloseTo(0.925, 12);
  });

  it('is 1 with intrinsics "dataset", or when an estimated camera has no focal length', () => {
    const est = [{ fx: 450, width: 400 }, { fx: 450, width: 400 }, { fx: 468, width: 400 }];
    expect(estimatedFocalScale(est, known)).toBeCloseTo(0.9, 12);
    expect(estimatedFocalScale(est, known, 'dataset')).toBe(1);
    expect(estimatedFocalScale([est[0], {}, est[2]], known)).toBe(1);
  });
});
