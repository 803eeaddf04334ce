/**
 * CoR-GS's co-pruning (Zhang et al. 2024): two clouds trained side by side on the same views agree
 * where the surface is and disagree on the splats that only fit one view set's noise. A splat with
 * no splat of the other cloud within `maxDistance` is one the other cloud cannot confirm: it goes.
 * CoR-GS's threshold is a distance in its scenes' units; here it is a multiple of the cloud's
 * median spacing (coPruneThreshold): two clouds that agree interleave, each splat's nearest partner
 * about one spacing away, so a fixed share of the extent prunes agreeing splats too (bench:quality,
 * DTU-3 at 1/4 size, from the hull start: 2% of the extent pruned a quarter of each cloud, 3
 * spacings 77 splats in all (15 821 at the end), 1.5 spacings 4274 (14 182 at the end; the best score).
 *
 * Plain data (no GPU), so the rule is tested on its own.
 */
import { knnRmsDistance, nearestDistance } from '../hull/index.ts';

/** Median distance from a splat of `means` (N*3) to its nearest other splat. */
export function medianSpacing(means: Float32Array): number {
  const d = Array.from(knnRmsDistance(means, 1)).sort((a, b) => a - b);
  return d.length > 0 ? d[Math.floor((d.length - 1) / 2)] : 0;
}

/** coPruneKeep with the distance `factor` times own cloud's median spacing. */
export function coPruneKeepBySpacing(own: Float32Array, partner: Float32Array, factor: number): Uint8Array {
  return coPruneKeep(own, partner, factor * medianSpacing(own));
}

/**
 * 1 for each of `own`'s means (N*3) to keep: those with a mean of `partner` within `maxDistance`.
 * Keeps all of them when the partner has no splats (nothing to confirm against) or when every
 * splat would go (a bad threshold must not end the run).
 */
export function coPruneKeep(own: Float32Array, partner: Float32Array, maxDistance: number): Uint8Array {
  const n = own.length / 3;
  const keep = new Uint8Array(n).fill(1);
  if (partner.length < 3 || !(maxDistance > 0)) return keep;
  const d = nearestDistance(own, partner);
  let kept = 0;
  for (let i = 0; i < n; i++) {
    keep[i] = d[i] <= maxDistance ? 1 : 0;
    kept += keep[i];
  }
  return kept === 0 ? keep.fill(1) : keep;
}
