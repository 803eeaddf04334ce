/**
 * Masks stage (issue 11): a foreground mask per photo, from the photos alone ('auto': border
 * colour model + OpenCV.js grabCut, ./colourCut.ts) or from a salient-object ONNX model
 * ('model': ./salient.ts, manifest models/isnet.json; by default its map seeds the same graph
 * cut, which finds the parts of the object the model leaves out), and, once cameras exist, a
 * check of the masks against each other (./consistency.ts).
 *
 * A plain async function over typed arrays: runs in workers/masks.worker.ts in the app and in
 * Node from the CLI, the benchmark and the tests. Masks follow the project's convention
 * (width*height bytes, 1 = object: LoadedView.maskData, HullView.mask). Each mask comes with its
 * probability map (0..255) so the UI can re-threshold (`thresholdProbability`) without running
 * the stage again, the fraction of the frame it covers, a confidence, and a warning when it
 * looks wrong (empty, the full frame, touching all four borders).
 *
 * Big photos: the graph cut works on a copy of at most `maxPixels` (default 120k: about 400x300)
 * and upsamples the probability map; the model itself resizes to its input anyway.
 */
import type { Camera } from '../../core/camera.ts';
import { InputError } from '../../core/errors.ts';
import { resizeImage, type RGBAImage } from '../../core/image.ts';
import { maxFilter } from '../../core/morphology.ts';
import type { ModelManifest } from '../../models/modelManifest.ts';
import type { Bounds } from '../hull/index.ts';
import { colourCut } from './colourCut.ts';
import { enforceHullConsistency } from './consistency.ts';
import { maskArea, maskWarning, probabilityConfidence, quantizeProbability, resizeFloatMap, thresholdProbability } from './maskMaps.ts';
import { loadOpenCv } from './opencv.ts';
import { loadSalientModel, type SalientModel } from './salient.ts';
import { defaultMaskMargin } from './maskMargin.ts';

export { colourCut, borderColourScore, type ColourCutOptions, type ColourCutResult } from './colourCut.ts';
export { enforceHullConsistency, type ConsistencyOptions, type ConsistencyResult, type ConsistencyView } from './consistency.ts';
export {
  bordersTouched,
  maskArea,
  maskIoU,
  maskWarning,
  MAX_OBJECT_AREA,
  MIN_OBJECT_AREA,
  probabilityConfidence,
  quantizeProbability,
  resizeFloatMap,
  thresholdProbability,
} from './maskMaps.ts';
export { loadOpenCv } from './opencv.ts';
export { ISNET_MANIFEST, loadSalientModel, salientInput, type LoadSalientOptions, type SalientModel } from './salient.ts';

export type MaskMethod = 'auto' | 'model' | 'none';

export interface EstimateMasksOptions {
  /** 'auto': model-free; 'model': the salient-object model (needs `model`); 'none': full-frame masks. Default 'auto'. */
  method?: MaskMethod;
  /** Probability threshold of the masks, 0..1. Default 0.5. */
  threshold?: number;
  /** The model file's bytes, or a model already loaded (a worker keeps one between runs). */
  model?: Uint8Array | SalientModel;
  /** The model's manifest (default models/isnet.json); tests give a tiny stand-in's. */
  manifest?: ModelManifest;
  /**
   * Safety margin: the probability map is grown by this fraction of the photo's diagonal (a max
   * filter, so every threshold's mask grows by it). Default MASK_MARGIN, except on a photo whose
   * border is one flat colour (./maskMargin.ts, flatBorder: a render's background), which gets
   * none; 0 for none.
   */
  margin?: number;
  /** Names of the photos for messages (default "photo 1", "photo 2", ...). */
  names?: readonly string[];
  /**
   * 'model': refine the model's map with the model-free cut (./colourCut.ts: the map seeds the
   * object, the border's plain colours the background). Default true; false gives the model's
   * map as it is.
   */
  refine?: boolean;
  /** 'auto' (and 'model' refined) downsizes photos larger than this many pixels before the graph cut. Default 120 000. */
  maxPixels?: number;
  /**
   * Posed cameras (one per photo, at the photo's size): with at least 3, the masks are checked
   * against each other (./consistency.ts) and pixels no other view supports are removed.
   */
  cameras?: readonly Camera[];
  /** Bounds for the consistency check (estimated from the masks when absent). */
  bounds?: Bounds;
  signal?: AbortSignal;
  /** `done` of `total` photos (plus one step for the consistency check when it runs). */
  onProgress?: (done: number, total: number) => void;
}

export interface PhotoMask {
  width: number;
  height: number;
  /** width*height, 1 = object, 0 = background: the probability map at the run's threshold. */
  mask: Uint8Array;
  /** width*height foreground probability, 0..255 (see thresholdProbability). */
  probability: Uint8Array;
  /** Fraction of the frame the mask covers. */
  area: number;
  /** How decisive the probability map is, 0..1 (mean |2p - 1|). */
  confidence: number;
  /** Why the mask looks wrong, or null. */
  warning: string | null;
  /** Pixels the cross-view check removed (0 when it did not run). */
  inconsistentPixels: number;
}

export interface MasksResult {
  method: MaskMethod;
  threshold: number;
  masks: PhotoMask[];
  /** The model used on the 'model' path. */
  model: { name: string; file: string; sha256: string } | null;
  /** Whether the cross-view consistency check ran. */
  consistency: boolean;
  /** Milliseconds per photo (mask estimation only, without loading OpenCV.js or the model). */
  msPerPhoto: number;
}

export const DEFAULT_MAX_PIXELS = 120_000;

