/**
 * The EXIF fields the poses stage uses, read with exifr: Orientation (how to rotate the stored
 * pixels upright; applied by src/recon/ingest.ts) and the focal length (35 mm equivalent, else
 * none: a bare FocalLength in mm needs the sensor size, which EXIF rarely gives reliably).
 * Photos without EXIF (PNG, stripped JPEG) give {}.
 */
import exifr from 'exifr';

export interface PhotoExif {
  /** EXIF Orientation 1-8 (1: upright). */
  orientation?: number;
  /** FocalLengthIn35mmFormat, mm. */
  focal35mm?: number;
  /** FocalLength, mm (informational). */
  focalMm?: number;
}

export async function readPhotoExif(bytes: Uint8Array): Promise<PhotoExif> {
  let tags: Record<string, unknown> | undefined;
  try {
    tags = await exifr.parse(bytes, { pick: ['Orientation', 'FocalLengthIn35mmFormat', 'FocalLength'], translateValues: false, reviveValues: false });
  } catch {
    return {};
  }
  if (!tags) return {};
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : undefined);
  const o = num(tags.Orientation);
  return {
    orientation: o !== undefined && Number.isInteger(o) && o <= 8 ? o : undefined,
    focal35mm: num(tags.FocalLengthIn35mmFormat),
    focalMm: num(tags.FocalLength),
  };
}
