/**
 * Random materials for the seeded object family: an albedo drawn from a handful of procedural
 * patterns (solid, gradient, checker, stripes, noise, cell tints, dots) in random colours and
 * scales, so a repair model trained on these sees flat, smooth and high-frequency surfaces.
 */
import type { Rng } from '../../../core/random.ts';
import type { Albedo } from '../../shapes.ts';
import { cellHash, checker2, fbm3, hsv, mixRgb, smoothstep, stripes, type RGB } from '../../textures.ts';

export const MATERIAL_KINDS = ['solid', 'gradient', 'checker', 'stripes', 'noise', 'cells', 'dots'] as const;
export type MaterialKind = (typeof MATERIAL_KINDS)[number];

/** A colour that is neither too dark to see on the black background nor washed out. */
export function randomColour(rng: Rng): RGB {
  return hsv(rng.uniform(), rng.range(0.15, 0.95), rng.range(0.35, 1));
}

/** Two colours far enough apart in value or hue that a pattern between them is visible. */
function colourPair(rng: Rng): [RGB, RGB] {
  const a = randomColour(rng);
  const h = rng.uniform();
  const b = hsv(h, rng.range(0.1, 0.9), rng.uniform() < 0.5 ? rng.range(0.15, 0.45) : rng.range(0.75, 1));
  return [a, b];
}

function set(out: Float64Array, c: ArrayLike<number>): void {
  out[0] = c[0]; out[1] = c[1]; out[2] = c[2];
}

/** A random albedo; `size` is the shape's rough radius, so pattern scales follow the shape. */
export function randomMaterial(rng: Rng, size: number): { kind: MaterialKind; albedo: Albedo } {
  const kind = MATERIAL_KINDS[rng.int(MATERIAL_KINDS.length)];
  const [c0, c1] = colourPair(rng);
  const seed = Math.floor(rng.uniform() * 2 ** 31);
  // Pattern periods from a few pixels to a large part of the shape at the rig's framing.
  const period = size * rng.range(0.08, 0.6);
  const axis = rng.int(3);
  const coord = (lx: number, ly: number, lz: number) => (axis === 0 ? lx : axis === 1 ? ly : lz);
  switch (kind) {
    case 'solid':
      return { kind, albedo: (_h, out) => set(out, c0) };
    case 'gradient':
      return {
        kind,
        albedo: (h, out) => mixRgb(c0, c1, smoothstep(-size, size, coord(h.lx, h.ly, h.lz)), out),
      };
    case 'checker':
      return {
        kind,
        albedo: (h, out) => {
          const u = axis === 0 ? h.ly : h.lx, v = axis === 2 ? h.ly : h.lz;
          set(out, checker2(u + 10, v + 10 + (checker2(coord(h.lx, h.ly, h.lz) + 10, 0, period) ? period : 0), period) ? c0 : c1);
        },
      };
    case 'stripes': {
      const duty = rng.range(0.2, 0.8);
      const diag = rng.uniform() < 0.5;
      return {
        kind,
        albedo: (h, out) => set(out, stripes(coord(h.lx, h.ly, h.lz) + (diag ? h.lx + h.ly : 0) + 10, period, duty) ? c0 : c1),
      };
    }
    case 'noise': {
      const freq = 1 / period;
      const octaves = 1 + rng.int(4);
      return { kind, albedo: (h, out) => mixRgb(c0, c1, fbm3(h.lx * freq, h.ly * freq, h.lz * freq, seed, octaves), out) };
    }
    case 'cells':
      return {
        kind,
        albedo: (h, out) => {
          const t = cellHash(h.lx + 10, h.ly + 10 + Math.floor((h.lz + 10) / period) * 0.37, period, seed);
          mixRgb(c0, c1, t, out);
        },
      };
    default: {
      // Dots: discs on a jittered lattice (a cheap polka-dot / speckle).
      const r = rng.range(0.2, 0.45) * period;
      return {
        kind,
        albedo: (h, out) => {
          const x = h.lx / period, y = h.ly / period, z = h.lz / period;
          const fx = x - Math.round(x), fy = y - Math.round(y), fz = z - Math.round(z);
          set(out, Math.hypot(fx, fy, fz) * period < r ? c1 : c0);
        },
      };
    }
  }
}
