import { describe, expect, it } from 'vitest';
import { Matrix4, PerspectiveCamera, Quaternion, Vector3 } from 'three';
import { cameraCenter, lookAtCamera, projectPoint, type Vec3 } from '../../src/core/camera.ts';
import { rigFrame } from '../../src/ui/rigFrame.ts';
import { imagePlaneGL, openCvToThreeMatrix, threeToOpenCvCamera } from '../../src/ui/threeCamera.ts';

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

describe('three.js camera -> OpenCV (training previews from the orbit camera)', () => {
  it('projects points where the three.js camera does, at any image size', () => {
    const three = new PerspectiveCamera(45, 1.6, 0.01, 100);
    three.position.set(2.5, 1.2, -3);
    three.up.set(0, 1, 0);
    three.lookAt(0.1, 0.2, -0.3);
    three.updateMatrixWorld(true);
    for (const [width, height] of [[320, 200], [256, 160]]) {
      const cam = threeToOpenCvCamera(three.matrixWorld, { fov: three.fov, width, height });
      expect(cameraCenter(cam)).toEqual(three.position.toArray().map((x) => expect.closeTo(x, 9)));
      for (const p of [[0, 0, 0], [0.5, -0.3, 0.4], [-0.4, 0.6, -0.2]] as Vec3[]) {
        const [u, v, z] = projectPoint(cam, p);
        const ndc = new Vector3(...p).project(three);
        expect(z).toBeGreaterThan(0);
        expect((ndc.x + 1) * 0.5 * width).toBeCloseTo(u, 6);
        expect((1 - ndc.y) * 0.5 * height).toBeCloseTo(v, 6);
      }
    }
  });

  it('is the inverse of openCvToThreeMatrix, also through a group transform', () => {
    const cam = lookAtCamera([2, -3, 1.5], [0.2, 0.1, 0], [0, 0, 1], intr);
    const fov = (2 * Math.atan(intr.height / 2 / intr.fy) * 180) / Math.PI;
    const back = threeToOpenCvCamera(openCvToThreeMatrix(cam), { fov, width: intr.width, height: intr.height });
    back.R.forEach((x, i) => expect(x).toBeCloseTo(cam.R[i], 12));
    back.t.forEach((x, i) => expect(x).toBeCloseTo(cam.t[i], 12));
    expect(back.fx).toBeCloseTo(intr.fx, 9);
    expect([back.cx, back.cy, back.width, back.height]).toEqual([intr.cx, intr.cy, intr.width, intr.height]);

    // The viewport shows the data rotated and shifted: undo that group transform first.
    const group = new Matrix4().compose(
      new Vector3(0.3, -1, 2),
      new Quaternion().setFromUnitVectors(new Vector3(0, 0, 1), new Vector3(0, 1, 0)),
      new Vector3(1, 1, 1),
    );
    const shown = group.clone().multiply(openCvToThreeMatrix(cam));
    const data = threeToOpenCvCamera(group.clone().invert().multiply(shown), { fov, width: intr.width, height: intr.height });
    data.t.forEach((x, i) => expect(x).toBeCloseTo(cam.t[i], 9));
  });

  it('narrows the field of view by the zoom factor', () => {
    const m = new Matrix4();
    const a = threeToOpenCvCamera(m, { fov: 60, width: 100, height: 100 });
    const b = threeToOpenCvCamera(m, { fov: 60, zoom: 2, width: 100, height: 100 });
    expect(b.fx).toBeCloseTo(2 * a.fx, 9);
    expect(a.R.map((x) => x + 0)).toEqual([1, 0, 0, 0, -1, 0, 0, 0, -1]);
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

describe('previewCamera', () => {
  it('keeps the orbit direction and moves in until the object fills the preview', async () => {
    const { previewCamera, previewSize } = await import('../../src/ui/previewCamera.ts');
    const three = new PerspectiveCamera(45, 1.6, 0.01, 100);
    three.position.set(8, 5, -9);
    three.lookAt(0.5, 0.2, 0.1);
    three.updateMatrixWorld(true);
    const size = previewSize(1.6);
    expect(size).toEqual({ width: 256, height: 160 });
    expect(previewSize(0.5)).toEqual({ width: 128, height: 256 });
    const cam = previewCamera(three.matrixWorld, [0.5, 0.2, 0.1], { fov: 45, ...size, fitRadius: 1 });
    const [u, v, z] = projectPoint(cam, [0.5, 0.2, 0.1]);
    expect(u).toBeCloseTo(size.width / 2, 6);
    expect(v).toBeCloseTo(size.height / 2, 6);
    // The fitted sphere just fits vertically: a point 1 unit "up" in the image projects near the edge.
    const up = new Vector3(0, 1, 0).applyQuaternion(three.quaternion);
    const [, vTop] = projectPoint(cam, [0.5 + up.x, 0.2 + up.y, 0.1 + up.z]);
    expect(vTop).toBeGreaterThan(0);
    expect(vTop).toBeLessThan(size.height * 0.1);
    expect(z).toBeLessThan(three.position.distanceTo(new Vector3(0.5, 0.2, 0.1)));
    // Closer than the fit: the orbit camera's own position is kept.
    three.position.set(0.5, 0.2, 1.2);
    three.lookAt(0.5, 0.2, 0.1);
    three.updateMatrixWorld(true);
    const near = previewCamera(three.matrixWorld, [0.5, 0.2, 0.1], { fov: 45, ...size, fitRadius: 1 });
    expect(cameraCenter(near).map((x) => x + 0)).toEqual([0.5, 0.2, 1.2].map((x) => expect.closeTo(x, 9)));
  });
});
