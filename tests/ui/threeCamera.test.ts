import { describe, expect, it } from 'vitest';
import { PerspectiveCamera, Vector3 } from 'three';
import { cameraCenter, lookAtCamera, projectPoint, type Vec3 } from '../../src/core/camera.ts';
import { rigFrame } from '../../src/ui/rigFrame.ts';
import { imagePlaneGL, openCvToThreeMatrix } from '../../src/ui/threeCamera.ts';

const intr = { fx: 120, fy: 120, cx: 80, cy: 60, width: 160, height: 120 };

describe('OpenCV camera -> three.js (display only)', () => {
  it('places and orients the three.js camera so it projects points where the OpenCV camera does', () => {
    const cam = lookAtCamera([2, -3, 1.5], [0.2, 0.1, 0], [0, 0, 1], intr);
    const three = new PerspectiveCamera((2 * Math.atan(intr.height / 2 / intr.fy) * 180) / Math.PI, intr.width / intr.height, 0.01, 100);
    three.matrixAutoUpdate = false;
    three.matrix.copy(openCvToThreeMatrix(cam));
    three.updateMatrixWorld(true);
    expect(three.getWorldPosition(new Vector3()).toArray()).toEqual(cameraCenter(cam).map((x) => expect.closeTo(x, 9)));
    for (const p of [[0, 0, 0], [0.5, -0.3, 0.4], [-0.4, 0.2, -0.2]] as Vec3[]) {
      const [u, v] = projectPoint(cam, p);
      const ndc = new Vector3(...p).project(three);
      expect((ndc.x + 1) * 0.5 * intr.width).toBeCloseTo(u, 6);
      expect((1 - ndc.y) * 0.5 * intr.height).toBeCloseTo(v, 6);
    }
  });

  it('puts the image plane in front of the camera (-z in GL), top-left corner up and left', () => {
    const plane = imagePlaneGL(intr as never, 2);
    const [tl, , br] = plane.corners;
    expect(tl[2]).toBe(-2);
    expect(tl[0]).toBeLessThan(0);
    expect(tl[1]).toBeGreaterThan(0);
    expect(br[0]).toBeGreaterThan(0);
    expect(br[1]).toBeLessThan(0);
    expect(plane.width).toBeCloseTo((160 / 120) * 2, 12);
  });
});

describe('rigFrame', () => {
  const ring = (n: number, up: Vec3) =>
    Array.from({ length: n }, (_, i) => {
      const a = (2 * Math.PI * i) / n;
      const eye: Vec3 = up[2] ? [3 * Math.cos(a), 3 * Math.sin(a), 1] : [3 * Math.cos(a), 1, 3 * Math.sin(a)];
      return lookAtCamera(eye, [0.5, 0.5, 0.5], up, intr);
    });

  it('finds the looked-at point, the up direction and the size of a ring of cameras', () => {
    for (const up of [[0, 0, 1], [0, 1, 0]] as Vec3[]) {
      const f = rigFrame(ring(6, up));
      f.target.forEach((x) => expect(x).toBeCloseTo(0.5, 6));
      f.up.forEach((x, k) => expect(x).toBeCloseTo(up[k], 1));
      expect(f.radius).toBeGreaterThan(2.5);
      expect(f.floor).toBeLessThan(0);
    }
  });

  it('centres on the bounds when given and copes with no cameras', () => {
    const f = rigFrame(ring(3, [0, 0, 1]), { min: [-1, -1, -1], max: [1, 1, 3] });
    expect(f.target).toEqual([0, 0, 1]);
    const empty = rigFrame([]);
    expect(empty.radius).toBe(1);
  });

  it('looks ahead of forward-facing cameras instead of solving for a far intersection', () => {
    const cams = [-0.2, 0, 0.2].map((x) => lookAtCamera([x, 0, 0], [x, 0, 10], [0, -1, 0], intr));
    const f = rigFrame(cams);
    expect(f.target[2]).toBeGreaterThan(0);
    expect(f.target.every(Number.isFinite)).toBe(true);
  });
});

describe('rigUp', () => {
  it('snaps the tilted average up of cameras looking down at an object to the world axis', async () => {
    const { rigUp } = await import('../../src/ui/rigFrame.ts');
    const cams = [0, 1, 2].map((i) => lookAtCamera([Math.cos(i) * 3, -3, 2 + i], [0, 0, 0], [0, 0, 1], intr));
    expect(rigUp(cams)).toEqual([0, 0, 1]);
  });
});
