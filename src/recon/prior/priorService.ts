/**
 * The prior worker's functions (workers/prior.worker.ts hosts them; a test hosts the same ones on
 * a MessageChannel): load a repair model once, then repair batches of renders with it, timing
 * each round so the app can say what the prior costs. Kept apart from the worker file so the
 * worker stays a thin wrapper and the service runs in Node as it does in the page.
 */
import type { RGBAImage } from '../../core/image.ts';
import type { ModelManifest } from '../../models/modelManifest.ts';
import { createRepairer, type RepairRequest } from './repair.ts';
import { loadRepairModel, type RepairModel } from './repairModel.ts';

export interface PriorLoadRequest {
  bytes: Uint8Array;
  /** The file's name (for messages). */
  name: string;
  /** Another model's manifest; default models/repair-prior.json. */
  manifest?: ModelManifest;
  /** Try WebGPU first (default: where the worker has navigator.gpu). */
  webgpu?: boolean;
}

export interface PriorModelInfo {
  name: string;
  file: string;
  sha256: string;
  provider: 'webgpu' | 'wasm';
  strength: number;
  steps: number;
  trainSize: [number, number];
}

export interface PriorRepairOptions {
  seed: number;
  /** Default: the manifest's. */
  strength?: number;
  steps?: number;
  /** Longest side the model runs at (default: the longer side of the manifest's trainSize). */
  maxSide?: number;
}

export interface PriorRepairResult {
  images: RGBAImage[];
  /** Wall time of this round (ms), model calls and resizing included. */
  ms: number;
}

export function createPriorService() {
  let loaded: { key: string; model: RepairModel } | null = null;

  function current(): RepairModel {
    if (!loaded) throw new Error('no repair model is loaded: call load() first');
    return loaded.model;
  }

  return {
    /** Loads (and checks) a model; the same file again is kept, not reloaded. */
    async load(req: PriorLoadRequest): Promise<PriorModelInfo> {
      const key = `${req.name}:${req.bytes.byteLength}:${req.manifest?.name ?? ''}`;
      if (loaded?.key !== key) {
        const model = await loadRepairModel(req.bytes, { manifest: req.manifest, label: req.name, webgpu: req.webgpu });
        await loaded?.model.dispose();
        loaded = { key, model };
      }
      const m = loaded.model;
      return { ...m.model, provider: m.provider, strength: m.spec.strength, steps: m.spec.steps, trainSize: [...m.spec.trainSize] as [number, number] };
    },

    async repair(requests: RepairRequest[], o: PriorRepairOptions): Promise<PriorRepairResult> {
      const model = current();
      const t0 = performance.now();
      const repair = createRepairer(model.denoise, {
        strength: o.strength ?? model.spec.strength,
        steps: o.steps ?? model.spec.steps,
        sizeMultiple: model.spec.sizeMultiple,
        maxSide: o.maxSide ?? Math.max(...model.spec.trainSize),
      });
      const images = await repair(requests, { seed: o.seed });
      return { images, ms: performance.now() - t0 };
    },

    async dispose(): Promise<void> {
      await loaded?.model.dispose();
      loaded = null;
    },
  };
}

export type PriorService = ReturnType<typeof createPriorService>;
