/**
 * One view's silhouette, prepared for millions of voxel queries: the camera unpacked into
 * scalars and a summed-area table of the mask, so "is any object pixel under this rectangle"
 * costs four reads whatever the rectangle's size.
 *
 * Each query answers with the evidence the view gives about a voxel: INSIDE (it may be object),
 * OUTSIDE (this view says it is background) or NO_EVIDENCE (the view cannot tell).
 *
 * Out of frame (outside the image, or behind the camera): when the mask does not touch the image
 * border the whole object is in the picture, so anything out of frame is background: OUTSIDE.
 * When it does touch the border (the object is cut off, or the mask is noisy there) the object
 * may continue out of frame: NO_EVIDENCE, and the voxel is decided by the other views alone.
 * Without that distinction every region outside some view's frustum would survive on the
 * evidence of the remaining views, leaving wings of hull beside the object.
 */
import type { HullView } from './types.ts';

export const NO_EVIDENCE = 0;
export const INSIDE = 1;
export const OUTSIDE = 2;
export type Evidence = typeof NO_EVIDENCE | typeof INSIDE | typeof OUTSIDE;

/** Depth below which a point counts as at or behind the camera plane. */
const NEAR = 1e-6;

export interface Silhouette {
  r0: number; r1: number; r2: number; r3: number; r4: number; r5: number; r6: number; r7: number; r8: number;
  t0: number; t1: number; t2: number;
  fx: number; fy: number; cx: number; cy: number;
  width: number;
  height: number;
  mask: Uint8Array;
  /** (width + 1) * (height + 1): count of object pixels above-left of each corner. */
  sat: Uint32Array;
  /** Camera-space half-extents of a world axis-aligned cube of half-side 1: sum_j |R_ij|. */
  ax: number; ay: number; az: number;
  /** Evidence for what lies out of frame (see the file comment). */
  outOfFrame: Evidence;
}

/** 'auto': OUTSIDE unless the mask touches the image border; or force one of the two rules. */
export type OutOfFrameRule = 'auto' | 'outside' | 'no-evidence';

export function prepareSilhouette(view: HullView, index: number, rule: OutOfFrameRule = 'auto'): Silhouette {
  const { camera: c, mask, width, height } = view;
  if (c.width !== width || c.height !== height)
    throw new Error(`hull view ${index}: camera is ${c.width}x${c.height} but the view says ${width}x${height}`);
  if (mask.length !== width * height)
    throw new Error(`hull view ${index}: mask has ${mask.length} bytes, expected ${width}x${height}`);
  if (!(c.fx > 0 && c.fy > 0)) throw new Error(`hull view ${index}: focal lengths must be positive`);
  const W1 = width + 1;
  const sat = new Uint32Array(W1 * (height + 1));
  for (let y = 0; y < height; y++) {
    let row = 0;
    for (let x = 0; x < width; x++) {
      row += mask[y * width + x] !== 0 ? 1 : 0;
      sat[(y + 1) * W1 + x + 1] = sat[y * W1 + x + 1] + row;
    }
  }
  const R = c.R;
  const cut = rule === 'no-evidence' || (rule === 'auto' && touchesBorder(mask, width, height));
  return {
    r0: R[0], r1: R[1], r2: R[2], r3: R[3], r4: R[4], r5: R[5], r6: R[6], r7: R[7], r8: R[8],
    t0: c.t[0], t1: c.t[1], t2: c.t[2],
    fx: c.fx, fy: c.fy, cx: c.cx, cy: c.cy,
    width, height, mask, sat,
    ax: Math.abs(R[0]) + Math.abs(R[1]) + Math.abs(R[2]),
    ay: Math.abs(R[3]) + Math.abs(R[4]) + Math.abs(R[5]),
    az: Math.abs(R[6]) + Math.abs(R[7]) + Math.abs(R[8]),
    outOfFrame: cut ? NO_EVIDENCE : OUTSIDE,
  };
}

