/**
 * One entry point for every splat file the app opens or saves: 3DGS .ply, Niantic .spz and
 * antimatter15 .splat. Reading picks the format from the bytes where the format has a signature
 * ("ply" + line break; gzip's 1f 8b or a raw "NGSP" for SPZ) and from the name where it has none
 * (.splat); this project's progressive stream (.gsrq, src/stream) is read by its "GSRQ" signature. The PLY signature wins over any name (a .ply saved as .splat still opens); a .splat
 * name wins over the SPZ signatures, since a .splat file's first float may start with any bytes.
 */
import { InputError } from '../core/errors.ts';
import type { GaussianCloud } from '../core/gaussianCloud.ts';
import { readPly, writePly, type WritePlyOptions } from './ply.ts';
import { readSplat, writeSplat } from './splatFormat.ts';
import { readSpz, writeSpz, type WriteSpzOptions } from './spz.ts';
import { isStreamFile, readStreamFile } from './streamFile.ts';

export type SplatFileFormat = 'ply' | 'spz' | 'splat';

export const SPLAT_FILE_EXTENSIONS: Record<SplatFileFormat, string> = { ply: '.ply', spz: '.spz', splat: '.splat' };

export const ACCEPTED_SPLAT_FILES = '3D Gaussian Splatting .ply, Niantic .spz or antimatter15 .splat';

export interface ReadSplatFileOptions {
  /** Splats read so far of the total. */
  onProgress?: (done: number, total: number) => void;
  /** A progressive stream (src/stream) with damaged or missing chunks: one call per chunk skipped. */
  onWarning?: (message: string) => void;
}

export interface WriteSplatFileOptions {
  onProgress?: (done: number, total: number) => void;
  ply?: Omit<WritePlyOptions, 'onProgress'>;
  spz?: Omit<WriteSpzOptions, 'onProgress'>;
}

function extensionOf(fileName: string): string {
  const base = fileName.slice(Math.max(fileName.lastIndexOf('/'), fileName.lastIndexOf('\\')) + 1);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot).toLowerCase() : '';
}

/** The format the file is in, or null when neither its bytes nor its name tell. */
export function detectSplatFormat(bytes: Uint8Array, fileName: string): SplatFileFormat | null {
  const ext = extensionOf(fileName);
  const startsWith = (sig: number[]) => sig.every((b, i) => bytes[i] === b);
  // "ply\n" or "ply\r\n"
  if (startsWith([0x70, 0x6c, 0x79, 0x0a]) || startsWith([0x70, 0x6c, 0x79, 0x0d, 0x0a])) return 'ply';
  if (ext === '.splat') return 'splat';
  if (startsWith([0x1f, 0x8b]) || startsWith([0x4e, 0x47, 0x53, 0x50])) return 'spz';
  if (ext === '.ply' || ext === '.spz') return ext.slice(1) as SplatFileFormat;
  return null;
}

export function readSplatFile(bytes: Uint8Array, fileName: string, opts: ReadSplatFileOptions = {}): GaussianCloud {
  // This project's progressive stream (.gsrq) has a signature of its own.
  if (isStreamFile(bytes)) return readStreamFile(bytes, fileName, opts.onWarning);
  const format = detectSplatFormat(bytes, fileName);
  const common = { file: fileName, onProgress: opts.onProgress };
  switch (format) {
    case 'ply':
      return readPly(bytes, common);
    case 'spz':
      return readSpz(bytes, common);
    case 'splat':
      return readSplat(bytes, common);
    case null:
      throw new InputError(`not a splat file this app can open; it reads ${ACCEPTED_SPLAT_FILES} files`, { file: fileName });
  }
}

export function writeSplatFile(cloud: GaussianCloud, format: SplatFileFormat, opts: WriteSplatFileOptions = {}): Uint8Array {
  switch (format) {
    case 'ply':
      return writePly(cloud, { ...opts.ply, onProgress: opts.onProgress });
    case 'spz':
      return writeSpz(cloud, { ...opts.spz, onProgress: opts.onProgress });
    case 'splat':
      return writeSplat(cloud, { onProgress: opts.onProgress });
    default:
      throw new Error(`writeSplatFile: unknown format "${String(format)}"; use ply, spz or splat`);
  }
}
