/**
 * The pose-free evaluation protocol of the literature (CF-3DGS, InstantSplat, ...): a cloud
 * reconstructed from photos lives in the frame (and scale) of its ESTIMATED cameras, and the
 * held-out photos have no estimated pose at all. So:
 *
 * 1. alignSceneToEstimate: the similarity that maps the DATASET frame (the known cameras) into
 *    the ESTIMATED frame (the cloud's), fitted on the training views, which have both. The cloud
 *    is never moved: the held-out views' known cameras are moved into the cloud's frame instead
 *    (mapCamerasToEstimate), so the cloud is rendered exactly as it was trained.
 * 2. refineTestPose: each held-out view's mapped camera is then refined against the FROZEN cloud
 *    (test-time pose alignment): Adam on the camera increment (omega, dt) [and log focal when
 *    asked], minimising the trainer's photometric loss (L1 + D-SSIM, the GPU loss kernels) of
 *    the render against the held-out photo, with the rasterizer's camera gradient
 *    (R' = exp([omega]x) R, t' = t + dt, f' = e^s f: applyCameraIncrement in core/camera.ts).
 *    Coarse to fine: the first part of the steps at half size.
 * Scores are reported before and after step 2 (protocol.ts).
 */
import type { Camera, Mat3, Vec3 } from '../../core/camera.ts';
import {
  applyCameraIncrement,
  cameraCenter,
  mat3Mul,
  mat3MulVec,
  mat3Transpose,
  radToDeg,
  resizeCamera,
  rotationAngleBetween,
  transformCameraPose,
  worldToCamera,
} from '../../core/camera.ts';
import { InputError } from '../../core/errors.ts';
import type { GaussianCloud } from '../../core/gaussianCloud.ts';
import { resizeImage, type RGBAImage } from '../../core/image.ts';
import { createRangeReadback, storageBuffer } from '../../gpu/buffers.ts';
import { createLoss, decodeLossTerms } from '../../gpu/loss/loss.ts';
import { CAMERA_GRAD_STRIDE, createRasterizer } from '../../gpu/rasterizer.ts';
import { resizeMask } from '../prepareViews.ts';
import { applySimilarity, umeyama, type Similarity } from '../poses/alignSimilarity.ts';
import { nearestRotation } from '../poses/linalg.ts';

type Pose = Pick<Camera, 'R' | 't'>;

export type AlignMethod = 'rotations' | 'umeyama';

export interface SceneAlignment {
  /** Dataset frame -> estimated (cloud) frame: X_est = s R X_dataset + t. */
  similarity: Similarity;
  method: AlignMethod;
  /** Per training view after alignment: rotation residual (degrees), centre residual (estimated-frame units). */
  residuals: { rotationDeg: number[]; centre: number[] };
  /** Spread of the estimated training centres (RMS distance to their mean), to read `centre` against. */
  centreSpread: number;
}

/**
 * The similarity mapping the dataset's frame into the estimated one, from the training views'
 * estimated and known cameras (same order).
 * - 'rotations' (default): the rotation is the chordal mean of the per-view rotations
 *   R_est_i^T R_known_i (each camera's orientation must agree, not only its centre), then scale and
 *   translation by least squares on the centres with that rotation. Needs 2 views with distinct centres.
 * - 'umeyama': Umeyama on the camera centres only (the ATE alignment of evo); needs 3 views.
 * Both are exact for cameras that differ by a similarity. Throws InputError when the views cannot
 * determine one.
 */
