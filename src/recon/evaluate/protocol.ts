/**
 * The evaluation protocol of the sparse-view papers (RegNeRF / FreeNeRF / SpaRe): a cloud is
 * rendered from the held-out test cameras of a named split at the evaluation resolution and
 * scored against the photos, per view and as a mean:
 * - PSNR with the object mask, DTU convention (background of both images black), and full image;
 * - SSIM in the mask's bounding box (background black) and full image;
 * - PSNR over the mask's pixels only;
 * - LPIPS (full image, and background-black with a mask) when an LPIPS model is given.
 * The evaluation resolution is `size`, else the size of the split's first training photo.
 * Test photos of another size are resized to it (box filter for integer factors, as the papers
 * downsample DTU and LLFF; bilinear otherwise; masks thresholded at half; intrinsics scaled) and
 * listed in `resized`, never silently. No masks: masked values null ("n/a"). No LPIPS model:
 * LPIPS null ("no model").
 *
 * Pose-free (option `poseFree`, poseFree.ts): the cloud was made from photos with ESTIMATED
 * cameras, so it lives in their frame. The similarity from the dataset's frame (`scene`'s known
 * cameras) into the estimated one is fitted on the split's training views, the held-out views'
 * known cameras are moved into the cloud's frame with it and scored ("before"), then each is
 * refined against the frozen cloud (test-time pose alignment) and scored again. `views` and `mean`
 * are then the refined scores (the number the pose-free papers report), `poseFree.before` the
 * aligned-only ones. Without the option nothing of this runs and the report is as before.
 */
import { InputError } from '../../core/errors.ts';
import type { GaussianCloud } from '../../core/gaussianCloud.ts';
import type { RGBAImage } from '../../core/image.ts';
import type { Camera, Mat3, Vec3 } from '../../core/camera.ts';
import { applyMaskBlack } from '../../core/metrics/index.ts';
import type { LoadedScene } from '../../io/sceneFolder.ts';
import { prepareSplit } from '../prepareViews.ts';
import { createViewRenderer, type ViewRenderer } from '../renderViews.ts';
import type { LpipsScorer } from './lpips.ts';
import { stats } from '../poses/poseErrors.ts';
import { alignSceneToEstimate, mapCamerasToEstimate, refineTestPose, type AlignMethod, type RefinePoseOptions } from './poseFree.ts';
import { scoreView, type ViewScore } from './scoreView.ts';
import type { TrainView } from '../train/trainer.ts';

export interface Size {
  width: number;
  height: number;
}

/** The pose-free protocol's inputs (see the file comment). */
export interface PoseFreeOptions {
  /**
   * The estimated cameras (the cloud's frame) of the split's training views, by view id: each
   * training view of the split needs one. R and t place them; fx and width, when every one has
   * them, give the cloud's own focal length (see `intrinsics`).
   */
  estimatedTrain: ReadonlyMap<string, Pick<Camera, 'R' | 't'> & Partial<Pick<Camera, 'fx' | 'width'>>>;
  /**
   * The held-out views' focal length: 'estimated' (the default when the estimated cameras carry
   * one) scales the dataset's by the median ratio of the estimated training focal lengths to the
   * dataset's (per pixel of width), since the cloud was made with the estimated one and the
   * held-out photos come from the same camera; 'dataset' keeps the dataset's, which the
   * reconstruction never saw.
   */
  intrinsics?: 'estimated' | 'dataset';
  /** Test-time refinement steps per held-out view (default 100; 0 = align only). */
  refineSteps?: number;
  /** How the similarity is fitted (default 'rotations'; poseFree.ts). */
  align?: AlignMethod;
  /** Other refinement settings (learning rates, focal, SSIM weight, coarse fraction). */
  refine?: Omit<RefinePoseOptions, 'steps' | 'signal' | 'background'>;
}

/** What the pose-free protocol did, and the scores before test-time refinement. */
export interface PoseFreeReport {
  alignment: {
    method: AlignMethod;
    /** Factor applied to the held-out views' focal lengths (1 with intrinsics 'dataset'). */
    focalScale: number;
    /** Dataset frame -> estimated frame: X_est = scale rotation X + translation. */
    scale: number;
    rotation: Mat3;
    translation: Vec3;
    /** Per training view (trainViews order): rotation (degrees) and centre (estimated units) residuals. */
    residualRotationDeg: number[];
    residualCentre: number[];
    /** RMS distance of the estimated training centres to their mean (to read residualCentre against). */
    centreSpread: number;
  };
  refineSteps: number;
  /** Scores of the aligned, unrefined test cameras. */
  before: { views: ViewRow[]; mean: MetricRow };
  /** Per test view: how far refinement moved the camera, and its loss before and after. */
  refinement: { id: string; rotationDeg: number; centreShift: number; initialLoss: number; finalLoss: number }[];
}

