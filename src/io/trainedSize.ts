/**
 * The size a cloud was trained at, as a PLY header comment: `comment trained_size 100x75`.
 * Scores are only comparable at the size a cloud was trained at, so the app and `npm run eval`
 * evaluate an opened PLY at this size unless told otherwise. PLYs saved by earlier versions of the
 * app carry it inside their `sparse-splat: 8 steps, hull start, 100x75, 3 views` comment; that is
 * read too. Other tools write neither: null.
 */
import { parsePlyHeader } from './plyHeader.ts';

export interface TrainedSize {
  width: number;
  height: number;
}

const KEY = 'trained_size';

/** The header comment (without the leading `comment `) that records `size`. */
export function trainedSizeComment(size: TrainedSize): string {
  return `${KEY} ${Math.round(size.width)}x${Math.round(size.height)}`;
}

/** The trained size recorded in a PLY header's comments, or null. */
export function trainedSizeFromComments(comments: readonly string[]): TrainedSize | null {
  for (const c of comments) {
    const m = new RegExp(`^${KEY}\\s+(\\d+)x(\\d+)$`).exec(c.trim());
    if (m) return size(m[1], m[2]);
  }
  for (const c of comments) {
    const m = /^sparse-splat: \d+ steps, \w+ start, (\d+)x(\d+)\b/.exec(c.trim());
    if (m) return size(m[1], m[2]);
  }
  return null;
}

/** How many bytes of a file plyTrainedSize needs at most (a PLY header's limit). */
export const PLY_HEADER_BYTES = 64 * 1024;

/** The trained size a PLY file records (only its header is read), or null: not a PLY, none recorded, or a damaged header. */
export function plyTrainedSize(bytes: Uint8Array): TrainedSize | null {
  try {
    return trainedSizeFromComments(parsePlyHeader(bytes).comments);
  } catch {
    return null;
  }
}

function size(w: string, h: string): TrainedSize | null {
  const width = Number(w), height = Number(h);
  return width >= 1 && height >= 1 && width <= 65536 && height <= 65536 ? { width, height } : null;
}
