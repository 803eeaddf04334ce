/**
 * Reads a splat file the user picked or dropped (a Blob or File, in a worker or in Node) with
 * progress: first its bytes (streamed, so a big file reports as it arrives), then the splats
 * (readSplatFile's own progress). The whole file is held in memory once, at exactly its size;
 * files beyond MAX_SPLAT_FILE_BYTES are refused before anything is allocated.
 */
import { InputError, isInputError } from '../core/errors.ts';
import type { GaussianCloud } from '../core/gaussianCloud.ts';
import { readSplatFile } from './splatFile.ts';

/** 2 GiB: more than a browser will give one ArrayBuffer everywhere, and ~30M PLY splats. */
export const MAX_SPLAT_FILE_BYTES = 2 ** 31;

export type SplatLoadPhase = 'reading' | 'decoding';

export interface ReadSplatBlobOptions {
  /** reading: bytes read of the file size; decoding: splats decoded of the count. */
  onProgress?: (phase: SplatLoadPhase, done: number, total: number) => void;
}

/** Byte progress at most this often (fractions of the file), plus the end. */
const READ_STEPS = 64;

const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(bytes < 10 * 2 ** 20 ? 1 : 0)} MB`;

export async function readSplatBlob(blob: Blob, name: string, opts: ReadSplatBlobOptions = {}): Promise<GaussianCloud> {
  const size = blob.size;
  if (size > MAX_SPLAT_FILE_BYTES) {
    throw new InputError(`the file is ${mb(size)}; the viewer opens splat files up to ${mb(MAX_SPLAT_FILE_BYTES)}. Decimate or crop the cloud first (for example with splat-transform)`, { file: name });
  }
  const bytes = new Uint8Array(size);
  let read = 0;
  let reported = 0;
  try {
    const reader = blob.stream().getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (read + value.length > size) throw new InputError(`the file grew while it was being read (more than its ${size} bytes); try again`, { file: name });
      bytes.set(value, read);
      read += value.length;
      if (read - reported >= size / READ_STEPS && read < size) {
        reported = read;
        opts.onProgress?.('reading', read, size);
      }
    }
  } catch (e) {
    if (isInputError(e)) throw e;
    throw new InputError(`could not read the file (${(e as Error).message}); try again, or copy it to a local folder first`, { file: name });
  }
  if (read !== size) throw new InputError(`only ${read} of its ${size} bytes could be read (was it changed or removed?); try again`, { file: name });
  opts.onProgress?.('reading', size, size);
  return readSplatFile(bytes, name, { onProgress: (done, total) => opts.onProgress?.('decoding', done, total) });
}
