/**
 * The one camera path of bench:render: an orbit around the synthetic cloud (a unit ball at the
 * origin, y up), camera 0 is the warm-up camera and cameras 1..frames are the measured frames,
 * each `stepDeg` further around. Same intrinsics for every viewer: square pixels, centred
 * principal point, vertical field of view `fovYDeg`.
 */
import { cameraCenter, degToRad, focalFromFov, fovFromFocal, lookAtCamera, radToDeg, type Camera } from '../../src/core/camera.ts';

export interface OrbitOptions {
  frames: number;
  width: number;
  height: number;
  fovYDeg: number;
  radius: number;
  elevationDeg: number;
  stepDeg: number;
}

export const DEFAULT_ORBIT: Omit<OrbitOptions, 'frames'> = {
  width: 512,
  height: 512,
  fovYDeg: 50,
  radius: 3,
  elevationDeg: 20,
  stepDeg: 2,
};

/** frames + 1 cameras: index 0 warm-up, 1..frames measured. */
export function orbitCameras(o: OrbitOptions): Camera[] {
  const f = focalFromFov(degToRad(o.fovYDeg), o.height);
  const intr = { fx: f, fy: f, cx: o.width / 2, cy: o.height / 2, width: o.width, height: o.height };
  const el = degToRad(o.elevationDeg);
  const cams: Camera[] = [];
  for (let k = 0; k <= o.frames; k++) {
    const az = degToRad(k * o.stepDeg);
    const eye: [number, number, number] = [o.radius * Math.cos(el) * Math.sin(az), o.radius * Math.sin(el), o.radius * Math.cos(el) * Math.cos(az)];
    cams.push(lookAtCamera(eye, [0, 0, 0], [0, 1, 0], intr));
  }
  return cams;
}

export function cameraCentres(cams: readonly Camera[]): [number, number, number][] {
  return cams.map((c) => cameraCenter(c));
}

/** Vertical field of view (degrees) of an OpenCV camera, for three.js. */
export function fovYDegrees(cam: Camera): number {
  return radToDeg(fovFromFocal(cam.fy, cam.height));
}
