import { describe, expect, it } from 'vitest';
import { cameraCenter, isRotation, lookAtCamera, projectPoint, resizeCamera } from '../../src/core/camera.ts';

const intr = { fx: 100, fy: 100, cx: 50, cy: 40, width: 100, height: 80 };

describe('camera convention (OpenCV, world-to-camera)', () => {
  it('lookAt puts the target at the principal point and the eye at the centre', () => {
    const cam = lookAtCamera([1, 2, 3], [0, 0, 0], [0, 0, 1], intr);
    expect(isRotation(cam.R)).toBe(true);
    const [u, v, z] = projectPoint(cam, [0, 0, 0]);
    expect(u).toBeCloseTo(50, 9);
    expect(v).toBeCloseTo(40, 9);
    expect(z).toBeCloseTo(Math.hypot(1, 2, 3), 9);
    const c = cameraCenter(cam);
    expect(c[0]).toBeCloseTo(1, 9);
    expect(c[1]).toBeCloseTo(2, 9);
    expect(c[2]).toBeCloseTo(3, 9);
  });

  it('image y points down: a point above the target (world up) projects above the centre', () => {
    const cam = lookAtCamera([0, -5, 0], [0, 0, 0], [0, 0, 1], intr);
    const [, v] = projectPoint(cam, [0, 0, 1]);
    expect(v).toBeLessThan(40);
    // x right: looking along +y with z up, world +x is to the right.
    const [u] = projectPoint(cam, [1, 0, 0]);
    expect(u).toBeGreaterThan(50);
  });

  it('resizing keeps the centred principal point centred (pixel-centre convention)', () => {
    const cam = lookAtCamera([0, -5, 0], [0, 0, 0], [0, 0, 1], intr);
    const half = resizeCamera(cam, 50, 40);
    expect(half.cx).toBe(25);
    expect(half.cy).toBe(20);
    const p: [number, number, number] = [0.3, 0.2, -0.1];
    const [u1, v1] = projectPoint(cam, p);
    const [u2, v2] = projectPoint(half, p);
    expect(u2).toBeCloseTo(u1 / 2, 9);
    expect(v2).toBeCloseTo(v1 / 2, 9);
  });
});
