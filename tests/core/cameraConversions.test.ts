import { describe, expect, it } from 'vitest';
import {
  cameraCenter,
  cameraFromGlPerspective,
  cameraToWorld,
  degToRad,
  focalFromFov,
  fovFromFocal,
  isRotation,
  lookAtCamera,
  opencvFromOpenglCamToWorld,
  opencvRotationFromLlff,
  openglCamToWorld,
  pixelDirection,
  projectPoint,
  quatToRotation,
  radToDeg,
  rotationToQuat,
  translationFromCenter,
  unitQuatToRotation,
  worldToCamera,
  type Camera,
  type Vec3,
} from '../../src/core/camera.ts';

const intr = { fx: 120, fy: 110, cx: 80.5, cy: 60.25, width: 160, height: 120 };

/** Deterministic pseudo-random numbers in [-1, 1). */
function numbers(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 31 - 1;
  };
}

function someCameras(count: number): Camera[] {
  const r = numbers(7);
  return Array.from({ length: count }, () =>
    lookAtCamera([3 * r(), 3 * r(), 2 + r()], [r() * 0.3, r() * 0.3, r() * 0.3], [0, 0, 1], intr),
  );
}

function expectClose(a: ArrayLike<number>, b: ArrayLike<number>, digits = 12): void {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) expect(a[i]).toBeCloseTo(b[i], digits);
}

describe('centre and translation', () => {
  it('t = -R C inverts cameraCenter', () => {
    for (const cam of someCameras(20)) expectClose(translationFromCenter(cam.R, cameraCenter(cam)), cam.t);
  });

  it('the centre maps to the camera origin', () => {
    for (const cam of someCameras(20)) expectClose(worldToCamera(cam, cameraCenter(cam)), [0, 0, 0]);
  });

  it('cameraToWorld inverts worldToCamera', () => {
    const p: Vec3 = [0.3, -1.2, 0.7];
    for (const cam of someCameras(20)) expectClose(cameraToWorld(cam, worldToCamera(cam, p)), p);
  });

  it('pixelDirection: C + s d projects back to (u, v) at depth s', () => {
    for (const cam of someCameras(10)) {
      const C = cameraCenter(cam);
      const d = pixelDirection(cam, 12.5, 99.5);
      const s = 2.5;
      expectClose(projectPoint(cam, [C[0] + s * d[0], C[1] + s * d[1], C[2] + s * d[2]]), [12.5, 99.5, s], 9);
    }
  });

  it('pixelDirection writes into the array it is given', () => {
    const out = new Float64Array(3);
    const cam = someCameras(1)[0];
    expect(pixelDirection(cam, cam.cx, cam.cy, out)).toBe(out);
    expectClose(out, [cam.R[6], cam.R[7], cam.R[8]]); // the principal point looks along the forward axis
  });
});

describe('OpenGL camera-to-world <-> OpenCV world-to-camera', () => {
  it('an identity OpenGL pose looks down world -z with image y along world -y', () => {
    const { R, t } = opencvFromOpenglCamToWorld([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1], 'row-major');
    expectClose(R, [1, 0, 0, 0, -1, 0, 0, 0, -1]);
    expectClose(t, [0, 0, 0]);
    const cam = { R, t, ...intr };
    const [u, v, z] = projectPoint(cam, [0, 0.1, -2]); // in front, above the axis
    expect(z).toBeCloseTo(2, 12);
    expect(u).toBeCloseTo(intr.cx, 12);
    expect(v).toBeLessThan(intr.cy);
  });

  it('reads the translation column in either layout', () => {
    const rowMajor = [1, 0, 0, 4, 0, 1, 0, 5, 0, 0, 1, 6, 0, 0, 0, 1];
    const colMajor = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 4, 5, 6, 1];
    for (const pose of [opencvFromOpenglCamToWorld(rowMajor, 'row-major'), opencvFromOpenglCamToWorld(colMajor, 'column-major')])
      expectClose(cameraCenter(pose), [4, 5, 6]);
  });

  it('round trip OpenCV -> OpenGL (column-major) -> OpenCV, and the row-major transpose agrees', () => {
    for (const cam of someCameras(20)) {
      const m = openglCamToWorld(cam);
      expectClose(m.slice(12), [...cameraCenter(cam), 1]);
      const back = opencvFromOpenglCamToWorld(m, 'column-major');
      expectClose(back.R, cam.R);
      expectClose(back.t, cam.t);
      const rowMajor = [0, 1, 2, 3].flatMap((r) => [0, 1, 2, 3].map((c) => m[4 * c + r]));
      const again = opencvFromOpenglCamToWorld(rowMajor, 'row-major');
      expect(again.R).toEqual(back.R);
      expect(again.t).toEqual(back.t);
    }
  });

  it('cameraFromGlPerspective: pose from the matrix, square pixels from the vertical fov and zoom', () => {
    const cam = someCameras(1)[0];
    const m = openglCamToWorld(cam);
    const a = cameraFromGlPerspective(m, { fov: 90, width: 300, height: 200 });
    expectClose(a.R, cam.R);
    expectClose(a.t, cam.t);
    expect(a.fy).toBeCloseTo(100, 12);
    expect(a.fx).toBe(a.fy);
    expect([a.cx, a.cy, a.width, a.height]).toEqual([150, 100, 300, 200]);
    expect(cameraFromGlPerspective(m, { fov: 90, zoom: 2, width: 300, height: 200 }).fy).toBeCloseTo(200, 12);
  });
});

