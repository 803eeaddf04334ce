/**
 * Streams a splat stream over HTTP into a decoder, chunk by chunk as the bytes arrive: one plain
 * GET whose body is read as it downloads (any static host or CDN), so the first chunk is decoded
 * while the rest is still on the wire. `fetchChunk` fetches any single chunk with an HTTP Range
 * request (a viewer that wants chunks out of order, or to retry a damaged one).
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
  signal?: AbortSignal;
  fetch?: typeof fetch;
}

/** Reads the whole stream at `url`; resolves with the decoder once the body ends. */
export async function loadStream(url: string, handlers: LoadStreamHandlers = {}): Promise<StreamDecoder> {
  const res = await (handlers.fetch ?? fetch)(url, { signal: handlers.signal });
  if (!res.ok || !res.body) throw new Error(`could not fetch ${url}: HTTP ${res.status}`);
  const reader = res.body.getReader();
  let buf = new Uint8Array(64 * 1024);
  let have = 0;
  let decoder: StreamDecoder | undefined;
  let total = Number(res.headers.get('content-length')) || 0;
  let next = 0;
  let decoded = 0;
  const progress = (): StreamProgress => ({ bytesLoaded: have, bytesTotal: total, chunksDecoded: decoded, chunksTotal: decoder?.header.chunks.length ?? 0 });
  const feed = () => {
    if (!decoder) {
      if (have < 24) return;
      const need = headerByteLength(buf.subarray(0, have));
      if (have < need) return;
      decoder = createStreamDecoder(parseStreamHeader(buf.subarray(0, have)));
      total = totalStreamBytes(decoder.header);
    }
    const chunks = decoder.header.chunks;
    while (next < chunks.length && chunks[next].offset + chunks[next].byteLength <= have) {
      const c = chunks[next];
      const warnings = decoder.warnings.length;
      if (decoder.addChunk(next, buf.slice(c.offset, c.offset + c.byteLength))) {
        decoded++;
        handlers.onChunk?.(decoder, progress());
      } else for (const w of decoder.warnings.slice(warnings)) handlers.onWarning?.(w.message);
      next++;
    }
  };
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (have + value.length > buf.length) {
      const grown = new Uint8Array(Math.max(buf.length * 2, have + value.length, total));
      grown.set(buf.subarray(0, have));
      buf = grown;
    }
    buf.set(value, have);
    have += value.length;
    handlers.onBytes?.(have, total);
    feed();
  }
  if (!decoder) throw new Error(`${url} ended after ${have} bytes, inside the stream's header`);
  for (let i = next; i < decoder.header.chunks.length; i++) handlers.onWarning?.(`chunk ${i}: the stream ended at byte ${have} of ${total}, before this chunk; skipped`);
  return decoder;
}

/** One chunk's stored bytes by an HTTP Range request (the server must answer 206). */
export async function fetchChunk(url: string, chunk: ChunkEntry, init: RequestInit = {}): Promise<Uint8Array> {
  const res = await fetch(url, { ...init, headers: { Range: `bytes=${chunk.offset}-${chunk.offset + chunk.byteLength - 1}` } });
  if (res.status !== 206) throw new Error(`${url}: the server did not honour the Range request (HTTP ${res.status})`);
  return new Uint8Array(await res.arrayBuffer());
}
