/**
 * Seeded randomness for densification, so a run with a seed is reproducible on every JS engine
 * (mulberry32: 32-bit integer arithmetic only).
 */
import { mulberry32 } from '../../core/random.ts';
export interface Rng {
  uniform(): number;
  /** Standard normal (Box-Muller). */
  normal(): number;
}

export function createRng(seed: number): Rng {
  const uniform = mulberry32(seed);
  return {
    uniform,
    normal: () => {
      // 1 - u keeps log() away from 0.
      const u = 1 - uniform();
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * uniform());
    },
  };
}
