/**
 * Where to look at a cloud shown on its own (no cameras to frame): its bounds, robust to the few
 * far-away floaters that clouds from other tools often carry, and a RigFrame around them.
 *
 * Up is -y: the 3DGS PLY frame is OpenCV/COLMAP's right-down-front (RDF; the SPZ spec calls it
 * that too), so y points down and the view looks along +z from a little above.
 */
import type { Vec3 } from '../core/camera.ts';
import type { GaussianCloud } from '../core/gaussianCloud.ts';
import type { RigFrame } from './rigFrame.ts';

export interface CloudBounds {
  min: Vec3;
  max: Vec3;
}

/** Below this many splats every splat counts; above, the outer TRIM of each side is left out. */
const ROBUST_FROM = 200;
const TRIM = 0.01;
/** A splat reaches about this many standard deviations (its largest) around its mean. */
const EXTENT_SIGMAS = 2;

/**
 * Axis-aligned bounds of the splats (means widened by their size). For clouds of ROBUST_FROM or
 * more splats, the 1% and 99% quantiles per axis; null for an empty cloud or one without a
 * finite mean.
 */
export function cloudBounds(cloud: GaussianCloud): CloudBounds | null {
  const n = cloud.count;
  const lo: number[][] = [[], [], []];
  const hi: number[][] = [[], [], []];
  for (let i = 0; i < n; i++) {
    const s = Math.max(cloud.logScales[3 * i], cloud.logScales[3 * i + 1], cloud.logScales[3 * i + 2]);
    const reach = Number.isFinite(s) ? EXTENT_SIGMAS * Math.exp(Math.min(s, 20)) : 0;
    const m = [cloud.means[3 * i], cloud.means[3 * i + 1], cloud.means[3 * i + 2]];
    if (!m.every(Number.isFinite)) continue;
    for (let a = 0; a < 3; a++) {
      lo[a].push(m[a] - reach);
      hi[a].push(m[a] + reach);
    }
  }
  const count = lo[0].length;
  if (count === 0) return null;
  const trim = count >= ROBUST_FROM ? Math.floor(count * TRIM) : 0;
  const min = [0, 1, 2].map((a) => lo[a].sort((x, y) => x - y)[trim]) as Vec3;
  const max = [0, 1, 2].map((a) => hi[a].sort((x, y) => x - y)[count - 1 - trim]) as Vec3;
  return { min, max };
}

/** A frame around the cloud's bounds, seen from the front (-z side), 30 degrees above, y down. */
export function cloudFrame(cloud: GaussianCloud): RigFrame {
  const b = cloudBounds(cloud) ?? { min: [-1, -1, -1] as Vec3, max: [1, 1, 1] as Vec3 };
  const target: Vec3 = [0, 1, 2].map((a) => (b.min[a] + b.max[a]) / 2) as Vec3;
  const half = [0, 1, 2].map((a) => (b.max[a] - b.min[a]) / 2);
  const radius = Math.max(1e-6, Math.hypot(half[0], half[1], half[2]));
  const up: Vec3 = [0, -1, 0];
  const elev = (30 * Math.PI) / 180;
  const h = [0.5, 0, -1].map((v) => v / Math.hypot(0.5, 1));
  const viewDir: Vec3 = [h[0] * Math.cos(elev), -Math.sin(elev), h[2] * Math.cos(elev)];
  // The floor under the lowest point of the bounds (largest y).
  const floor = -half[1] - 1e-3 * radius;
  return { target, up, radius, viewDir, floor, frustumDepth: radius * 0.15 };
}
