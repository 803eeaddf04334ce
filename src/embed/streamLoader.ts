/**
 * Streams a splat stream over HTTP into a decoder, chunk by chunk as the bytes arrive, from any
 * static host or CDN:
 * - First a Range request for the start of the file. A server that honours it (206) is read by
 *   ranges: the header and chunk table first, then the chunks in file order, in requests that
 *   grow as the download goes (the first one small, so the coarse scene is drawn early; later
 *   ones large, so a long file is not thousands of requests).
 * - A server that ignores Range answers the first request with the whole file (200): that one
 *   GET is read as it downloads instead, so nothing is fetched twice.
 * Either way each chunk is decoded as soon as its last byte arrives, and a chunk that never
 * arrives (a short file, a failed range) is skipped with a warning.
 */
import { createStreamDecoder, headerByteLength, parseStreamHeader, totalStreamBytes, type ChunkEntry, type StreamDecoder } from '../stream/index.ts';

export interface StreamProgress {
  bytesLoaded: number;
  bytesTotal: number;
  chunksDecoded: number;
  chunksTotal: number;
}

export interface LoadStreamHandlers {
  /** After each chunk that decoded (the decoder's cloud() is the scene so far). */
  onChunk?: (decoder: StreamDecoder, progress: StreamProgress) => void;
  /** A skipped chunk (damaged, cut off). */
  onWarning?: (message: string) => void;
  /** After every piece of the body that arrived: bytes so far and the total (0 until known). */
  onBytes?: (loaded: number, total: number) => void;
  /** How the file is read: 'range' (the server honours Range) or 'whole' (one streamed GET). */
  onMode?: (mode: 'range' | 'whole') => void;
  signal?: AbortSignal;
  fetch?: typeof fetch;
}

/** The first request asks for this much: a header and table of a few hundred chunks, and the first codebook. */
export const FIRST_RANGE_BYTES = 16 * 1024;
/** Later ranges: at least this, and at most the bytes loaded so far (so requests double). */
const MIN_RANGE_BYTES = 32 * 1024;
const MAX_RANGE_BYTES = 8 * 1024 * 1024;

/** A growable buffer of the file's bytes from `start` on, as they arrive. */
class Window {
  buf = new Uint8Array(64 * 1024);
  have = 0;
  constructor(readonly start: number) {}
  push(piece: Uint8Array) {
    if (this.have + piece.length > this.buf.length) {
      const grown = new Uint8Array(Math.max(this.buf.length * 2, this.have + piece.length));
      grown.set(this.buf.subarray(0, this.have));
      this.buf = grown;
    }
    this.buf.set(piece, this.have);
    this.have += piece.length;
  }
  /** Bytes [offset, offset + length) of the file, if this window holds them all. */
  get(offset: number, length: number): Uint8Array | null {
    const at = offset - this.start;
    return at >= 0 && at + length <= this.have ? this.buf.slice(at, at + length) : null;
  }
  get end() {
    return this.start + this.have;
  }
}

async function readInto(res: Response, win: Window, onPiece: () => void): Promise<void> {
  if (!res.body) {
    win.push(new Uint8Array(await res.arrayBuffer()));
    return onPiece();
  }
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    win.push(value);
    onPiece();
  }
}

