import { describe, expect, it } from 'vitest';
import { axisAngleFromRotation, isRotation, projectPoint, radToDeg, rotationAngleBetween, rotationFromAxisAngle, transformCameraPose, lookAtCamera, mat3MulVec } from '../../src/core/camera.ts';

describe('axis-angle rotations and similarity transforms of cameras', () => {
  it('Rodrigues: 90 deg about z maps x to y; axisAngleFromRotation inverts it, also near 0 and pi', () => {
    const R = rotationFromAxisAngle([0, 0, Math.PI / 2]);
    const y = mat3MulVec(R, [1, 0, 0]);
    expect(y[0]).toBeCloseTo(0, 15);
    expect(y[1]).toBeCloseTo(1, 15);
    for (const w of [[0.1, -0.2, 0.3], [1e-9, 2e-9, -1e-9], [0, 3.1, 0], [1.2, 0.4, -2.0]]) {
      const Rw = rotationFromAxisAngle(w);
      expect(isRotation(Rw, 1e-12)).toBe(true);
      const back = axisAngleFromRotation(Rw);
      w.forEach((v, i) => expect(back[i]).toBeCloseTo(v, 9));
    }
    expect(radToDeg(rotationAngleBetween(R, rotationFromAxisAngle([0, 0, Math.PI / 2 + 0.01])))).toBeCloseTo(radToDeg(0.01), 9);
  });

  it('a camera moved by a similarity sees the moved point at the same pixel', () => {
    const cam = lookAtCamera([1, -2, -4], [0, 0, 0], [0, -1, 0], { fx: 500, fy: 500, cx: 320, cy: 240, width: 640, height: 480 });
    const S = rotationFromAxisAngle([0.4, 0.1, -0.3]), s = 1.7, u: [number, number, number] = [0.5, 1, -2];
    const moved = transformCameraPose(cam, s, S, u);
    const X: [number, number, number] = [0.2, -0.3, 0.1];
    const SX = mat3MulVec(S, X);
    const X2 = [s * SX[0] + u[0], s * SX[1] + u[1], s * SX[2] + u[2]];
    const a = projectPoint(cam, X), b = projectPoint(moved, X2);
    expect(b[0]).toBeCloseTo(a[0], 9);
    expect(b[1]).toBeCloseTo(a[1], 9);
    expect(b[2]).toBeCloseTo(s * a[2], 9);
  });
});
