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
