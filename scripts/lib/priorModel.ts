/**
 * The repair prior for the command line (npm run recon --prior, bench:quality --prior): an ONNX
 * file checked against models/repair-prior.json (or another manifest keeping the contract) and
 * run with onnxruntime-web's wasm backend in this process, as bench:masks runs IS-Net, wrapped as
 * the trainer's `repair` function with the manifest's strength, steps and size.
 */
import { readFile } from 'node:fs/promises';
import { InputError } from '../../src/core/errors.ts';
import { readModelManifest } from '../../src/models/modelManifest.ts';
import { createRepairer, type RepairFn } from '../../src/recon/prior/repair.ts';
import { loadRepairModel, type RepairModel } from '../../src/recon/prior/repairModel.ts';

export interface CliPrior {
  model: RepairModel;
  repair: RepairFn;
  /** One line for the report: file, hash, sampler settings, runtime. */
  describe: string;
}

const read = (f: string) => readFile(f).catch(() => { throw new InputError('does not exist', { file: f }); });

export async function loadCliPrior(modelPath: string, manifestPath?: string): Promise<CliPrior> {
  const manifest = manifestPath ? readModelManifest(new Uint8Array(await read(manifestPath)), manifestPath) : undefined;
  const model = await loadRepairModel(new Uint8Array(await read(modelPath)), { manifest, label: modelPath, webgpu: false });
  const spec = model.spec;
  return {
    model,
    repair: createRepairer(model.denoise, { strength: spec.strength, steps: spec.steps, sizeMultiple: spec.sizeMultiple, maxSide: Math.max(...spec.trainSize) }),
    describe: `${model.model.file} (sha256 ${model.model.sha256.slice(0, 12)}…, strength ${spec.strength}, ${spec.steps} steps, onnxruntime-web wasm)`,
  };
}
