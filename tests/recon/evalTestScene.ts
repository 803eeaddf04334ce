/**
 * A tiny scene for the evaluation tests, built in memory on the GPU: the "photos" are renders of
 * a known cloud (so the true cloud scores perfectly and any camera/photo mix-up shows), masks are
 * the rendered object's pixels, and one test view can be given at twice the size to exercise the
 * protocol's resizing. Also writes it as a scene folder for the CLI tests.
 */
import { lookAtCamera, resizeCamera, type Camera, type Vec3 } from '../../src/core/camera.ts';
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
