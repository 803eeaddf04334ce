/**
 * The ONNX feature path's pre- and post-processing, with tiny hand-encoded models standing in for
 * ALIKE's contract (image -> scores_map [1,1,H,W] + descriptor_map [1,128,H,W]): 1x1
 * convolutions make the score map the red channel and each descriptor a fixed linear mix of
 * R, G, B, so padding, NMS, top-k, coordinates and descriptor sampling are checked exactly.
 * XFeat's softmax / pixel-shuffle / reliability step is checked on hand-made maps.
 */
import { describe, expect, it } from 'vitest';
import { createImage } from '../../../src/core/image.ts';
import { ALIKE_MANIFEST, loadLearnedDetector, xfeatFeatures } from '../../../src/recon/poses/index.ts';
import { encodeTinyOnnx } from '../../models/tinyOnnx.ts';

const D = 128;

function mulberry(seed: number) {
  return () => { seed = (seed + 0x6d2b79f5) | 0; let t = Math.imul(seed ^ (seed >>> 15), 1 | seed); t ^= t + Math.imul(t ^ (t >>> 7), 61 | t); return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
}

function alikeStandIn(mix: Float32Array): Uint8Array {
  return encodeTinyOnnx({
    inputs: [{ name: 'image', shape: [1, 3, 'height', 'width'] }],
    outputs: [{ name: 'scores_map', shape: [1, 1, 'height', 'width'] }, { name: 'descriptor_map', shape: [1, D, 'height', 'width'] }],
    initializers: [
      { name: 'ws', dims: [1, 3, 1, 1], values: Float32Array.of(1, 0, 0) },
      { name: 'wd', dims: [D, 3, 1, 1], values: mix },
    ],
    nodes: [
      { op: 'Conv', inputs: ['image', 'ws'], outputs: ['scores_map'] },
      { op: 'Conv', inputs: ['image', 'wd'], outputs: ['descriptor_map'] },
    ],
  });
}

describe('ALIKE post-processing through an ONNX stand-in', () => {
  const W = 45, H = 37; // padded to 64 x 64 for the model
  const rng = mulberry(7);
  const mix = Float32Array.from({ length: D * 3 }, () => rng() * 2 - 1);
  const img = createImage(W, H);
  for (let i = 0; i < W * H; i++) {
    img.data[4 * i] = 0;
    img.data[4 * i + 1] = Math.floor(rng() * 256);
    img.data[4 * i + 2] = Math.floor(rng() * 256);
    img.data[4 * i + 3] = 255;
  }
  const peaks: [number, number, number][] = [
    [10, 10, 200], [11, 11, 150], // 150 is inside 200's 5x5 window: suppressed
    [14, 10, 180], // 4 px from 200: outside its window, kept
    [1, 20, 255], // within 2 px of the left edge: skipped
    [30, 30, 100], [40, 5, 120], [20, 33, 90],
    [44, 34, 60], // 1 px from the right edge of the 45-wide image (the padding starts at 45): skipped
  ];
  for (const [x, y, r] of peaks) img.data[4 * (y * W + x)] = r;
  const expectedDescriptor = (x: number, y: number) => {
    const p = 4 * (y * W + x);
    const rgb = [img.data[p] / 255, img.data[p + 1] / 255, img.data[p + 2] / 255];
    const d = Array.from({ length: D }, (_, c) => mix[3 * c] * rgb[0] + mix[3 * c + 1] * rgb[1] + mix[3 * c + 2] * rgb[2]);
    const n = Math.hypot(...d);
    return d.map((v) => v / n);
  };

  it('keeps 5x5 local maxima inside the image and away from its border, best first, top-k', async () => {
    const det = await loadLearnedDetector('alike', alikeStandIn(mix), 'stand-in.onnx', { ...ALIKE_MANIFEST, sha256: null });
    try {
      const all = await det.detect(img, { topK: 100 });
      expect(all.width).toBe(W);
      expect(Array.from(all.keypoints)).toEqual([10.5, 10.5, 14.5, 10.5, 40.5, 5.5, 30.5, 30.5, 20.5, 33.5]);
      expect(Array.from(all.scores).map((s) => Math.round(s * 255))).toEqual([200, 180, 120, 100, 90]);
      const top3 = await det.detect(img, { topK: 3 });
      expect(Array.from(top3.keypoints)).toEqual([10.5, 10.5, 14.5, 10.5, 40.5, 5.5]);
      // Descriptors: the map's value at the keypoint's pixel, unit length.
      expect(all.dim).toBe(D);
      [[10, 10], [14, 10], [40, 5], [30, 30], [20, 33]].forEach(([x, y], k) => {
        const got = Array.from(all.descriptors.subarray(k * D, (k + 1) * D));
        const want = expectedDescriptor(x, y);
        got.forEach((v, c) => expect(v).toBeCloseTo(want[c], 5));
      });
      // A mask drops keypoints where it is 0.
      const mask = new Uint8Array(W * H).fill(1);
      mask[10 * W + 10] = 0;
      const masked = await det.detect(img, { topK: 100, mask });
      expect(Array.from(masked.keypoints.subarray(0, 2))).toEqual([14.5, 10.5]);
      expect(masked.keypoints.length).toBe(all.keypoints.length - 2);
    } finally {
      await det.dispose();
    }
  });

  it('refuses a file whose sha256 is not the manifest\'s', async () => {
    await expect(loadLearnedDetector('alike', alikeStandIn(mix), 'fake_alike.onnx')).rejects.toThrow(/fake_alike\.onnx: is not the alike-n model file alike_n\.onnx: its sha256 is [0-9a-f]{64}, expected 391d3727/);
  });
});

describe('XFeat post-processing', () => {
  it('softmax over 65 bins, last bin dropped, pixel-shuffled 8x8, times reliability, descriptors sampled', () => {
    const cw = 2, ch = 2, plane = cw * ch;
    const logits = new Float32Array(65 * plane); // all zero: heat 1/65 < 0.05 everywhere
    logits[(8 * 3 + 5) * plane + (0 * cw + 1)] = 10; // cell (row 0, col 1), dy 3, dx 5 -> pixel (13, 3)
    logits[0 * plane + (1 * cw + 1)] = 9; // cell (1, 1), dy 0, dx 0 -> pixel (8, 8)
    logits[64 * plane + (1 * cw + 0)] = 20; // "no keypoint" wins in cell (1, 0)
    const rel = Float32Array.of(0.5, 0.5, 0.5, 0.9);
    const desc = new Float32Array(64 * plane);
    for (let c = 0; c < 64; c++) for (let k = 0; k < plane; k++) desc[c * plane + k] = Math.sin(c * 1.3 + k * 2.1);
    const f = xfeatFeatures(logits, desc, rel, 64, cw, ch, 16, 16, { topK: 10 });
    const heat = (l: number) => Math.exp(l) / (Math.exp(l) + 64);
    // (8, 8): heat(9) x 0.9 (reliability at its cell centre region) beats (13, 3): heat(10) x 0.5.
    expect(Array.from(f.keypoints)).toEqual([8.5, 8.5, 13.5, 3.5]);
    // Reliability sampled bilinearly at (8.5, 8.5): map coords (0.5625, 0.5625).
    const w = 0.5625;
    const relAt = (1 - w) * ((1 - w) * 0.5 + w * 0.5) + w * ((1 - w) * 0.5 + w * 0.9);
    expect(f.scores[0]).toBeCloseTo(heat(9) * relAt, 6);
    expect(f.scores[1]).toBeCloseTo(heat(10) * 0.5, 6);
    // Descriptor of (13.5, 3.5): map coords (1.1875, -0.0625) clamp to cell (0, 1).
    const cell01 = Array.from({ length: 64 }, (_, c) => desc[c * plane + 1]);
    const n = Math.hypot(...cell01);
    Array.from(f.descriptors.subarray(64, 128)).forEach((v, c) => expect(v).toBeCloseTo(cell01[c] / n, 6));
    // Unit length.
    expect(Math.hypot(...Array.from(f.descriptors.subarray(0, 64)))).toBeCloseTo(1, 6);
  });
});
