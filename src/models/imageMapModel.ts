/**
 * An image-to-map model given by a manifest: input [1, 3, H, W] float RGB planes, (x - mean) / std
 * of the bytes; output [1, 1, H, W], one value a pixel. The masks stage's salient-object model and
 * the depth stage's monocular depth model both have this contract; what their values mean, and
 * how the map is brought back to a photo's size, is theirs.
 *
 * Pre-processing: the photo is resized to W x H (aspect not kept, as such models are trained), by
 * an integer box downsample first when the photo is at least twice the input (no aliasing from a
 * 12-megapixel photo) and then bilinear, pixel-centre aligned; alpha is ignored.
 * The file's sha256 must match the manifest's (createCheckedSession), so a wrong download fails
 * with a message instead of giving maps from some other network.
 */
import { InputError } from '../core/errors.ts';
import { downsampleImage, resizeImage, type RGBAImage } from '../core/image.ts';
import type { ModelManifest } from './modelManifest.ts';
import { createCheckedSession, floatTensor } from './onnxSession.ts';

export interface ImageMapModel {
  readonly model: { name: string; file: string; sha256: string };
  readonly inputWidth: number;
  readonly inputHeight: number;
  /** The model's raw output for `img`: inputWidth x inputHeight values. */
  run(img: RGBAImage): Promise<Float32Array>;
  dispose(): Promise<void>;
}

/** The model's input for `img`: NCHW RGB planes at inW x inH, (x - mean) / std of the bytes. */
export function imageModelInput(img: RGBAImage, inW: number, inH: number, mean: number, std: number): Float32Array {
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

/** Opens `bytes` as the manifest's model (`label` names the file in messages). */
export async function loadImageMapModel(bytes: Uint8Array, manifest: ModelManifest, label: string): Promise<ImageMapModel> {
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
    async run(img) {
      const out = await session.run({ [inName]: floatTensor(ort, imageModelInput(img, inW, inH, mean, std), [1, 3, inH, inW]) });
      const t = out[outName];
      if (!t || t.size !== inW * inH)
        throw new InputError(`the ${manifest.name} model's output "${outName}" has ${t?.size ?? 0} values, expected ${inW}x${inH}`, { file: label });
      return t.data as Float32Array;
    },
    dispose: () => session.release(),
  };
}
