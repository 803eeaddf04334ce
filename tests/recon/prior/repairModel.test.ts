/**
 * The prior path end to end on a tiny diffusion-shaped model written as ONNX from TypeScript
 * (tinyRepairModel.ts): onnxruntime-web (wasm, as in the worker without WebGPU) against the same
 * graph in JavaScript, the sampler through both, the repairer at sizes that are not multiples of
 * 16, the manifest and hash checks, and the prior worker's service called through comlink over a
 * MessageChannel (as the page calls the worker) checked against the JavaScript reference.
 */
import type * as Comlink from 'comlink';
import { afterAll, describe, expect, it } from 'vitest';
import { createImage, type RGBAImage } from '../../../src/core/image.ts';
import { parseModelManifest } from '../../../src/models/modelManifest.ts';
import { createPriorService } from '../../../src/recon/prior/priorService.ts';
import { createRepairer } from '../../../src/recon/prior/repair.ts';
import { loadRepairModel, REPAIR_PRIOR_MANIFEST } from '../../../src/recon/prior/repairModel.ts';
import { sampleRepair, seededNoise } from '../../../src/recon/prior/sampler.ts';
import { modelSize } from '../../../src/recon/prior/tensors.ts';
import { workerClient } from '../../../src/worker/workerClient.ts';
import { hostWorker } from '../../../src/worker/workerHost.ts';
import { encodeTinyOnnx } from '../../models/tinyOnnx.ts';
import { tinyRepairModelBytes, tinyRepairReference } from './tinyRepairModel.ts';

const bytes = tinyRepairModelBytes();
const reference = tinyRepairReference();
// The placeholder manifest names no hash yet; tests that need the hash check give one.
const manifest = { ...REPAIR_PRIOR_MANIFEST, sha256: null };

function testImage(w: number, h: number, seed: number, alpha = 255): RGBAImage {
  const img = createImage(w, h);
  for (let p = 0; p < w * h; p++) {
    for (let c = 0; c < 3; c++) img.data[4 * p + c] = (p * (37 + 11 * c) + seed * 53) % 256;
    img.data[4 * p + 3] = typeof alpha === 'number' ? alpha : 255;
  }
  return img;
}

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};

describe('tiny repair model in onnxruntime-web', () => {
  it('keeps the manifest contract and computes what the JavaScript graph computes', async () => {
    const model = await loadRepairModel(bytes, { manifest, webgpu: false });
    try {
      expect(model.provider).toBe('wasm');
      expect(model.spec).toMatchObject({ sizeMultiple: 16, strength: REPAIR_PRIOR_MANIFEST.prior!.strength, steps: REPAIR_PRIOR_MANIFEST.prior!.steps });
      const n = 2, height = 16, width = 32;
      const noisy = seededNoise(n * 3 * height * width, 1);
      const cond = seededNoise(n * 7 * height * width, 2).map((v) => Math.tanh(v));
      const t = new Float32Array([0.25, 0.9]);
      const got = await model.denoise({ noisy, cond, t, n, height, width });
      const want = await reference({ noisy, cond, t, n, height, width });
      expect(got.length).toBe(want.length);
      expect(maxDiff(got, want)).toBeLessThan(1e-5);
      // t matters: the same inputs at another noise level give another x0.
      const other = await model.denoise({ noisy, cond, t: new Float32Array([0.5, 0.9]), n, height, width });
      expect(maxDiff(other.subarray(0, 3 * height * width), got.subarray(0, 3 * height * width))).toBeGreaterThan(1e-3);
    } finally {
      await model.dispose();
    }
  });

  it('samples the same repair through onnxruntime as through the JavaScript reference', async () => {
    const model = await loadRepairModel(bytes, { manifest, webgpu: false });
    try {
      const shape = { n: 1, height: 16, width: 16 };
      const render = seededNoise(3 * 256, 5).map((v) => Math.tanh(v));
      const cond = seededNoise(7 * 256, 6).map((v) => Math.tanh(v));
      const o = { strength: 0.6, steps: 4, seed: 9 };
      const viaOrt = await sampleRepair(model.denoise, render, cond, shape, o);
      const viaJs = await sampleRepair(reference, render, cond, shape, o);
      expect(maxDiff(viaOrt, viaJs)).toBeLessThan(1e-4);
      // And the repair is not the render: the model changed it.
      expect(maxDiff(viaJs, render)).toBeGreaterThan(0.05);
    } finally {
      await model.dispose();
    }
  });

  it('refuses a file whose hash is not the manifest\'s, and a model without the contract\'s t input', async () => {
    const hashed = { ...manifest, sha256: 'a'.repeat(64) };
    await expect(loadRepairModel(bytes, { manifest: hashed, label: 'mine.onnx', webgpu: false })).rejects.toThrow(/sha256/);
    const noT = encodeTinyOnnx({
      inputs: [{ name: 'noisy', shape: ['batch', 3, 'height', 'width'] }, { name: 'cond', shape: ['batch', 7, 'height', 'width'] }],
      outputs: [{ name: 'x0', shape: ['batch', 3, 'height', 'width'] }],
      initializers: [{ name: 'w', dims: [3, 3, 1, 1], values: new Float32Array(9).fill(0.1) }],
      nodes: [{ op: 'Conv', inputs: ['noisy', 'w'], outputs: ['x0'] }],
    });
    await expect(loadRepairModel(noT, { manifest, label: 'no-t.onnx', webgpu: false })).rejects.toThrow(/no input named "t"/);
  });

  it('parses the manifest\'s prior object and rejects a bad one', () => {
    expect(REPAIR_PRIOR_MANIFEST.prior?.contract).toBe('repair-prior/v1');
    const json = JSON.parse(JSON.stringify(REPAIR_PRIOR_MANIFEST));
    json.prior.sizeMultiple = 0;
    expect(() => parseModelManifest(json, 'models/repair-prior.json')).toThrow(/prior\.sizeMultiple/);
    json.prior.sizeMultiple = 16;
    json.prior.contract = 'repair-prior/v2';
    expect(() => parseModelManifest(json, 'models/repair-prior.json')).toThrow(/prior\.contract/);
  });
});