function touchesBorder(mask: Uint8Array, W: number, H: number): boolean {
  for (let x = 0; x < W; x++) if (mask[x] !== 0 || mask[(H - 1) * W + x] !== 0) return true;
  for (let y = 0; y < H; y++) if (mask[y * W] !== 0 || mask[y * W + W - 1] !== 0) return true;
  return false;
}

/**
 * Conservative test of a whole cube (centre x, y, z; half-side h): INSIDE when any object pixel
 * lies under the bounding rectangle of its projection. The rectangle bounds the projection of
 * the cube's camera-space bounding box (clipped to the front of the camera), so a cube is never
 * called OUTSIDE while some part of it projects onto the object; that is what lets coarse levels
 * carve without losing fine voxels. A cube partly out of frame with no object pixel in the
 * visible part gets the out-of-frame evidence, since the rest of it might be object there.
 */
export function footprintEvidence(s: Silhouette, x: number, y: number, z: number, h: number): Evidence {
  const xc = s.r0 * x + s.r1 * y + s.r2 * z + s.t0;
  const yc = s.r3 * x + s.r4 * y + s.r5 * z + s.t1;
  const zc = s.r6 * x + s.r7 * y + s.r8 * z + s.t2;
  const ex = h * s.ax, ey = h * s.ay, ez = h * s.az;
  const zmax = zc + ez;
  if (zmax <= NEAR) return s.outOfFrame;
  const partlyBehind = zc - ez <= NEAR;
  const zmin = partlyBehind ? NEAR : zc - ez;
  // Extremes of X/Z over the box: a non-negative X is smallest at the far depth, a negative one at the near.
  const x0 = xc - ex, x1 = xc + ex, y0 = yc - ey, y1 = yc + ey;
  const umin = s.fx * (x0 / (x0 >= 0 ? zmax : zmin)) + s.cx;
  const umax = s.fx * (x1 / (x1 >= 0 ? zmin : zmax)) + s.cx;
  const vmin = s.fy * (y0 / (y0 >= 0 ? zmax : zmin)) + s.cy;
  const vmax = s.fy * (y1 / (y1 >= 0 ? zmin : zmax)) + s.cy;
  const W = s.width, H = s.height;
  if (umax < 0 || umin >= W || vmax < 0 || vmin >= H) return s.outOfFrame;
  const i0 = umin > 0 ? Math.floor(umin) : 0;
  const i1 = umax < W ? Math.floor(umax) : W - 1;
  const j0 = vmin > 0 ? Math.floor(vmin) : 0;
  const j1 = vmax < H ? Math.floor(vmax) : H - 1;
  const W1 = W + 1, sat = s.sat;
  const n = sat[(j1 + 1) * W1 + i1 + 1] - sat[j0 * W1 + i1 + 1] - sat[(j1 + 1) * W1 + i0] + sat[j0 * W1 + i0];
  if (n > 0) return INSIDE;
  return !partlyBehind && umin >= 0 && umax < W && vmin >= 0 && vmax < H ? OUTSIDE : s.outOfFrame;
}

/** Point test: the pixel containing the projection of (x, y, z) (pixel centres at i + 0.5). */
export function centreEvidence(s: Silhouette, x: number, y: number, z: number): Evidence {
  const zc = s.r6 * x + s.r7 * y + s.r8 * z + s.t2;
  if (zc <= NEAR) return s.outOfFrame;
  const u = (s.fx * (s.r0 * x + s.r1 * y + s.r2 * z + s.t0)) / zc + s.cx;
  const v = (s.fy * (s.r3 * x + s.r4 * y + s.r5 * z + s.t1)) / zc + s.cy;
  if (!(u >= 0 && u < s.width && v >= 0 && v < s.height)) return s.outOfFrame;
  return s.mask[Math.floor(v) * s.width + Math.floor(u)] !== 0 ? INSIDE : OUTSIDE;
}
