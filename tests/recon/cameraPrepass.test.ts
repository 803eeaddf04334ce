/**
 * The camera pre-pass (src/recon/train/cameraPrepass.ts): when it runs, what the short run gets
 * (small views, the guesses marked, no checkpoints or repair hooks), and that the run proper starts
 * from its cameras at the views' own size. The wiring is checked with a recording `train`; one
 * small run on the software GPU checks the trainer's own use of it (phases, result, cancel).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { resizeCamera, rotationAngleBetween, type Camera } from '../../src/core/camera.ts';
import { createImage } from '../../src/core/image.ts';
import { loadScene, type LoadedScene } from '../../src/io/sceneFolder.ts';
import { fsSource } from '../../src/node/fsFileSource.ts';
import { prepareSplit } from '../../src/recon/prepareViews.ts';
import { prepassSize, prepassSteps, trainAfterCameraPrepass, wantsCameraPrepass } from '../../src/recon/train/cameraPrepass.ts';
import type { TrainProgress, TrainResult, TrainRunOptions, TrainView } from '../../src/recon/train/trainer.ts';
import { trainGaussians } from '../../src/recon/train/trainer.ts';
import type { TrainCheckpoint } from '../../src/recon/train/checkpoint.ts';
import { perturbCameras } from '../../bench/camRefine.ts';
import { testGpu } from '../gpu/gpuTestDevice.ts';

function view(id: string, W: number, H: number, guess: boolean): TrainView {
  const mask = new Uint8Array(W * H);
  mask.fill(1, (H / 4) * W, (3 * H / 4) * W);
  const camera: Camera = { R: [1, 0, 0, 0, 1, 0, 0, 0, 1], t: [0, 0, 4], fx: W, fy: W, cx: W / 2, cy: H / 2, width: W, height: H };
  return { id, camera, rgba: createImage(W, H), mask, ...(guess ? { cameraGuess: true } : {}) };
}

/** Angle between two cameras' rotations, degrees. */
const rotationDeg = (a: Camera, b: Camera): number => (rotationAngleBetween(a.R, b.R) * 180) / Math.PI;

describe('wantsCameraPrepass', () => {
  const views = [view('a', 40, 30, false), view('b', 40, 30, true)];
  it('runs with camera refinement and a guessed view, and not otherwise', () => {
    expect(wantsCameraPrepass(views, { refineCameras: true })).toBe(true);
    expect(wantsCameraPrepass(views, {})).toBe(false);
    expect(wantsCameraPrepass(views, { refineCameras: true, cameraPrepassSteps: 0 })).toBe(false);
    expect(wantsCameraPrepass(views.map((v) => ({ ...v, cameraGuess: false })), { refineCameras: true })).toBe(false);
    expect(wantsCameraPrepass(views, { refineCameras: true, initialCloud: {} as TrainRunOptions['initialCloud'] })).toBe(false);
    expect(wantsCameraPrepass(views, { refineCameras: true, resume: {} as TrainRunOptions['resume'] })).toBe(false);
  });
  it('is never longer than the run itself', () => {
    expect(prepassSteps(500, 1300)).toBe(500);
    expect(prepassSteps(500, 3)).toBe(3);
  });
  it('scales the long side down to the pre-pass size, never up', () => {
    expect(prepassSize(800, 800, 150)).toEqual({ width: 150, height: 150 });
    expect(prepassSize(400, 300, 150)).toEqual({ width: 150, height: 113 });
    expect(prepassSize(300, 400, 150)).toEqual({ width: 113, height: 150 });
    expect(prepassSize(64, 48, 150)).toEqual({ width: 64, height: 48 });
  });
});

