/**
 * Smooth object: a stack of four rounded pebbles (superellipsoids and ellipsoids) with slow
 * colour gradients. No texture detail, no sharp edges except where the pebbles touch.
 */
import type { Vec3 } from '../../core/camera.ts';
import { createRng } from '../../core/random.ts';
import { makeSceneObject, type SceneObject } from '../sceneObject.ts';
import { DEFAULT_LIGHT } from '../shading.ts';
import { frame, rotationZ, superellipsoidShape, type Albedo } from '../shapes.ts';
import { seedFromString } from '../prng.ts';
import { hex, mixRgb, smoothstep, valueNoise3, type RGB } from '../textures.ts';
import { surfacePoint } from '../trace.ts';

/** A slow two-colour gradient over the pebble's height, gently warped by low-frequency noise. */
function gradientAlbedo(c0: RGB, c1: RGB, halfHeight: number, seed: number): Albedo {
  return (hit, out) => {
    const n = valueNoise3(hit.lx * 1.3 + 7.1, hit.ly * 1.3 - 3.2, hit.lz * 1.3 + 1.7, seed) - 0.5;
    const t = smoothstep(-1, 1, hit.lz / halfHeight + 0.8 * n);
    mixRgb(c0, c1, t, out);
  };
}

export function buildPebbles(seed = seedFromString('pebbles')): SceneObject {
  const rng = createRng(seed);
  const jitter = () => rng.range(-0.15, 0.15);
  const stones: { c: Vec3; r: Vec3; p: number; rot: number; c0: string; c1: string }[] = [
    { c: [0, 0, -0.5], r: [0.64, 0.48, 0.26], p: 4, rot: 0.35, c0: '#6f7f9a', c1: '#b5c3d9' },
    { c: [0.06, 0.02, -0.06], r: [0.44, 0.36, 0.23], p: 2, rot: -0.4, c0: '#a5673f', c1: '#e3b07a' },
    { c: [-0.04, -0.01, 0.3], r: [0.28, 0.24, 0.17], p: 4, rot: 0.9, c0: '#5d8a55', c1: '#b9d99a' },
    { c: [0.02, 0, 0.55], r: [0.14, 0.13, 0.11], p: 2, rot: 0, c0: '#b04a5a', c1: '#eba3a8' },
  ];
  const shapes = stones.map((s, i) =>
    superellipsoidShape(frame(s.c, rotationZ(s.rot + jitter())), s.r, s.p, gradientAlbedo(hex(s.c0), hex(s.c1), s.r[2], seed + i)),
  );
  // Landmarks: the front-facing middle of each pebble, seen along the rig's central direction.
  const landmarks = stones.map((s) => surfacePoint(shapes, [s.c[0], s.c[1] - 5, s.c[2] + 2], s.c));
  return makeSceneObject(
    {
      name: 'pebbles',
      title: 'Pebble stack (smooth)',
      description:
        'Four stacked rounded pebbles (superellipsoids) with slow colour gradients: smooth, diffuse, no fine texture. ' +
        'Procedurally generated and ray traced on the CPU (Lambertian + ambient, 3x3 supersampling, black background).',
      light: DEFAULT_LIGHT,
      landmarks,
    },
    shapes,
  );
}
