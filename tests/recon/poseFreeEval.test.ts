/**
 * evaluateCloud's pose-free option on the tiny evaluation scene: the "estimated" reconstruction
 * is the true cloud and the training cameras moved by a known similarity (a frame and scale of
 * their own). Exact estimated cameras and no refinement: every held-out view is found where its
 * photo was taken (the before and after rows are the same renders, and near-perfect). Estimated
 * cameras with noise: the aligned test cameras are off, and test-time refinement raises every
 * view's PSNR. The report's text, CSV and JSON carry both, and without the option nothing changes.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { applyCameraIncrement, transformCameraPose, type Camera } from '../../src/core/camera.ts';
import { isInputError } from '../../src/core/errors.ts';
import type { GaussianCloud } from '../../src/core/gaussianCloud.ts';
import { mulberry32 } from '../../src/core/random.ts';
import { evaluateCloud } from '../../src/recon/evaluate/protocol.ts';
import { reportCsv, reportJson, reportTable } from '../../src/recon/evaluate/reportFormat.ts';
import { testGpu } from '../gpu/gpuTestDevice.ts';
import { buildEvalScene, EVAL_SIMILARITY as SIM, movedCloud, TEST_IDS, TRAIN_IDS, type EvalScene } from './evalTestScene.ts';


function estimatedTrain(s: EvalScene, noise: number): Map<string, Camera> {
  const rand = mulberry32(5);
  const out = new Map<string, Camera>();
  for (const id of TRAIN_IDS) {
    const cam = transformCameraPose(s.scene.views.find((v) => v.id === id)!.camera!, SIM.s, SIM.R, SIM.u);
    const w = [0, 1, 2].map(() => (rand() - 0.5) * 2 * noise * 0.03);
    const dt = [0, 1, 2].map(() => (rand() - 0.5) * 2 * noise * 0.05);
    out.set(id, applyCameraIncrement(cam, w, dt));
  }
  return out;
}

let device: GPUDevice;
let scene: EvalScene;
let cloud: GaussianCloud;

beforeAll(async () => {
  device = (await testGpu()).device;
  scene = await buildEvalScene(device, { masks: true });
  cloud = movedCloud(scene.truth, SIM);
}, 60_000);

describe('evaluateCloud, pose-free', () => {
  it('exact estimated cameras, no refinement: the held-out views are found where their photos were taken', async () => {
    const r = await evaluateCloud(device, scene.scene, cloud, { split: '3', poseFree: { estimatedTrain: estimatedTrain(scene, 0), refineSteps: 0 } });
    const pf = r.poseFree!;
    expect(Math.abs(pf.alignment.scale - SIM.s)).toBeLessThan(1e-9);
    expect(Math.max(...pf.alignment.residualCentre)).toBeLessThan(1e-9);
    expect(pf.before.views.map((v) => v.id)).toEqual(TEST_IDS);
    expect(pf.before.views).toEqual(r.views);
    for (const v of r.views) {
      expect(v.psnr, v.id).toBeGreaterThan(40);
      expect(v.ssim, v.id).toBeGreaterThan(0.99);
    }
    expect(pf.refinement.every((x) => x.rotationDeg === 0 && x.centreShift === 0)).toBe(true);
  });

  it('noisy estimated cameras: test-time refinement raises every held-out view\'s PSNR; text, CSV and JSON carry both', async () => {
    const progress: string[] = [];
    const r = await evaluateCloud(device, scene.scene, cloud, {
      split: '3', poseFree: { estimatedTrain: estimatedTrain(scene, 1), refineSteps: 24 }, onProgress: (d, t) => progress.push(`${d}/${t}`),
    });
    expect(progress).toEqual(['1/8', '2/8', '3/8', '4/8', '5/8', '6/8', '7/8', '8/8']);
    const pf = r.poseFree!;
    const res = pf.alignment.residualRotationDeg;
    expect(Math.max(...res)).toBeGreaterThan(0.3); // the noise is there
    const lines: string[] = [];
    for (const [i, after] of r.views.entries()) {
      const before = pf.before.views[i];
      lines.push(`${after.id}: PSNR ${before.psnr.toFixed(2)} -> ${after.psnr.toFixed(2)}, masked ${before.psnrMasked!.toFixed(2)} -> ${after.psnrMasked!.toFixed(2)}, moved ${pf.refinement[i].rotationDeg.toFixed(3)} deg`);
      expect(after.psnr, after.id).toBeGreaterThan(before.psnr + 1);
      expect(pf.refinement[i].finalLoss).toBeLessThan(pf.refinement[i].initialLoss);
    }
    console.log(`pose-free eval: mean PSNR ${pf.before.mean.psnr.toFixed(2)} -> ${r.mean.psnr.toFixed(2)}\n  ${lines.join('\n  ')}`);
    expect(r.mean.psnr).toBeGreaterThan(pf.before.mean.psnr + 3);

    const text = reportTable(r);
    expect(text).toMatch(/^pose-free: test cameras aligned by a similarity fitted on the 3 training views \(rotations: scale 0\.6/m);
    expect(text).toMatch(/^after test-time pose refinement \(24 steps\):$/m);
    expect(text).toMatch(/^before test-time pose refinement \(aligned only\):$/m);
    const csv = reportCsv(r).trim().split('\n');
    expect(csv[0]).toBe('view,psnr_masked,psnr,ssim_masked,ssim,psnr_in_mask,lpips,lpips_masked,' +
      'psnr_masked_before,psnr_before,ssim_masked_before,ssim_before,psnr_in_mask_before,lpips_before,lpips_masked_before,refine_rot_deg,refine_centre_shift');
    expect(csv).toHaveLength(TEST_IDS.length + 2);
    const first = csv[1].split(',');
    expect(Number(first[2])).toBe(r.views[0].psnr);
    expect(Number(first[9])).toBe(pf.before.views[0].psnr);
    expect(Number(first[15])).toBe(pf.refinement[0].rotationDeg);
    const json = JSON.parse(JSON.stringify(reportJson(r)));
    expect(json.poseFree.before.mean.psnr).toBe(pf.before.mean.psnr);
    expect(json.poseFree.refineSteps).toBe(24);
  }, 240_000);

  it('held-out views take the estimated focal length by default, the dataset\'s with intrinsics "dataset"', async () => {
    // Estimated cameras exact but for a focal length 10% short: the cloud is the true one, so the
    // held-out views rendered with the estimated focal length score lower than with the dataset's.
    const short = new Map([...estimatedTrain(scene, 0)].map(([id, c]) => [id, { ...c, fx: 0.9 * c.fx, fy: 0.9 * c.fy }]));
    const est = await evaluateCloud(device, scene.scene, cloud, { split: '3', poseFree: { estimatedTrain: short, refineSteps: 0 } });
    const known = await evaluateCloud(device, scene.scene, cloud, { split: '3', poseFree: { estimatedTrain: short, refineSteps: 0, intrinsics: 'dataset' } });
    expect(est.poseFree!.alignment.focalScale).toBeCloseTo(0.9, 9);
    expect(known.poseFree!.alignment.focalScale).toBe(1);
    expect(known.mean.psnr).toBeGreaterThan(40);
    expect(est.mean.psnr).toBeLessThan(known.mean.psnr - 10);
    expect(reportTable(est)).toMatch(/with the estimated focal length \(the dataset's x 0\.9000\)/);
    expect(reportTable(known)).not.toMatch(/estimated focal length/);
  }, 120_000);

  it('without the option the report has no pose-free part; a missing estimated camera is refused', async () => {
    const plain = await evaluateCloud(device, scene.scene, scene.truth, { split: '3' });
    expect('poseFree' in plain).toBe(false);
    expect(reportCsv(plain).split('\n')[0]).toBe('view,psnr_masked,psnr,ssim_masked,ssim,psnr_in_mask,lpips,lpips_masked');
    expect(reportTable(plain)).not.toMatch(/pose-free|refinement/);
    const partial = estimatedTrain(scene, 0);
    partial.delete('v2');
    const e = await evaluateCloud(device, scene.scene, cloud, { split: '3', poseFree: { estimatedTrain: partial } }).catch((x) => x);
    expect(isInputError(e)).toBe(true);
    expect(e.message).toMatch(/training view "v2" of split "3" has no estimated camera/);
  });
});
