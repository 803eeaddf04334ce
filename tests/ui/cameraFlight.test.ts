import { Quaternion, Vector3 } from 'three';
import { describe, expect, it } from 'vitest';
import { cameraCenter, lookAtCamera } from '../../src/core/camera.ts';
import { flightGoal } from '../../src/ui/CameraFlight.tsx';

const intr = { fx: 100, fy: 100, cx: 64, cy: 48, width: 128, height: 96 };

describe('where the 3D view flies for a test view', () => {
  it('ends at the camera centre, aiming along its optical axis at the point nearest the rig centre', () => {
    const cam = lookAtCamera([3, 1, 2], [0.2, 0, 0], [0, 0, 1], intr);
    const { position, target } = flightGoal(cam, new Quaternion(), new Vector3());
    const c = cameraCenter(cam);
    expect(position.toArray().map((x, i) => x - c[i]).every((d) => Math.abs(d) < 1e-9)).toBe(true);
    const forward = new Vector3(cam.R[6], cam.R[7], cam.R[8]);
    const dir = target.clone().sub(position).normalize();
    expect(dir.dot(forward)).toBeCloseTo(1, 9);
    // Closest to the origin along the ray: the target is perpendicular to the ray direction.
    expect(target.dot(forward)).toBeCloseTo(0, 9);
  });

  it('applies the display transform (the rig turned to y-up and centred)', () => {
    const cam = lookAtCamera([0, -4, 1], [0, 0, 0], [0, 0, 1], intr);
    const rotation = new Quaternion().setFromUnitVectors(new Vector3(0, 0, 1), new Vector3(0, 1, 0));
    const offset = new Vector3(0.5, -1, 2);
    const { position } = flightGoal(cam, rotation, offset);
    const want = new Vector3(...cameraCenter(cam)).applyQuaternion(rotation).add(offset);
    expect(position.distanceTo(want)).toBeLessThan(1e-9);
  });
});
