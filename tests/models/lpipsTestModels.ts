/**
 * Stand-ins for the LPIPS ONNX model with its contract (models/lpips.json: in0, in1 float32
 * [1, 3, height, width], out [1, 1, 1, 1]) that compute something a test can check by hand,
 * plus models that break the contract. No real weights are needed.
 */
import { encodeTinyOnnx, type Dim } from './tinyOnnx.ts';

const IMAGE: Dim[] = [1, 3, 'height', 'width'];
const OUT = [{ name: 'out', shape: [1, 1, 1, 1] }];

/** out = mean((in0 - in1)^2) over every element. */
export function mseModelBytes(): Uint8Array {
  return encodeTinyOnnx({
    inputs: [{ name: 'in0', shape: IMAGE }, { name: 'in1', shape: IMAGE }],
    outputs: OUT,
    nodes: [
      { op: 'Sub', inputs: ['in0', 'in1'], outputs: ['d'] },
      { op: 'Mul', inputs: ['d', 'd'], outputs: ['d2'] },
      { op: 'ReduceMean', inputs: ['d2'], outputs: ['out'] },
    ],
  });
}

/**
 * out = sum(in0 * wa) + sum(in1 * wb) with weight tensors of the fixed shape [1, 3, h, w]: every
 * element of each input gets its own weight, so the result checks the layout (NCHW), the value
 * mapping and which image goes to which input.
 */
export function weightedSumModelBytes(wa: Float32Array, wb: Float32Array, h: number, w: number): Uint8Array {
  const shape = [1, 3, h, w];
  return encodeTinyOnnx({
    inputs: [{ name: 'in0', shape }, { name: 'in1', shape }],
    outputs: OUT,
    initializers: [{ name: 'wa', dims: shape, values: wa }, { name: 'wb', dims: shape, values: wb }],
    nodes: [
      { op: 'Mul', inputs: ['in0', 'wa'], outputs: ['a'] },
      { op: 'Mul', inputs: ['in1', 'wb'], outputs: ['b'] },
      { op: 'ReduceSum', inputs: ['a'], outputs: ['sa'] },
      { op: 'ReduceSum', inputs: ['b'], outputs: ['sb'] },
      { op: 'Add', inputs: ['sa', 'sb'], outputs: ['out'] },
    ],
  });
}

/** The MSE model with other input names (x, y), as another LPIPS export might have. */
export function wrongNamesModelBytes(): Uint8Array {
  return encodeTinyOnnx({
    inputs: [{ name: 'x', shape: IMAGE }, { name: 'y', shape: IMAGE }],
    outputs: OUT,
    nodes: [
      { op: 'Sub', inputs: ['x', 'y'], outputs: ['d'] },
      { op: 'Mul', inputs: ['d', 'd'], outputs: ['d2'] },
      { op: 'ReduceMean', inputs: ['d2'], outputs: ['out'] },
    ],
  });
}

/** The MSE model taking one grey channel ([1, 1, H, W]) instead of RGB. */
export function greyModelBytes(): Uint8Array {
  const grey: Dim[] = [1, 1, 'height', 'width'];
  return encodeTinyOnnx({
    inputs: [{ name: 'in0', shape: grey }, { name: 'in1', shape: grey }],
    outputs: OUT,
    nodes: [
      { op: 'Sub', inputs: ['in0', 'in1'], outputs: ['d'] },
      { op: 'Mul', inputs: ['d', 'd'], outputs: ['d2'] },
      { op: 'ReduceMean', inputs: ['d2'], outputs: ['out'] },
    ],
  });
}
