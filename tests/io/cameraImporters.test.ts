/**
 * Each importer against the same known OpenCV camera, written out in that format's own
 * convention by independent fixture code: the known point must land on the same pixel within
 * 1e-6 px, and the half-pixel conventions must be right.
 */
import { describe, expect, it } from 'vitest';
import { isRotation, projectPoint, type Camera } from '../../src/core/camera.ts';
import { blenderFrameCamera, parseBlenderTransforms } from '../../src/io/blenderTransforms.ts';
import { colmapViews, parseColmapCameras, parseColmapImages } from '../../src/io/colmapText.ts';
import { decomposeProjection, idrCamera, parseIdrCameras } from '../../src/io/idrCameras.ts';
import { llffCamera, parseLlffPosesBounds } from '../../src/io/llffPosesBounds.ts';
import { encodeNpy, parseNpy } from '../../src/io/npy.ts';
import { encodeNpz, parseNpz } from '../../src/io/npz.ts';
import { KNOWN_POINT, knownCamera, rotationToQuaternion, toBlenderMatrix, toIdrMatrices, toLlffRow } from './fixtures.ts';

function expectSameCamera(got: Camera, want: Camera, tol = 1e-9) {
  expect(isRotation(got.R)).toBe(true);
  for (let i = 0; i < 9; i++) expect(got.R[i]).toBeCloseTo(want.R[i], -Math.log10(tol));
  for (let i = 0; i < 3; i++) expect(got.t[i]).toBeCloseTo(want.t[i], -Math.log10(tol));
  expect(got.width).toBe(want.width);
  expect(got.height).toBe(want.height);
}

function expectSamePixel(got: Camera, want: Camera, tol = 1e-6, scale = 1) {
  const [u0, v0, z0] = projectPoint(want, KNOWN_POINT);
  const [u, v, z] = projectPoint(got, KNOWN_POINT);
  expect(z0).toBeGreaterThan(0);
  expect(Math.abs(u - u0 * scale)).toBeLessThan(tol);
  expect(Math.abs(v - v0 * scale)).toBeLessThan(tol);
  expect(z).toBeCloseTo(z0, 6);
}

describe('Blender transforms.json (OpenGL camera-to-world)', () => {
  const cam = knownCamera();
  const json = {
    camera_angle_x: 2 * Math.atan(cam.width / 2 / cam.fx),
    frames: [{ file_path: './train/r_0', rotation: 0, transform_matrix: toBlenderMatrix(cam) }],
  };

  it('maps the known point to the known pixel, principal point at W/2, H/2', () => {
    const tr = parseBlenderTransforms(JSON.stringify(json), 'transforms_train.json');
    const got = blenderFrameCamera(tr, tr.frames[0], 64, 48);
    expectSameCamera(got, cam);
    expectSamePixel(got, cam);
    expect(got.fx).toBeCloseTo(70, 9);
    expect(got.fy).toBeCloseTo(70, 9);
    expect(got.cx).toBe(32);
    expect(got.cy).toBe(24);
  });

  it('scales the focal length with the image (a 2x smaller PNG)', () => {
    const tr = parseBlenderTransforms(json);
    expectSamePixel(blenderFrameCamera(tr, tr.frames[0], 32, 24), cam, 1e-6, 0.5);
  });

  it('reads instant-ngp style fl_x / cx given at another resolution', () => {
    const c = knownCamera({ fx: 70, fy: 72, cx: 30.5, cy: 25 });
    const tr = parseBlenderTransforms({ fl_x: 140, fl_y: 144, cx: 61, cy: 50, w: 128, h: 96, frames: [{ file_path: 'a.png', transform_matrix: toBlenderMatrix(c) }] });
    expectSamePixel(blenderFrameCamera(tr, tr.frames[0], 64, 48), c);
  });

  it('names the file and the field on bad input', () => {
    expect(() => parseBlenderTransforms('{', 'tf.json')).toThrow(/tf\.json: is not valid JSON/);
    expect(() => parseBlenderTransforms({ frames: [] }, 'tf.json')).toThrow(/tf\.json: camera_angle_x: is missing/);
    const scaled = toBlenderMatrix(cam).map((r, i) => (i < 3 ? [r[0] * 2, r[1], r[2], r[3]] : r));
    expect(() => parseBlenderTransforms({ camera_angle_x: 0.7, frames: [{ file_path: 'a', transform_matrix: scaled }] }, 'tf.json')).toThrow(
      /tf\.json: frames\[0\]\.transform_matrix: rotation part is not a rotation/,
    );
  });
});

