/**
 * The monocular depth stage: a depth model given by a manifest (models/fastdepth.json by default;
 * its contract: input [1, 3, S, S] float RGB planes, (x - mean) / std of the bytes; output
 * [1, 1, S, S] depth, larger = farther) turns a photo into a depth map at the training size,
 * the target of the trainer's depth loss (TrainView.depth).
 *
 * Pre-processing: the photo is resized to S x S (aspect not kept, as the model was trained), by
 * an integer box downsample first when it is at least twice S and then bilinear, pixel-centre
 * aligned; alpha is ignored (models/imageMapModel.ts, shared with the masks stage).
 * Post-processing: the S x S map is resized bilinearly (pixel-centre aligned) to the size asked
 * for. The values are kept as the model gives them: the loss uses them only through a
 * correlation, so their scale and offset do not matter (FastDepth's metres come from indoor
 * training scenes and mean nothing for an object on a table); non-finite values stay non-finite
 * and the loss leaves those pixels out.
 * The file's sha256 must match the manifest's (createCheckedSession).
 */
import type { RGBAImage } from '../../core/image.ts';
import fastDepthManifestJson from '../../../models/fastdepth.json';
import { parseModelManifest, type ModelManifest } from '../../models/modelManifest.ts';
import { imageModelInput, loadImageMapModel } from '../../models/imageMapModel.ts';
import { resizeFloatMap } from '../masks/maskMaps.ts';

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

/** The model's input for `img` (imageModelInput: the shared pre-processing). */
export const depthModelInput = imageModelInput;

/** The model's inW x inH output at width x height (bilinear, pixel-centre aligned). */
export function depthMapToSize(raw: Float32Array, inW: number, inH: number, width: number, height: number): Float32Array {
  return resizeFloatMap(raw, inW, inH, width, height);
}

export async function loadDepthModel(bytes: Uint8Array, opts: LoadDepthOptions = {}): Promise<DepthModel> {
  const manifest = opts.manifest ?? FASTDEPTH_MANIFEST;
  const m = await loadImageMapModel(bytes, manifest, opts.label ?? manifest.file);
  return {
    model: m.model,
    inputWidth: m.inputWidth,
    inputHeight: m.inputHeight,
    depth: async (img, width, height) => depthMapToSize(await m.run(img), m.inputWidth, m.inputHeight, width, height),
    dispose: () => m.dispose(),
  };
}
