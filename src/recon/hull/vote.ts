/**
 * The survival rule shared by carving and bounds estimation (see carve.ts for why it is this
 * rule): at least `minSupport` INSIDE votes and at most `tolerance` OUTSIDE votes, where 'auto'
 * forgives one OUTSIDE vote only when at least 4 views see the voxel.
 */
import { centreEvidence, footprintEvidence, INSIDE, OUTSIDE, type Silhouette } from './silhouette.ts';

export type Tolerance = number | 'auto';

/** Fewest views that must see a voxel before 'auto' forgives one OUTSIDE vote. */
export const AUTO_TOLERANCE_MIN_VIEWS = 4;

export function survives(
  sils: readonly Silhouette[],
  x: number,
  y: number,
  z: number,
  halfSize: number,
  centre: boolean,
  tolerance: Tolerance,
  minSupport: number,
): boolean {
  const maxMiss = tolerance === 'auto' ? 1 : tolerance;
  let hits = 0, misses = 0;
  for (let v = 0; v < sils.length; v++) {
    const e = centre ? centreEvidence(sils[v], x, y, z) : footprintEvidence(sils[v], x, y, z, halfSize);
    if (e === INSIDE) hits++;
    else if (e === OUTSIDE && ++misses > maxMiss) return false;
  }
  if (hits < minSupport) return false;
  return tolerance !== 'auto' || misses === 0 || hits + misses >= AUTO_TOLERANCE_MIN_VIEWS;
}
