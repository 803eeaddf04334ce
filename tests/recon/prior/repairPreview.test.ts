/** What the app shows of a repair round (trainSession.ts repairPreview) and its round count (QualityFields). */
import { describe, expect, it } from 'vitest';
import { createImage } from '../../../src/core/image.ts';
import { repairPreview } from '../../../src/recon/train/trainSession.ts';
import { priorSchedule, refreshSteps } from '../../../src/recon/prior/priorSchedule.ts';
import { DEFAULT_TRAIN_OPTIONS } from '../../../src/recon/train/trainOptions.ts';

const image = (v: number, a: number) => {
  const img = createImage(4, 2);
  img.data.fill(v);
  for (let i = 3; i < img.data.length; i += 4) img.data[i] = a;
  return img;
};

describe('repairPreview', () => {
  it('shows the most-weighted pseudo view, opaque, with the round\'s cost', () => {
    const round = {
      step: 40, repairMs: 1200, waitMs: 0, cameras: [],
      renders: [image(10, 100), image(20, 0), image(30, 50)],
      repaired: [image(11, 255), image(21, 255), image(31, 255)],
      weights: [0.2, 0.9, 0.5],
    };
    const p = repairPreview(round)!;
    expect(p).toMatchObject({ step: 40, width: 4, height: 2, weight: 0.9, views: 3, repairMs: 1200, waitMs: 0 });
    expect(Array.from(p.before.slice(0, 4))).toEqual([20, 20, 20, 255]);
    expect(Array.from(p.after.slice(0, 4))).toEqual([21, 21, 21, 255]);
    // Copies: the round's render keeps its alpha.
    expect(round.renders[1].data[3]).toBe(0);
    expect(repairPreview({ ...round, renders: [], repaired: [], weights: [] })).toBeNull();
  });

  it('counts a default run\'s repair rounds from the default schedule', () => {
    // Start at half the run, every 100 steps, each used 10 steps later: 1000 steps give 5.
    const s = priorSchedule({ ...DEFAULT_TRAIN_OPTIONS, iterations: 1000 });
    expect(refreshSteps(s)).toEqual([500, 600, 700, 800, 900]);
  });
});
