/**
 * Captures from elsewhere that the importers used to drop data from without a word (issue 12,
 * item 10), each on a tiny dataset written here: an LLFF folder with masks, an LLFF folder that
 * keeps only some photos of its poses_bounds.npy (matched through view_imgs.txt or the original
 * photos), a transforms.json with lens distortion (undistorted on import), a transforms.json with
 * no test set (every 8th frame held out) and opaque photos (no white background stamped on them).
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cameraCenter, mat3MulVec, projectPoint, type Camera } from '../../src/core/camera.ts';
import { createImage, encodeGreyPng, encodePng, type RGBAImage } from '../../src/core/image.ts';
import type { Distortion } from '../../src/io/blenderTransforms.ts';
import { encodeNpy } from '../../src/io/npy.ts';
import { loadScene, type LoadedScene } from '../../src/io/sceneFolder.ts';
import { distortPixel, undistortImage } from '../../src/io/undistort.ts';
import { fsSource } from '../../src/node/fsFileSource.ts';
import { importDatasetFolder } from '../../src/node/importDatasetFs.ts';
import { renderSphere, ringCamera, toBlenderMatrix, toLlffRow } from './fixtures.ts';

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'import-gaps-test-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

async function put(dir: string, path: string, data: Uint8Array | string) {
  await mkdir(dirname(join(dir, path)), { recursive: true });
  await writeFile(join(dir, path), data);
}

/** 0/255 grey silhouette of the sphere (a mask file). */
function maskPng(img: RGBAImage): Uint8Array {
  const m = new Uint8Array(img.width * img.height);
  for (let i = 0; i < m.length; i++) m[i] = img.data[i * 4 + 3] ? 255 : 0;
  return encodeGreyPng(img.width, img.height, m);
}

/** An opaque photo: the sphere's colours on black, alpha 255 everywhere. */
function opaque(img: RGBAImage): RGBAImage {
  const out = { ...img, data: img.data.slice() };
  for (let i = 3; i < out.data.length; i += 4) out.data[i] = 255;
  return out;
}

/** Fraction of pixels where a view's mask agrees with the sphere's silhouette seen by `cam`. */
function agreement(mask: Uint8Array, cam: Camera, r: number): number {
  const ref = renderSphere(cam, r);
  let agree = 0;
  for (let i = 0; i < mask.length; i++) agree += Number(mask[i] === (ref.data[i * 4 + 3] ? 1 : 0));
  return agree / mask.length;
}

const projectsLike = (a: Camera, b: Camera) => {
  const p = [0.2, -0.3, 0.1] as const;
  const [u0, v0] = projectPoint(a, [...p]);
  const [u1, v1] = projectPoint(b, [...p]);
  return Math.hypot(u1 - u0, v1 - v0);
};

// ---- LLFF ------------------------------------------------------------------------------------

const LLFF_INTR = { fx: 30, fy: 30, cx: 16, cy: 12, width: 32, height: 24 };
const llffCams = Array.from({ length: 10 }, (_, k) => ringCamera(k * 0.05, 10, LLFF_INTR, 5, 0.5));

/** poses_bounds.npy for the 10 cameras (full-resolution photos 192x256, as LLFF's hwf). */
const posesNpy = () => encodeNpy([10, 17], llffCams.flatMap((c) => toLlffRow(c, [192, 256, 240], 2, 8)));