describe('LLFF poses_bounds.npy ([down, right, back] camera-to-world, hwf at full resolution)', () => {
  const cam = knownCamera();
  const other = knownCamera({}, [-1, -4, 2]);
  // Full-resolution photos 8x larger than the 64x48 images we import (like images_8).
  const rows = [toLlffRow(cam, [384, 512, 560], 2.5, 9), toLlffRow(other, [384, 512, 560], 3, 8)];
  const bytes = encodeNpy([2, 17], rows.flat());

  it('maps the known point to the known pixel with the focal length scaled to the image', () => {
    const poses = parseLlffPosesBounds(parseNpy(bytes, 'poses_bounds.npy'));
    expect(poses).toHaveLength(2);
    expect([poses[0].near, poses[0].far]).toEqual([2.5, 9]);
    const got = llffCamera(poses[0], 64, 48);
    expectSameCamera(got, cam);
    expectSamePixel(got, cam);
    expect(got.fx).toBeCloseTo(70, 12);
    expect([got.cx, got.cy]).toEqual([32, 24]);
    expectSamePixel(llffCamera(poses[1], 64, 48), other);
  });

  it('rejects a wrong shape and a reflected rotation', () => {
    expect(() => parseLlffPosesBounds(parseNpy(encodeNpy([2, 15], new Array(30).fill(0))), 'pb.npy')).toThrow(/pb\.npy: expected an \(N, 17\) array/);
    const flipped = rows[0].slice();
    for (const i of [0, 5, 10]) flipped[i] = -flipped[i]; // negate the "down" column
    expect(() => parseLlffPosesBounds(parseNpy(encodeNpy([1, 17], flipped)), 'pb.npy')).toThrow(/pb\.npy: row 0: rotation/);
  });
});

