/**
 * Thin-structure object: a three-legged stool. A round wooden seat on three splayed legs
 * (~2 px wide at 400x300), joined by three rungs and a twelve-sided foot ring of wire
 * (~1 px wide at 400x300). Most of its bounding box is empty space.
 */
import type { Vec3 } from '../../core/camera.ts';
import { makeSceneObject, type SceneObject } from '../sceneObject.ts';
import { DEFAULT_LIGHT } from '../shading.ts';
import { capsuleShape, cylinderShape, frame, rotationZ, type Albedo, type Shape } from '../shapes.ts';
import { seedFromString } from '../prng.ts';
import { fbm3, hex, mixRgb, smoothstep } from '../textures.ts';

const SEAT_R = 0.5;
const SEAT_HALF = 0.04;
const SEAT_Z = 0.3;
/** Leg radius: about 2 px wide at 400x300 in the front views. */
export const STOOL_LEG_RADIUS = 0.007;
/** Rung and foot-ring radius: about 1 px wide at 400x300. */
export const STOOL_WIRE_RADIUS = 0.0035;

function seatAlbedo(seed: number): Albedo {
  const light = hex('#d9a66b'), dark = hex('#9c6a3a'), edge = hex('#7a4f2b');
  return (hit, out) => {
    if (hit.part === 0) {
      mixRgb(edge, dark, fbm3(hit.lx * 4, hit.ly * 4, hit.lz * 40, seed, 2), out);
      return;
    }
    // Wood: soft growth rings around an off-centre pith, warped by noise.
    const r = Math.hypot(hit.lx - 0.07, hit.ly + 0.04);
    const w = r * 11 + 1.6 * fbm3(hit.lx * 2.5, hit.ly * 2.5, 0, seed, 3);
    const ring = 0.5 + 0.5 * Math.cos(w * 2 * Math.PI);
    mixRgb(light, dark, smoothstep(0.2, 0.9, ring), out);
  };
}

const solid = (c: Vec3): Albedo => (_hit, out) => {
  out[0] = c[0]; out[1] = c[1]; out[2] = c[2];
};

export function buildStool(seed = seedFromString('stool')): SceneObject {
  const seat = cylinderShape(frame([0, 0, SEAT_Z], rotationZ(0.2)), SEAT_R, SEAT_HALF, seatAlbedo(seed));
  const legColour = solid(hex('#efe3c2'));
  const wireColour = solid(hex('#4fc3d9'));
  const top = SEAT_Z - SEAT_HALF + 0.005, bottom = -0.85;
  const legAt = (k: number, z: number): Vec3 => {
    // Legs splay from radius 0.33 under the seat to 0.6 at the floor; one leg points at the front (-y).
    const a = -Math.PI / 2 + (k * 2 * Math.PI) / 3;
    const s = (top - z) / (top - bottom);
    const rad = 0.33 + (0.6 - 0.33) * s;
    return [rad * Math.cos(a), rad * Math.sin(a), z];
  };
  const shapes: Shape[] = [seat];
  for (let k = 0; k < 3; k++) shapes.push(capsuleShape(legAt(k, top), legAt(k, bottom), STOOL_LEG_RADIUS, legColour));
  // Rungs between neighbouring legs, half way down.
  const rungZ = -0.2;
  for (let k = 0; k < 3; k++) shapes.push(capsuleShape(legAt(k, rungZ), legAt((k + 1) % 3, rungZ), STOOL_WIRE_RADIUS, wireColour));
  // Foot ring: a regular 12-gon through the legs.
  const ringZ = -0.6, ringR = Math.hypot(...legAt(0, ringZ).slice(0, 2));
  const ringPt = (i: number): Vec3 => {
    const a = -Math.PI / 2 + (i * 2 * Math.PI) / 12;
    return [ringR * Math.cos(a), ringR * Math.sin(a), ringZ];
  };
  for (let i = 0; i < 12; i++) shapes.push(capsuleShape(ringPt(i), ringPt(i + 1), STOOL_WIRE_RADIUS, wireColour));
  const topZ = SEAT_Z + SEAT_HALF;
  const landmarks: Vec3[] = [[0, 0, topZ], [0.2, -0.15, topZ], [-0.25, -0.1, topZ], [0.05, 0.3, topZ]];
  return makeSceneObject(
    {
      name: 'stool',
      title: 'Three-legged stool (thin parts)',
      description:
        'A round wooden seat on three thin splayed legs (about 2 px wide at 400x300), joined by wire rungs and a foot ring ' +
        '(about 1 px wide at 400x300). Procedurally generated and ray traced on the CPU (Lambertian + ambient, ' +
        '3x3 supersampling, black background); masks are pixels with at least 5 of 9 subsamples on the object.',
      light: DEFAULT_LIGHT,
      landmarks,
    },
    shapes,
  );
}