describe('trainAfterCameraPrepass', () => {
  it('trains small first, then the run proper from its cameras at the full size', async () => {
    const views = [view('a', 80, 60, false), view('b', 80, 60, true), view('c', 80, 60, true)];
    const calls: { views: readonly TrainView[]; options: TrainRunOptions }[] = [];
    // The pre-pass "refines" each guess by moving it 0.5 along x (at the small size).
    const train = async (_d: GPUDevice, vs: readonly TrainView[], options: TrainRunOptions): Promise<TrainResult> => {
      calls.push({ views: vs, options });
      options.onProgress?.({ step: 1, iterations: options.iterations ?? 0, loss: 0, l1: 0, ssim: 0, psnr: 0, splats: 1, elapsedMs: 1, phase: 'train' });
      const cameras = vs.map((v) => (v.cameraGuess ? { ...v.camera, t: [v.camera.t[0] + 0.5, v.camera.t[1], v.camera.t[2]] as Camera['t'] } : v.camera));
      return { cameras, stopped: null, wallMs: calls.length * 100, stepsDone: options.iterations ?? 0 } as TrainResult;
    };
    const seen: TrainProgress[] = [];
    const onCheckpoint = () => {};
    const r = await trainAfterCameraPrepass({} as GPUDevice, views, {
      refineCameras: true, iterations: 300, cameraPrepassSteps: 40, cameraPrepassSize: 40, onProgress: (p) => seen.push(p), onCheckpoint,
    }, train);
    expect(calls).toHaveLength(2);
    const [pre, main] = calls;
    expect(pre.options.iterations).toBe(40);
    expect(pre.options.cameraPrepassSteps).toBe(0);
    expect(pre.options.onCheckpoint).toBeUndefined();
    expect(pre.views.map((v) => [v.camera.width, v.camera.height, v.rgba.width, v.rgba.height, v.mask!.length])).toEqual(views.map(() => [40, 30, 40, 30, 1200]));
    expect(pre.views.map((v) => Boolean(v.cameraGuess))).toEqual([false, true, true]);
    expect(main.options.iterations).toBe(300);
    expect(main.options.cameraPrepassSteps).toBe(0);
    expect(main.options.onCheckpoint).toBe(onCheckpoint);
    // The run proper: the full-size views with the pre-pass's cameras brought back to their size.
    expect(main.views.map((v) => v.rgba)).toEqual(views.map((v) => v.rgba));
    for (let i = 0; i < views.length; i++) {
      const expected = resizeCamera({ ...pre.views[i].camera, t: [pre.views[i].camera.t[0] + (views[i].cameraGuess ? 0.5 : 0), 0, 4] }, 80, 60);
      expect(main.views[i].camera).toEqual(expected);
    }
    expect(seen.map((p) => p.phase)).toEqual(['cameras', 'train']);
    expect(r.cameraPrepass).toEqual({ steps: 40, width: 40, height: 30, wallMs: 100, stopped: false });
    expect(r.wallMs).toBe(300);
  });

  it('ends with the pre-pass\'s cloud and cameras when the pre-pass stops', async () => {
    const views = [view('a', 80, 60, false), view('b', 80, 60, true)];
    let calls = 0;
    const train = async (_d: GPUDevice, vs: readonly TrainView[]): Promise<TrainResult> => {
      calls++;
      const history: TrainProgress[] = [1, 2, 3].map((step) => ({ step, iterations: 500, loss: 0, l1: 0, ssim: 0, psnr: 0, splats: 1, elapsedMs: step, phase: 'train' }));
      return { cameras: vs.map((v) => v.camera), stopped: 'cancelled', wallMs: 5, stepsDone: 3, history } as TrainResult;
    };
    const r = await trainAfterCameraPrepass({} as GPUDevice, views, { refineCameras: true, cameraPrepassSize: 40 }, train);
    expect(calls).toBe(1);
    expect(r.stopped).toBe('cancelled');
    expect(r.cameras!.map((c) => [c.width, c.height])).toEqual([[80, 60], [80, 60]]);
    // The run proper did no step; the steps done and the history are the pre-pass's, said so.
    expect(r.stepsDone).toBe(0);
    expect(r.cameraPrepass).toEqual({ steps: 3, width: 40, height: 30, wallMs: 5, stopped: true });
    expect(r.history.map((p) => p.phase)).toEqual(['cameras', 'cameras', 'cameras']);
  });
});

