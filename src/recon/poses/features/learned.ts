/**
 * Learned local features from ONNX models (onnxruntime-web through src/models/onnxSession.ts):
 * ALIKE-N (models/alike_n.json) and XFeat (models/xfeat.json). The graphs give dense maps; the
 * keypoint selection their authors do in Python is done here:
 *
 * - ALIKE: scores_map [1,1,H,W] -> 5x5 max-pool NMS -> top-k by score; descriptors read from
 *   descriptor_map [1,128,H,W] (bilinear at the keypoint, L2-normalised).
 * - XFeat: keypoint_logits [1,65,H/8,W/8] -> softmax over the 65 bins, drop the last ("no
 *   keypoint") -> pixel-shuffle 8x8 to a full-resolution heat map -> 5x5 NMS (heat > 0.05) ->
 *   score = heat x reliability (sampled bilinearly) -> top-k; descriptors [1,64,H/8,W/8] sampled
 *   bilinearly and L2-normalised.
 *
 * Input: RGB in [0, 1], zero-padded at the right and bottom to multiples of 32; keypoints in the
 * padding are never selected. The model's sha256 must match the manifest's (when it has one).
 */
import { InputError } from '../../../core/errors.ts';
import type { RGBAImage } from '../../../core/image.ts';
import alikeManifestJson from '../../../../models/alike_n.json';
import xfeatManifestJson from '../../../../models/xfeat.json';
import { parseModelManifest, type ModelManifest } from '../../../models/modelManifest.ts';
import { createCheckedSession, floatTensor, type CheckedSession } from '../../../models/onnxSession.ts';
import { nmsTopK, paddedRgbPlanes, sampleDescriptors, sampleMap } from './keypoints.ts';
import type { Features } from './types.ts';

export const ALIKE_MANIFEST: ModelManifest = parseModelManifest(alikeManifestJson, 'models/alike_n.json');
export const XFEAT_MANIFEST: ModelManifest = parseModelManifest(xfeatManifestJson, 'models/xfeat.json');

export type LearnedKind = 'alike' | 'xfeat';

export interface DetectOptions {
  /** Keypoints kept per image (default 2048). */
  topK?: number;
  /** 0/1 per pixel of the image: keypoints only where 1 (already dilated by the caller). */
  mask?: Uint8Array;
}

export interface LearnedDetector {
  readonly kind: LearnedKind;
  readonly model: { name: string; file: string; sha256: string };
  detect(image: RGBAImage, opts?: DetectOptions): Promise<Features>;
  dispose(): Promise<void>;
}

/** XFeat's heat-map threshold before NMS (its reference implementation's default). */
export const XFEAT_HEAT_THRESHOLD = 0.05;
/** ALIKE: scores must exceed this (its maps are near 0 off corners; a floor keeps noise out). */
export const ALIKE_SCORE_THRESHOLD = 0.01;
export const DEFAULT_TOP_K = 2048;

/**
 * A detector for model `bytes` of `kind`. `manifest` defaults to the kind's; `label` names the
 * file in messages. Throws InputError for a file that is not that model (hash or contract).
 */
export async function loadLearnedDetector(kind: LearnedKind, bytes: Uint8Array, label: string, manifest?: ModelManifest): Promise<LearnedDetector> {
  const m = manifest ?? (kind === 'alike' ? ALIKE_MANIFEST : XFEAT_MANIFEST);
  const checked = await createCheckedSession(bytes, m, label, { manifestPath: `models/${kind === 'alike' ? 'alike_n' : 'xfeat'}.json` });
  return {
    kind,
    model: { name: m.name, file: label, sha256: checked.sha256 },
    detect: (image, opts = {}) => (kind === 'alike' ? detectAlike(checked, image, opts) : detectXfeat(checked, image, opts)),
    dispose: () => checked.session.release(),
  };
}

async function runModel(c: CheckedSession, image: RGBAImage) {
  const padded = paddedRgbPlanes(image, 32);
  const input = c.manifest.inputs[0].name;
  const out = await c.session.run({ [input]: floatTensor(c.ort, padded.data, [1, 3, padded.height, padded.width]) });
  const get = (name: string) => {
    const t = out[name];
    if (!t) throw new InputError(`the model gave no output "${name}"`, { file: c.manifest.file });
    return { data: t.data as Float32Array, dims: t.dims as readonly number[] };
  };
  return { padded, get };
}