export function alignSceneToEstimate(estimatedTrain: readonly Pose[], knownTrain: readonly Pose[], method: AlignMethod = 'rotations'): SceneAlignment {
  const n = estimatedTrain.length;
  if (knownTrain.length !== n) throw new Error(`alignSceneToEstimate: ${n} estimated cameras but ${knownTrain.length} known ones`);
  const ce = estimatedTrain.map((c) => cameraCenter(c));
  const ck = knownTrain.map((c) => cameraCenter(c));
  const mean = (ps: Vec3[]): Vec3 => [0, 1, 2].map((k) => ps.reduce((s, p) => s + p[k], 0) / ps.length) as Vec3;
  const me = mean(ce), mk = mean(ck);
  let similarity: Similarity | null;
  if (method === 'umeyama') {
    if (n < 3) throw new InputError(`pose-free alignment by camera centres needs at least 3 training views, got ${n}`);
    similarity = umeyama(ck, ce);
    if (!similarity) throw new InputError('pose-free alignment: the training cameras\' centres coincide, no similarity can be fitted');
  } else {
    if (n < 2) throw new InputError(`pose-free alignment needs at least 2 training views, got ${n}`);
    const M = new Array(9).fill(0);
    for (let i = 0; i < n; i++) {
      const Si = mat3Mul(mat3Transpose(estimatedTrain[i].R), knownTrain[i].R);
      for (let k = 0; k < 9; k++) M[k] += Si[k];
    }
    const S = nearestRotation(M).R;
    let num = 0, den = 0;
    for (let i = 0; i < n; i++) {
      const a = mat3MulVec(S, [ck[i][0] - mk[0], ck[i][1] - mk[1], ck[i][2] - mk[2]]);
      const b = [ce[i][0] - me[0], ce[i][1] - me[1], ce[i][2] - me[2]];
      num += a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
      den += a[0] ** 2 + a[1] ** 2 + a[2] ** 2;
    }
    if (!(den > 0)) throw new InputError('pose-free alignment: the known training cameras share one centre, the scale is undetermined');
    const s = num / den;
    if (!(s > 0)) throw new InputError('pose-free alignment: the estimated and known training cameras disagree (negative scale): check that the views correspond');
    const sm = mat3MulVec(S, mk);
    similarity = { s, R: S, t: [me[0] - s * sm[0], me[1] - s * sm[1], me[2] - s * sm[2]] };
  }
  const sim = similarity;
  const mapped = knownTrain.map((c) => transformCameraPose(c, sim.s, sim.R, sim.t));
  const residuals = {
    rotationDeg: mapped.map((c, i) => radToDeg(rotationAngleBetween(c.R, estimatedTrain[i].R))),
    centre: mapped.map((c, i) => {
      const a = cameraCenter(c);
      return Math.hypot(a[0] - ce[i][0], a[1] - ce[i][1], a[2] - ce[i][2]);
    }),
  };
  const centreSpread = Math.sqrt(ce.reduce((s, c) => s + (c[0] - me[0]) ** 2 + (c[1] - me[1]) ** 2 + (c[2] - me[2]) ** 2, 0) / n);
  return { similarity: sim, method, residuals, centreSpread };
}

/** Known (dataset-frame) cameras moved into the estimated frame of an alignment; intrinsics kept. */
export function mapCamerasToEstimate<T extends Pose>(alignment: Pick<SceneAlignment, 'similarity'>, cameras: readonly T[]): T[] {
  const { s, R, t } = alignment.similarity;
  return cameras.map((c) => transformCameraPose(c, s, R, t));
}

/** A dataset-frame point in the estimated frame (e.g. the dataset's object bounds). */
export function mapPointToEstimate(alignment: Pick<SceneAlignment, 'similarity'>, X: ArrayLike<number>): Vec3 {
  return applySimilarity(alignment.similarity, X);
}

export interface RefinePoseOptions {
  /** Adam steps in all (default 100). 0: the camera is returned as it is. */
  steps?: number;
  /** Rotation step (radians) at the start; decays to a tenth by the end (default 1e-2). */
  lr?: number;
  /**
   * Translation step at the start (world units; default lr x the median depth of the cloud in
   * the initial camera, so that a translation step moves the image about as much as a rotation step).
   */
  lrTranslation?: number;
  /** Refine log focal too (default false: the dataset's intrinsics are kept). */
  refineFocal?: boolean;
  /** D-SSIM weight of the loss (default 0.2, the trainer's). */
  ssimWeight?: number;
  /** Background the cloud is rendered over (the scene's, 0..1; default black). */
  background?: readonly [number, number, number];
  /** Fraction of the steps run at half size first (default 0.5; 0 = full size only). Skipped below 16 px. */
  coarseFraction?: number;
  signal?: AbortSignal;
}

export interface RefinePoseResult {
  /** The camera with the lowest full-size loss seen (the initial one when nothing improved it). */
  camera: Camera;
  /** Loss of each step's camera (before its update), at that step's size. */
  losses: number[];
  /** Size of each step: 1 full, 0.5 half. */
  scales: number[];
  /** Full-size loss of the initial and of the returned camera. */
  initialLoss: number;
  finalLoss: number;
  /** Change made: rotation (degrees) and centre distance (world units) from the initial camera. */
  rotationDeg: number;
  centreShift: number;
}