function checkImages(images: readonly RGBAImage[], names: readonly string[]): void {
  if (images.length === 0) throw new InputError('no photos to make masks for.');
  const { width: W0, height: H0 } = images[0];
  images.forEach((img, i) => {
    if (!(img.width > 0 && img.height > 0) || img.data.length !== img.width * img.height * 4)
      throw new InputError(`${names[i]}: not a valid image (${img.width}x${img.height} with ${img.data.length} bytes).`);
    if (img.width !== W0 || img.height !== H0)
      throw new InputError(`${names[i]} is ${img.width}x${img.height} but ${names[0]} is ${W0}x${H0}: all photos must be the same size. Resize or crop them alike and try again.`);
  });
}

export { MASK_MARGIN, flatBorder } from './maskMargin.ts';

/** `probability` (W x H) grown by `radius` pixels: a max filter, so each threshold's mask is dilated. */
function growProbability(probability: Uint8Array, W: number, H: number, radius: number): Uint8Array {
  if (radius < 1) return probability;
  return Uint8Array.from(maxFilter(Float32Array.from(probability), W, H, radius));
}

/** The working size for 'auto': the photo scaled to at most `maxPixels`, aspect kept. */
export function workingSize(W: number, H: number, maxPixels: number): { width: number; height: number } {
  if (W * H <= maxPixels) return { width: W, height: H };
  const s = Math.sqrt(maxPixels / (W * H));
  return { width: Math.max(8, Math.floor(W * s)), height: Math.max(8, Math.floor(H * s)) };
}

export async function estimateMasks(images: readonly RGBAImage[], opts: EstimateMasksOptions = {}): Promise<MasksResult> {
  const method = opts.method ?? 'auto';
  const threshold = opts.threshold ?? 0.5;
  if (!(threshold >= 0 && threshold <= 1)) throw new InputError(`the mask threshold must be between 0 and 1 (got ${threshold}).`);
  const names = images.map((_, i) => opts.names?.[i] ?? `photo ${i + 1}`);
  checkImages(images, names);
  if (method !== 'auto' && method !== 'model' && method !== 'none') throw new InputError(`unknown mask method "${String(method)}" (use auto, model or none).`);
  if (method === 'model' && !opts.model)
    throw new InputError('the model method needs a salient-object model file (isnet_small_quint8.onnx, see models/isnet.json): open one, or use the model-free method.');
  const cameras = opts.cameras ?? [];
  if (cameras.length > 0 && cameras.length !== images.length)
    throw new InputError(`got ${cameras.length} cameras for ${images.length} photos: give one per photo, or none.`);
  opts.signal?.throwIfAborted();
  const checkConsistency = method !== 'none' && cameras.length >= 3;
  const total = images.length + (checkConsistency ? 1 : 0);

  let salient: SalientModel | null = null;
  let ownModel = false;
  if (method === 'model') {
    if (opts.model instanceof Uint8Array) {
      salient = await loadSalientModel(opts.model, { manifest: opts.manifest });
      ownModel = true;
    } else salient = opts.model!;
  }
  const refine = method === 'model' && (opts.refine ?? true);
  const cv = method === 'auto' || refine ? (await loadOpenCv()).cv : null;

  const maxPixels = opts.maxPixels ?? DEFAULT_MAX_PIXELS;
  const masks: PhotoMask[] = [];
  const t0 = performance.now();
  try {
    for (let i = 0; i < images.length; i++) {
      opts.signal?.throwIfAborted();
      const img = images[i];
      const { width: W, height: H } = img;
      let probability: Uint8Array;
      if (method === 'none') probability = new Uint8Array(W * H).fill(255);
      else if (salient && !refine) probability = quantizeProbability(await salient.probability(img));
      else {
        const ws = workingSize(W, H, maxPixels);
        const prior = salient ? resizeFloatMap(await salient.probability(img), W, H, ws.width, ws.height) : undefined;
        const cut = colourCut(cv!, resizeImage(img, ws.width, ws.height), { prior });
        probability = quantizeProbability(resizeFloatMap(cut.probability, ws.width, ws.height, W, H));
      }
      if (method !== 'none') probability = growProbability(probability, W, H, Math.round((opts.margin ?? defaultMaskMargin(img)) * Math.hypot(W, H)));
      const mask = thresholdProbability(probability, threshold);
      masks.push({
        width: W,
        height: H,
        mask,
        probability,
        area: maskArea(mask),
        confidence: probabilityConfidence(probability),
        warning: method === 'none' ? null : maskWarning(mask, W, H, names[i]),
        inconsistentPixels: 0,
      });
      opts.onProgress?.(i + 1, total);
      // Let an abort (a worker's cancel message) arrive between photos.
      await new Promise((r) => setTimeout(r, 0));
    }
  } finally {
    if (ownModel) await salient?.dispose();
  }
  const msPerPhoto = (performance.now() - t0) / images.length;

  if (checkConsistency) {
    const views = images.map((img, i) => ({ camera: cameras[i], mask: masks[i].mask, width: img.width, height: img.height }));
    const checked = await enforceHullConsistency(views, { bounds: opts.bounds, signal: opts.signal });
    masks.forEach((m, i) => {
      m.inconsistentPixels = checked.removed[i];
      if (checked.removed[i] === 0) return;
      m.mask = checked.masks[i];
      // Keep the map consistent with the mask: removed pixels drop below any threshold.
      for (let p = 0; p < m.mask.length; p++) if (!m.mask[p] && m.probability[p] >= threshold * 255) m.probability[p] = 0;
      m.area = maskArea(m.mask);
      m.warning = maskWarning(m.mask, m.width, m.height, names[i]);
    });
    opts.onProgress?.(total, total);
  }
  return { method, threshold, masks, model: salient?.model ?? null, consistency: checkConsistency, msPerPhoto };
}
