/**
 * A tiny scene for the evaluation tests, built in memory on the GPU: the "photos" are renders of
 * a known cloud (so the true cloud scores perfectly and any camera/photo mix-up shows), masks are
 * the rendered object's pixels, and one test view can be given at twice the size to exercise the
 * protocol's resizing. Also writes it as a scene folder for the CLI tests.
 */
import { lookAtCamera, mat3Mul, resizeCamera, rotationFromAxisAngle, rotationToQuat, type Camera, type Mat3, type Vec3 } from '../../src/core/camera.ts';
import type { GaussianCloud } from '../../src/core/gaussianCloud.ts';
import { encodeGreyPng, encodePng, type RGBAImage } from '../../src/core/image.ts';
import { mulberry32 } from '../../src/core/random.ts';
import type { LoadedScene, LoadedView } from '../../src/io/sceneFolder.ts';
import type { SceneManifest } from '../../src/io/sceneFormat.ts';
import { writeSceneFolder } from '../../src/node/sceneWriter.ts';
import { renderCloudViews } from '../../src/recon/renderViews.ts';

export const EVAL_SIZE = { width: 64, height: 48 };
const SH_C0 = 0.28209479177387814;
const VIEWS = 7;
export const TRAIN_IDS = ['v0', 'v2', 'v4'];
export const TEST_IDS = ['v1', 'v3', 'v5', 'v6'];

/** A ball of 60 coloured splats around the origin; `shift` moves colours and positions a bit. */
export function evalCloud(shift = 0): GaussianCloud {
  const rand = mulberry32(7);
  const n = 60;
  const c: GaussianCloud = {
    count: n, shDegree: 0,
    means: new Float32Array(n * 3), logScales: new Float32Array(n * 3), quats: new Float32Array(n * 4),
    opacityLogits: new Float32Array(n), sh: new Float32Array(n * 3),
  };
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < 3; k++) {
      c.means[i * 3 + k] = (rand() - 0.5) * 1.2 + shift * 0.05 * (k === 0 ? 1 : 0);
      c.logScales[i * 3 + k] = Math.log(0.12 + 0.08 * rand());
      const colour = 0.25 + 0.7 * rand() + shift * (k === 1 ? -0.15 : 0.1);
      c.sh[i * 3 + k] = (colour - 0.5) / SH_C0;
    }
    c.quats[i * 4] = 1;
    c.opacityLogits[i] = 2.5;
  }
  return c;
}

export function emptyCloud(): GaussianCloud {
  const z = new Float32Array(0);
  return { count: 0, shDegree: 0, means: z, logScales: z, quats: z, opacityLogits: z, sh: z };
}

function camera(i: number, size: { width: number; height: number }): Camera {
  const a = (2 * Math.PI * i) / VIEWS;
  const eye: Vec3 = [3 * Math.cos(a), 3 * Math.sin(a), 0.8];
  const base = lookAtCamera(eye, [0, 0, 0], [0, 0, 1], { fx: 70, fy: 70, cx: 32, cy: 24, ...EVAL_SIZE });
  return resizeCamera(base, size.width, size.height);
}

function maskOf(img: RGBAImage): Uint8Array {
  const m = new Uint8Array(img.width * img.height);
  for (let i = 0; i < m.length; i++) m[i] = img.data[i * 4] + img.data[i * 4 + 1] + img.data[i * 4 + 2] >= 30 ? 1 : 0;
  return m;
}

export interface EvalSceneOptions {
  masks: boolean;
  /** Give test view v6 at twice the evaluation size (128x96). */
  bigTestView?: boolean;
}

export interface EvalScene {
  scene: LoadedScene;
  /** The cloud whose renders are the photos. */
  truth: GaussianCloud;
  /** scene.json + images/ + masks/ for writeEvalScene. */
  files: Map<string, Uint8Array>;
}

export async function buildEvalScene(device: GPUDevice, opts: EvalSceneOptions): Promise<EvalScene> {
  const truth = evalCloud();
  const cams = Array.from({ length: VIEWS }, (_, i) => camera(i, opts.bigTestView && i === 6 ? { width: 128, height: 96 } : EVAL_SIZE));
  const photos = await renderCloudViews(device, truth, cams, [0, 0, 0]);
  const files = new Map<string, Uint8Array>();
  const views: LoadedView[] = cams.map((cam, i) => {
    const id = `v${i}`;
    const rgba = photos[i];
    files.set(`images/${id}.png`, encodePng(rgba));
    const view: LoadedView = { id, image: `images/${id}.png`, camera: cam, rgba };
    if (opts.masks) {
      const m = maskOf(rgba);
      files.set(`masks/${id}.png`, encodeGreyPng(rgba.width, rgba.height, m.map((x) => x * 255)));
      Object.assign(view, { mask: `masks/${id}.png`, maskData: m });
    }
    return view;
  });
  const manifest: SceneManifest = {
    version: 1,
    name: 'eval-ball',
    views: views.map(({ id, image, mask, camera }) => ({ id, image, ...(mask ? { mask } : {}), camera })),
    splits: { '3': { train: TRAIN_IDS, test: TEST_IDS } },
    bounds: { min: [-1, -1, -1], max: [1, 1, 1] },
    background: [0, 0, 0],
  };
  return { scene: { manifest, views }, truth, files };
}

export async function writeEvalScene(dir: string, s: EvalScene): Promise<void> {
  await writeSceneFolder(dir, s.scene.manifest, s.files);
}

/** A similarity X' = s R X + u for the pose-free tests: the frame of an "estimated" reconstruction. */
export const EVAL_SIMILARITY: { s: number; R: Mat3; u: Vec3 } = {
  s: 0.6, R: mat3Mul(rotationFromAxisAngle([0.3, -0.8, 0.5]), rotationFromAxisAngle([0, 0.4, 0])), u: [0.7, -1.2, 0.4],
};

/** The cloud in the frame X' = s R X + u: means moved, scales times s, orientations rotated by R. */
export function movedCloud(c: GaussianCloud, sim: { s: number; R: Mat3; u: Vec3 }): GaussianCloud {
  const [w0, x0, y0, z0] = rotationToQuat(sim.R);
  const out: GaussianCloud = { ...c, means: new Float32Array(c.means), logScales: new Float32Array(c.logScales), quats: new Float32Array(c.quats) };
  for (let i = 0; i < c.count; i++) {
    const m = [c.means[3 * i], c.means[3 * i + 1], c.means[3 * i + 2]];
    for (let r = 0; r < 3; r++) out.means[3 * i + r] = sim.s * (sim.R[3 * r] * m[0] + sim.R[3 * r + 1] * m[1] + sim.R[3 * r + 2] * m[2]) + sim.u[r];
    for (let k = 0; k < 3; k++) out.logScales[3 * i + k] = c.logScales[3 * i + k] + Math.log(sim.s);
    const [w1, x1, y1, z1] = c.quats.subarray(4 * i, 4 * i + 4);
    out.quats.set([w0 * w1 - x0 * x1 - y0 * y1 - z0 * z1, w0 * x1 + x0 * w1 + y0 * z1 - z0 * y1, w0 * y1 - x0 * z1 + y0 * w1 + z0 * x1, w0 * z1 + x0 * y1 - y0 * x1 + z0 * w1], 4 * i);
  }
  return out;
}