const ADAM_B1 = 0.9, ADAM_B2 = 0.999, ADAM_EPS = 1e-12;

function medianDepth(cloud: GaussianCloud, cam: Camera): number {
  const z: number[] = [];
  for (let i = 0; i < cloud.count; i++) {
    const d = worldToCamera(cam, [cloud.means[3 * i], cloud.means[3 * i + 1], cloud.means[3 * i + 2]])[2];
    if (d > 0) z.push(d);
  }
  if (!z.length) return Math.hypot(...cam.t) || 1;
  z.sort((a, b) => a - b);
  return z[z.length >> 1];
}

/**
 * Refines one held-out view's camera against a frozen cloud (see the file comment). `photo` (and
 * `mask`, width*height, nonzero = object: off the mask the photo counts as the background, the
 * DTU convention) at the size of `initialCamera`.
 */
export async function refineTestPose(
  device: GPUDevice,
  cloud: GaussianCloud,
  photo: RGBAImage,
  mask: Uint8Array | null | undefined,
  initialCamera: Camera,
  opts: RefinePoseOptions = {},
): Promise<RefinePoseResult> {
  const { width, height } = initialCamera;
  if (photo.width !== width || photo.height !== height) throw new Error(`refineTestPose: photo is ${photo.width}x${photo.height}, camera ${width}x${height}`);
  const steps = Math.max(0, Math.floor(opts.steps ?? 100));
  const lr = opts.lr ?? 1e-2;
  const lrT = opts.lrTranslation ?? lr * medianDepth(cloud, initialCamera);
  const bg = (opts.background ?? [0, 0, 0]) as [number, number, number];
  const ssimWeight = opts.ssimWeight ?? 0.2;
  const dims = opts.refineFocal ? 7 : 6;
  const half = { width: Math.floor(width / 2), height: Math.floor(height / 2) };
  const coarseSteps = half.width >= 16 && half.height >= 16 ? Math.floor(steps * (opts.coarseFraction ?? 0.5)) : 0;

  interface Level {
    scale: number;
    size: { width: number; height: number };
    raster: ReturnType<typeof createRasterizer>;
    loss: ReturnType<typeof createLoss>;
    target: ReturnType<ReturnType<typeof createLoss>['uploadTarget']>;
  }
  const levels: Level[] = [];
  const gradBuffer = storageBuffer(device, 'refineTestPose camera gradient', 4 * CAMERA_GRAD_STRIDE);
  const readback = createRangeReadback(device, 'refineTestPose read-back', 64);
  const makeLevel = (scale: number, size: { width: number; height: number }): Level => {
    const raster = createRasterizer(device, { ...size, shDegree: cloud.shDegree, maxSplats: Math.max(1, cloud.count), antialiased: cloud.antialiased });
    raster.upload(cloud);
    const loss = createLoss(device, size);
    const img = resizeImage(photo, size.width, size.height);
    const m = mask ? resizeMask(mask, width, height, size.width, size.height) : null;
    const level = { scale, size, raster, loss, target: loss.uploadTarget(img.data, m, 'refineTestPose photo') };
    levels.push(level);
    return level;
  };

  /** Loss of `cam` at a level, and (withGrad) its camera gradient. */
  const evaluate = async (level: Level, cam: Camera, withGrad: boolean): Promise<{ loss: number; grad: Float32Array | null }> => {
    const c = level.scale === 1 ? cam : resizeCamera(cam, level.size.width, level.size.height);
    const fwd = await level.raster.forward(c, bg);
    if (fwd.visibleSplats === 0) return { loss: Infinity, grad: null };
    const bufs = level.raster.buffers;
    const out = level.loss.run(null, bufs.rgbFromPixel, bufs.alphaFromPixel, level.target, bg, { ssimWeight, maskWeight: 0 });
    if (withGrad) level.raster.backward(out.dLdRgb, null, { buffer: gradBuffer, view: 0 });
    const bytes = await readback.read(withGrad ? [{ buffer: out.lossTerms, size: 32 }, { buffer: gradBuffer, size: 4 * CAMERA_GRAD_STRIDE }] : [{ buffer: out.lossTerms, size: 32 }]);
    return { loss: decodeLossTerms(bytes).loss, grad: withGrad ? new Float32Array(bytes, 32, CAMERA_GRAD_STRIDE) : null };
  };

  try {
    const full = makeLevel(1, { width, height });
    const coarse = coarseSteps > 0 ? makeLevel(0.5, half) : null;
    const initialLoss = (await evaluate(full, initialCamera, false)).loss;
    let best = { camera: initialCamera, loss: initialLoss };
    let cam = initialCamera;
    const m1 = new Float64Array(dims), m2 = new Float64Array(dims);
    const losses: number[] = [], scales: number[] = [];
    for (let k = 0; k < steps; k++) {
      opts.signal?.throwIfAborted();
      const level = k < coarseSteps ? coarse! : full;
      const { loss, grad } = await evaluate(level, cam, true);
      losses.push(loss);
      scales.push(level.scale);
      if (level === full && loss < best.loss) best = { camera: cam, loss };
      if (!grad || !Number.isFinite(loss) || !grad.subarray(0, dims).every(Number.isFinite)) break;
      const g = grad;
      const decay = Math.pow(0.1, k / Math.max(1, steps));
      const step = new Float64Array(7);
      for (let j = 0; j < dims; j++) {
        m1[j] = ADAM_B1 * m1[j] + (1 - ADAM_B1) * g[j];
        m2[j] = ADAM_B2 * m2[j] + (1 - ADAM_B2) * g[j] * g[j];
        const mh = m1[j] / (1 - ADAM_B1 ** (k + 1)), vh = m2[j] / (1 - ADAM_B2 ** (k + 1));
        const rate = (j >= 3 && j < 6 ? lrT : lr) * decay;
        step[j] = (-rate * mh) / (Math.sqrt(vh) + ADAM_EPS);
      }
      cam = applyCameraIncrement(cam, [step[0], step[1], step[2]], [step[3], step[4], step[5]], step[6]);
    }
    if (steps > 0) {
      const last = (await evaluate(full, cam, false)).loss;
      if (last < best.loss) best = { camera: cam, loss: last };
    }
    const a = cameraCenter(initialCamera), b = cameraCenter(best.camera);
    return {
      camera: best.camera,
      losses,
      scales,
      initialLoss,
      finalLoss: best.loss,
      rotationDeg: radToDeg(rotationAngleBetween(initialCamera.R, best.camera.R)),
      centreShift: Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]),
    };
  } finally {
    for (const l of levels) {
      l.target.destroy();
      l.loss.destroy();
      l.raster.destroy();
    }
    gradBuffer.destroy();
    readback.destroy();
  }
}