/** ALIKE post-processing on its two maps (exported for tests). */
export function alikeFeatures(
  scores: Float32Array, descriptors: Float32Array, channels: number, paddedWidth: number, paddedHeight: number,
  width: number, height: number, opts: DetectOptions = {},
): Features {
  const idx = nmsTopK(scores, paddedWidth, paddedHeight, {
    radius: 2, topK: opts.topK ?? DEFAULT_TOP_K, threshold: ALIKE_SCORE_THRESHOLD,
    validWidth: width, validHeight: height, border: 2, mask: opts.mask,
  });
  const keypoints = new Float32Array(idx.length * 2);
  const sc = new Float32Array(idx.length);
  idx.forEach((i, k) => {
    keypoints[2 * k] = (i % paddedWidth) + 0.5;
    keypoints[2 * k + 1] = Math.floor(i / paddedWidth) + 0.5;
    sc[k] = scores[i];
  });
  const desc = sampleDescriptors(descriptors, channels, paddedWidth, paddedHeight, keypoints, paddedWidth, paddedHeight);
  return { width, height, keypoints, scores: sc, descriptors: desc, dim: channels, kind: 'float' };
}

async function detectAlike(c: CheckedSession, image: RGBAImage, opts: DetectOptions): Promise<Features> {
  const { padded, get } = await runModel(c, image);
  const s = get(c.manifest.outputs[0].name), d = get(c.manifest.outputs[1].name);
  if (s.dims[2] !== padded.height || s.dims[3] !== padded.width)
    throw new InputError(`scores_map is ${s.dims.join('x')}, expected 1x1x${padded.height}x${padded.width}`, { file: c.manifest.file });
  return alikeFeatures(s.data, d.data, d.dims[1], padded.width, padded.height, image.width, image.height, opts);
}

/** XFeat's full-resolution heat map from its [65, h, w] logits: softmax, drop the last bin, pixel-shuffle 8x8. */
export function xfeatHeatmap(logits: Float32Array, cellsWide: number, cellsHigh: number): Float32Array {
  const W = cellsWide * 8, plane = cellsWide * cellsHigh;
  const heat = new Float32Array(W * cellsHigh * 8);
  const e = new Float64Array(65);
  for (let i = 0; i < cellsHigh; i++)
    for (let j = 0; j < cellsWide; j++) {
      const cell = i * cellsWide + j;
      let mx = -Infinity;
      for (let c = 0; c < 65; c++) mx = Math.max(mx, logits[c * plane + cell]);
      let sum = 0;
      for (let c = 0; c < 65; c++) sum += (e[c] = Math.exp(logits[c * plane + cell] - mx));
      for (let c = 0; c < 64; c++) heat[(8 * i + (c >> 3)) * W + 8 * j + (c & 7)] = e[c] / sum;
    }
  return heat;
}

/** XFeat post-processing on its three maps (exported for tests). */
export function xfeatFeatures(
  logits: Float32Array, descriptors: Float32Array, reliability: Float32Array, channels: number, cellsWide: number, cellsHigh: number,
  width: number, height: number, opts: DetectOptions = {},
): Features {
  const W = cellsWide * 8, H = cellsHigh * 8;
  const heat = xfeatHeatmap(logits, cellsWide, cellsHigh);
  const idx = nmsTopK(heat, W, H, {
    radius: 2, topK: Number.MAX_SAFE_INTEGER, threshold: XFEAT_HEAT_THRESHOLD,
    validWidth: Math.min(width, W), validHeight: Math.min(height, H), border: 2, mask: opts.mask && width <= W && height <= H ? opts.mask : undefined,
  });
  const cand = Array.from(idx, (i) => {
    const u = (i % W) + 0.5, v = Math.floor(i / W) + 0.5;
    return { u, v, s: heat[i] * sampleMap(reliability, cellsWide, cellsHigh, u, v, W, H), i };
  });
  cand.sort((a, b) => b.s - a.s || a.i - b.i);
  const kept = cand.slice(0, opts.topK ?? DEFAULT_TOP_K);
  const keypoints = new Float32Array(kept.length * 2);
  kept.forEach((c, k) => { keypoints[2 * k] = c.u; keypoints[2 * k + 1] = c.v; });
  const desc = sampleDescriptors(descriptors, channels, cellsWide, cellsHigh, keypoints, W, H);
  return { width, height, keypoints, scores: Float32Array.from(kept, (c) => c.s), descriptors: desc, dim: channels, kind: 'float' };
}

async function detectXfeat(c: CheckedSession, image: RGBAImage, opts: DetectOptions): Promise<Features> {
  const { padded, get } = await runModel(c, image);
  const byName = (n: string) => get(n);
  const d = byName('descriptors'), l = byName('keypoint_logits'), r = byName('reliability');
  const cw = padded.width / 8, ch = padded.height / 8;
  if (l.dims[1] !== 65 || l.dims[2] !== ch || l.dims[3] !== cw)
    throw new InputError(`keypoint_logits is ${l.dims.join('x')}, expected 1x65x${ch}x${cw}`, { file: c.manifest.file });
  return xfeatFeatures(l.data, d.data, r.data, d.dims[1], cw, ch, image.width, image.height, opts);
}
