import { describe, expect, it } from 'vitest';
import { cameraCenter, isRotation, lookAtCamera, mat3MulVec, orbitCamera, orbitPoseOfCamera, projectPoint, rotationBetweenUnitVectors } from '../../src/core/camera.ts';

const intr = { fx: 80, fy: 80, cx: 48, cy: 36, width: 96, height: 72 };

describe('orbit cameras', () => {
  it('rotationBetweenUnitVectors maps a to b, also for equal and opposite vectors', () => {
    for (const [a, b] of [[[0, 0, 1], [0.6, 0, 0.8]], [[1, 0, 0], [1, 0, 0]], [[0, 1, 0], [0, -1, 0]], [[0, 0, 1], [-0.48, 0.6, 0.64]]]) {
      const M = rotationBetweenUnitVectors(a, b);
      expect(isRotation(M, 1e-12)).toBe(true);
      mat3MulVec(M, a).forEach((v, i) => expect(v).toBeCloseTo(b[i], 12));
    }
  });

  it('orbitCamera without roll or aim is the scene rig look-at camera; the origin lands on the aim pixel; the inverse recovers the pose', () => {
    const pose = { azimuth: 0.7, elevation: 0.4, roll: 0, distance: 3 };
    const cam = orbitCamera(pose, intr);
    const eye: [number, number, number] = [3 * Math.cos(0.4) * Math.sin(0.7), -3 * Math.cos(0.4) * Math.cos(0.7), 3 * Math.sin(0.4)];
    const ref = lookAtCamera(eye, [0, 0, 0], [0, 0, 1], intr);
    cam.R.forEach((v, i) => expect(v).toBeCloseTo(ref.R[i], 12));
    const tilted = { azimuth: -2.5, elevation: -0.3, roll: 0.2, distance: 4.5 };
    const aimed = orbitCamera(tilted, intr, [30, 50]);
    const [u, v, z] = projectPoint(aimed, [0, 0, 0]);
    expect(u).toBeCloseTo(30, 9);
    expect(v).toBeCloseTo(50, 9);
    expect(z).toBeGreaterThan(0);
    cameraCenter(aimed).forEach((c, i) => expect(c).toBeCloseTo(cameraCenter(orbitCamera(tilted, intr))[i], 12));
    const back = orbitPoseOfCamera(aimed);
    expect(back.pose.azimuth).toBeCloseTo(-2.5, 9);
    expect(back.pose.elevation).toBeCloseTo(-0.3, 9);
    expect(back.pose.roll).toBeCloseTo(0.2, 9);
    expect(back.pose.distance).toBeCloseTo(4.5, 9);
    expect(back.aim[0]).toBeCloseTo(30, 9);
    expect(back.aim[1]).toBeCloseTo(50, 9);
  });
});
