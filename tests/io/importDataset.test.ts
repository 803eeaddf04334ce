/**
 * End to end: tiny synthetic datasets written to a temp folder in each layout, imported with the
 * same function the CLI uses, loaded back as scene folders and checked against the cameras they
 * were made from.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectPoint, type Camera } from '../../src/core/camera.ts';
import { InputError } from '../../src/core/errors.ts';
import { encodePng } from '../../src/core/image.ts';
import { BLENDER_TEST, BLENDER_TRAIN, DTU_TEST, DTU_TRAIN_ORDER } from '../../src/io/datasetSplits.ts';
import { fsSource } from '../../src/node/fsFileSource.ts';
import { importDatasetFolder } from '../../src/node/importDatasetFs.ts';
import { encodeNpy } from '../../src/io/npy.ts';
import { encodeNpz } from '../../src/io/npz.ts';
import { loadScene, type LoadedScene } from '../../src/io/sceneFolder.ts';
import { renderSphere, ringCamera, rotationToQuaternion, toBlenderMatrix, toIdrMatrices, toLlffRow } from './fixtures.ts';

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'import-dataset-test-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

async function put(dir: string, path: string, data: Uint8Array | string) {
  await mkdir(dirname(join(dir, path)), { recursive: true });
  await writeFile(join(dir, path), data);
}

/** Fraction of pixels where the imported mask agrees with the sphere's silhouette rendered with the imported camera. */
function maskAgreement(scene: LoadedScene, radius: number): number {
  let agree = 0, total = 0;
  for (const v of scene.views) {
    const ref = renderSphere(v.camera!, radius);
    for (let i = 0; i < v.maskData!.length; i++, total++) agree += Number(v.maskData![i] === (ref.data[i * 4 + 3] ? 1 : 0));
  }
  return agree / total;
}

function originInEveryMask(scene: LoadedScene): boolean {
  return scene.views.every((v) => {
    const [u, vv] = projectPoint(v.camera!, [0, 0, 0]);
    return v.maskData![Math.floor(vv) * v.rgba.width + Math.floor(u)] === 1;
  });
}

