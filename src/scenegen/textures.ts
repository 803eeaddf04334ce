/**
 * Procedural textures: seeded value noise, fractal noise, checkers, stripes and colour helpers.
 * Colours are RGB triples in [0, 1] in display (sRGB) space, the values written to the image.
 */
import { hash3 } from './prng.ts';

export type RGB = [number, number, number];

export function clamp01(x: number): number {
  return x < 0 ? 0 : x > 1 ? 1 : x;
}

export function smoothstep(e0: number, e1: number, x: number): number {
  const t = clamp01((x - e0) / (e1 - e0));
  return t * t * (3 - 2 * t);
}

/** Linear mix of two colours into `out`. */
export function mixRgb(a: ArrayLike<number>, b: ArrayLike<number>, t: number, out: Float64Array | number[]): void {
  out[0] = a[0] + (b[0] - a[0]) * t;
  out[1] = a[1] + (b[1] - a[1]) * t;
  out[2] = a[2] + (b[2] - a[2]) * t;
}

/** '#rrggbb' -> RGB in [0, 1]. */
export function hex(s: string): RGB {
  const v = parseInt(s.replace('#', ''), 16);
  return [((v >> 16) & 255) / 255, ((v >> 8) & 255) / 255, (v & 255) / 255];
}

/** Smooth 3D value noise in [0, 1] (quintic interpolation of hashed lattice values). */
export function valueNoise3(x: number, y: number, z: number, seed: number): number {
  const ix = Math.floor(x), iy = Math.floor(y), iz = Math.floor(z);
  const fx = x - ix, fy = y - iy, fz = z - iz;
  const ux = fx * fx * fx * (fx * (fx * 6 - 15) + 10);
  const uy = fy * fy * fy * (fy * (fy * 6 - 15) + 10);
  const uz = fz * fz * fz * (fz * (fz * 6 - 15) + 10);
  const c000 = hash3(ix, iy, iz, seed), c100 = hash3(ix + 1, iy, iz, seed);
  const c010 = hash3(ix, iy + 1, iz, seed), c110 = hash3(ix + 1, iy + 1, iz, seed);
  const c001 = hash3(ix, iy, iz + 1, seed), c101 = hash3(ix + 1, iy, iz + 1, seed);
  const c011 = hash3(ix, iy + 1, iz + 1, seed), c111 = hash3(ix + 1, iy + 1, iz + 1, seed);
  const x00 = c000 + (c100 - c000) * ux, x10 = c010 + (c110 - c010) * ux;
  const x01 = c001 + (c101 - c001) * ux, x11 = c011 + (c111 - c011) * ux;
  const y0 = x00 + (x10 - x00) * uy, y1 = x01 + (x11 - x01) * uy;
  return y0 + (y1 - y0) * uz;
}

/** Fractal (fBm) value noise in [0, 1]: `octaves` octaves, each twice the frequency, half the amplitude. */
export function fbm3(x: number, y: number, z: number, seed: number, octaves: number): number {
  let sum = 0, amp = 0.5, norm = 0, f = 1;
  for (let o = 0; o < octaves; o++) {
    sum += amp * valueNoise3(x * f, y * f, z * f, seed + o * 1013);
    norm += amp;
    amp *= 0.5;
    f *= 2.03;
  }
  return sum / norm;
}

/** 2D checker: 0 or 1 for cells of size `cell`. */
export function checker2(u: number, v: number, cell: number): number {
  return (Math.floor(u / cell) + Math.floor(v / cell)) & 1;
}

/** Hard stripes: 1 on the first `duty` fraction of each period along s, else 0. */
export function stripes(s: number, period: number, duty = 0.5): number {
  const f = s / period - Math.floor(s / period);
  return f < duty ? 1 : 0;
}

/** Cell index pair hashed to [0, 1): a stable random value per checker cell. */
export function cellHash(u: number, v: number, cell: number, seed: number): number {
  return hash3(Math.floor(u / cell), Math.floor(v / cell), 0, seed);
}

/** Hue/saturation/value -> RGB, all in [0, 1]. */
export function hsv(h: number, s: number, v: number): RGB {
  const hh = (h - Math.floor(h)) * 6;
  const i = Math.floor(hh);
  const f = hh - i;
  const p = v * (1 - s), q = v * (1 - s * f), t = v * (1 - s * (1 - f));
  switch (i) {
    case 0: return [v, t, p];
    case 1: return [q, v, p];
    case 2: return [p, v, t];
    case 3: return [p, q, v];
    case 4: return [t, p, v];
    default: return [v, p, q];
  }
}
