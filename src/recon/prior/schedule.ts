/**
 * The noise schedule of the repair-prior contract (README.md): the cosine schedule of Nichol &
 * Dhariwal (2021) in continuous time, and the DDIM time steps of an SDEdit start. Plain math,
 * shared by the sampler and the tests (the training script in scripts/prior/ uses the same
 * formula; a model trained on another schedule would denoise the wrong amount).
 */

/** The cosine schedule's offset s: keeps alphaBar'(0) finite and the first steps' noise small. */
export const COSINE_S = 0.008;

const f = (t: number) => Math.cos((Math.PI / 2) * ((t + COSINE_S) / (1 + COSINE_S))) ** 2;
const F0 = f(0);

/** alphaBar(t) = cos^2(pi/2 (t + s)/(1 + s)) / cos^2(pi/2 s/(1 + s)), t in [0, 1]; 1 at t = 0, ~0 at t = 1. */
export function alphaBar(t: number): number {
  if (!(t >= 0 && t <= 1)) throw new RangeError(`alphaBar: t must be in [0, 1], got ${t}`);
  // cos^2 reaches ~1e-34 at t = 1; clamp so 1/sqrt(1 - alphaBar) and sqrt(alphaBar) stay finite.
  return Math.min(1, Math.max(0, f(t) / F0));
}

/** t_k = t0 (K - k) / K for k = 0..K: K + 1 levels from the start strength down to 0. */
export function ddimTimes(strength: number, steps: number): number[] {
  if (!(strength > 0 && strength <= 1)) throw new RangeError(`repair strength must be in (0, 1], got ${strength}`);
  if (!(Number.isInteger(steps) && steps >= 1)) throw new RangeError(`repair steps must be a whole number >= 1, got ${steps}`);
  return Array.from({ length: steps + 1 }, (_, k) => (strength * (steps - k)) / steps);
}
