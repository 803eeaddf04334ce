/**
 * Grey and binary morphology on single-channel maps (width*height, row-major): what the feature
 * detectors' non-maximum suppression and the masks' safety margin are built from.
 */

/** Separable max filter over a (2r+1)^2 window, clipped at the borders. */
export function maxFilter(src: Float32Array, width: number, height: number, radius: number): Float32Array {
  const tmp = new Float32Array(src.length);
  const out = new Float32Array(src.length);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      let m = -Infinity;
      for (let k = Math.max(0, x - radius); k <= Math.min(width - 1, x + radius); k++) m = Math.max(m, src[row + k]);
      tmp[row + x] = m;
    }
  }
  for (let x = 0; x < width; x++)
    for (let y = 0; y < height; y++) {
      let m = -Infinity;
      for (let k = Math.max(0, y - radius); k <= Math.min(height - 1, y + radius); k++) m = Math.max(m, tmp[k * width + x]);
      out[y * width + x] = m;
    }
  return out;
}

/** Binary dilation of a 0/1 mask by a (2r+1)^2 square. */
export function dilateMask(mask: Uint8Array, width: number, height: number, radius: number): Uint8Array {
  const f = maxFilter(Float32Array.from(mask, (v) => (v ? 1 : 0)), width, height, radius);
  return Uint8Array.from(f, (v) => (v > 0 ? 1 : 0));
}
