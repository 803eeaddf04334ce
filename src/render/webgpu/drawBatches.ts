/**
 * How the viewer splits a frame's front-to-back draw into batches, with a saturation pass
 * (splatSaturation.wgsl) after each but the last: pixels whose alpha has saturated then reject
 * every farther splat before shading and blending. The batches grow geometrically: the nearest
 * few percent of the splats usually saturate a solid surface, and each extra pass costs one
 * full-screen triangle, so a few passes early are worth more than many late.
 */
export const DRAW_BATCH_ENDS: readonly number[] = [1 / 32, 1 / 16, 1 / 8, 1 / 4, 1 / 2, 1];

const MAX_BATCHES = 8;
export const COMPACT_PARAMS_BYTES = 48;

/** splatCompact's CompactParams: splatCount, batchCount, pad x 2, batchEnd (8 f32). */
export function packCompactParams(splatCount: number, batchEnds: readonly number[] = DRAW_BATCH_ENDS): ArrayBuffer {
  if (!(batchEnds.length >= 1 && batchEnds.length <= MAX_BATCHES)) throw new Error(`draw batches: 1..${MAX_BATCHES}, got ${batchEnds.length}`);
  if (batchEnds.at(-1) !== 1 || batchEnds.some((e, b) => !(e > (b ? batchEnds[b - 1] : 0)))) throw new Error(`draw batches: increasing fractions ending at 1, got ${batchEnds.join(', ')}`);
  const bytes = new ArrayBuffer(COMPACT_PARAMS_BYTES);
  new Uint32Array(bytes, 0, 2).set([splatCount, batchEnds.length]);
  new Float32Array(bytes, 16, MAX_BATCHES).set(batchEnds);
  return bytes;
}
