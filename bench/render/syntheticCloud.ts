/**
 * The cloud of bench:render: `count` splats filling a unit ball at the origin, deterministic for a
 * (count, seed) pair (src/core/random.ts), SH degree 0 (every viewer draws degree 0 the same way).
 * Sizes shrink with the count so that coverage (and overdraw) stays similar: each splat's standard
 * deviation is about half the mean spacing, with up to 1.5x anisotropy and a random rotation.
 * Colour follows position (red along +x, green along +y, blue along +z), so a flipped axis in one
 * viewer shows in its shot. Opacity 0.3..0.9.
 */
import { allocateCloud, type GaussianCloud } from '../../src/core/gaussianCloud.ts';
import { mulberry32 } from '../../src/core/random.ts';
import { colorToShDC } from '../../src/core/sh.ts';

export function syntheticCloud(count: number, seed = 20261125): GaussianCloud {
  const rnd = mulberry32(seed ^ count);
  const cloud = allocateCloud(count, 0);
  const spacing = Math.cbrt(((4 / 3) * Math.PI) / Math.max(count, 1));
  for (let i = 0; i < count; i++) {
    let x: number, y: number, z: number;
    do {
      x = 2 * rnd() - 1;
      y = 2 * rnd() - 1;
      z = 2 * rnd() - 1;
    } while (x * x + y * y + z * z > 1);
    cloud.means.set([x, y, z], 3 * i);
    for (let a = 0; a < 3; a++) cloud.logScales[3 * i + a] = Math.log(0.5 * spacing * (0.8 + 0.4 * rnd()) * (a === 0 ? 1 + 0.5 * rnd() : 1));
    // Uniform random rotation (Shoemake), stored (w, x, y, z).
    const u1 = rnd();
    const u2 = 2 * Math.PI * rnd();
    const u3 = 2 * Math.PI * rnd();
    const a = Math.sqrt(1 - u1);
    const b = Math.sqrt(u1);
    cloud.quats.set([a * Math.sin(u2), a * Math.cos(u2), b * Math.sin(u3), b * Math.cos(u3)], 4 * i);
    const opacity = 0.3 + 0.6 * rnd();
    cloud.opacityLogits[i] = Math.log(opacity / (1 - opacity));
    const jitter = () => 0.1 * (rnd() - 0.5);
    cloud.sh.set([colorToShDC(0.5 + 0.4 * x + jitter()), colorToShDC(0.5 + 0.4 * y + jitter()), colorToShDC(0.5 + 0.4 * z + jitter())], 3 * i);
  }
  return cloud;
}

/** "10k" -> 10000, "1M" -> 1000000, "2500" -> 2500. */
export function parseSplatCount(s: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kKmM]?)\s*$/.exec(s);
  if (!m) throw new Error(`not a splat count: "${s}" (use e.g. 10k, 100k, 1M)`);
  const n = Number(m[1]) * (m[2].toLowerCase() === 'k' ? 1e3 : m[2].toLowerCase() === 'm' ? 1e6 : 1);
  if (!Number.isInteger(n) || n < 1 || n > 20_000_000) throw new Error(`splat count out of range: "${s}"`);
  return n;
}

export function formatSplatCount(n: number): string {
  if (n >= 1e6 && n % 1e5 === 0) return `${n / 1e6}M`;
  if (n >= 1e3 && n % 100 === 0) return `${n / 1e3}k`;
  return String(n);
}
