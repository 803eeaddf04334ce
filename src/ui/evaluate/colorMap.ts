/**
 * The error heat map: per-pixel error between a render and its photo (mean absolute difference
 * of R, G and B, in 8-bit levels 0..255), mapped through viridis (perceptually uniform, readable
 * in grey and by colour-blind readers) on a scale from 0 to a round number near the view's
 * 99th-percentile error, so a few outliers do not wash the map out. Pure functions, no DOM.
 */

export type Rgb8 = [number, number, number];

/**
 * Viridis (matplotlib's default map) as a degree-6 polynomial fit (Matt Zucker's fit of the
 * matplotlib table; within 1.5 % of it). t in [0, 1], clamped.
 */
const VIRIDIS_COEFFS: readonly (readonly [number, number, number])[] = [
  [0.2777273272234177, 0.005407344544966578, 0.3340998053353061],
  [0.1050930431085774, 1.404613529898575, 1.384590162594685],
  [-0.3308618287255563, 0.214847559468213, 0.09509516302823659],
  [-4.634230498983486, -5.799100973351585, -19.33244095627987],
  [6.228269936347081, 14.17993336680509, 56.69055260068105],
  [4.776384997670288, -13.74514537774601, -65.35303263337234],
  [-5.435455855934631, 4.645852612178535, 26.3124352495832],
];

export function viridis(t: number): Rgb8 {
  const x = Number.isFinite(t) ? Math.min(1, Math.max(0, t)) : 0;
  const out: Rgb8 = [0, 0, 0];
  for (let c = 0; c < 3; c++) {
    let v = 0;
    for (let k = VIRIDIS_COEFFS.length - 1; k >= 0; k--) v = v * x + VIRIDIS_COEFFS[k][c];
    out[c] = Math.round(Math.min(1, Math.max(0, v)) * 255);
  }
  return out;
}

/** 256 entries of the map, RGB bytes, for drawing many pixels fast. */
export const VIRIDIS_LUT: Uint8Array = (() => {
  const lut = new Uint8Array(256 * 3);
  for (let i = 0; i < 256; i++) lut.set(viridis(i / 255), i * 3);
  return lut;
})();

export interface ImageLike {
  width: number;
  height: number;
  /** width*height*4 RGBA bytes. */
  data: ArrayLike<number>;
}

/** Per-pixel error: mean |render - photo| over R, G, B, in 8-bit levels (0..255). */
export function errorMap(render: ImageLike, photo: ImageLike): Float32Array {
  if (render.width !== photo.width || render.height !== photo.height)
    throw new RangeError(`errorMap: images differ in size (${render.width}x${render.height} vs ${photo.width}x${photo.height})`);
  const n = render.width * render.height;
  const out = new Float32Array(n);
  const a = render.data, b = photo.data;
  for (let i = 0; i < n; i++) {
    const j = i * 4;
    out[i] = (Math.abs(a[j] - b[j]) + Math.abs(a[j + 1] - b[j + 1]) + Math.abs(a[j + 2] - b[j + 2])) / 3;
  }
  return out;
}

/** The q-quantile (0..1) of the values (nearest rank). */
export function quantile(values: ArrayLike<number>, q: number): number {
  if (values.length === 0) return 0;
  const sorted = Float32Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

/** The smallest of 1, 2, 2.5, 5 times a power of ten that is >= x (at least `min`). */
export function niceCeil(x: number, min = 1): number {
  const v = Math.max(min, Number.isFinite(x) ? x : min);
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v - 1e-9 * p) return m * p;
  return 10 * p;
}

/** The heat map's scale (top of the colour bar) for an error map: a round number near its 99th percentile. */
export function heatScale(err: ArrayLike<number>, max = 255): number {
  return Math.min(max, niceCeil(quantile(err, 0.99), 2));
}

/** The error map as RGBA pixels: error / scale through viridis (values above the scale saturate). */
export function heatmapPixels(err: ArrayLike<number>, scale: number, lut: Uint8Array = VIRIDIS_LUT): Uint8ClampedArray {
  const out = new Uint8ClampedArray(err.length * 4);
  const k = 255 / (scale > 0 ? scale : 1);
  for (let i = 0; i < err.length; i++) {
    const idx = Math.min(255, Math.max(0, Math.round(err[i] * k))) * 3;
    out[i * 4] = lut[idx];
    out[i * 4 + 1] = lut[idx + 1];
    out[i * 4 + 2] = lut[idx + 2];
    out[i * 4 + 3] = 255;
  }
  return out;
}

/** Tick values for a colour bar from 0 to `scale`: 0, the middle and the top. */
export function colorBarTicks(scale: number): number[] {
  return [0, scale / 2, scale];
}
