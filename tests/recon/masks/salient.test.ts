/**
 * The ONNX path of the masks stage with a tiny stand-in for the salient model's contract
 * (input "input" [1, 3, 8, 8], output "output" [1, 1, 8, 8]): a 1x1 convolution
 * out = 0.5 + 0.5 r' + 0.25 g' + 0.25 b' of the normalised input x' = (x - 128) / 256, so the
 * output tells exactly what the stage fed the model (channel order, normalisation, resize), and
 * the mask exactly how it was resized back and thresholded.
 */
import { describe, expect, it } from 'vitest';
import { createImage } from '../../../src/core/image.ts';
import { estimateMasks, ISNET_MANIFEST, loadSalientModel, salientInput } from '../../../src/recon/masks/index.ts';
import type { ModelManifest } from '../../../src/models/modelManifest.ts';
import { encodeTinyOnnx } from '../../models/tinyOnnx.ts';

const S = 8;
const tinyModel = encodeTinyOnnx({
  inputs: [{ name: 'input', shape: [1, 3, S, S] }],
  outputs: [{ name: 'output', shape: [1, 1, S, S] }],
  nodes: [{ op: 'Conv', inputs: ['input', 'w', 'b'], outputs: ['output'] }],
  initializers: [
    { name: 'w', dims: [1, 3, 1, 1], values: new Float32Array([0.5, 0.25, 0.25]) },
    { name: 'b', dims: [1], values: new Float32Array([0.5]) },
  ],
});
const manifest: ModelManifest = {
  ...ISNET_MANIFEST,
  sha256: null,
  inputs: [{ ...ISNET_MANIFEST.inputs[0], shape: [1, 3, S, S] }],
  outputs: [{ ...ISNET_MANIFEST.outputs[0], shape: [1, 1, S, S] }],
};

/** A 32x16 photo of 4x2-pixel blocks: block (i, j) has colour blockColour(i, j). */
const blockColour = (i: number, j: number): [number, number, number] => [(i * 37 + j * 11) % 256, (i * 5 + j * 53) % 256, (255 - i * 29) & 255];
function blockPhoto() {
  const img = createImage(32, 16);
  for (let y = 0; y < 16; y++) for (let x = 0; x < 32; x++) img.data.set([...blockColour(x >> 2, y >> 1), 255], (y * 32 + x) * 4);
  return img;
}

/** The 8x8 output the stand-in must give for blockPhoto (float32 arithmetic as the model's). */
function expectedModelOutput(): Float32Array {
  const out = new Float32Array(S * S);
  const f = Math.fround;
  for (let j = 0; j < S; j++)
    for (let i = 0; i < S; i++) {
      const [r, g, b] = blockColour(i, j).map((v) => f((v - 128) / 256));
      out[j * S + i] = f(f(f(f(0.5 * r) + f(0.25 * g)) + f(0.25 * b)) + 0.5);
    }
  return out;
}

describe('salient-object model path', () => {
  it('feeds the model RGB planes resized to its input and normalised as (x - 128) / 256', () => {
    const input = salientInput(blockPhoto(), S, S, 128, 256);
    expect(input.length).toBe(3 * S * S);
    for (let j = 0; j < S; j++)
      for (let i = 0; i < S; i++)
        for (let c = 0; c < 3; c++) expect(input[c * S * S + j * S + i]).toBe(Math.fround((blockColour(i, j)[c] - 128) / 256));
  });

  it('resizes the output back to the photo (bilinear, pixel-centre aligned) and thresholds it (refine: false, the map as it is)', async () => {
    const model = await loadSalientModel(tinyModel, { manifest, label: 'tiny.onnx' });
    const res = await estimateMasks([blockPhoto()], { method: 'model', model, threshold: 0.55, refine: false });
    await model.dispose();
    const out = expectedModelOutput();
    const m = res.masks[0];
    expect(res.model?.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect([m.width, m.height]).toEqual([32, 16]);
    let above = 0;
    for (let y = 0; y < 16; y++)
      for (let x = 0; x < 32; x++) {
        const fx = Math.min(Math.max((x + 0.5) * (S / 32) - 0.5, 0), S - 1);
        const fy = Math.min(Math.max((y + 0.5) * (S / 16) - 0.5, 0), S - 1);
        const x0 = Math.floor(fx), y0 = Math.floor(fy), x1 = Math.min(x0 + 1, S - 1), y1 = Math.min(y0 + 1, S - 1);
        const ax = fx - x0, ay = fy - y0;
        const v = (out[y0 * S + x0] * (1 - ax) + out[y0 * S + x1] * ax) * (1 - ay) + (out[y1 * S + x0] * (1 - ax) + out[y1 * S + x1] * ax) * ay;
        const q = Math.round(Math.min(1, Math.max(0, v)) * 255);
        expect(m.probability[y * 32 + x], `probability at ${x},${y}`).toBe(q);
        expect(m.mask[y * 32 + x], `mask at ${x},${y}`).toBe(m.probability[y * 32 + x] >= 0.55 * 255 ? 1 : 0);
        above += m.mask[y * 32 + x];
      }
    // The threshold splits this photo: some pixels in, some out.
    expect(above).toBeGreaterThan(0);
    expect(above).toBeLessThan(32 * 16);
  });

  it('refuses a file whose sha256 is not the manifest\'s', async () => {
    await expect(estimateMasks([blockPhoto()], { method: 'model', model: tinyModel })).rejects.toThrow(/sha256 is [0-9a-f]{64}, expected 20235dec/);
  });
});
