/**
 * Seeded pseudo-random numbers (mulberry32): 32-bit integer arithmetic only (Math.imul, shifts),
 * so a seed gives the same sequence on every JS engine. Used wherever a result must be
 * reproducible: generated scenes, initial clouds, densification, test fixtures.
 */
export function mulberry32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let x = s;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

/** The one seeded generator interface (mulberry32 underneath: the same seed, the same numbers). */
export interface Rng {
  /** Uniform in [0, 1): the next mulberry32 value. */
  uniform(): number;
  /** Uniform in [a, b) (one uniform draw). */
  range(a: number, b: number): number;
  /** Uniform integer in [0, n) (one uniform draw). */
  int(n: number): number;
  /** Standard normal (Box-Muller: two uniform draws). */
  normal(): number;
}

export function createRng(seed: number): Rng {
  const uniform = mulberry32(seed);
  return {
    uniform,
    range: (a, b) => a + (b - a) * uniform(),
    int: (n) => Math.floor(uniform() * n),
    normal: () => {
      // 1 - u keeps log() away from 0.
      const u = 1 - uniform();
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * uniform());
    },
  };
}
