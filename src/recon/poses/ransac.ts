/** Helpers shared by the RANSAC loops (essential matrix, PnP): seeded samples and the adaptive stop. */

/** k distinct indices in [0, n) from the seeded generator. */
export function drawSample(rng: () => number, n: number, k: number): number[] {
  const out: number[] = [];
  while (out.length < k) {
    const i = Math.floor(rng() * n);
    if (!out.includes(i)) out.push(i);
  }
  return out;
}

/**
 * Iterations after which an all-inlier sample of size k has been drawn with probability
 * `confidence`, given inlier ratio w: log(1 - confidence) / log(1 - w^k), at most `max`.
 * log1p keeps a tiny w^k from rounding 1 - w^k to 1 (which would give -Infinity and stop the loop).
 */
export function ransacIterations(w: number, k: number, confidence: number, max: number): number {
  const p = w ** k;
  if (!(p > 0)) return max;
  if (p >= 1) return 0;
  return Math.min(max, Math.ceil(Math.log(1 - confidence) / Math.log1p(-p)));
}
