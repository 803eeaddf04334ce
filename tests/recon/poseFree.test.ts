/**
 * The pose-free evaluation protocol's two parts. Alignment: known cameras moved by a known
 * similarity (the "estimated" frame) are aligned back to 1e-9 by both methods, and the held-out
 * cameras mapped with it land on their moved selves. Test-time refinement: a photo rendered from a
 * known camera, the camera perturbed by about 1.5 degrees and 3% of its distance, refined against
 * the frozen cloud: the pose error must shrink to under 0.3 of the perturbation and the PSNR rise.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  applyCameraIncrement,
  cameraCenter,
  lookAtCamera,
  mat3Mul,
  radToDeg,
  rotationAngleBetween,
  rotationFromAxisAngle,
  transformCameraPose,
  type Camera,
  type Vec3,
} from '../../src/core/camera.ts';
import { isInputError } from '../../src/core/errors.ts';
import { psnr } from '../../src/core/metrics/index.ts';
import { alignSceneToEstimate, mapCamerasToEstimate, refineTestPose } from '../../src/recon/evaluate/poseFree.ts';
import { renderCloudViews } from '../../src/recon/renderViews.ts';
import { testGpu } from '../gpu/gpuTestDevice.ts';
import type { GaussianCloud } from '../../src/core/gaussianCloud.ts';
import { mulberry32 } from '../../src/core/random.ts';
import { evalCloud, EVAL_SIZE } from './evalTestScene.ts';

function ring(n: number): Camera[] {
  return Array.from({ length: n }, (_, i) => {
    const a = (2 * Math.PI * i) / n;
    const eye: Vec3 = [3 * Math.cos(a), 3 * Math.sin(a), 0.8 + 0.3 * Math.sin(3 * a)];
    return lookAtCamera(eye, [0.1, -0.05, 0], [0, 0, 1], { fx: 70, fy: 70, cx: 32, cy: 24, ...EVAL_SIZE });
  });
}

const SIM = { s: 0.37, R: mat3Mul(rotationFromAxisAngle([0.4, -1.1, 0.7]), rotationFromAxisAngle([0.2, 0, -0.3])), u: [1.5, -2.25, 0.75] as Vec3 };
const moved = (c: Camera) => transformCameraPose(c, SIM.s, SIM.R, SIM.u);

function centreDistance(a: Camera, b: Camera): number {
  const p = cameraCenter(a), q = cameraCenter(b);
  return Math.hypot(p[0] - q[0], p[1] - q[1], p[2] - q[2]);
}

describe('alignSceneToEstimate', () => {
  for (const method of ['rotations', 'umeyama'] as const) {
    it(`${method}: recovers a known similarity to 1e-9 and maps the held-out cameras onto their moved selves`, () => {
      const cams = ring(7);
      const train = [0, 2, 4], test = [1, 3, 5, 6];
      const a = alignSceneToEstimate(train.map((i) => moved(cams[i])), train.map((i) => cams[i]), method);
      expect(Math.abs(a.similarity.s - SIM.s)).toBeLessThan(1e-9);
      for (let k = 0; k < 9; k++) expect(Math.abs(a.similarity.R[k] - SIM.R[k])).toBeLessThan(1e-9);
      for (let k = 0; k < 3; k++) expect(Math.abs(a.similarity.t[k] - SIM.u[k])).toBeLessThan(1e-9);
      expect(Math.max(...a.residuals.centre)).toBeLessThan(1e-9);
      expect(Math.max(...a.residuals.rotationDeg)).toBeLessThan(1e-7);
      const mapped = mapCamerasToEstimate(a, test.map((i) => cams[i]));
      for (const [j, i] of test.entries()) {
        const want = moved(cams[i]);
        for (let k = 0; k < 9; k++) expect(Math.abs(mapped[j].R[k] - want.R[k])).toBeLessThan(1e-9);
        for (let k = 0; k < 3; k++) expect(Math.abs(mapped[j].t[k] - want.t[k])).toBeLessThan(1e-9);
        expect(mapped[j].fx).toBe(cams[i].fx);
      }
    });
  }

  it('rotations: works from 2 views; refuses 1 view, and umeyama refuses 2', () => {
    const cams = ring(7);
    const a = alignSceneToEstimate([moved(cams[0]), moved(cams[3])], [cams[0], cams[3]]);
    expect(Math.abs(a.similarity.s - SIM.s)).toBeLessThan(1e-9);
    expect(isInputError((() => { try { alignSceneToEstimate([moved(cams[0])], [cams[0]]); } catch (e) { return e; } })())).toBe(true);
    expect(() => alignSceneToEstimate([moved(cams[0]), moved(cams[3])], [cams[0], cams[3]], 'umeyama')).toThrow(/at least 3/);
  });
});

/**
 * A forward-facing cloud (as LLFF's scenes): 300 small coloured splats filling the frustum of
 * the identity camera from depth 1.5 to 6, so that rotating the camera and translating it move
 * near and far splats differently and the pose is well determined by one photo (a small object
 * far away leaves a rotation and a sideways translation nearly interchangeable).
 */