describe('trainGaussians with guessed cameras and the pre-pass (software GPU)', () => {
  let device: GPUDevice;
  let scene: LoadedScene;
  beforeAll(async () => {
    device = (await testGpu()).device;
    scene = await loadScene(fsSource('scenes/patterned-cube'));
  }, 120_000);

  /** The patterned cube's 9 views at 64x48, the last 3 turned by `deg` and 1% moved and marked as guesses. */
  function guessedCube(deg: number, seed: number) {
    const split = prepareSplit(scene, '9', { width: 64, height: 48 });
    const bounds = scene.manifest.bounds!;
    const centre = [0, 1, 2].map((k) => (bounds.min[k] + bounds.max[k]) / 2) as [number, number, number];
    const cams = perturbCameras(split.train.map((v) => v.camera), centre, [deg, deg], 0.01, seed);
    const views: TrainView[] = split.train.map((v, i) => (i >= 6 ? { ...v, camera: cams[i], cameraGuess: true } : v));
    return { views, bounds };
  }

  it('reports the pre-pass\'s steps as phase "cameras", then trains the run proper', async () => {
    const { views, bounds: b } = guessedCube(2, 5);
    const seen: TrainProgress[] = [];
    const r = await trainGaussians(device, views, {
      iterations: 20, initSplats: 800, densify: false, bounds: b, seed: 4, refineCameras: true, cameraStart: 0,
      cameraPrepassSteps: 20, cameraPrepassSize: 32, progressEvery: 5, onProgress: (p) => seen.push(p),
    });
    expect(r.stopped).toBeNull();
    expect(r.cameraPrepass).toMatchObject({ steps: 20, width: 32, height: 24 });
    const phases = seen.map((p) => p.phase).filter((p) => p !== 'init');
    const firstTrain = phases.indexOf('train');
    expect(firstTrain).toBeGreaterThan(0);
    expect(phases.slice(0, firstTrain).every((p) => p === 'cameras')).toBe(true);
    expect(phases.slice(firstTrain).every((p) => p === 'train')).toBe(true);
    expect(r.history.every((p) => p.phase !== 'cameras')).toBe(true);
    expect(r.cameras).toHaveLength(views.length);
    expect(r.cameras!.every((c) => c.width === 64 && c.height === 48)).toBe(true);
    // The held (matched) views keep their cameras through both runs; the guesses moved.
    for (let i = 0; i < 6; i++) expect(r.cameras![i]).toEqual(views[i].camera);
    expect(r.cameras!.slice(6).some((c, k) => c.t.some((x, j) => x !== views[6 + k].camera.t[j]))).toBe(true);
  }, 180_000);

  it('a run resumed from a checkpoint goes on from the pre-pass\'s and the refinement\'s cameras, not the guesses', async () => {
    const { views, bounds: b } = guessedCube(3, 6);
    const opts = { iterations: 30, initSplats: 800, densify: false, bounds: b, seed: 5, refineCameras: true, cameraStart: 0, cameraPrepassSteps: 20, cameraPrepassSize: 32 };
    let saved: TrainCheckpoint | null = null;
    const whole = await trainGaussians(device, views, { ...opts, checkpointEvery: 15, onCheckpoint: (c) => void (saved = structuredClone(c)) });
    const ckpt = saved! as TrainCheckpoint;
    expect(ckpt.step).toBe(15);
    expect(ckpt.cameraRefine!.cameras).toHaveLength(views.length);
    // The run proper started from the pre-pass's cameras, not the guesses.
    expect(ckpt.cameraRefine!.start[7]).not.toEqual(views[7].camera);
    const resumed = await trainGaussians(device, views, { ...opts, resume: ckpt });
    expect(resumed.stopped).toBeNull();
    expect(resumed.cameraPrepass).toBeUndefined();
    // Each guess ends where the run left alone put it (GPU sums differ in the last bits), far
    // closer than to where it was guessed.
    for (let i = 6; i < views.length; i++) {
      const apart = rotationDeg(resumed.cameras![i], whole.cameras![i]);
      expect(apart, `view ${i}: ${apart.toFixed(4)} deg from the uninterrupted run`).toBeLessThan(0.05);
      expect(rotationDeg(whole.cameras![i], views[i].camera)).toBeGreaterThan(10 * Math.max(apart, 0.01));
    }
  }, 240_000);
});
