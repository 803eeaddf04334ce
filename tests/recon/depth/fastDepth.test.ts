/**
 * The monocular depth stage with a tiny stand-in for FastDepth's contract (input "0" [1, 3, 8, 8]
 * in [0, 1], output "350" [1, 1, 8, 8]): a 1x1 convolution out = 2 + r' - 0.5 g' + 0.25 b' of the
 * input x' = x / 255, so the output tells exactly what the stage fed the model (channel order,
 * normalisation, resize) and the depth map how it was resized back. The real weights are never
 * needed (models/fastdepth.json names them; bench:quality uses them when they are on disk).
 */
import { describe, expect, it } from 'vitest';
import { createImage } from '../../../src/core/image.ts';
import { depthMapToSize, depthModelInput, FASTDEPTH_MANIFEST, loadDepthModel } from '../../../src/recon/depth/fastDepth.ts';
import type { ModelManifest } from '../../../src/models/modelManifest.ts';
import { encodeTinyOnnx } from '../../models/tinyOnnx.ts';

const S = 8;
const tinyModel = encodeTinyOnnx({
  inputs: [{ name: '0', shape: [1, 3, S, S] }],
  outputs: [{ name: '350', shape: [1, 1, S, S] }],
  nodes: [{ op: 'Conv', inputs: ['0', 'w', 'b'], outputs: ['350'] }],
  initializers: [
    { name: 'w', dims: [1, 3, 1, 1], values: new Float32Array([1, -0.5, 0.25]) },
    { name: 'b', dims: [1], values: new Float32Array([2]) },
  ],
});
const manifest: ModelManifest = {
  ...FASTDEPTH_MANIFEST,
  sha256: null,
  inputs: [{ ...FASTDEPTH_MANIFEST.inputs[0], shape: [1, 3, S, S] }],
  outputs: [{ ...FASTDEPTH_MANIFEST.outputs[0], shape: [1, 1, S, S] }],
};

/** A 32x16 photo of 4x2-pixel blocks: block (i, j) has colour blockColour(i, j). */
const blockColour = (i: number, j: number): [number, number, number] => [(i * 37 + j * 11) % 256, (i * 5 + j * 53) % 256, (255 - i * 29) & 255];
function blockPhoto() {
  const img = createImage(32, 16);
  for (let y = 0; y < 16; y++) for (let x = 0; x < 32; x++) img.data.set([...blockColour(x >> 2, y >> 1), 77], (y * 32 + x) * 4);
  return img;
}

describe('monocular depth stage (FastDepth contract)', () => {
  it('reads its manifest: the file, its sha256, 224x224 input "0" in [0, 1] and output "350"', () => {
    expect(FASTDEPTH_MANIFEST.file).toBe('fastdepth_7.onnx');
    expect(FASTDEPTH_MANIFEST.sha256).toBe('6275c23f467d476874d0eecea2a2c7059733ca6681de4f17bfbfe3fc3a52a71d');
    expect(FASTDEPTH_MANIFEST.inputs).toMatchObject([{ name: '0', shape: [1, 3, 224, 224] }]);
    expect(FASTDEPTH_MANIFEST.outputs).toMatchObject([{ name: '350', shape: [1, 1, 224, 224] }]);
    expect(FASTDEPTH_MANIFEST.normalisation).toMatchObject({ to: [0, 1], mean: 0, std: 255 });
  });

  it('feeds the model RGB planes resized to its input, bytes / 255, alpha ignored', () => {
    const input = depthModelInput(blockPhoto(), S, S, 0, 255);
    expect(input.length).toBe(3 * S * S);
    for (let j = 0; j < S; j++)
      for (let i = 0; i < S; i++)
        for (let c = 0; c < 3; c++) expect(input[c * S * S + j * S + i]).toBe(Math.fround(blockColour(i, j)[c] / 255));
  });

  it('runs the model and resizes its map to the size asked for (bilinear, pixel-centre aligned), values as the model gave them', async () => {
    const model = await loadDepthModel(tinyModel, { manifest, label: 'tiny.onnx' });
    try {
      const W = 12, H = 20;
      const depth = await model.depth(blockPhoto(), W, H);
      expect(depth.length).toBe(W * H);
      const f = Math.fround;
      const out = new Float32Array(S * S);
      for (let j = 0; j < S; j++)
        for (let i = 0; i < S; i++) {
          const [r, g, b] = blockColour(i, j).map((v) => f(v / 255));
          out[j * S + i] = f(f(f(f(r) + f(-0.5 * g)) + f(0.25 * b)) + 2);
        }
      const expected = depthMapToSize(out, S, S, W, H);
      for (let p = 0; p < W * H; p++) expect(depth[p], `pixel ${p}`).toBeCloseTo(expected[p], 5);
      // Not a constant map: the stage keeps the model's variation.
      expect(Math.max(...depth) - Math.min(...depth)).toBeGreaterThan(0.3);
      // The resize is bilinear and centre-aligned: a corner pixel of an upsampled map is the corner value.
      expect(depth[0]).toBeCloseTo(out[0], 5);
    } finally {
      await model.dispose();
    }
  });

  it("refuses a file whose sha256 is not the manifest's", async () => {
    await expect(loadDepthModel(tinyModel)).rejects.toThrow(/sha256 is [0-9a-f]{64}, expected 6275c23f/);
  });
});
