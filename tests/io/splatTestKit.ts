/**
 * Shared by the splat format tests (.splat, .spz, splatFile): seeded clouds inside the range the
 * compact formats can represent, the rotation angle between two quaternions, seeded byte
 * mutations for fuzzing, and a watch on typed-array allocations, so a fuzz test can show that a
 * reader never allocates more than its input justifies.
 */
import { expect } from 'vitest';
import { InputError } from '../../src/core/errors.ts';

export { randomCloud } from './randomCloud.ts';

/** Angle in radians of the rotation taking one (w, x, y, z) quaternion to the other. */
export function rotationAngle(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const dot = a[0] * b[0] + a[1] * b[1] + a[2] * b[2] + a[3] * b[3];
  const na = Math.hypot(a[0], a[1], a[2], a[3]);
  const nb = Math.hypot(b[0], b[1], b[2], b[3]);
  return 2 * Math.acos(Math.min(1, Math.abs(dot) / (na * nb)));
}

export const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** Largest |a[i] - b[i]|, after mapping both through f. */
export function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>, f: (v: number) => number = (v) => v): number {
  expect(b.length).toBe(a.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(f(a[i]) - f(b[i])));
  return m;
}

export function expectInputError(fn: () => unknown, pattern: RegExp): void {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(InputError);
  expect((err as Error).message).toMatch(pattern);
}

/**
 * Runs fn while recording the largest Float32Array and Uint8Array each allocated (in bytes) by
 * code that names the global constructors, as the readers do. Restores the globals afterwards.
 */
export function watchAllocations<T>(fn: () => T): { result?: T; error?: unknown; maxFloatBytes: number; maxByteBytes: number } {
  const original = { Float32Array: globalThis.Float32Array, Uint8Array: globalThis.Uint8Array };
  const seen = { maxFloatBytes: 0, maxByteBytes: 0 };
  const watch = <C extends Float32ArrayConstructor | Uint8ArrayConstructor>(ctor: C, key: 'maxFloatBytes' | 'maxByteBytes'): C =>
    new Proxy(ctor, {
      construct(target, args, newTarget) {
        const made = Reflect.construct(target, args, newTarget) as Float32Array | Uint8Array;
        seen[key] = Math.max(seen[key], made.byteLength);
        return made;
      },
    });
  globalThis.Float32Array = watch(original.Float32Array, 'maxFloatBytes');
  globalThis.Uint8Array = watch(original.Uint8Array, 'maxByteBytes');
  try {
    return { result: fn(), ...seen };
  } catch (error) {
    return { error, ...seen };
  } finally {
    globalThis.Float32Array = original.Float32Array;
    globalThis.Uint8Array = original.Uint8Array;
  }
}

/**
 * One random damage of `src`: truncation, byte flips, inserted or deleted bytes, or a 32-bit
 * little-endian value from `specials` written at a 4-byte-aligned offset. Half of the positions
 * fall in the first `hotLen` bytes (a header), where parsing decisions are made.
 */
export function mutate(src: Uint8Array, r: () => number, hotLen: number, specials: number[]): { bytes: Uint8Array; kind: string } {
  const at = (len: number) => Math.floor(r() * (r() < 0.5 ? Math.min(hotLen, len) : len));
  const kind = Math.floor(r() * 5);
  let bytes = src.slice();
  if (kind === 0) {
    bytes = bytes.slice(0, at(bytes.length));
  } else if (kind === 1) {
    for (let k = 0, m = 1 + Math.floor(r() * 8); k < m && bytes.length; k++) bytes[at(bytes.length)] = Math.floor(r() * 256);
  } else if (kind === 2) {
    const p = at(bytes.length + 1);
    const extra = Uint8Array.from({ length: 1 + Math.floor(r() * 40) }, () => Math.floor(r() * 256));
    const out = new Uint8Array(bytes.length + extra.length);
    out.set(bytes.subarray(0, p));
    out.set(extra, p);
    out.set(bytes.subarray(p), p + extra.length);
    bytes = out;
  } else if (kind === 3) {
    const p = at(bytes.length);
    bytes = Uint8Array.from([...bytes.subarray(0, p), ...bytes.subarray(p + 1 + Math.floor(r() * 40))]);
  } else if (bytes.length >= 4) {
    const p = 4 * Math.floor(at(bytes.length - 3) / 4);
    new DataView(bytes.buffer).setUint32(p, specials[Math.floor(r() * specials.length)] >>> 0, true);
  }
  return { bytes, kind: ['truncate', 'flip', 'insert', 'delete', 'special'][kind] };
}
