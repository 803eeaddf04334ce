/**
 * A tiny model with the repair-prior contract (src/recon/prior/README.md), written as ONNX bytes
 * from TypeScript, and the same graph in plain JavaScript (float64) as the reference:
 *
 *   x0 = tanh(Conv1x1(noisy; Wn) + Conv1x1(cond; Wc, b) + t * wt)        per pixel, per channel
 *
 * It is diffusion-shaped where it matters to the plumbing: it reads all three inputs (so a wrong
 * channel order, a wrong input or a wrong t changes the answer), is nonlinear in x_t (so every
 * sampler step counts) and keeps NCHW with symbolic batch, height and width.
 */
import { encodeTinyOnnx } from '../../models/tinyOnnx.ts';
import type { Denoiser } from '../../../src/recon/prior/sampler.ts';

export interface TinyRepairWeights {
  /** [3 out][3 in]. */
  wn: Float32Array;
  /** [3 out][7 in]. */
  wc: Float32Array;
  /** [3]. */
  b: Float32Array;
  /** [3]. */
  wt: Float32Array;
}

/** Fixed weights that pull x_t towards the nearest photo and the render, plus a t-dependent shift. */
export function tinyRepairWeights(): TinyRepairWeights {
  const wn = new Float32Array(9), wc = new Float32Array(21);
  for (let o = 0; o < 3; o++) {
    wn[o * 3 + o] = 0.6;
    wn[o * 3 + ((o + 1) % 3)] = 0.1;
    wc[o * 7 + o] = 0.3; // the render
    wc[o * 7 + 3] = 0.05 * (o + 1); // its alpha
    wc[o * 7 + 4 + o] = 0.4; // the nearest photo
  }
  return { wn, wc, b: new Float32Array([0.02, -0.03, 0.01]), wt: new Float32Array([0.2, -0.1, 0.15]) };
}

export function tinyRepairModelBytes(w: TinyRepairWeights = tinyRepairWeights()): Uint8Array {
  return encodeTinyOnnx({
    inputs: [
      { name: 'noisy', shape: ['batch', 3, 'height', 'width'] },
      { name: 'cond', shape: ['batch', 7, 'height', 'width'] },
      { name: 't', shape: ['batch'] },
    ],
    outputs: [{ name: 'x0', shape: ['batch', 3, 'height', 'width'] }],
    initializers: [
      { name: 'wn', dims: [3, 3, 1, 1], values: w.wn },
      { name: 'wc', dims: [3, 7, 1, 1], values: w.wc },
      { name: 'b', dims: [3], values: w.b },
      { name: 'wt', dims: [1, 3, 1, 1], values: w.wt },
      { name: 'tShape', dims: [4], values: new BigInt64Array([-1n, 1n, 1n, 1n]) },
    ],
    nodes: [
      { op: 'Conv', inputs: ['noisy', 'wn'], outputs: ['hn'] },
      { op: 'Conv', inputs: ['cond', 'wc', 'b'], outputs: ['hc'] },
      { op: 'Reshape', inputs: ['t', 'tShape'], outputs: ['t4'] },
      { op: 'Mul', inputs: ['t4', 'wt'], outputs: ['ht'] },
      { op: 'Add', inputs: ['hn', 'hc'], outputs: ['h1'] },
      { op: 'Add', inputs: ['h1', 'ht'], outputs: ['h'] },
      { op: 'Tanh', inputs: ['h'], outputs: ['x0'] },
    ],
  });
}

/** The same graph in JavaScript (float64 sums, rounded to float32 at the end). */
export function tinyRepairReference(w: TinyRepairWeights = tinyRepairWeights()): Denoiser {
  return async ({ noisy, cond, t, n, height, width }) => {
    const hw = height * width;
    const out = new Float32Array(n * 3 * hw);
    for (let i = 0; i < n; i++)
      for (let o = 0; o < 3; o++)
        for (let p = 0; p < hw; p++) {
          let h = w.b[o] + t[i] * w.wt[o];
          for (let c = 0; c < 3; c++) h += w.wn[o * 3 + c] * noisy[(i * 3 + c) * hw + p];
          for (let c = 0; c < 7; c++) h += w.wc[o * 7 + c] * cond[(i * 7 + c) * hw + p];
          out[(i * 3 + o) * hw + p] = Math.tanh(h);
        }
    return out;
  };
}
