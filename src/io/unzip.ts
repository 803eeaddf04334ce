/**
 * Unzipping untrusted archives (a dropped .zip, a NumPy .npz) without trusting their directory.
 * fflate allocates each entry at the size the central directory declares, so a 2 KB zip that
 * claims a 2 GB entry would allocate 2 GB before a single byte is inflated (a tab crash in the
 * browser). Sizes are checked first: deflate cannot expand more than 1032:1 and a stored entry
 * is exactly its size, so a claim past that is a damaged or hostile archive; the whole archive
 * is also capped, so a real deflate bomb is refused with a message rather than a crash.
 */
import { unzipSync, type UnzipFileInfo } from 'fflate';
import { InputError, isInputError } from '../core/errors.ts';

/** Largest expansion deflate can achieve (258-byte matches at one bit each, plus block overhead). */
export const DEFLATE_MAX_RATIO = 1032;

/** Most bytes one archive may unpack to: 1 GiB (nine 48-megapixel photos fit many times over). */
export const MAX_UNZIPPED_BYTES = 2 ** 30;

const mb = (n: number) => `${(n / 2 ** 20).toFixed(0)} MB`;

/** `what` names the archive in messages ("zip archive", ".npz (zip) archive"). */
export function unzipChecked(bytes: Uint8Array, file: string, maxTotal = MAX_UNZIPPED_BYTES, what = 'zip archive'): Record<string, Uint8Array> {
  let total = 0;
  const check = (f: UnzipFileInfo): boolean => {
    // A damaged directory gives binary names: printable and short in the message.
    const where = { file, field: f.name.replace(/[^\x20-\x7e\u00a0-\uffff]/g, '?').slice(0, 120) };
    // The stored size is a claim too: no entry holds more bytes than the whole archive.
    const stored = Math.min(f.size, bytes.length);
    const plausible = f.compression === 0 ? f.originalSize === f.size && f.size <= bytes.length : f.originalSize <= stored * DEFLATE_MAX_RATIO + 1024;
    if (!plausible)
      throw new InputError(`the archive is damaged: this entry claims ${f.originalSize} bytes from ${f.size} stored bytes. Re-create the zip.`, where);
    total += f.originalSize;
    if (total > maxTotal)
      throw new InputError(`the archive unpacks to more than ${mb(maxTotal)}; split it or downscale the photos first.`, { file });
    return true;
  };
  try {
    return unzipSync(bytes, { filter: check });
  } catch (e) {
    if (isInputError(e)) throw e;
    throw new InputError(`not a readable ${what} (${(e as Error).message}). Re-create the zip.`, { file });
  }
}
