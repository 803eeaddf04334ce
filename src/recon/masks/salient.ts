/**
 * The ONNX path of the masks stage: a salient-object model given by a manifest (models/isnet.json
 * by default; its contract: input [1, 3, S, S] float RGB planes, (x - mean) / std of the bytes;
 * output [1, 1, S, S] foreground probability in [0, 1]).
 *
 * Pre-processing: the photo is resized to S x S (aspect not kept, as the model was trained),
 * by an integer box downsample first when the photo is at least twice S (no aliasing from a
 * 12-megapixel photo) and then bilinear, pixel-centre aligned; alpha is ignored.
 * Post-processing: the S x S output, clamped to [0, 1], is resized back to the photo bilinearly
 * (pixel-centre aligned) and kept as the probability map; the mask is its threshold.
 * The file's sha256 must match the manifest's (when it gives one), so a wrong download fails
 * with a message instead of giving masks from some other network.
 */
import type { RGBAImage } from '../../core/image.ts';
import isnetManifestJson from '../../../models/isnet.json';
import { parseModelManifest, type ModelManifest } from '../../models/modelManifest.ts';
import { imageModelInput, loadImageMapModel } from '../../models/imageMapModel.ts';
import { resizeFloatMap } from './maskMaps.ts';

export const ISNET_MANIFEST: ModelManifest = parseModelManifest(isnetManifestJson, 'models/isnet.json');

export interface SalientModel {
  readonly model: { name: string; file: string; sha256: string };
  /** The model's input size (S x S or W x H as the manifest fixes it). */
  readonly inputWidth: number;
  readonly inputHeight: number;
  /** Foreground probability of `img`, at the photo's size. */
  probability(img: RGBAImage): Promise<Float32Array>;
  dispose(): Promise<void>;
}

export interface LoadSalientOptions {
  manifest?: ModelManifest;
  /** Names the file in messages. Default: the manifest's file name. */
  label?: string;
}

/** The model's input for `img` (imageModelInput: the shared pre-processing). */
export const salientInput = imageModelInput;

export async function loadSalientModel(bytes: Uint8Array, opts: LoadSalientOptions = {}): Promise<SalientModel> {
  const manifest = opts.manifest ?? ISNET_MANIFEST;
  const m = await loadImageMapModel(bytes, manifest, opts.label ?? manifest.file);
  return {
    model: m.model,
    inputWidth: m.inputWidth,
    inputHeight: m.inputHeight,
    async probability(img) {
      const raw = await m.run(img);
      const p = new Float32Array(raw.length);
      for (let i = 0; i < raw.length; i++) p[i] = raw[i] > 0 ? (raw[i] < 1 ? raw[i] : 1) : 0;
      return resizeFloatMap(p, m.inputWidth, m.inputHeight, img.width, img.height);
    },
    dispose: () => m.dispose(),
  };
}