describe('LLFF', () => {
  it('rows right, down, -back: a proper rotation looking along -back', () => {
    const c = Math.cos(0.3), s = Math.sin(0.3);
    const right = [c, s, 0], down = [0, 0, -1], back = [s, -c, 0]; // looking along (-s, c, 0)
    const R = opencvRotationFromLlff(right, down, back);
    expect(isRotation(R)).toBe(true);
    expectClose([R[6], R[7], R[8]], [-s, c, 0]);
  });
});

describe('field of view <-> focal length', () => {
  it('90 degrees over 200 pixels is a focal length of 100', () => {
    expect(focalFromFov(Math.PI / 2, 200)).toBeCloseTo(100, 12);
    expect(fovFromFocal(100, 200)).toBeCloseTo(Math.PI / 2, 12);
    expect(focalFromFov(Math.PI / 2, 200, 3)).toBeCloseTo(300, 12);
  });

  it('round trips', () => {
    for (const deg of [1, 20, 45, 60, 90, 120, 170]) {
      expect(radToDeg(degToRad(deg))).toBeCloseTo(deg, 12);
      expect(fovFromFocal(focalFromFov(degToRad(deg), 480), 480)).toBeCloseTo(degToRad(deg), 12);
      expect(focalFromFov(fovFromFocal(deg * 10, 640), 640)).toBeCloseTo(deg * 10, 9);
    }
  });
});

describe('quaternion (w, x, y, z) <-> rotation (row-major)', () => {
  it('90 degrees about z', () => {
    const h = Math.SQRT1_2;
    expectClose(quatToRotation([h, 0, 0, h]), [0, -1, 0, 1, 0, 0, 0, 0, 1]);
    expectClose(rotationToQuat([0, -1, 0, 1, 0, 0, 0, 0, 1]), [h, 0, 0, h]);
  });

  it('q -> R -> q round trip (w >= 0), through every branch of the conversion', () => {
    const r = numbers(3);
    const qs = [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1], [0.1, 0.9, -0.3, 0.2], [-0.2, 0.1, 0.95, 0.1], [0.05, -0.1, 0.2, -0.97]];
    for (let k = 0; k < 50; k++) qs.push([r(), r(), r(), r()]);
    for (const q0 of qs) {
      const n = Math.hypot(...q0);
      const sign = q0[0] < 0 ? -1 : 1;
      const q = q0.map((v) => (sign * v) / n);
      const R = quatToRotation(q);
      expect(isRotation(R, 1e-12)).toBe(true);
      const back = rotationToQuat(R);
      if (q[0] === 0) expect(Math.abs(back[0])).toBeLessThan(1e-12); // q and -q: same rotation
      else expectClose(back, q);
      expectClose(quatToRotation(back), R);
    }
  });

  it('unitQuatToRotation normalises first, quatToRotation does not', () => {
    const q = [0.4, -0.2, 0.5, 0.3];
    const n = Math.hypot(...q);
    const unit = quatToRotation(q.map((v) => v / n));
    expectClose(unitQuatToRotation(q.map((v) => 3 * v)), unit);
    expect(isRotation(quatToRotation(q.map((v) => 3 * v)))).toBe(false);
    expect(unitQuatToRotation([0, 0, 0, 0])).toEqual([1, 0, 0, 0, 1, 0, 0, 0, 1]); // zero: left as it is
  });

  it('reads at an offset and writes into the array it is given', () => {
    const quats = new Float32Array([9, 9, 9, 9, 0, 0, 0, 2]);
    const out = new Float64Array(9);
    expect(unitQuatToRotation(quats, 4, out)).toBe(out);
    expectClose(out, [-1, 0, 0, 0, -1, 0, 0, 0, 1]); // 180 degrees about z
  });
});