describe('IDR / NeuS cameras_sphere.npz (world_mat = K[R|t], DTU integer pixel centres)', () => {
  // Non-square pixels and an off-centre principal point, so swapped or dropped terms show up.
  const cam = knownCamera({ fx: 70, fy: 72, cx: 33.2, cy: 23.1 });
  const other = knownCamera({ fx: 70, fy: 72, cx: 33.2, cy: 23.1 }, [-1, -4, 2]);
  const s = 250;
  const o: [number, number, number] = [10, -20, 700];
  // Projection matrices are defined up to scale, sometimes negative.
  const m0 = toIdrMatrices(cam, s, o, 3.7);
  const m1 = toIdrMatrices(other, s, o, -2);
  const npz = encodeNpz({
    world_mat_0: encodeNpy([4, 4], m0.world),
    scale_mat_0: encodeNpy([4, 4], m0.scale),
    world_mat_1: encodeNpy([4, 4], m1.world),
    scale_mat_1: encodeNpy([4, 4], m1.scale),
    camera_mat_0: encodeNpy([4, 4], new Array(16).fill(0)),
  });
  const views = parseIdrCameras(parseNpz(npz, 'cameras_sphere.npz'));

  it('maps the known (normalised-frame) point to the known pixel, adding half a pixel to cx, cy', () => {
    expect(views.map((v) => v.index)).toEqual([0, 1]);
    for (const [v, want] of [[views[0], cam], [views[1], other]] as const) {
      const { camera, skew } = idrCamera(v, 64, 48);
      expectSameCamera(camera, want);
      expectSamePixel(camera, want);
      expect(camera.fx).toBeCloseTo(70, 9);
      expect(camera.fy).toBeCloseTo(72, 9);
      // The file stores 32.7 / 22.6 (pixel centres on integers); ours are at i + 0.5.
      expect(camera.cx).toBeCloseTo(33.2, 9);
      expect(camera.cy).toBeCloseTo(23.1, 9);
      expect(Math.abs(skew)).toBeLessThan(1e-9);
    }
  });

  it('downscales after the half-pixel shift (4x: cx = 33.2 / 4, pixel = pixel / 4)', () => {
    const { camera } = idrCamera(views[0], 64, 48, 4);
    expect([camera.width, camera.height]).toEqual([16, 12]);
    expect(camera.cx).toBeCloseTo(33.2 / 4, 9);
    expectSamePixel(camera, cam, 1e-6, 0.25);
  });

  it('float32 matrices (as DTU ships them) still land within a hundredth of a pixel', () => {
    const f4 = parseIdrCameras(parseNpz(encodeNpz({ world_mat_0: encodeNpy([4, 4], m0.world, '<f4'), scale_mat_0: encodeNpy([4, 4], m0.scale, '<f4') })));
    expectSamePixel(idrCamera(f4[0], 64, 48).camera, cam, 1e-2);
  });

  it('RQ decomposition returns positive K diagonal, det R = +1, K[2][2] = 1', () => {
    const P = [-3, 1, 2, 4, 0.5, -2, 1, 1, 1, 1, -1, 7];
    const { K, R, t } = decomposeProjection(P);
    expect(isRotation(R, 1e-12)).toBe(true);
    expect(K[0]).toBeGreaterThan(0);
    expect(K[4]).toBeGreaterThan(0);
    expect(K[8]).toBe(1);
    // K[R|t] reproduces P up to one overall scale.
    const KR = [0, 1, 2].map((r) => [0, 1, 2].map((c) => K[r * 3] * R[c] + K[r * 3 + 1] * R[3 + c] + K[r * 3 + 2] * R[6 + c]));
    const Kt = [0, 1, 2].map((r) => K[r * 3] * t[0] + K[r * 3 + 1] * t[1] + K[r * 3 + 2] * t[2]);
    const lambda = P[0] / KR[0][0];
    for (let r = 0; r < 3; r++) {
      for (let c = 0; c < 3; c++) expect(KR[r][c] * lambda).toBeCloseTo(P[r * 4 + c], 12);
      expect(Kt[r] * lambda).toBeCloseTo(P[r * 4 + 3], 12);
    }
  });

  it('names the file and key on bad input', () => {
    expect(() => parseIdrCameras(parseNpz(encodeNpz({ foo: encodeNpy([1], [1]) })), 'c.npz')).toThrow(/c\.npz: has no world_mat/);
    expect(() => parseIdrCameras(parseNpz(encodeNpz({ world_mat_3: encodeNpy([2, 2], [1, 0, 0, 1]) })), 'c.npz')).toThrow(/c\.npz: world_mat_3: expected a 4x4/);
    expect(() => decomposeProjection(new Array(12).fill(0), 'c.npz', 'world_mat_0')).toThrow(/singular/);
  });
});

describe('COLMAP text model (world-to-camera quaternion, OpenCV axes, pixel-centre principal point)', () => {
  const cam = knownCamera({ fx: 70, fy: 72, cx: 33.2, cy: 23.1 });
  const other = knownCamera({ fx: 70, fy: 70, cx: 31, cy: 25 }, [-1, -4, 2]);
  const line = (id: number, c: Camera, camId: number, name: string) => [id, ...rotationToQuaternion(c.R), ...c.t, camId, name].join(' ');
  const camerasTxt = ['# Camera list', '1 PINHOLE 64 48 70 72 33.2 23.1', '2 SIMPLE_RADIAL 64 48 70 31 25 0.01', ''].join('\n');
  const imagesTxt = [
    '# Image list with two lines of data per image:',
    '#   IMAGE_ID, QW, QX, QY, QZ, TX, TY, TZ, CAMERA_ID, NAME',
    line(1, cam, 1, 'a.png'),
    '10.5 20.25 -1 11 12 5',
    line(2, other, 2, 'my photo.png'),
    '',
    '',
  ].join('\n');

  it('maps the known point to the known pixel and warns that distortion is dropped', () => {
    const cams = parseColmapCameras(camerasTxt);
    const imgs = parseColmapImages(imagesTxt);
    expect(imgs.map((i) => i.name)).toEqual(['a.png', 'my photo.png']);
    const { views, warnings } = colmapViews(cams, imgs);
    expectSameCamera(views[0].camera, cam);
    expectSamePixel(views[0].camera, cam);
    expect([views[0].camera.cx, views[0].camera.cy]).toEqual([33.2, 23.1]);
    expectSamePixel(views[1].camera, other);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/camera 2 \(SIMPLE_RADIAL\).*distortion.*ignored/);
  });
});