describe('createRepairer', () => {
  it('runs the model at multiples of 16 and gives images the renders\' size', async () => {
    expect(modelSize(40, 30, 256, 16)).toEqual({ width: 48, height: 32 });
    expect(modelSize(400, 300, 128, 16)).toEqual({ width: 128, height: 96 });
    expect(modelSize(10, 6, 256, 16)).toEqual({ width: 16, height: 16 });
    const sizes: [number, number][] = [];
    const repair = createRepairer(async (input) => {
      sizes.push([input.width, input.height]);
      return reference(input);
    }, { strength: 0.5, steps: 2, batch: 2 });
    const requests = [0, 1, 2].map((i) => ({ render: testImage(40, 30, i, 200), nearest: testImage(50, 40, 10 + i) }));
    const out = await repair(requests, { seed: 4 });
    expect(out.map((o) => [o.width, o.height])).toEqual([[40, 30], [40, 30], [40, 30]]);
    // Three views in batches of two: two batches of two model steps each, all at 48 x 32.
    expect(sizes).toEqual([[48, 32], [48, 32], [48, 32], [48, 32]]);
    expect(out.every((o) => o.data.every((v, i) => i % 4 !== 3 || v === 255))).toBe(true);
  });
});

describe('prior worker service over comlink', () => {
  const ports: MessagePort[] = [];
  afterAll(() => {
    for (const p of ports) p.close();
  });

  it('loads the model and returns the JavaScript reference\'s repair', async () => {
    const { port1, port2 } = new MessageChannel();
    ports.push(port1, port2);
    const service = createPriorService();
    hostWorker({ load: service.load, repair: service.repair, dispose: service.dispose }, undefined, port2 as unknown as Comlink.Endpoint);
    const client = workerClient<typeof service & { cancel(id: number): void }>({ start: () => Object.assign(port1, { terminate: () => port1.close() }) as never, name: 'the prior worker' });

    const info = await client.call((r) => r.load({ bytes, name: 'tiny.onnx', manifest, webgpu: false }));
    expect(info).toMatchObject({ name: 'repair-prior', file: 'tiny.onnx', provider: 'wasm' });
    const requests = [{ render: testImage(32, 16, 1, 180), nearest: testImage(32, 16, 2) }, { render: testImage(32, 16, 3, 255), nearest: testImage(32, 16, 4) }];
    const res = await client.call((r) => r.repair(requests, { seed: 21, strength: 0.7, steps: 3 }));
    const want = await createRepairer(reference, { strength: 0.7, steps: 3, maxSide: 128 })(requests, { seed: 21 });
    expect(res.images.length).toBe(2);
    expect(res.ms).toBeGreaterThanOrEqual(0);
    for (let i = 0; i < 2; i++) {
      expect(res.images[i].width).toBe(32);
      // Bytes from float32 through two runtimes: at most one level apart after rounding.
      expect(maxDiff(res.images[i].data, want[i].data)).toBeLessThanOrEqual(1);
    }
    // Repair changed the render (the model is not the identity).
    expect(maxDiff(res.images[0].data, requests[0].render.data)).toBeGreaterThan(10);
    await client.call((r) => r.dispose());
    client.stop('test over');
  });
});
