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
import { InputError } from '../../core/errors.ts';
import { downsampleImage, resizeImage, type RGBAImage } from '../../core/image.ts';
import isnetManifestJson from '../../../models/isnet.json';
import { parseModelManifest, type ModelManifest } from '../../models/modelManifest.ts';
import { createCheckedSession, floatTensor } from '../../models/onnxSession.ts';
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

/** The model's input for `img`: NCHW RGB planes at inW x inH, (x - mean) / std. */
export function salientInput(img: RGBAImage, inW: number, inH: number, mean: number, std: number): Float32Array {
  let src = img;
  const k = Math.floor(Math.min(img.width / inW, img.height / inH));
  if (k >= 2) src = downsampleImage(src, k);
  src = resizeImage(src, inW, inH);
  const n = inW * inH;
  const out = new Float32Array(3 * n);
  const d = src.data;
  for (let i = 0; i < n; i++) for (let c = 0; c < 3; c++) out[c * n + i] = (d[i * 4 + c] - mean) / std;
  return out;
}

export async function loadSalientModel(bytes: Uint8Array, opts: LoadSalientOptions = {}): Promise<SalientModel> {
  const manifest = opts.manifest ?? ISNET_MANIFEST;
  const label = opts.label ?? manifest.file;
  const { ort, session, inputShapes, sha256 } = await createCheckedSession(bytes, manifest, label);
  const [inH, inW] = [inputShapes[0][2], inputShapes[0][3]];
  if (typeof inH !== 'number' || typeof inW !== 'number')
    throw new InputError(`the ${manifest.name} model must fix its input size (it has [${inputShapes[0].join(', ')}])`, { file: label });
  const mean = manifest.normalisation?.mean ?? 0;
  const std = manifest.normalisation?.std ?? 255;
  const inName = manifest.inputs[0].name, outName = manifest.outputs[0].name;
  return {
    model: { name: manifest.name, file: label, sha256 },
    inputWidth: inW,
    inputHeight: inH,
    async probability(img) {
      const out = await session.run({ [inName]: floatTensor(ort, salientInput(img, inW, inH, mean, std), [1, 3, inH, inW]) });
      const t = out[outName];
      if (!t || t.size !== inW * inH)
        throw new InputError(`the ${manifest.name} model's output "${outName}" has ${t?.size ?? 0} values, expected ${inW}x${inH}`, { file: label });
      const raw = t.data as Float32Array;
      const p = new Float32Array(raw.length);
      for (let i = 0; i < raw.length; i++) p[i] = raw[i] > 0 ? (raw[i] < 1 ? raw[i] : 1) : 0;
      return resizeFloatMap(p, inW, inH, img.width, img.height);
    },
    dispose: () => session.release(),
  };
}