describe('importDatasetFolder', () => {
  it('Blender: standard 8 + 25 views, RGBA kept, masks from alpha, cameras downscaled 2x', async () => {
    const dir = join(tmp, 'blender');
    const intr = { fx: 40, fy: 40, cx: 16, cy: 16, width: 32, height: 32 };
    const cams = new Map<string, Camera>();
    const frames = async (subset: 'train' | 'test', names: readonly string[], extra: string[]) => {
      const out = [];
      for (const [k, n] of [...names, ...extra].entries()) {
        const cam = ringCamera(k + (subset === 'test' ? 0.5 : 0), names.length, intr);
        cams.set(`${subset}_${n}`, cam);
        // Frames listed in the json without an image on disk (like the shared lego) are skipped.
        if (names.includes(n)) await put(dir, `${subset}/${n}.png`, encodePng(renderSphere(cam, 0.8)));
        out.push({ file_path: `./${subset}/${n}`, rotation: 0.01, transform_matrix: toBlenderMatrix(cam) });
      }
      return out;
    };
    const angle = 2 * Math.atan(16 / 40);
    await put(dir, 'transforms_train.json', JSON.stringify({ camera_angle_x: angle, frames: await frames('train', BLENDER_TRAIN, ['r_0', 'r_1']) }));
    await put(dir, 'transforms_test.json', JSON.stringify({ camera_angle_x: angle, frames: await frames('test', BLENDER_TEST, ['r_1']) }));

    const progress: string[] = [];
    const out = join(tmp, 'scene-blender');
    const res = await importDatasetFolder(dir, out, { scale: 2, name: 'tiny-lego', onProgress: (m) => progress.push(m) });
    expect(res.kind).toBe('blender');
    expect(res.warnings).toEqual([]);
    expect(progress.length).toBeGreaterThan(33);

    const scene = await loadScene(fsSource(out));
    const m = scene.manifest;
    expect(m.name).toBe('tiny-lego');
    expect(m.views).toHaveLength(33);
    expect(Object.keys(m.splits).sort()).toEqual(['3', '8']);
    expect(m.splits['8'].train[6]).toBe('train_r_16');
    expect(m.splits['8'].test).toContain('test_r_16');
    expect(m.background).toEqual([255, 255, 255]);
    expect(m.bounds).toEqual({ min: [-1.5, -1.5, -1.5], max: [1.5, 1.5, 1.5] });
    for (const v of scene.views) {
      const want = cams.get(v.id)!;
      const c = v.camera!;
      expect([c.width, c.height, c.cx, c.cy]).toEqual([16, 16, 8, 8]);
      expect(c.fx).toBeCloseTo(20, 9);
      const [u0, v0] = projectPoint(want, [0.2, -0.3, 0.1]);
      const [u1, v1] = projectPoint(c, [0.2, -0.3, 0.1]);
      expect(Math.abs(u1 - u0 / 2)).toBeLessThan(1e-6);
      expect(Math.abs(v1 - v0 / 2)).toBeLessThan(1e-6);
      expect(v.rgba.data[3]).toBe(0); // corner is transparent background, alpha kept
    }
    expect(originInEveryMask(scene)).toBe(true);
    // Downsampled masks line up with the silhouette seen by the downscaled camera (half-pixel slips would not).
    expect(maskAgreement(scene, 0.8)).toBeGreaterThan(0.97);
  });

  it('DTU/IDR: 9 + 25 standard views, +0.5 px principal point, masks thresholded, unit-cube bounds', async () => {
    const dir = join(tmp, 'dtu');
    const intr = { fx: 44, fy: 45, cx: 16.5, cy: 12.25, width: 32, height: 24 };
    const arrays: Record<string, Uint8Array> = {};
    const cams = new Map<number, Camera>();
    const all = [...DTU_TRAIN_ORDER, ...DTU_TEST, 3]; // view 3 is outside the protocol and left out
    for (const n of all) {
      const cam = ringCamera(n, 49, intr, 3);
      cams.set(n, cam);
      const { world, scale } = toIdrMatrices(cam, 200, [5, 10, 600], 1 + n / 10);
      arrays[`world_mat_${n}`] = encodeNpy([4, 4], world);
      arrays[`scale_mat_${n}`] = encodeNpy([4, 4], scale);
      const img = renderSphere(cam, 0.7);
      const mask = renderSphere(cam, 0.7);
      for (let i = 0; i < img.data.length; i += 4) {
        img.data[i + 3] = 255; // DTU photos are opaque
        mask.data.fill(mask.data[i + 3] ? 255 : 0, i, i + 3);
        mask.data[i + 3] = 255;
      }
      await put(dir, `image/${String(n).padStart(6, '0')}.png`, encodePng(img));
      await put(dir, `mask/${String(n).padStart(3, '0')}.png`, encodePng(mask));
    }
    await put(dir, 'cameras_sphere.npz', encodeNpz(arrays, true));

    const out = join(tmp, 'scene-dtu');
    const res = await importDatasetFolder(dir, out, { scale: 2 });
    expect(res.kind).toBe('dtu');
    expect(res.warnings).toEqual([]);
    const scene = await loadScene(fsSource(out));
    expect(scene.views).toHaveLength(34);
    expect(scene.views.map((v) => v.id)).not.toContain('003');
    expect(scene.manifest.splits['3'].train).toEqual(['025', '022', '028']);
    expect(scene.manifest.bounds).toEqual({ min: [-1, -1, -1], max: [1, 1, 1] });
    for (const v of scene.views) {
      const c = v.camera!;
      expect([c.width, c.height]).toEqual([16, 12]);
      expect(c.cx).toBeCloseTo(16.5 / 2, 9);
      expect(c.cy).toBeCloseTo(12.25 / 2, 9);
      const want = cams.get(Number(v.id))!;
      const [u0, v0] = projectPoint(want, [0.2, -0.3, 0.1]);
      const [u1, v1] = projectPoint(c, [0.2, -0.3, 0.1]);
      expect(Math.abs(u1 - u0 / 2)).toBeLessThan(1e-6);
      expect(Math.abs(v1 - v0 / 2)).toBeLessThan(1e-6);
    }
    expect(originInEveryMask(scene)).toBe(true);
    expect(maskAgreement(scene, 0.7)).toBeGreaterThan(0.97);
  });

  it('LLFF: all views, focal scaled from full resolution, every-8th test split, frustum bounds', async () => {
    const dir = join(tmp, 'llff');
    const intr = { fx: 30, fy: 30, cx: 16, cy: 12, width: 32, height: 24 };
    const rows: number[] = [];
    const cams: Camera[] = [];
    for (let k = 0; k < 10; k++) {
      const cam = ringCamera(k * 0.05, 10, intr, 5, 0.5); // forward-facing: a small arc
      cams.push(cam);
      rows.push(...toLlffRow(cam, [192, 256, 240], 2, 8));
      await put(dir, `images_8/IMG_${k}.png`, encodePng(renderSphere(cam, 1)));
    }
    await put(dir, 'poses_bounds.npy', encodeNpy([10, 17], rows));
    const out = join(tmp, 'scene-llff');
    const res = await importDatasetFolder(dir, out);
    expect(res.kind).toBe('llff');
    const scene = await loadScene(fsSource(out));
    expect(scene.views).toHaveLength(10);
    expect(scene.manifest.splits['3'].test).toEqual(['IMG_0', 'IMG_8']);
    expect(scene.manifest.splits['9']).toBeUndefined(); // only 8 training views
    expect(scene.manifest.bounds).toBeDefined();
    scene.views.forEach((v, k) => {
      expect(v.camera!.fx).toBeCloseTo(30, 9);
      expect(v.mask).toBeUndefined();
      const [u0, v0] = projectPoint(cams[k], [0.2, -0.3, 0.1]);
      const [u1, v1] = projectPoint(v.camera!, [0.2, -0.3, 0.1]);
      expect(Math.abs(u1 - u0)).toBeLessThan(1e-6);
      expect(Math.abs(v1 - v0)).toBeLessThan(1e-6);
    });
  });

  it('COLMAP text: sparse/0 model, distortion warning, bounds from the points', async () => {
    const dir = join(tmp, 'colmap');
    const intr = { fx: 30, fy: 31, cx: 15.7, cy: 12.2, width: 32, height: 24 };
    const lines: string[] = ['# Image list'];
    const cams: Camera[] = [];
    for (let k = 0; k < 3; k++) {
      const cam = ringCamera(k, 12, intr);
      cams.push(cam);
      lines.push([k + 1, ...rotationToQuaternion(cam.R), ...cam.t, 1, `v${k}.png`].join(' '), '');
      await put(dir, `images/v${k}.png`, encodePng(renderSphere(cam, 1)));
    }
    await put(dir, 'sparse/0/cameras.txt', '1 OPENCV 32 24 30 31 15.7 12.2 0.05 0 0 0\n');
    await put(dir, 'sparse/0/images.txt', lines.join('\n'));
    const pts = Array.from({ length: 20 }, (_, i) => `${i} ${Math.cos(i)} ${Math.sin(i)} ${(i % 5) / 5} 10 20 30 0.5`);
    await put(dir, 'sparse/0/points3D.txt', pts.join('\n'));
    const out = join(tmp, 'scene-colmap');
    const res = await importDatasetFolder(dir, out);
    expect(res.kind).toBe('colmap');
    expect(res.warnings.join()).toMatch(/distortion/);
    const scene = await loadScene(fsSource(out));
    expect(scene.views.map((v) => v.id)).toEqual(['v0', 'v1', 'v2']);
    expect(scene.manifest.bounds!.max[2]).toBeCloseTo(0.8, 9);
    scene.views.forEach((v, k) => {
      const [u0, v0] = projectPoint(cams[k], [0.2, -0.3, 0.1]);
      const [u1, v1] = projectPoint(v.camera!, [0.2, -0.3, 0.1]);
      expect(Math.abs(u1 - u0)).toBeLessThan(1e-6);
      expect(Math.abs(v1 - v0)).toBeLessThan(1e-6);
    });
  });

  it('says what it expected for a wrong folder, and refuses to overwrite a non-scene folder', async () => {
    const empty = join(tmp, 'empty');
    await mkdir(empty, { recursive: true });
    await put(empty, 'notes.txt', 'hello');
    await expect(importDatasetFolder(empty, join(tmp, 'x'))).rejects.toThrow(/is not a dataset folder I know[\s\S]*cameras_sphere\.npz/);
    await expect(importDatasetFolder(join(tmp, 'nope'), join(tmp, 'x'))).rejects.toThrow(/does not exist/);
    const bin = join(tmp, 'colmap-bin');
    await put(bin, 'sparse/0/cameras.bin', new Uint8Array(4));
    await expect(importDatasetFolder(bin, join(tmp, 'x'))).rejects.toThrow(/model_converter/);
    const err = await importDatasetFolder(join(tmp, 'blender'), empty).catch((e) => e);
    expect(err).toBeInstanceOf(InputError);
    expect(err.message).toMatch(/not a scene folder/);
    await expect(importDatasetFolder(join(tmp, 'blender'), join(tmp, 'scene-x'), { scale: 0 })).rejects.toThrow(/--scale/);
  });
});
