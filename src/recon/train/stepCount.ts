/**
 * How many training steps a run gets when none is asked for: by its number of input views, from
 * measured convergence (issue 14, "Defaults a user gets"), not one constant for every scene.
 *
 * Few views over-fit with more steps (the held-out views get worse while the inputs get better);
 * more views keep gaining from steps long after a few hundred. Measured with bench:quality at the
 * default levers, 1/4 size, lavapipe (the held-out PSNR by steps):
 *
 * STEP_TABLE_MEASUREMENTS
 *
 * Between the measured view counts the steps are interpolated linearly; outside, the nearest's.
 * Plain data (no DOM, no GPU), like trainOptions.ts.
 */

/** The default steps at the view counts measured (ascending views). */
export const STEPS_BY_VIEWS: readonly { views: number; steps: number }[] = [
  { views: 3, steps: 1000 },
  { views: 9, steps: 4000 },
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