describe('LLFF imports', () => {
  it('takes masks from masks/ (matched by name, box-filtered from full size) and says which views have none', async () => {
    const dir = join(tmp, 'llff-masks');
    await put(dir, 'poses_bounds.npy', posesNpy());
    for (const [k, cam] of llffCams.entries()) {
      const img = renderSphere(cam, 1);
      await put(dir, `images_8/IMG_${k}.png`, encodePng(opaque(img)));
      if (k === 4) continue; // one view without a mask
      // Half the masks at twice the size (kept at full size next to images_8/).
      const big = k % 2 === 0 ? renderSphere({ ...cam, fx: 60, fy: 60, cx: 32, cy: 24, width: 64, height: 48 }, 1) : img;
      await put(dir, `masks/IMG_${k}.png`, maskPng(big));
    }
    const out = join(tmp, 'scene-llff-masks');
    const res = await importDatasetFolder(dir, out);
    expect(res.warnings.join('\n')).toMatch(/1 of 10 views have no mask in masks\/ \(IMG_4\)/);
    const scene = await loadScene(fsSource(out));
    for (const [k, v] of scene.views.entries()) {
      if (k === 4) {
        expect(v.maskData).toBeUndefined();
        continue;
      }
      expect(v.maskData, v.id).toBeDefined();
      expect(agreement(v.maskData!, v.camera!, 1), v.id).toBeGreaterThan(0.97);
    }
  });

  it('refuses a subset of the photos with no way to match rows, and says the ways there are', async () => {
    const dir = join(tmp, 'llff-subset-bare');
    await put(dir, 'poses_bounds.npy', posesNpy());
    for (const k of [1, 3, 5, 6, 9]) await put(dir, `images_8/IMG_${k}.png`, encodePng(opaque(renderSphere(llffCams[k], 1))));
    const err = (await importDatasetFolder(dir, join(tmp, 'scene-llff-subset-bare')).catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(Error);
    expect(err.message).toMatch(/images_8\/ has 5 images but poses_bounds\.npy has 10 rows.*view_imgs\.txt.*images\//);
  });

  for (const how of ['view_imgs.txt', 'images/'] as const) {
    it(`matches a subset of the photos to their rows through ${how}`, async () => {
      const dir = join(tmp, `llff-subset-${how.replace(/\W/g, '')}`);
      await put(dir, 'poses_bounds.npy', posesNpy());
      const kept = [1, 3, 5, 6, 9];
      for (const k of kept) await put(dir, `images_8/IMG_${k}.png`, encodePng(opaque(renderSphere(llffCams[k], 1))));
      if (how === 'view_imgs.txt') await put(dir, 'view_imgs.txt', llffCams.map((_, k) => `IMG_${k}.JPG`).join('\n') + '\n');
      else for (const k of llffCams.keys()) await put(dir, `images/IMG_${k}.png`, encodePng(opaque(renderSphere({ ...llffCams[k], fx: 60, fy: 60, cx: 32, cy: 24, width: 64, height: 48 }, 1))));
      const out = join(tmp, `scene-llff-subset-${how.replace(/\W/g, '')}`);
      const res = await importDatasetFolder(dir, out);
      expect(res.warnings.join('\n')).toMatch(/keeps 5 of the 10 photos/);
      const scene = await loadScene(fsSource(out));
      expect(scene.views.map((v) => v.id)).toEqual(kept.map((k) => `IMG_${k}`));
      scene.views.forEach((v, i) => expect(projectsLike(v.camera!, llffCams[kept[i]]), v.id).toBeLessThan(1e-6));
    });
  }
});

// ---- transforms.json -------------------------------------------------------------------------

const NGP_INTR = { fx: 40, fy: 40, cx: 32, cy: 24, width: 64, height: 48 };
/** Barrel distortion strong enough to move the corners by several pixels at 64x48. */
const DIST: Distortion = { k1: -0.12, k2: 0.02, k3: 0, p1: 0.004, p2: -0.003 };

/** Where the pinhole pixel whose distorted position is (ud, vd) is (fixed-point inversion, as OpenCV's undistortPoints). */
function undistortPixel(cam: Camera, d: Distortion, ud: number, vd: number): [number, number] {
  let u = ud, v = vd;
  for (let it = 0; it < 50; it++) {
    const [uu, vv] = distortPixel(cam, d, u, v);
    u += ud - uu;
    v += vd - vv;
  }
  return [u, v];
}

/** A photo of the sphere taken through the distorting lens (RGBA, transparent outside it). */
function distortedSphere(cam: Camera, r: number, d: Distortion): RGBAImage {
  const img = createImage(cam.width, cam.height);
  const C = cameraCenter(cam);
  const Rt = [cam.R[0], cam.R[3], cam.R[6], cam.R[1], cam.R[4], cam.R[7], cam.R[2], cam.R[5], cam.R[8]];
  for (let j = 0; j < cam.height; j++)
    for (let i = 0; i < cam.width; i++) {
      const [u, v] = undistortPixel(cam, d, i + 0.5, j + 0.5);
      const dir = mat3MulVec(Rt, [(u - cam.cx) / cam.fx, (v - cam.cy) / cam.fy, 1]);
      const n = Math.hypot(...dir);
      const s = -(C[0] * dir[0] + C[1] * dir[1] + C[2] * dir[2]) / (n * n);
      if (Math.hypot(C[0] + s * dir[0], C[1] + s * dir[1], C[2] + s * dir[2]) < r) img.data.set([200, 120, 60, 255], (j * cam.width + i) * 4);
    }
  return img;
}

function maskOf(img: RGBAImage): Uint8Array {
  return Uint8Array.from({ length: img.width * img.height }, (_, i) => (img.data[i * 4 + 3] >= 128 ? 1 : 0));
}

async function writeNgp(dir: string, frames: number, photo: (cam: Camera) => RGBAImage, extra: Record<string, number> = {}): Promise<Camera[]> {
  const cams = Array.from({ length: frames }, (_, k) => ringCamera(k, frames, NGP_INTR, 4, 1));
  const list = [];
  for (const [k, cam] of cams.entries()) {
    const name = `frame_${String(k).padStart(2, '0')}`;
    await put(dir, `images/${name}.png`, encodePng(photo(cam)));
    list.push({ file_path: `images/${name}.png`, transform_matrix: toBlenderMatrix(cam) });
  }
  // instant-ngp style: intrinsics in pixels, frames in no particular order.
  await put(dir, 'transforms.json', JSON.stringify({ fl_x: NGP_INTR.fx, fl_y: NGP_INTR.fy, cx: NGP_INTR.cx, cy: NGP_INTR.cy, w: NGP_INTR.width, h: NGP_INTR.height, ...extra, frames: list.reverse() }));
  return cams;
}

describe('transforms.json imports', () => {
  it('undistorts photos taken with lens distortion (k1 k2 p1 p2) and says how far pixels moved', async () => {
    const dir = join(tmp, 'ngp-distorted');
    // A large sphere: its outline runs near the image's edges, where the lens moves pixels most.
    const R = 2.2;
    const cams = await writeNgp(dir, 9, (cam) => distortedSphere(cam, R, DIST), { ...DIST });
    const out = join(tmp, 'scene-ngp-distorted');
    const res = await importDatasetFolder(dir, out, { scale: 1 });
    const warning = res.warnings.find((w) => /lens distortion/.test(w)) ?? '';
    expect(warning).toMatch(/k1 -0\.12.*moving pixels by up to (\d+\.\d) px: the photos were undistorted on import/);
    expect(Number(/up to (\d+\.\d) px/.exec(warning)![1])).toBeGreaterThan(2);
    const scene = await loadScene(fsSource(out));
    expect(scene.views).toHaveLength(9);
    for (const v of scene.views) {
      const k = Number(v.id.slice(-2));
      const cam = cams[k];
      expect(projectsLike(v.camera!, cam), v.id).toBeLessThan(1e-6);
      // The imported mask is the pinhole silhouette; the distorted photo's is not.
      const before = agreement(maskOf(distortedSphere(cam, R, DIST)), cam, R);
      const after = agreement(v.maskData!, v.camera!, R);
      expect(after, v.id).toBeGreaterThan(0.985);
      expect(after - before, v.id).toBeGreaterThan(0.01);
    }
  });

  it('undistortImage is the identity without distortion', () => {
    const img = renderSphere(ringCamera(0, 4, NGP_INTR), 1);
    const same = undistortImage(img, NGP_INTR, { k1: 0, k2: 0, k3: 0, p1: 0, p2: 0 });
    expect(same.data).toEqual(img.data);
  });

  it('gives a scene with no test set the 3/6/9-view splits with every 8th frame held out, and leaves opaque photos without a white background', async () => {
    const dir = join(tmp, 'ngp-opaque');
    await writeNgp(dir, 12, (cam) => opaque(renderSphere(cam, 1)));
    const out = join(tmp, 'scene-ngp-opaque');
    const res = await importDatasetFolder(dir, out, { scale: 1 });
    expect(res.warnings.join('\n')).toMatch(/no test set: every 8th of its 12 frames/);
    expect(res.warnings.join('\n')).toMatch(/the photos are opaque/);
    const scene = await loadScene(fsSource(out));
    const m = scene.manifest;
    expect(Object.keys(m.splits).sort()).toEqual(['3', '6', '9']);
    expect(m.splits['3'].test).toEqual(['frame_00', 'frame_08']);
    for (const s of Object.values(m.splits)) {
      expect(s.test.length).toBeGreaterThan(0);
      for (const id of s.train) expect(s.test).not.toContain(id);
    }
    expect(m.background).toBeUndefined();
    expect(m.description).not.toMatch(/white/);
  });

  it('still composites photos with a transparent background on white', async () => {
    const dir = join(tmp, 'ngp-alpha');
    await writeNgp(dir, 9, (cam) => renderSphere(cam, 1));
    const out = join(tmp, 'scene-ngp-alpha');
    await importDatasetFolder(dir, out, { scale: 1 });
    const scene = await loadScene(fsSource(out));
    expect(scene.manifest.background).toEqual([255, 255, 255]);
    expect(scene.views.every((v) => v.maskData)).toBe(true);
  });
});
