import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.ts';
import { encodeNpy, parseNpy } from '../../src/io/npy.ts';
import { encodeNpz, parseNpz } from '../../src/io/npz.ts';

/** A .npy with any header text and raw data, for the cases encodeNpy does not write. */
function rawNpy(header: string, data: Uint8Array, version = 1): Uint8Array {
  const lenSize = version === 1 ? 2 : 4;
  const h = new TextEncoder().encode(header + '\n');
  const out = new Uint8Array(8 + lenSize + h.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  const dv = new DataView(out.buffer);
  if (version === 1) dv.setUint16(8, h.length, true);
  else dv.setUint32(8, h.length, true);
  out.set(h, 8 + lenSize);
  out.set(data, 8 + lenSize + h.length);
  return out;
}

function bytesOf(arr: ArrayBufferView): Uint8Array {
  return new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength);
}

describe('npy', () => {
  it('round-trips float64 with a v1 header padded to 64 bytes', () => {
    const vals = [1.5, -2, 3.25, 1e-300, 4, Math.PI];
    const bytes = encodeNpy([2, 3], vals);
    expect((10 + new DataView(bytes.buffer).getUint16(8, true)) % 64).toBe(0);
    const a = parseNpy(bytes, 'x.npy');
    expect(a.dtype).toBe('<f8');
    expect(a.shape).toEqual([2, 3]);
    expect(Array.from(a.data)).toEqual(vals);
  });

  it('reads float32, int32 and int64, 1-D and 0-D shapes', () => {
    const f4 = parseNpy(encodeNpy([3], [0.5, -1.25, 3], '<f4'));
    expect(f4.shape).toEqual([3]);
    expect(Array.from(f4.data)).toEqual([0.5, -1.25, 3]);
    const i4 = parseNpy(rawNpy("{'descr': '<i4', 'fortran_order': False, 'shape': (2, 2), }", bytesOf(new Int32Array([1, -2, 3, 2147483647]))));
    expect(Array.from(i4.data)).toEqual([1, -2, 3, 2147483647]);
    const i8 = parseNpy(rawNpy("{'descr': '<i8', 'fortran_order': False, 'shape': (2,), }", bytesOf(new BigInt64Array([-5n, 1n << 40n]))));
    expect(Array.from(i8.data)).toEqual([-5, 2 ** 40]);
    const scalar = parseNpy(rawNpy("{'descr': '<f8', 'fortran_order': False, 'shape': (), }", bytesOf(new Float64Array([7]))));
    expect(scalar.shape).toEqual([]);
    expect(Array.from(scalar.data)).toEqual([7]);
  });

  it('reads v2 and v3 headers (u32 header length)', () => {
    for (const v of [2, 3]) {
      const a = parseNpy(rawNpy("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", bytesOf(new Float64Array([1, 2])), v));
      expect(Array.from(a.data)).toEqual([1, 2]);
    }
  });

  it('rejects bad magic, truncation, Fortran order and unsupported dtypes with InputError naming the file', () => {
    const cases: [Uint8Array, RegExp][] = [
      [new TextEncoder().encode('PK\x03\x04 not numpy at all'), /bad magic/],
      [encodeNpy([4, 4], new Array(16).fill(1)).subarray(0, 150), /truncated.*128 data bytes/],
      [encodeNpy([4, 4], new Array(16).fill(1)).subarray(0, 40), /ends inside the .npy header/],
      [rawNpy("{'descr': '<f8', 'fortran_order': True, 'shape': (1,), }", new Uint8Array(8)), /Fortran/],
      [rawNpy("{'descr': '>f8', 'fortran_order': False, 'shape': (1,), }", new Uint8Array(8)), /unsupported dtype ">f8"/],
      [rawNpy("{'descr': '<U3', 'fortran_order': False, 'shape': (1,), }", new Uint8Array(12)), /unsupported dtype/],
    ];
    for (const [bytes, re] of cases) {
      let err: unknown;
      try {
        parseNpy(bytes, 'poses_bounds.npy');
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(InputError);
      expect((err as InputError).file).toBe('poses_bounds.npy');
      expect((err as Error).message).toMatch(re);
    }
  });
});

describe('npz', () => {
  it('reads stored and deflated archives, keyed without ".npy"', () => {
    for (const compress of [false, true]) {
      const z = encodeNpz({ world_mat_0: encodeNpy([4, 4], Array.from({ length: 16 }, (_, i) => i)), scale_mat_0: encodeNpy([2], [1, 2]) }, compress);
      const m = parseNpz(z, 'cams.npz');
      expect([...m.keys()].sort()).toEqual(['scale_mat_0', 'world_mat_0']);
      expect(m.get('world_mat_0')!.data[15]).toBe(15);
    }
  });

  it('names the archive and the member in errors', () => {
    expect(() => parseNpz(new Uint8Array([1, 2, 3, 4, 5]), 'cams.npz')).toThrow(/cams\.npz: not a readable \.npz/);
    const bad = zipSync({ 'a.npy': new TextEncoder().encode('nope nope nope') });
    expect(() => parseNpz(bad, 'cams.npz')).toThrow(/cams\.npz\/a\.npy: not a NumPy/);
    expect(() => parseNpz(zipSync({ 'readme.txt': new Uint8Array(3) }), 'cams.npz')).toThrow(InputError);
  });
});
