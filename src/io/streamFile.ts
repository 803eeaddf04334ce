/**
 * The progressive stream (src/stream) as a file the app opens and saves: the stream's own errors
 * become InputErrors naming the file, and a damaged or cut-off stream opens with what survived
 * (its warnings go to onWarning).
 */
import { InputError } from '../core/errors.ts';
import type { GaussianCloud } from '../core/gaussianCloud.ts';
import { decodeStream, encodeStream, StreamFormatError, STREAM_MAGIC, type EncodeStreamOptions } from '../stream/index.ts';

export const STREAM_EXTENSION = '.gsrq';

export function isStreamFile(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && (bytes[0] | (bytes[1] << 8) | (bytes[2] << 16) | (bytes[3] << 24)) >>> 0 === STREAM_MAGIC;
}

export function readStreamFile(bytes: Uint8Array, file: string, onWarning?: (message: string) => void): GaussianCloud {
  try {
    const { cloud, warnings } = decodeStream(bytes);
    for (const w of warnings) onWarning?.(w.message);
    if (cloud.count === 0 && warnings.length) throw new InputError(`no part of the stream could be decoded (${warnings[0].message})`, { file });
    return cloud;
  } catch (e) {
    if (e instanceof StreamFormatError) throw new InputError(e.message, { file });
    throw e;
  }
}

export function writeStreamFile(cloud: GaussianCloud, opts: EncodeStreamOptions = {}): Uint8Array {
  return encodeStream(cloud, opts);
}
