/** A procedural object: shapes to ray trace, its bounds, a light, and how to describe it. */
import type { Vec3 } from '../core/camera.ts';
import type { Light } from './shading.ts';
import { unionBounds, type Bounds, type Shape } from './shapes.ts';

export interface SceneObject {
  /** Folder name: scenes/<name>/. */
  name: string;
  title: string;
  description: string;
  shapes: Shape[];
  light: Light;
  /** Union of the shapes' bounds (not padded). */
  bounds: Bounds;
  /** Bounding sphere of `bounds`: what the rig looks at and frames. */
  center: Vec3;
  radius: number;
  /** Points on the surface that every test can check masks with (world), inside large faces. */
  landmarks: Vec3[];
}

export function makeSceneObject(
  info: { name: string; title: string; description: string; light: Light; landmarks: Vec3[] },
  shapes: Shape[],
): SceneObject {
  const bounds = unionBounds(shapes.map((s) => s.bounds));
  const center: Vec3 = [0, 1, 2].map((k) => (bounds.min[k] + bounds.max[k]) / 2) as Vec3;
  // Tight sphere around all shapes' bounding spheres, centred on the box centre.
  let radius = 0;
  for (const s of shapes)
    radius = Math.max(radius, Math.hypot(s.cx - center[0], s.cy - center[1], s.cz - center[2]) + s.radius);
  const boxRadius = Math.hypot(...([0, 1, 2].map((k) => bounds.max[k] - center[k]) as Vec3));
  return { ...info, shapes, bounds, center, radius: Math.min(radius, boxRadius) };
}
