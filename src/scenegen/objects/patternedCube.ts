/**
 * High-frequency object: a cube with a different fine pattern on every face (checker, stripes,
 * concentric squares, barcode, granite noise) and a ball with a fine latitude/longitude checker.
 * Pattern periods are ~5-8 pixels at 400x300, so photometric detail dominates.
 */
import type { Vec3 } from '../../core/camera.ts';
import { makeSceneObject, type SceneObject } from '../sceneObject.ts';
import { DEFAULT_LIGHT } from '../shading.ts';
import { boxShape, frame, rotationZ, sphereShape, type Albedo } from '../shapes.ts';
import { hash3, seedFromString } from '../prng.ts';
import { checker2, fbm3, hex, mixRgb, stripes } from '../textures.ts';

const HALF = 0.45;
const BALL_R = 0.3;

function set(out: Float64Array, c: ArrayLike<number>): void {
  out[0] = c[0]; out[1] = c[1]; out[2] = c[2];
}

function cubeAlbedo(seed: number): Albedo {
  const navy = hex('#1f3b73'), cream = hex('#efe6cf');
  const red = hex('#c8382e'), yellow = hex('#f2c230'), ink = hex('#2b2b2b');
  const green = hex('#2f8f5b'), white = hex('#eeeeee');
  const granite0 = hex('#6e5f63'), granite1 = hex('#e2cfc8');
  const bar0 = hex('#d9d4c7'), bar1 = hex('#3a3f58'), bar2 = hex('#8a2f5a');
  const bottom = hex('#777777');
  const threeStripes = [red, yellow, ink];
  return (hit, out) => {
    const p = hit.part;
    // Face coordinates (u, v) in [-HALF, HALF].
    const u = p < 2 ? hit.ly : hit.lx;
    const v = p < 4 ? hit.lz : hit.ly;
    switch (p) {
      case 3: // -y, front right: checker
        set(out, checker2(u + HALF, v + HALF, (2 * HALF) / 15) ? navy : cream);
        return;
      case 1: { // -x, front left: diagonal three-colour stripes
        const s = (u + v) / 0.05;
        set(out, threeStripes[((Math.floor(s) % 3) + 3) % 3]);
        return;
      }
      case 4: // top: concentric squares
        set(out, stripes(Math.max(Math.abs(u), Math.abs(v)), 0.05) ? green : white);
        return;
      case 0: // +x, back right: granite noise
        mixRgb(granite0, granite1, fbm3(hit.lx * 22, hit.ly * 22, hit.lz * 22, seed, 4), out);
        return;
      case 2: { // +y, back left: barcode of random-width bars
        const col = Math.floor(u / 0.02);
        const h = hash3(col, 0, 0, seed);
        set(out, h < 0.45 ? bar0 : h < 0.85 ? bar1 : bar2);
        return;
      }
      default:
        set(out, bottom);
    }
  };
}

function ballAlbedo(seed: number): Albedo {
  const a = hex('#e07b39'), b = hex('#234e70'), tmp = new Float64Array(3);
  return (hit, out) => {
    const lon = Math.atan2(hit.ly, hit.lx);
    const lat = Math.asin(Math.max(-1, Math.min(1, hit.lz / BALL_R)));
    const c = (Math.floor(lon / (Math.PI / 16)) + Math.floor(lat / (Math.PI / 16))) & 1;
    set(tmp, c ? a : b);
    const n = 0.8 + 0.3 * fbm3(hit.lx * 30, hit.ly * 30, hit.lz * 30, seed, 3);
    out[0] = tmp[0] * n; out[1] = tmp[1] * n; out[2] = tmp[2] * n;
  };
}

export function buildPatternedCube(seed = seedFromString('patterned-cube')): SceneObject {
  const cubeCenter: Vec3 = [0, 0, -0.3];
  const M = rotationZ(Math.PI / 6);
  const cube = boxShape(frame(cubeCenter, M), [HALF, HALF, HALF], cubeAlbedo(seed));
  const ballCenter: Vec3 = [0.05, -0.05, -0.3 + HALF + BALL_R - 0.03];
  const ball = sphereShape(ballCenter, BALL_R, ballAlbedo(seed + 1), rotationZ(0.3));
  // Landmarks: the centres of the two front faces and of the top face (exact), and the ball's front.
  const face = (lx: number, ly: number, lz: number): Vec3 => [
    cubeCenter[0] + M[0] * lx + M[1] * ly + M[2] * lz,
    cubeCenter[1] + M[3] * lx + M[4] * ly + M[5] * lz,
    cubeCenter[2] + M[6] * lx + M[7] * ly + M[8] * lz,
  ];
  const landmarks: Vec3[] = [
    face(0, -HALF, 0.05), face(-HALF, 0, 0.05), face(0.2, -0.2, HALF),
    [ballCenter[0], ballCenter[1] - BALL_R * Math.cos(0.5), ballCenter[2] + BALL_R * Math.sin(0.5)],
  ];
  return makeSceneObject(
    {
      name: 'patterned-cube',
      title: 'Patterned cube and ball (high-frequency texture)',
      description:
        'A cube with a different fine pattern on each face (checker, stripes, concentric squares, barcode, granite noise) ' +
        'and a ball with a fine checker: dense high-frequency texture. Procedurally generated and ray traced on the CPU ' +
        '(Lambertian + ambient, 3x3 supersampling, black background).',
      light: DEFAULT_LIGHT,
      landmarks,
    },
    [cube, ball],
  );
}
