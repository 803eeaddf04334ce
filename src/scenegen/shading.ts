/**
 * Lambertian shading with one fixed directional light plus ambient light; no specular, so the
 * appearance of a surface point is the same from every camera (multi-view consistent).
 */
import { normalize, type Vec3 } from '../core/camera.ts';

export interface Light {
  /** Unit vector from the surface towards the light (world). */
  dir: Vec3;
  ambient: number;
  diffuse: number;
}

/** Light from the front (-y, where the cameras are), left and above. */
export const DEFAULT_LIGHT: Light = { dir: normalize([-0.45, -0.6, 0.75]), ambient: 0.32, diffuse: 0.72 };

/** Shaded colour = albedo * (ambient + diffuse * max(0, n . l)), written into out. */
export function shadeLambert(
  light: Light, albedo: Float64Array, nx: number, ny: number, nz: number, out: Float64Array,
): void {
  const ndl = nx * light.dir[0] + ny * light.dir[1] + nz * light.dir[2];
  const k = light.ambient + light.diffuse * (ndl > 0 ? ndl : 0);
  out[0] = albedo[0] * k;
  out[1] = albedo[1] * k;
  out[2] = albedo[2] * k;
}