/** Reads the stream at `url`; resolves with the decoder once every chunk arrived or was given up. */
export async function loadStream(url: string, handlers: LoadStreamHandlers = {}): Promise<StreamDecoder> {
  const get = handlers.fetch ?? fetch;
  const signal = handlers.signal;
  const first = await get(url, { signal, headers: { Range: `bytes=0-${FIRST_RANGE_BYTES - 1}` } });
  if (!first.ok) throw new Error(`could not fetch ${url}: HTTP ${first.status}`);
  const ranged = first.status === 206;
  handlers.onMode?.(ranged ? 'range' : 'whole');

  let decoder: StreamDecoder | undefined;
  let loaded = 0;
  let total = ranged ? 0 : Number(first.headers.get('content-length')) || 0;
  let decoded = 0;
  /** Chunks in file order, and the next one not yet decoded or given up. */
  let queue: { c: ChunkEntry; i: number }[] = [];
  let next = 0;
  const progress = (): StreamProgress => ({ bytesLoaded: loaded, bytesTotal: total, chunksDecoded: decoded, chunksTotal: decoder?.header.chunks.length ?? 0 });
  const give = (i: number, bytes: Uint8Array) => {
    const warnings = decoder!.warnings.length;
    if (decoder!.addChunk(i, bytes)) {
      decoded++;
      handlers.onChunk?.(decoder!, progress());
    } else for (const w of decoder!.warnings.slice(warnings)) handlers.onWarning?.(w.message);
  };
  /** Decodes every queued chunk the window holds whole, in order. */
  const feed = (win: Window) => {
    while (next < queue.length) {
      const { c, i } = queue[next];
      if (c.offset + c.byteLength > win.end) return;
      const bytes = win.get(c.offset, c.byteLength);
      if (bytes) give(i, bytes);
      next++;
    }
  };
  const startDecoder = (head: Uint8Array) => {
    decoder = createStreamDecoder(parseStreamHeader(head));
    total = totalStreamBytes(decoder.header);
    queue = decoder.header.chunks.map((c, i) => ({ c, i })).sort((a, b) => a.c.offset - b.c.offset);
  };

  // The first answer: the file's start (206), or the whole file (200).
  const win = new Window(0);
  await readInto(first, win, () => {
    loaded = win.have;
    handlers.onBytes?.(loaded, total);
    if (!decoder && win.have >= 24 && win.have >= headerByteLength(win.buf.subarray(0, win.have))) startDecoder(win.buf.subarray(0, win.have));
    if (decoder) feed(win);
  });
  if (!decoder && ranged && win.have >= 24) {
    // A header longer than the first range: fetch the rest of it.
    const need = headerByteLength(win.buf.subarray(0, win.have));
    const res = await get(url, { signal, headers: { Range: `bytes=${win.have}-${need - 1}` } });
    if (res.status === 206) await readInto(res, win, () => (loaded = win.have));
    if (win.have >= need) startDecoder(win.buf.subarray(0, win.have));
  }
  if (!decoder) {
    if (win.have >= 24) headerByteLength(win.buf.subarray(0, win.have)); // throws for a foreign file
    throw new Error(`${url} ended after ${win.have} bytes, inside the stream's header`);
  }
  feed(win);

  // The rest by ranges: runs of chunks that sit next to each other in the file. Bytes of a
  // chunk that the last answer already held (its start) are kept, not fetched again.
  let last = win;
  while (ranged && next < queue.length) {
    const from = queue[next].c.offset;
    if (queue[next].c.byteLength === 0) {
      give(queue[next++].i, new Uint8Array(0)); // a damaged table: the decoder says why
      continue;
    }
    const budget = Math.min(MAX_RANGE_BYTES, Math.max(MIN_RANGE_BYTES, loaded));
    let to = from;
    for (let k = next; k < queue.length && queue[k].c.offset === to && (to === from || to - from + queue[k].c.byteLength <= budget); k++) to += queue[k].c.byteLength;
    const held = from >= last.start && from < last.end ? last.get(from, Math.min(to, last.end) - from) : null;
    const ask = from + (held?.length ?? 0);
    const res = await get(url, { signal, headers: { Range: `bytes=${ask}-${to - 1}` } });
    // 206: the range; 200: a server that changed its mind sends the whole file, which serves too.
    const part = new Window(res.status === 206 ? from : 0);
    if (held && res.status === 206) part.push(held);
    const base = loaded - part.have;
    if (res.ok) {
      await readInto(res, part, () => {
        loaded = base + part.have;
        handlers.onBytes?.(loaded, total);
        feed(part);
      });
    }
    // Chunks of this range that did not arrive whole are given up (a short file, a failed request).
    while (next < queue.length && queue[next].c.offset < to) {
      handlers.onWarning?.(`chunk ${queue[next].i}: ${res.ok ? `the stream ended at byte ${part.end} of ${total}, before this chunk` : `HTTP ${res.status} for its range`}; skipped`);
      next++;
    }
    last = part;
  }
  for (let k = next; k < queue.length; k++) handlers.onWarning?.(`chunk ${queue[k].i}: the stream ended at byte ${win.end} of ${total}, before this chunk; skipped`);
  return decoder;
}

/** One chunk's stored bytes by an HTTP Range request (the server must answer 206). */
export async function fetchChunk(url: string, chunk: ChunkEntry, init: RequestInit = {}): Promise<Uint8Array> {
  const res = await fetch(url, { ...init, headers: { Range: `bytes=${chunk.offset}-${chunk.offset + chunk.byteLength - 1}` } });
  if (res.status !== 206) throw new Error(`${url}: the server did not honour the Range request (HTTP ${res.status})`);
  return new Uint8Array(await res.arrayBuffer());
}
