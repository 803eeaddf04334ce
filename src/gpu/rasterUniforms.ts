/**
 * Packs the camera and render settings into the RasterUniforms struct of
 * kernels/chunks/rasterUniforms.wgsl (keep the two in step: 7 vec4 then 12 scalars).
 */
import { cameraCenter, type Camera } from '../core/camera.ts';
import { clipLimits, type ProjectionSettings } from '../core/gaussianCloud.ts';

export const RASTER_UNIFORMS_BYTES = 160;
export const TILE_SIZE = 16;
/**
 * Floats per splat in the rasterizer's gradProjectedFromSplat: dL/d u, v, conic A, B, C, opacity,
 * r, g, b and the camera-space depth z (the last non-zero only when the backward had a depth loss).
 */
export const PROJECTED_GRAD_STRIDE = 10;

export interface RasterSettings extends ProjectionSettings {
  camera: Camera;
  background: readonly [number, number, number];
  splatCount: number;
  shDegree: number;
  splatCapacity: number;
  intersectionCapacity: number;
}

export function packRasterUniforms(s: RasterSettings): ArrayBuffer {
  const buffer = new ArrayBuffer(RASTER_UNIFORMS_BYTES);
  const f = new Float32Array(buffer);
  const u = new Uint32Array(buffer);
  const { R, t, fx, fy, cx, cy, width, height } = s.camera;
  f.set([R[0], R[1], R[2], t[0], R[3], R[4], R[5], t[1], R[6], R[7], R[8], t[2]], 0);
  f.set(cameraCenter(s.camera), 12);
  f.set([fx, fy, cx, cy], 16);
  // The reference's clamp of x/z and y/z for J: the frustum widened by FRUSTUM_MARGIN of the image size.
  f.set(clipLimits(width, height, fx, fy, cx, cy), 20);
  f.set([s.background[0], s.background[1], s.background[2], 0], 24);
  f[28] = s.lowPass;
  f[29] = s.nearPlane;
  u[30] = width;
  u[31] = height;
  u[32] = s.splatCount;
  u[33] = s.shDegree;
  u[34] = (s.shDegree + 1) ** 2;
  u[35] = Math.ceil(width / TILE_SIZE);
  u[36] = Math.ceil(height / TILE_SIZE);
  u[37] = s.splatCapacity;
  u[38] = s.intersectionCapacity;
  u[39] = s.antialiased ? 1 : 0;
  return buffer;
}