/** A view as scene.json lists it: id, image file, camera when known. */
interface ListedView {
  id: string;
  image: string;
  camera?: Pose | null;
}

const stem = (path: string) => path.replace(/^.*[\\/]/, '').replace(/\.[^.]*$/, '').toLowerCase();

/**
 * The estimated cameras of the reference scene's views `ids` (its split's training views), read
 * from a scene whose cameras were estimated from the photos: each reference view is matched by
 * view id, else by image file name (without folder and extension, case-insensitive). Throws
 * InputError naming the views that have no match or no camera.
 */
export function matchEstimatedCameras(estimated: readonly ListedView[], reference: readonly ListedView[], ids: readonly string[]): Map<string, Pose> {
  const byId = new Map(estimated.map((v) => [v.id, v]));
  const byStem = new Map(estimated.map((v) => [stem(v.image), v]));
  const refById = new Map(reference.map((v) => [v.id, v]));
  const out = new Map<string, Pose>();
  const missing: string[] = [];
  for (const id of ids) {
    const ref = refById.get(id);
    const est = byId.get(id) ?? (ref ? byStem.get(stem(ref.image)) : undefined);
    if (est?.camera) out.set(id, est.camera);
    else missing.push(est ? `"${id}" (matched "${est.id}", which has no camera)` : `"${id}"${ref ? ` (${ref.image})` : ''}`);
  }
  if (missing.length)
    throw new InputError(`pose-free evaluation: the estimated scene has no camera for training view${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (views are matched by id, else by image file name)`);
  return out;
}
