/**
 * NumPy .npy files (format versions 1, 2 and 3), the container LLFF poses and IDR/NeuS cameras
 * come in. Only what camera files use: little-endian f8/f4/i8/i4, C order. Values are returned
 * as float64 whatever the stored type, since every consumer does float maths on them.
 */
import { InputError } from '../core/errors.ts';

export interface NpyArray {
  /** The dtype as stored, e.g. "<f8". */
  dtype: string;
  shape: number[];
  /** Row-major (C order) values. */
  data: Float64Array;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

const ITEM_SIZE: Record<string, number> = { '<f8': 8, '<f4': 4, '<i8': 8, '<i4': 4 };

export function parseNpy(bytes: Uint8Array, file = 'array.npy'): NpyArray {
  const fail = (msg: string): never => {
    throw new InputError(msg, { file });
  };
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b))
    fail('not a NumPy .npy file (bad magic bytes). Save the array with numpy.save.');
  const major = bytes[6];
  if (major < 1 || major > 3) fail(`unsupported .npy format version ${major}.${bytes[7]} (expected 1, 2 or 3)`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // v1 has a u16 header length; v2 and v3 widened it to u32 (v3 also allows UTF-8 in the header).
  const lenSize = major === 1 ? 2 : 4;
  if (bytes.length < 8 + lenSize) fail('file ends inside the .npy header');
  const headerLen = major === 1 ? dv.getUint16(8, true) : dv.getUint32(8, true);
  const dataStart = 8 + lenSize + headerLen;
  if (dataStart > bytes.length) fail('file ends inside the .npy header (truncated download?)');
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(8 + lenSize, dataStart));

  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined)
    fail(`unreadable .npy header ${JSON.stringify(header.trim())}`);
  const itemSize = ITEM_SIZE[descr!];
  if (!itemSize)
    fail(`unsupported dtype "${descr}" (supported: little-endian float64, float32, int64, int32). Convert with arr.astype("<f8").`);
  if (fortran === 'True') fail('Fortran-order arrays are not supported. Save np.ascontiguousarray(arr) instead.');
  const shape = shapeText!
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map(Number);
  if (shape.some((n) => !Number.isInteger(n) || n < 0)) fail(`bad shape (${shapeText}) in the .npy header`);
  const count = shape.reduce((a, b) => a * b, 1);
  const need = count * itemSize;
  if (bytes.length - dataStart < need)
    fail(`truncated: shape (${shape.join(', ')}) needs ${need} data bytes but only ${bytes.length - dataStart} are present`);

  const data = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const o = dataStart + i * itemSize;
    switch (descr) {
      case '<f8':
        data[i] = dv.getFloat64(o, true);
        break;
      case '<f4':
        data[i] = dv.getFloat32(o, true);
        break;
      case '<i8':
        data[i] = Number(dv.getBigInt64(o, true));
        break;
      default:
        data[i] = dv.getInt32(o, true);
    }
  }
  return { dtype: descr!, shape, data };
}

/** Writes a C-order little-endian float64 (or float32) .npy, version 1. */
export function encodeNpy(shape: readonly number[], values: ArrayLike<number>, dtype: '<f8' | '<f4' = '<f8'): Uint8Array {
  const count = shape.reduce((a, b) => a * b, 1);
  if (values.length !== count) throw new Error(`encodeNpy: ${values.length} values for shape (${shape.join(', ')})`);
  const shapeText = shape.length === 1 ? `${shape[0]},` : shape.join(', ');
  let header = `{'descr': '${dtype}', 'fortran_order': False, 'shape': (${shapeText}), }`;
  // NumPy pads the header with spaces and a newline so the data starts on a 64-byte boundary.
  const total = 10 + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const itemSize = dtype === '<f8' ? 8 : 4;
  const out = new Uint8Array(10 + header.length + count * itemSize);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  const dv = new DataView(out.buffer);
  dv.setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  const start = 10 + header.length;
  for (let i = 0; i < count; i++)
    if (itemSize === 8) dv.setFloat64(start + i * 8, values[i], true);
    else dv.setFloat32(start + i * 4, values[i], true);
  return out;
}
