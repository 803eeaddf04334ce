/**
 * Seeded hashing for procedural scenes. Only 32-bit integer arithmetic (Math.imul, shifts), so
 * the same seed gives the same values on every JS engine. The sequential generator is createRng of
 * src/core/random.ts.
 */
/** Stateless hash of integer lattice coordinates and a seed to [0, 1) (for noise and cell tints). */
export function hash3(ix: number, iy: number, iz: number, seed: number): number {
  let h = Math.imul(ix | 0, 0x27d4eb2d) ^ Math.imul(iy | 0, 0x165667b1) ^ Math.imul(iz | 0, 0x61c88647) ^ Math.imul(seed | 0, 0x9e3779b1);
  h = Math.imul(h ^ (h >>> 15), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 4294967296;
}

/** A seed derived from a string (FNV-1a), so scenes can be seeded by name. */
export function seedFromString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
