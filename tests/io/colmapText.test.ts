import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.ts';
import { quatToRotation as quaternionToRotation } from '../../src/core/camera.ts';
import { parseColmapCameras, parseColmapImages, parseColmapPoints } from '../../src/io/colmapText.ts';

function errorOf(f: () => unknown): InputError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return e as InputError;
  }
  throw new Error('expected an InputError');
}

describe('COLMAP text parsing errors name the file and the line', () => {
  it('cameras.txt', () => {
    let e = errorOf(() => parseColmapCameras('# header\n1 PINHOLE 64 48 70 abc 32 24\n', 'sparse/0/cameras.txt'));
    expect(e.file).toBe('sparse/0/cameras.txt');
    expect(e.field).toBe('line 2');
    expect(e.message).toMatch(/"abc" is not a number/);
    e = errorOf(() => parseColmapCameras('1 OPENCV_FISHEYE 64 48 70 70 32 24 0 0 0 0', 'cameras.txt'));
    expect(e.message).toMatch(/line 1: camera model OPENCV_FISHEYE is not supported/);
    e = errorOf(() => parseColmapCameras('\n\n1 PINHOLE 64 48 70 70 32', 'cameras.txt'));
    expect(e.message).toMatch(/line 3: PINHOLE takes 4 parameters, found 3/);
    e = errorOf(() => parseColmapCameras('1 PINHOLE 64 48 70 70 32 24\n1 PINHOLE 64 48 70 70 32 24', 'cameras.txt'));
    expect(e.message).toMatch(/line 2: duplicate CAMERA_ID 1/);
    expect(() => parseColmapCameras('# nothing\n', 'cameras.txt')).toThrow(/lists no cameras/);
  });

  it('images.txt', () => {
    let e = errorOf(() => parseColmapImages('1 1 0 0 0 0 0 0 1\n\n', 'images.txt'));
    expect(e.message).toMatch(/line 1: expected IMAGE_ID QW/);
    e = errorOf(() => parseColmapImages('1 0 0 0 0 0 0 0 1 a.png\n\n', 'images.txt'));
    expect(e.message).toMatch(/line 1: quaternion .* is not a rotation/);
    // The 2D points lines were left out: the second image line is taken for one and rejected.
    e = errorOf(() => parseColmapImages('# c\n1 1 0 0 0 0 0 0 1 a.png\n2 1 0 0 0 0 0 0 1 b.png\n', 'images.txt'));
    expect(e.message).toMatch(/line 3: expected the POINTS2D line/);
  });

  it('points3D.txt', () => {
    const p = parseColmapPoints('# c\n1 0.5 1 2 255 0 10 0.3 1 2 3 4\n7 -1 -2 -3 1 2 3 0.1\n');
    expect(p.ids).toEqual([1, 7]);
    expect(Array.from(p.xyz)).toEqual([0.5, 1, 2, -1, -2, -3]);
    expect(Array.from(p.rgb)).toEqual([255, 0, 10, 1, 2, 3]);
    expect(errorOf(() => parseColmapPoints('1 0.5 1 2 255 0\n', 'points3D.txt')).message).toMatch(/points3D\.txt: line 1: expected POINT3D_ID/);
  });

  it('quaternions follow COLMAP (w, x, y, z): 90 degrees about z', () => {
    const h = Math.SQRT1_2;
    const R = quaternionToRotation([h, 0, 0, h]);
    const want = [0, -1, 0, 1, 0, 0, 0, 0, 1];
    R.forEach((v, i) => expect(v).toBeCloseTo(want[i], 12));
  });
});
