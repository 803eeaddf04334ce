/** A small non-symmetric generated object seen from a ring of cameras, for the object-centred start tests. */
import { lookAtCamera, type Camera, type Vec3 } from '../../../src/core/camera.ts';
import { renderView } from '../../../src/scenegen/render.ts';
import { makeSceneObject, type SceneObject } from '../../../src/scenegen/sceneObject.ts';
import { DEFAULT_LIGHT } from '../../../src/scenegen/shading.ts';
import { boxShape, capsuleShape, frame, rotationZ, sphereShape, type Albedo } from '../../../src/scenegen/shapes.ts';

const flat = (r: number, g: number, b: number): Albedo => (_hit, out) => { out[0] = r; out[1] = g; out[2] = b; };

/** A box body, an off-centre ball on top, a slanted arm on one side and a foot block on the other: no symmetry. */
export function lopsidedObject(): SceneObject {
  return makeSceneObject(
    { name: 'lopsided', title: 'Lopsided test object', description: 'test object', light: DEFAULT_LIGHT, landmarks: [] },
    [
      boxShape(frame([0, 0, 0], rotationZ(0.3)), [0.5, 0.28, 0.35], flat(0.7, 0.5, 0.3)),
      sphereShape([0.3, 0.1, 0.58], 0.28, flat(0.3, 0.6, 0.8)),
      capsuleShape([-0.3, -0.1, 0.1], [-0.95, -0.35, 0.55], 0.12, flat(0.8, 0.3, 0.3)),
      boxShape(frame([0.25, 0.38, -0.42]), [0.22, 0.16, 0.1], flat(0.4, 0.7, 0.4)),
    ],
  );
}

export const RING_W = 96, RING_H = 72, RING_F = 78;

/** Cameras on a ring at `elevationDeg` around the object's centre (azimuth 0 looks from -y, world up +z), with their masks. */
export function ringViews(obj: SceneObject, azimuthsDeg: readonly number[], elevationDeg: number): { cameras: Camera[]; masks: Uint8Array[] } {
  const intr = { fx: RING_F, fy: RING_F, cx: RING_W / 2, cy: RING_H / 2, width: RING_W, height: RING_H };
  const dist = 3.5 * obj.radius, el = (elevationDeg * Math.PI) / 180;
  const cameras = azimuthsDeg.map((azd) => {
    const az = (azd * Math.PI) / 180;
    const eye: Vec3 = [
      obj.center[0] + dist * Math.cos(el) * Math.sin(az),
      obj.center[1] - dist * Math.cos(el) * Math.cos(az),
      obj.center[2] + dist * Math.sin(el),
    ];
    return lookAtCamera(eye, obj.center, [0, 0, 1], intr);
  });
  return { cameras, masks: cameras.map((c) => renderView(obj, c).mask) };
}