export interface EvaluateOptions {
  split: string;
  /** Pose-free protocol: align to the estimated training cameras, refine each test pose (see above). */
  poseFree?: PoseFreeOptions;
  /** Evaluation resolution; default: the size of the split's first training photo. */
  size?: Size;
  lpips?: LpipsScorer | null;
  signal?: AbortSignal;
  /** Views done of all; pose-free: refinements then scorings (total 2 x the test views). */
  onProgress?: (done: number, total: number) => void;
  /** Each test view as it was scored: the render and the photo (and mask) at the evaluation size. */
  onView?: (view: ScoredImages) => void;
}

/** The images a test view's row was computed from (for an app to show them). */
export interface ScoredImages {
  id: string;
  render: RGBAImage;
  photo: RGBAImage;
  mask?: Uint8Array;
}

/** The metric columns of a row; null = not computable here (no mask: "n/a"; no model: "no model"). */
export interface MetricRow {
  psnrMasked: number | null;
  psnr: number;
  ssimMasked: number | null;
  ssim: number;
  psnrInMask: number | null;
  lpips: number | null;
  lpipsMasked: number | null;
}

export interface ViewRow extends MetricRow {
  id: string;
}

export interface ResizedView {
  id: string;
  from: Size;
  to: Size;
  method: 'area' | 'bilinear';
}

export interface EvaluationReport {
  scene: string;
  split: string;
  size: Size;
  trainViews: string[];
  testViews: string[];
  splats: number;
  /** Every test view has a mask (else the masked columns are null). */
  masks: boolean;
  /** The LPIPS model used, or null: every LPIPS value is then null ("no model"). */
  lpipsModel: { name: string; file: string; sha256: string } | null;
  resized: ResizedView[];
  views: ViewRow[];
  mean: MetricRow;
  /** Only with the pose-free option: then `views` and `mean` are after test-time refinement. */
  poseFree?: PoseFreeReport;
}

export const METRIC_KEYS = ['psnrMasked', 'psnr', 'ssimMasked', 'ssim', 'psnrInMask', 'lpips', 'lpipsMasked'] as const satisfies readonly (keyof MetricRow)[];

/**
 * Mean over views. A column with a null in any view is null (it was not computed for every view);
 * NaN and Infinity propagate, so a broken view cannot hide in an average.
 */
export function meanRow(rows: readonly MetricRow[]): MetricRow {
  const mean = (k: keyof MetricRow): number | null => {
    if (rows.length === 0 || rows.some((r) => r[k] === null)) return null;
    return rows.reduce((s, r) => s + (r[k] as number), 0) / rows.length;
  };
  return {
    psnrMasked: mean('psnrMasked'),
    psnr: mean('psnr') ?? NaN,
    ssimMasked: mean('ssimMasked'),
    ssim: mean('ssim') ?? NaN,
    psnrInMask: mean('psnrInMask'),
    lpips: mean('lpips'),
    lpipsMasked: mean('lpipsMasked'),
  };
}

function isFinite32(a: Float32Array): boolean {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) return false;
  return true;
}

/** Throws InputError when a cloud cannot be evaluated (no splats, non-finite values). */
export function assertEvaluableCloud(cloud: GaussianCloud): void {
  if (cloud.count === 0) throw new InputError('the cloud has no splats (0 Gaussians): there is nothing to render and score. Give a reconstructed cloud');
  if (![cloud.means, cloud.logScales, cloud.quats, cloud.opacityLogits, cloud.sh].every(isFinite32)) throw new InputError('the cloud has NaN or infinite values: it cannot be rendered. Reconstruct it again');
}

/** The evaluation size: the given one, else the size of the split's first training photo. */
export function protocolSize(scene: LoadedScene, split: string, size?: Size): Size {
  if (size) return size;
  const first = scene.manifest.splits[split]?.train[0];
  const view = scene.views.find((v) => v.id === first);
  if (!view) throw new InputError(`scene "${scene.manifest.name}" has no split "${split}" (it has: ${Object.keys(scene.manifest.splits).join(', ') || 'none'})`, { field: 'splits' });
  return { width: view.rgba.width, height: view.rgba.height };
}

