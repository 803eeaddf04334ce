/**
 * The monocular depth stage: a depth model given by a manifest (models/fastdepth.json by default;
 * its contract: input [1, 3, S, S] float RGB planes, (x - mean) / std of the bytes; output
 * [1, 1, S, S] depth, larger = farther) turns a photo into a depth map at the training size,
 * the target of the trainer's depth loss (TrainView.depth).
 *
 * Pre-processing: the photo is resized to S x S (aspect not kept, as the model was trained), by
 * an integer box downsample first when it is at least twice S and then bilinear, pixel-centre
 * aligned; alpha is ignored (salientInput of the masks stage: the same resize and normalisation).
 * Post-processing: the S x S map is resized bilinearly (pixel-centre aligned) to the size asked
 * for. The values are kept as the model gives them: the loss uses them only through a
 * correlation, so their scale and offset do not matter (FastDepth's metres come from indoor
 * training scenes and mean nothing for an object on a table); non-finite values stay non-finite
 * and the loss leaves those pixels out.
 * The file's sha256 must match the manifest's (createCheckedSession).
 */
import { InputError } from '../../core/errors.ts';
import type { RGBAImage } from '../../core/image.ts';
import fastDepthManifestJson from '../../../models/fastdepth.json';
import { parseModelManifest, type ModelManifest } from '../../models/modelManifest.ts';
import { createCheckedSession, floatTensor } from '../../models/onnxSession.ts';
import { resizeFloatMap } from '../masks/maskMaps.ts';
import { salientInput } from '../masks/salient.ts';

export const FASTDEPTH_MANIFEST: ModelManifest = parseModelManifest(fastDepthManifestJson, 'models/fastdepth.json');

export interface DepthModel {
  readonly model: { name: string; file: string; sha256: string };
  readonly inputWidth: number;
  readonly inputHeight: number;
  /** Depth-like map of `img` (larger = farther), width*height, resized to width x height. */
  depth(img: RGBAImage, width: number, height: number): Promise<Float32Array>;
  dispose(): Promise<void>;
}

export interface LoadDepthOptions {
  manifest?: ModelManifest;
  /** Names the file in messages. Default: the manifest's file name. */
  label?: string;
}

/** The model's input for `img`: NCHW RGB planes at inW x inH, (x - mean) / std of the bytes. */
export function depthModelInput(img: RGBAImage, inW: number, inH: number, mean: number, std: number): Float32Array {
  return salientInput(img, inW, inH, mean, std);
}

/** The model's inW x inH output at width x height (bilinear, pixel-centre aligned). */
export function depthMapToSize(raw: Float32Array, inW: number, inH: number, width: number, height: number): Float32Array {
  return resizeFloatMap(raw, inW, inH, width, height);
}

export async function loadDepthModel(bytes: Uint8Array, opts: LoadDepthOptions = {}): Promise<DepthModel> {
  const manifest = opts.manifest ?? FASTDEPTH_MANIFEST;
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
    async depth(img, width, height) {
      const out = await session.run({ [inName]: floatTensor(ort, depthModelInput(img, inW, inH, mean, std), [1, 3, inH, inW]) });
      const t = out[outName];
      if (!t || t.size !== inW * inH)
        throw new InputError(`the ${manifest.name} model's output "${outName}" has ${t?.size ?? 0} values, expected ${inW}x${inH}`, { file: label });
      return depthMapToSize(t.data as Float32Array, inW, inH, width, height);
    },
    dispose: () => session.release(),
  };
}
