/**
 * A seeded family of random objects for training data (the repair prior's pairs, scripts/prior/):
 * 1-4 primitives (spheres, boxes, cylinders, superellipsoids, capsules) in random sizes, poses
 * and materials, piled around the origin and touching so that the object is one connected
 * silhouette, lit from a random front-ish direction. The same seed gives the same object.
 * Kept out of OBJECT_BUILDERS: the bundled scenes stay the three hand-made ones.
 */
import { normalize, type Mat3, type Vec3 } from '../../../core/camera.ts';
import { createRng, type Rng } from '../../../core/random.ts';
import { makeSceneObject, type SceneObject } from '../../sceneObject.ts';
import type { Light } from '../../shading.ts';
import {
  boxShape, capsuleShape, cylinderShape, frame, rotationX, rotationZ, sphereShape, superellipsoidShape, type Shape,
} from '../../shapes.ts';
import { randomMaterial, type MaterialKind } from './materials.ts';

export const PRIMITIVE_KINDS = ['sphere', 'box', 'cylinder', 'superellipsoid', 'capsule'] as const;
export type PrimitiveKind = (typeof PRIMITIVE_KINDS)[number];

export interface RandomObjectInfo {
  primitives: PrimitiveKind[];
  materials: MaterialKind[];
}

function mat3Mul(a: Mat3, b: Mat3): Mat3 {
  const o = new Array(9).fill(0) as Mat3;
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) for (let k = 0; k < 3; k++) o[i * 3 + j] += a[i * 3 + k] * b[k * 3 + j];
  return o;
}

function randomRotation(rng: Rng): Mat3 {
  return mat3Mul(rotationZ(rng.range(0, 2 * Math.PI)), rotationX(rng.range(-0.6, 0.6)));
}

function randomShape(rng: Rng, kind: PrimitiveKind, c: Vec3, size: number): { shape: Shape; material: MaterialKind } {
  const { kind: material, albedo } = randomMaterial(rng, size);
  const r = () => size * rng.range(0.5, 1);
  let shape: Shape;
  switch (kind) {
    case 'sphere':
      shape = sphereShape(c, size * rng.range(0.6, 1), albedo, randomRotation(rng));
      break;
    case 'box':
      shape = boxShape(frame(c, randomRotation(rng)), [r(), r(), r()], albedo);
      break;
    case 'cylinder':
      shape = cylinderShape(frame(c, randomRotation(rng)), r(), r(), albedo);
      break;
    case 'superellipsoid':
      shape = superellipsoidShape(frame(c, randomRotation(rng)), [r(), r(), r()], 2 + 2 * rng.int(3), albedo);
      break;
    default: {
      // A thick or thin rod through c, tilted at random.
      const dir = normalize([rng.normal(), rng.normal(), rng.normal()]);
      const half = size * rng.range(0.6, 1.2);
      const a: Vec3 = [c[0] - dir[0] * half, c[1] - dir[1] * half, c[2] - dir[2] * half];
      const b: Vec3 = [c[0] + dir[0] * half, c[1] + dir[1] * half, c[2] + dir[2] * half];
      shape = capsuleShape(a, b, size * rng.range(0.08, 0.4), albedo);
    }
  }
  return { shape, material };
}

export function buildRandomObject(seed: number): SceneObject & { info: RandomObjectInfo } {
  const rng = createRng(seed ^ 0x5eed0b1);
  const count = 1 + rng.int(4);
  const shapes: Shape[] = [];
  const info: RandomObjectInfo = { primitives: [], materials: [] };
  for (let i = 0; i < count; i++) {
    const kind = PRIMITIVE_KINDS[rng.int(PRIMITIVE_KINDS.length)];
    const size = i === 0 ? rng.range(0.35, 0.6) : rng.range(0.15, 0.4);
    // Later parts sit on the first one's surface region (within its size), so the pile is connected.
    const c: Vec3 = i === 0 ? [0, 0, 0] : [rng.range(-0.4, 0.4), rng.range(-0.4, 0.4), rng.range(-0.2, 0.55)];
    const { shape, material } = randomShape(rng, kind, c, size);
    shapes.push(shape);
    info.primitives.push(kind);
    info.materials.push(material);
  }
  const light: Light = {
    dir: normalize([rng.range(-0.8, 0.8), rng.range(-1, -0.3), rng.range(0.2, 1)]),
    ambient: rng.range(0.2, 0.45),
    diffuse: rng.range(0.5, 0.85),
  };
  const obj = makeSceneObject(
    {
      name: `random-${seed}`,
      title: `Random object ${seed}`,
      description: `Seeded random object: ${info.primitives.map((p, i) => `${p} (${info.materials[i]})`).join(', ')}.`,
      light,
      landmarks: [],
    },
    shapes,
  );
  return { ...obj, info };
}
