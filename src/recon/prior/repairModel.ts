/**
 * A repair-prior ONNX file as a Denoiser (sampler.ts), checked before it runs: its sha256 against
 * the manifest's (when the manifest names one) and its tensors against the contract (noisy, cond,
 * t -> x0; src/models/onnxSession.ts says what is wrong with a file that differs). The manifest is
 * models/repair-prior.json unless another is given (a dropped-in model with its own manifest).
 * WebGPU execution provider first where the page has WebGPU (the prior worker), wasm otherwise
 * and in Node.
 */
import { InputError } from '../../core/errors.ts';
import priorManifestJson from '../../../models/repair-prior.json';
import { parseModelManifest, type ModelManifest, type PriorSpec } from '../../models/modelManifest.ts';
import { createCheckedSession, floatTensor, sha256Hex } from '../../models/onnxSession.ts';
import type { Denoiser } from './sampler.ts';

export const REPAIR_PRIOR_MANIFEST: ModelManifest = parseModelManifest(priorManifestJson, 'models/repair-prior.json');

/** The sampler's settings when a manifest has no `prior` object (the contract's sizes). */
export const DEFAULT_PRIOR_SPEC: Pick<PriorSpec, 'sizeMultiple' | 'trainSize' | 'strength' | 'steps'> = {
  sizeMultiple: 16, trainSize: [128, 96], strength: 0.5, steps: 4,
};

export interface RepairModel {
  readonly model: { name: string; file: string; sha256: string };
  readonly spec: Pick<PriorSpec, 'sizeMultiple' | 'trainSize' | 'strength' | 'steps'>;
  /** Which execution provider the session asked for first. */
  readonly provider: 'webgpu' | 'wasm';
  denoise: Denoiser;
  dispose(): Promise<void>;
}

export interface LoadRepairOptions {
  manifest?: ModelManifest;
  label?: string;
  /** Try the WebGPU execution provider first (default: where navigator.gpu exists). */
  webgpu?: boolean;
}

export async function loadRepairModel(bytes: Uint8Array, opts: LoadRepairOptions = {}): Promise<RepairModel> {
  const manifest = opts.manifest ?? REPAIR_PRIOR_MANIFEST;
  const label = opts.label ?? manifest.file;
  const sha256 = await sha256Hex(bytes);
  if (manifest.sha256 && sha256 !== manifest.sha256)
    throw new InputError(`is not the ${manifest.name} model file ${manifest.file}: its sha256 is ${sha256}, expected ${manifest.sha256}. Use the file the manifest names (models/${manifest.name}.json).`, { file: label });
  const webgpu = opts.webgpu ?? (typeof navigator !== 'undefined' && !!(navigator as Navigator & { gpu?: unknown }).gpu);
  const providers: ('webgpu' | 'wasm')[] = webgpu ? ['webgpu', 'wasm'] : ['wasm'];
  const { ort, session } = await createCheckedSession(bytes, manifest, label, providers);
  const [noisyName, condName, tName] = ['noisy', 'cond', 't'];
  const outName = 'x0';
  const spec = manifest.prior ?? DEFAULT_PRIOR_SPEC;
  return {
    model: { name: manifest.name, file: label, sha256 },
    spec: { sizeMultiple: spec.sizeMultiple, trainSize: spec.trainSize, strength: spec.strength, steps: spec.steps },
    provider: providers[0],
    async denoise({ noisy, cond, t, n, height, width }) {
      const out = await session.run({
        [noisyName]: floatTensor(ort, noisy, [n, 3, height, width]),
        [condName]: floatTensor(ort, cond, [n, 7, height, width]),
        [tName]: floatTensor(ort, t, [n]),
      });
      const x0 = out[outName];
      if (!x0 || x0.size !== n * 3 * height * width)
        throw new InputError(`the ${manifest.name} model's output "${outName}" has ${x0?.size ?? 0} values, expected ${n}x3x${height}x${width}`, { file: label });
      // A copy: the session may reuse its output buffer on the next run.
      return new Float32Array(x0.data as Float32Array);
    },
    dispose: () => session.release(),
  };
}