function deepCloud(): GaussianCloud {
  const rand = mulberry32(11);
  const n = 300;
  const c: GaussianCloud = {
    count: n, shDegree: 0,
    means: new Float32Array(n * 3), logScales: new Float32Array(n * 3), quats: new Float32Array(n * 4),
    opacityLogits: new Float32Array(n), sh: new Float32Array(n * 3),
  };
  for (let i = 0; i < n; i++) {
    const z = 1.5 + 4.5 * rand();
    c.means.set([(rand() - 0.5) * 1.1 * z, (rand() - 0.5) * 0.85 * z, z], i * 3);
    for (let k = 0; k < 3; k++) {
      c.logScales[i * 3 + k] = Math.log((0.03 + 0.03 * rand()) * z);
      c.sh[i * 3 + k] = (0.1 + 0.85 * rand() - 0.5) / 0.28209479177387814;
    }
    c.quats[i * 4] = 1;
    c.opacityLogits[i] = 3;
  }
  return c;
}

const FORWARD: Camera = { R: [1, 0, 0, 0, 1, 0, 0, 0, 1], t: [0, 0, 0], fx: 50, fy: 50, cx: 32, cy: 24, ...EVAL_SIZE };

describe('refineTestPose', () => {
  let device: GPUDevice;
  beforeAll(async () => {
    device = (await testGpu()).device;
  }, 60_000);

  it('brings a perturbed camera back onto the photo\'s pose against a frozen cloud', async () => {
    const cloud = deepCloud();
    const truth = FORWARD;
    const [photo] = await renderCloudViews(device, cloud, [truth], [0, 0, 0]);
    const omega = [0.6, -0.9, 0.5].map((x) => (x * (1.5 * Math.PI)) / 180 / Math.hypot(0.6, 0.9, 0.5));
    const start = applyCameraIncrement(truth, omega, [0.08, -0.06, 0.09]);
    const rot0 = radToDeg(rotationAngleBetween(start.R, truth.R)), cen0 = centreDistance(start, truth);
    const [before] = await renderCloudViews(device, cloud, [start], [0, 0, 0]);

    const r = await refineTestPose(device, cloud, photo, null, start, { steps: 40 });
    const rot1 = radToDeg(rotationAngleBetween(r.camera.R, truth.R)), cen1 = centreDistance(r.camera, truth);
    const [after] = await renderCloudViews(device, cloud, [r.camera], [0, 0, 0]);
    const psnrBefore = psnr(before, photo), psnrAfter = psnr(after, photo);
    console.log(`refineTestPose: rotation ${rot0.toFixed(3)} -> ${rot1.toFixed(3)} deg, centre ${cen0.toFixed(4)} -> ${cen1.toFixed(4)} (median depth 3.75), ` +
      `PSNR ${psnrBefore.toFixed(2)} -> ${psnrAfter.toFixed(2)} dB, loss ${r.initialLoss.toFixed(4)} -> ${r.finalLoss.toFixed(4)}`);
    expect(rot0).toBeGreaterThan(1.4);
    expect(cen0).toBeGreaterThan(0.05);
    expect(rot1).toBeLessThan(0.3 * rot0);
    expect(cen1).toBeLessThan(0.3 * cen0);
    expect(psnrAfter).toBeGreaterThan(psnrBefore + 6);
    expect(r.finalLoss).toBeLessThan(0.5 * r.initialLoss);
    expect(r.losses).toHaveLength(40);
    expect(r.scales.filter((s) => s === 0.5)).toHaveLength(20);
    expect(r.rotationDeg).toBeGreaterThan(0.5 * rot0);
  }, 120_000);

  it('steps 0 returns the initial camera', async () => {
    const cloud = evalCloud();
    const cam = ring(7)[2];
    const [photo] = await renderCloudViews(device, cloud, [cam], [0, 0, 0]);
    const r = await refineTestPose(device, cloud, photo, null, cam, { steps: 0 });
    expect(r.camera).toBe(cam);
    expect(r.losses).toEqual([]);
    expect(r.finalLoss).toBe(r.initialLoss);
  });
});
