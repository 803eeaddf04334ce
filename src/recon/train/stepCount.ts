/**
 * How many training steps a run gets when none is asked for: by its number of input views, from
 * measured convergence (issue 14, "Defaults a user gets"), not one constant for every scene.
 *
 * Few views over-fit with more steps (the held-out views get worse while the inputs get better);
 * more views keep gaining from steps long after a few hundred. Measured with bench:quality at the
 * default levers, 1/4 size, lavapipe (the held-out PSNR by steps):
 *
 * | input views (scene)          | 500   | 1000  | 2000  | 4000  |
 * |-------------------------------|-------|-------|-------|-------|
 * | 3 (DTU scan37, masked)        | 17.84 | 17.78 | 17.75 |       |
 * | 3 (LLFF fern, stereo start)   | 20.63 |       | 20.39 |       |
 * | 8 (Blender lego)              | 22.53 | 23.87 | 24.06 | 23.77 |
 * | 9 (DTU scan37, masked)        | 21.88 | 23.35 | 23.72 | 22.84 |
 *
 * (fern: stop 29's runs; lego at 4000 stop 32's; the others stop 31's, one run per cell; runs of
 * the same settings differ by about 0.1 dB.) Three views gain nothing past 500-1000 steps (fern loses by 2000); eight and nine
 * gain 1.3-1.5 dB from 500 to 1000 and 0.2-0.4 more to 2000, and lose 0.3-0.9 dB by 4000 (the
 * cloud grows to 38-41k splats and over-fits). Full-size runs may want more: this table is what the
 * software GPU could measure.
 *
 * Between the measured view counts the steps are interpolated linearly; outside, the nearest's.
 * Plain data (no DOM, no GPU), like trainOptions.ts.
 */

/** The default steps at the view counts measured (ascending views). */
export const STEPS_BY_VIEWS: readonly { views: number; steps: number }[] = [
  { views: 3, steps: 1000 },
  { views: 9, steps: 2000 },
];

/** The default step count of a run on `viewCount` input views (a multiple of 100). */
export function defaultSteps(viewCount: number): number {
  const t = STEPS_BY_VIEWS;
  if (!(viewCount > t[0].views)) return t[0].steps;
  const last = t[t.length - 1];
  if (viewCount >= last.views) return last.steps;
  const i = t.findIndex((p) => p.views > viewCount);
  const a = t[i - 1], b = t[i];
  const steps = a.steps + ((viewCount - a.views) / (b.views - a.views)) * (b.steps - a.steps);
  return Math.round(steps / 100) * 100;
}