export async function evaluateCloud(device: GPUDevice, scene: LoadedScene, cloud: GaussianCloud, opts: EvaluateOptions): Promise<EvaluationReport> {
  assertEvaluableCloud(cloud);
  const size = protocolSize(scene, opts.split, opts.size);
  const prepared = prepareSplit(scene, opts.split, size);
  if (prepared.test.length === 0) throw new InputError(`split "${opts.split}" of scene "${scene.manifest.name}" has no test views: nothing to evaluate`, { field: `splits.${opts.split}.test` });

  const byId = new Map(scene.views.map((v) => [v.id, v]));
  const resized: ResizedView[] = [];
  for (const v of prepared.test) {
    const from = byId.get(v.id)!.rgba;
    if (from.width === size.width && from.height === size.height) continue;
    const f = from.width / size.width;
    const method = Number.isInteger(f) && f === from.height / size.height ? 'area' : 'bilinear';
    resized.push({ id: v.id, from: { width: from.width, height: from.height }, to: size, method });
  }

  let cameras = prepared.test.map((v) => v.camera);
  let poseFree: PoseFreeReport | undefined;
  if (opts.poseFree) {
    const pf = opts.poseFree;
    const estimated = prepared.train.map((v) => {
      const c = pf.estimatedTrain.get(v.id);
      if (!c) throw new InputError(`pose-free evaluation: training view "${v.id}" of split "${opts.split}" has no estimated camera (the estimated scene must have every training view of the split)`, { field: `splits.${opts.split}.train` });
      return c;
    });
    const alignment = alignSceneToEstimate(estimated, prepared.train.map((v) => v.camera), pf.align);
    const focalScale = estimatedFocalScale(estimated, prepared.train.map((v) => v.camera), pf.intrinsics);
    cameras = mapCamerasToEstimate(alignment, cameras).map((c) => (focalScale === 1 ? c : { ...c, fx: c.fx * focalScale, fy: c.fy * focalScale }));
    const beforeViews = await withRenderer(device, cloud, prepared.background, (r) => scoreRows(prepared.test, cameras, r, opts));
    const steps = pf.refineSteps ?? 100;
    const refinement: PoseFreeReport['refinement'] = [];
    const refined: Camera[] = [];
    for (const [i, v] of prepared.test.entries()) {
      const r = await refineTestPose(device, cloud, v.rgba, v.mask, cameras[i], { ...pf.refine, steps, background: prepared.background, signal: opts.signal });
      refined.push(r.camera);
      refinement.push({ id: v.id, rotationDeg: r.rotationDeg, centreShift: r.centreShift, initialLoss: r.initialLoss, finalLoss: r.finalLoss });
      opts.onProgress?.(i + 1, 2 * prepared.test.length);
    }
    cameras = refined;
    const sim = alignment.similarity;
    poseFree = {
      alignment: {
        method: alignment.method, focalScale, scale: sim.s, rotation: sim.R, translation: sim.t,
        residualRotationDeg: alignment.residuals.rotationDeg, residualCentre: alignment.residuals.centre, centreSpread: alignment.centreSpread,
      },
      refineSteps: steps,
      before: { views: beforeViews, mean: meanRow(beforeViews) },
      refinement,
    };
  }

  // Each view is rendered just before it is scored, so progress moves view by view. Pose-free:
  // progress counts the refinements first, then the final scoring (2 x the test views).
  const final = cameras;
  const views = await withRenderer(device, cloud, prepared.background, (r) => scoreRows(prepared.test, final, r, opts, true, poseFree ? prepared.test.length : 0));
  return {
    scene: scene.manifest.name,
    split: opts.split,
    size,
    trainViews: prepared.train.map((v) => v.id),
    testViews: prepared.test.map((v) => v.id),
    splats: cloud.count,
    masks: prepared.test.every((v) => v.mask),
    lpipsModel: opts.lpips?.model ?? null,
    resized,
    views,
    mean: meanRow(views),
    ...(poseFree ? { poseFree } : {}),
  };
}

async function withRenderer<T>(device: GPUDevice, cloud: GaussianCloud, background: readonly [number, number, number], f: (r: ViewRenderer) => Promise<T>): Promise<T> {
  const r = createViewRenderer(device, cloud, background);
  try {
    return await f(r);
  } finally {
    r.destroy();
  }
}

/**
 * One row per test view: rendered from its camera, then scored (LPIPS with a model); `report`
 * calls onView and onProgress after each view.
 */
async function scoreRows(test: readonly TrainView[], cameras: readonly Camera[], renderer: ViewRenderer, opts: EvaluateOptions, report = false, progressOffset = 0): Promise<ViewRow[]> {
  const views: ViewRow[] = [];
  for (const [i, v] of test.entries()) {
    opts.signal?.throwIfAborted();
    const render = await renderer.render(cameras[i]);
    const s: ViewScore = scoreView(v.id, render, v.rgba, v.mask);
    let lpips: number | null = null, lpipsMasked: number | null = null;
    if (opts.lpips) {
      lpips = await opts.lpips.score(render, v.rgba);
      if (v.mask) lpipsMasked = await opts.lpips.score(applyMaskBlack(render, v.mask), applyMaskBlack(v.rgba, v.mask));
    }
    if (report) opts.onView?.({ id: v.id, render, photo: v.rgba, mask: v.mask });
    views.push({ id: v.id, psnrMasked: s.psnrMasked, psnr: s.psnr, ssimMasked: s.ssimMasked, ssim: s.ssim, psnrInMask: s.psnrInMask, lpips, lpipsMasked });
    if (report) opts.onProgress?.(progressOffset + i + 1, progressOffset + test.length);
  }
  return views;
}

/**
 * Median over the training views of the estimated focal length over the dataset's, each per pixel
 * of its camera's width (the estimated cameras are in the photos' size, the dataset's in the
 * evaluation size): 1 with 'dataset', or when an estimated camera has no focal length.
 */
export function estimatedFocalScale(
  estimated: readonly Partial<Pick<Camera, 'fx' | 'width'>>[], known: readonly Pick<Camera, 'fx' | 'width'>[], intrinsics: 'estimated' | 'dataset' = 'estimated',
): number {
  if (intrinsics === 'dataset' || !estimated.every((c) => c.fx && c.width)) return 1;
  return stats(estimated.map((c, i) => (c.fx! / c.width!) / (known[i].fx / known[i].width))).median;
}
