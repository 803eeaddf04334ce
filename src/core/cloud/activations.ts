/**
 * The cloud's activations: stored parameters are unconstrained (opacity logits, log scales) and
 * these map them to what is drawn. One expression each, so every caller rounds the same way.
 */

/** Opacity from its logit: 1 / (1 + e^-x). */
export function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/** The inverse of sigmoid: ln(p / (1 - p)) (infinite at 0 and 1). */
export function logit(p: number): number {
  return Math.log(p / (1 - p));
}

/** Scale (world units) from a stored log scale. */
export function expScale(logScale: number): number {
  return Math.exp(logScale);
}
