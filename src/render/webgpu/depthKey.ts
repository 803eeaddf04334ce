/**
 * The viewer's depth sort key: 16 bits of log camera depth between the frame's nearest and
 * farthest kept splat. Sixteen bits sort in 4 radix passes instead of 8 for the float's 32, and
 * the sort is a fixed share of every frame. Log spacing gives every depth the same relative
 * resolution (span / 65536 in log2 z), so a close-up of a large scene is ordered as finely as a
 * distant view. Splats whose keys tie keep index order (the sort is stable), as the trainer's
 * equal depths do.
 *
 * This is the reference of splatCompact.wgsl's key (tests compare them); the GPU works in f32.
 */
export const DEPTH_KEY_BITS = 16;
const BUCKETS = 2 ** DEPTH_KEY_BITS;

export function depthSortKey(z: number, zMin: number, zMax: number): number {
  const span = Math.log2(zMax) - Math.log2(zMin);
  if (!(span > 0)) return 0;
  const t = (Math.log2(z) - Math.log2(zMin)) / span;
  return Math.min(BUCKETS - 1, Math.max(0, Math.floor(t * BUCKETS)));
}
