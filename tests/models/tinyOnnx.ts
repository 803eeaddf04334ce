/**
 * Hand-encodes tiny ONNX models (protobuf bytes, no dependency) for tests of the model plumbing:
 * a graph of a few standard operators with named inputs, initializers and outputs, so a test can
 * check what a runner feeds a model and reads back without shipping real weights.
 * Field numbers follow onnx/onnx.proto (ModelProto, GraphProto, NodeProto, TensorProto,
 * ValueInfoProto, TypeProto).
 */

/** A dimension: a fixed size or a symbolic name ("H"). */
export type Dim = number | string;

export interface TinyTensorInfo {
  name: string;
  shape: readonly Dim[];
}

export interface TinyNode {
  op: string;
  inputs: readonly string[];
  outputs: readonly string[];
}

export interface TinyInitializer {
  name: string;
  dims: readonly number[];
  /** float32, or int64 (shapes for Reshape). */
  values: Float32Array | BigInt64Array;
}

export interface TinyModel {
  inputs: readonly TinyTensorInfo[];
  outputs: readonly TinyTensorInfo[];
  nodes: readonly TinyNode[];
  initializers?: readonly TinyInitializer[];
  opset?: number;
}

const FLOAT = 1;
const INT64 = 7;

function varint(n: number): number[] {
  const out: number[] = [];
  let v = BigInt(n);
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) b |= 0x80;
    out.push(b);
  } while (v > 0n);
  return out;
}

const key = (field: number, wire: number) => varint((field << 3) | wire);
const int = (field: number, n: number) => [...key(field, 0), ...varint(n)];
const bytes = (field: number, b: ArrayLike<number>) => [...key(field, 2), ...varint(b.length), ...Array.from(b)];
const str = (field: number, s: string) => bytes(field, new TextEncoder().encode(s));

function valueInfo(t: TinyTensorInfo): number[] {
  const dims = t.shape.flatMap((d) => bytes(1, typeof d === 'number' ? int(1, d) : str(2, d)));
  const tensorType = [...int(1, FLOAT), ...bytes(2, dims)];
  return [...str(1, t.name), ...bytes(2, bytes(1, tensorType))];
}

function initializer(t: TinyInitializer): number[] {
  const raw = new Uint8Array(t.values.buffer.slice(t.values.byteOffset, t.values.byteOffset + t.values.byteLength));
  return [...t.dims.flatMap((d) => int(1, d)), ...int(2, t.values instanceof BigInt64Array ? INT64 : FLOAT), ...str(8, t.name), ...bytes(9, raw)];
}

function node(n: TinyNode, i: number): number[] {
  return [...n.inputs.flatMap((s) => str(1, s)), ...n.outputs.flatMap((s) => str(2, s)), ...str(3, `n${i}`), ...str(4, n.op)];
}

/** The serialized ModelProto (IR version 7) of a one-graph model. */
export function encodeTinyOnnx(m: TinyModel): Uint8Array {
  const graph = [
    ...m.nodes.flatMap((n, i) => bytes(1, node(n, i))),
    ...str(2, 'tiny'),
    ...(m.initializers ?? []).flatMap((t) => bytes(5, initializer(t))),
    ...m.inputs.flatMap((t) => bytes(11, valueInfo(t))),
    ...m.outputs.flatMap((t) => bytes(12, valueInfo(t))),
  ];
  const opset = [...str(1, ''), ...int(2, m.opset ?? 13)];
  return new Uint8Array([...int(1, 7), ...str(2, 'tinyOnnx.ts'), ...bytes(7, graph), ...bytes(8, opset)]);
}
