/**
 * The projection and blending constants of the splat model, shared by the trainer (its WGSL gets
 * them from src/gpu/kernels/chunks/blendConstants.ts), both viewers and the CPU references.
 */

/** Screen-space low-pass added to every 2D covariance, px^2 (3DGS's 0.3). */
export const LOW_PASS = 0.3;

/** Splats nearer than this camera-space z are not drawn. */
export const NEAR_PLANE = 0.01;

/**
 * The projection's Jacobian is evaluated at x/z, y/z clamped to the image plus this fraction of its
 * size on each side (3DGS's 1.3 x tan(fov / 2)), so splats far outside do not blow up.
 */
export const FRUSTUM_MARGIN = 0.3;

/** A splat whose alpha at a pixel is below this is skipped there. */
export const ALPHA_MIN = 1 / 255;

/** Alpha is clamped to this (and gets no gradient when clamped). */
export const ALPHA_MAX = 0.99;

/** Blending stops before a splat that would bring transmittance below this. */
export const T_MIN = 1e-4;

/**
 * ALPHA_MAX for float32 kernels: the largest f32 below 0.99, not f32(0.99) (which is above it).
 * Two clamped splats on one pixel leave T = (1 - 0.99)^2, exactly T_MIN in real arithmetic; the
 * float64 reference rounds that to just above T_MIN and keeps blending, and with f32(0.99) a
 * float32 kernel would round below and stop one splat early. With this constant the f32 product
 * lands above f32(1e-4), as in the reference. It differs from 0.99 by 5e-8.
 */
export const ALPHA_MAX_F32 = largestF32Below(ALPHA_MAX);

function largestF32Below(x: number): number {
  const f = new Float32Array([x]);
  if (f[0] < x) return f[0];
  const bits = new Uint32Array(f.buffer);
  bits[0] += x > 0 ? -1 : 1;
  return f[0];
}

/**
 * Where the Jacobian's x/z, y/z are clamped for an image of width x height with intrinsics
 * fx, fy, cx, cy: [x/z max, -(x/z min), y/z max, -(y/z min)].
 */
export function clipLimits(width: number, height: number, fx: number, fy: number, cx: number, cy: number): [number, number, number, number] {
  return [
    (width - cx) / fx + (FRUSTUM_MARGIN * width) / fx,
    cx / fx + (FRUSTUM_MARGIN * width) / fx,
    (height - cy) / fy + (FRUSTUM_MARGIN * height) / fy,
    cy / fy + (FRUSTUM_MARGIN * height) / fy,
  ];
}

/** How splats are projected: the low-pass (px^2), the near plane and the Mip-Splatting 2D filter. */
export interface ProjectionSettings {
  lowPass: number;
  nearPlane: number;
  /** Mip-Splatting 2D filter: opacity compensation for the low-pass (projectReference.ts). Default false. */
  antialiased?: boolean;
}

export const DEFAULT_PROJECTION: ProjectionSettings = { lowPass: LOW_PASS, nearPlane: NEAR_PLANE };
