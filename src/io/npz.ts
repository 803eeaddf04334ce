/** NumPy .npz archives: a zip of .npy files (stored or deflated), keyed by name without ".npy". */
import { zipSync } from 'fflate';
import { InputError } from '../core/errors.ts';
import { parseNpy, type NpyArray } from './npy.ts';
import { unzipChecked } from './unzip.ts';

export function parseNpz(bytes: Uint8Array, file = 'arrays.npz'): Map<string, NpyArray> {
  // Camera files are kilobytes: 256 MB is far past any real one and far below a crash.
  const entries = unzipChecked(bytes, file, 2 ** 28, '.npz (zip) archive');
  const out = new Map<string, NpyArray>();
  for (const [name, data] of Object.entries(entries)) {
    if (!name.endsWith('.npy')) continue;
    out.set(name.slice(0, -4), parseNpy(data, `${file}/${name}`));
  }
  if (out.size === 0) throw new InputError('contains no .npy arrays', { file });
  return out;
}

/** Builds an .npz from already-encoded .npy bytes (tests, exporters). */
export function encodeNpz(arrays: Record<string, Uint8Array>, compress = false): Uint8Array {
  const files: Record<string, [Uint8Array, { level: 0 | 6 }]> = {};
  for (const [k, v] of Object.entries(arrays)) files[`${k}.npy`] = [v, { level: compress ? 6 : 0 }];
  return zipSync(files);
}
