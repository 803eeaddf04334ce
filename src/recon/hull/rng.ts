/**
 * Seeded uniform numbers (mulberry32): 32-bit integer arithmetic only, so a seed gives the same
 * cloud on every JS engine. Kept local so the stage does not depend on the scene generator.
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
