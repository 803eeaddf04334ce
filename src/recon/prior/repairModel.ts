/**
 * A repair-prior ONNX file as a Denoiser (sampler.ts), checked before it runs: its sha256 against
 * the manifest's (when the manifest names one) and its tensors against the contract (noisy, cond,
 * t -> x0; src/models/onnxSession.ts says what is wrong with a file that differs). The manifest is
 * models/repair-prior.json unless another is given (a dropped-in model with its own manifest).
 * WebGPU execution provider first where the page has WebGPU (the prior worker), wasm otherwise
 * and in Node. The WebGPU provider is tried on a small input when the model loads, and a run that
 * fails on it later goes again on wasm: on some adapters (SwiftShader, the software WebGPU of
 * headless Chromium) its Conv kernel fails to run, and a repair should not stop a training run.
 */
import { InputError } from '../../core/errors.ts';
import priorManifestJson from '../../../models/repair-prior.json';
import { parseModelManifest, type ModelManifest, type PriorSpec } from '../../models/modelManifest.ts';
import { createCheckedSession, floatTensor } from '../../models/onnxSession.ts';
import type { Denoiser } from './sampler.ts';

export const REPAIR_PRIOR_MANIFEST: ModelManifest = parseModelManifest(priorManifestJson, 'models/repair-prior.json');

/** The sampler's settings when a manifest has no `prior` object (the contract's sizes). */
export const DEFAULT_PRIOR_SPEC: Pick<PriorSpec, 'sizeMultiple' | 'trainSize' | 'strength' | 'steps'> = {
  sizeMultiple: 16, trainSize: [128, 96], strength: 0.5, steps: 4,
};

export interface RepairModel {
  readonly model: { name: string; file: string; sha256: string };
  readonly spec: Pick<PriorSpec, 'sizeMultiple' | 'trainSize' | 'strength' | 'steps'>;
  /** The execution provider the session runs on now ('wasm' after a WebGPU failure). */
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
  const webgpu = opts.webgpu ?? (typeof navigator !== 'undefined' && !!(navigator as Navigator & { gpu?: unknown }).gpu);
  const providers: ('webgpu' | 'wasm')[] = webgpu ? ['webgpu', 'wasm'] : ['wasm'];
  let { ort, session, sha256 } = await createCheckedSession(bytes, manifest, label, { executionProviders: providers });
  let provider = providers[0];
  const spec = manifest.prior ?? DEFAULT_PRIOR_SPEC;
  const m = spec.sizeMultiple;

  async function run(x: { noisy: Float32Array; cond: Float32Array; t: Float32Array; n: number; height: number; width: number }): Promise<Float32Array> {
    const { n, height, width } = x;
    const out = await session.run({
      noisy: floatTensor(ort, x.noisy, [n, 3, height, width]),
      cond: floatTensor(ort, x.cond, [n, 7, height, width]),
      t: floatTensor(ort, x.t, [n]),
    });
    const x0 = out.x0;
    if (!x0 || x0.size !== n * 3 * height * width)
      throw new InputError(`the ${manifest.name} model's output "x0" has ${x0?.size ?? 0} values, expected ${n}x3x${height}x${width}`, { file: label });
    // A copy: the session may reuse its output buffer on the next run.
    return new Float32Array(x0.data as Float32Array);
  }

  async function toWasm(): Promise<void> {
    await session.release().catch(() => {});
    ({ ort, session } = await createCheckedSession(bytes, manifest, label, { executionProviders: ['wasm'] }));
    provider = 'wasm';
  }

  async function runFallingBack(x: Parameters<typeof run>[0]): Promise<Float32Array> {
    try {
      return await run(x);
    } catch (e) {
      if (provider !== 'webgpu' || e instanceof InputError) throw e;
      await toWasm();
      return run(x);
    }
  }

  if (provider === 'webgpu') {
    // One small run now: an adapter whose kernels fail is found before training depends on it.
    const hw = m * m;
    await runFallingBack({ noisy: new Float32Array(3 * hw), cond: new Float32Array(7 * hw), t: new Float32Array([0.5]), n: 1, height: m, width: m });
  }
  return {
    model: { name: manifest.name, file: label, sha256 },
    spec: { sizeMultiple: spec.sizeMultiple, trainSize: spec.trainSize, strength: spec.strength, steps: spec.steps },
    get provider() {
      return provider;
    },
    denoise: runFallingBack,
    dispose: () => session.release(),
  };
}
