/**
 * Synthetic, analytically rendered scenes for the visual-hull tests: cameras on a ring around
 * the object, and masks / images traced per pixel centre (i + 0.5, j + 0.5), so silhouettes are
 * exact in the one camera convention.
 */
import { cameraCenter, lookAtCamera, mat3MulVec, mat3Transpose, type Camera, type Vec3 } from '../../src/core/camera.ts';
import { createImage, type RGBAImage } from '../../src/core/image.ts';
import type { HullView } from '../../src/recon/hull/index.ts';

export interface Sphere {
  kind: 'sphere';
  center: Vec3;
  radius: number;
  /** RGB 0..255 at a surface point. */
  color?: (p: Vec3) => Vec3;
}
export interface Box {
  kind: 'box';
  min: Vec3;
  max: Vec3;
}
export type Shape = Sphere | Box;

/** n cameras looking at `target` from `distance`, azimuths evenly spread, elevations alternating. */
export function ringCameras(n: number, opts: { target?: Vec3; distance?: number; width?: number; height?: number; focal?: number } = {}): Camera[] {
  const target = opts.target ?? [0, 0, 0];
  const dist = opts.distance ?? 4;
  const width = opts.width ?? 160, height = opts.height ?? 120;
  const f = opts.focal ?? width;
  const cams: Camera[] = [];
  for (let i = 0; i < n; i++) {
    const az = (2 * Math.PI * i) / n + 0.3;
    const el = ((i % 2 === 0 ? 30 : -15) * Math.PI) / 180;
    const eye: Vec3 = [
      target[0] + dist * Math.cos(el) * Math.cos(az),
      target[1] + dist * Math.cos(el) * Math.sin(az),
      target[2] + dist * Math.sin(el),
    ];
    cams.push(lookAtCamera(eye, target, [0, 0, 1], { fx: f, fy: f, cx: width / 2, cy: height / 2, width, height }));
  }
  return cams;
}

/** Nearest hit of the ray through a pixel centre with any shape: [t, shape index], or null. */
function trace(shapes: readonly Shape[], o: Vec3, d: Vec3): [number, number] | null {
  let best = Infinity, which = -1;
  shapes.forEach((s, idx) => {
    const t = s.kind === 'sphere' ? hitSphere(s, o, d) : hitBox(s, o, d);
    if (t !== null && t < best) {
      best = t;
      which = idx;
    }
  });
  return which < 0 ? null : [best, which];
}

function hitSphere(s: Sphere, o: Vec3, d: Vec3): number | null {
  const oc = [o[0] - s.center[0], o[1] - s.center[1], o[2] - s.center[2]];
  const b = oc[0] * d[0] + oc[1] * d[1] + oc[2] * d[2];
  const c = oc[0] ** 2 + oc[1] ** 2 + oc[2] ** 2 - s.radius ** 2;
  const disc = b * b - c;
  if (disc < 0) return null;
  const t = -b - Math.sqrt(disc);
  return t > 0 ? t : null;
}

function hitBox(bx: Box, o: Vec3, d: Vec3): number | null {
  let t0 = -Infinity, t1 = Infinity;
  for (let a = 0; a < 3; a++) {
    const inv = 1 / d[a];
    let ta = (bx.min[a] - o[a]) * inv, tb = (bx.max[a] - o[a]) * inv;
    if (ta > tb) [ta, tb] = [tb, ta];
    t0 = Math.max(t0, ta);
    t1 = Math.min(t1, tb);
  }
  return t1 >= t0 && t0 > 0 ? t0 : null;
}

export interface RenderedView extends HullView {
  rgba: RGBAImage;
}

/** Mask (1 = object) and image (shape colour, white background) for each camera. */
export function renderViews(cams: readonly Camera[], shapes: readonly Shape[]): RenderedView[] {
  return cams.map((cam) => {
    const { width: W, height: H } = cam;
    const mask = new Uint8Array(W * H);
    const rgba = createImage(W, H);
    const o = cameraCenter(cam);
    const Rt = mat3Transpose(cam.R);
    for (let j = 0; j < H; j++)
      for (let i = 0; i < W; i++) {
        const dc = mat3MulVec(Rt, [(i + 0.5 - cam.cx) / cam.fx, (j + 0.5 - cam.cy) / cam.fy, 1]);
        const n = Math.hypot(...dc);
        const d: Vec3 = [dc[0] / n, dc[1] / n, dc[2] / n];
        const hit = trace(shapes, o, d);
        const p = j * W + i;
        let rgb: Vec3 = [255, 255, 255];
        if (hit) {
          mask[p] = 1;
          const s = shapes[hit[1]];
          const x: Vec3 = [o[0] + d[0] * hit[0], o[1] + d[1] * hit[0], o[2] + d[2] * hit[0]];
          rgb = s.kind === 'sphere' && s.color ? s.color(x) : [128, 128, 128];
        }
        rgba.data.set([rgb[0], rgb[1], rgb[2], 255], p * 4);
      }
    return { camera: cam, mask, width: W, height: H, rgba };
  });
}

/** Deterministic points uniformly inside a ball (for "well inside survives" checks). */
export function pointsInBall(center: Vec3, radius: number, n: number, seed = 1): Vec3[] {
  let s = seed;
  const rand = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296);
  const out: Vec3[] = [];
  while (out.length < n) {
    const p = [rand() * 2 - 1, rand() * 2 - 1, rand() * 2 - 1];
    if (p[0] ** 2 + p[1] ** 2 + p[2] ** 2 > 1) continue;
    out.push([center[0] + p[0] * radius, center[1] + p[1] * radius, center[2] + p[2] * radius]);
  }
  return out;
}

/** Deterministic points on a sphere shell of the given radius. */
export function pointsOnShell(center: Vec3, radius: number, n: number): Vec3[] {
  const out: Vec3[] = [];
  const golden = Math.PI * (3 - Math.sqrt(5));
  for (let i = 0; i < n; i++) {
    const z = 1 - (2 * (i + 0.5)) / n;
    const r = Math.sqrt(1 - z * z);
    out.push([center[0] + radius * r * Math.cos(golden * i), center[1] + radius * r * Math.sin(golden * i), center[2] + radius * z]);
  }
  return out;
}
