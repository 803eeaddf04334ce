/**
 * The element's loader without a browser: a server that honours Range is read by ranges (the
 * header first, then runs of chunks) and one that ignores it by one streamed GET; a body that
 * arrives in small pieces is decoded chunk by chunk (each onChunk sees a bigger scene); a file
 * that ends early keeps what arrived and warns about the rest.
 */
import { describe, expect, it } from 'vitest';
import { FIRST_RANGE_BYTES, loadStream } from '../../src/embed/streamLoader.ts';
import { decodeStream, encodeStream, parseStreamHeader } from '../../src/stream/index.ts';
import { randomCloud } from '../io/splatTestKit.ts';

const stream = encodeStream(randomCloud(900, 1, 8), { firstChunkSplats: 60, stages: 2, codebookEntries: 16, kMeansIterations: 3 });

function fakeFetch(bytes: Uint8Array, piece: number): typeof fetch {
  return (async () => {
    let at = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (at >= bytes.length) return controller.close();
        controller.enqueue(bytes.slice(at, at + piece));
        at += piece;
      },
    });
    return new Response(body, { status: 200, headers: { 'content-length': String(bytes.length) } });
  }) as typeof fetch;
}

/** A static server that honours Range (206 with the asked bytes, 416 past the end), in pieces. */
function rangeFetch(bytes: Uint8Array, piece: number, seen: string[]): typeof fetch {
  return (async (_url: string, init?: RequestInit) => {
    const range = new Headers(init?.headers).get('range');
    seen.push(range ?? 'none');
    const m = range ? /^bytes=(\d+)-(\d+)$/.exec(range) : null;
    if (!m) return new Response(bytes.slice(), { status: 200 });
    const start = Number(m[1]);
    if (start >= bytes.length) return new Response(null, { status: 416 });
    const body = bytes.slice(start, Math.min(bytes.length, Number(m[2]) + 1));
    let at = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (at >= body.length) return controller.close();
        controller.enqueue(body.slice(at, at + piece));
        at += piece;
      },
    });
    return new Response(stream, { status: 206, headers: { 'content-range': `bytes ${start}-${start + body.length - 1}/${bytes.length}` } });
  }) as typeof fetch;
}

/** Big enough for several ranges after the first 16 KB. */
const big = encodeStream(randomCloud(9000, 1, 9), { firstChunkSplats: 300, stages: 3, codebookEntries: 32, kMeansIterations: 2, minOpacity: 0 });

describe('loadStream', () => {
  it('reads by ranges where the server honours them: header first, then growing runs of chunks', async () => {
    expect(big.length).toBeGreaterThan(4 * FIRST_RANGE_BYTES);
    const seen: string[] = [];
    const modes: string[] = [];
    const splats: number[] = [];
    const dec = await loadStream('http://x/s.gsrq', { fetch: rangeFetch(big, 5000, seen), onMode: (m) => modes.push(m), onChunk: (d) => splats.push(d.decodedSplats()) });
    expect(modes).toEqual(['range']);
    expect(seen[0]).toBe(`bytes=0-${FIRST_RANGE_BYTES - 1}`);
    expect(seen.length).toBeGreaterThan(2);
    // Ranges follow each other without gaps or overlaps, to the end of the file.
    const ranges = seen.map((r) => r.slice(6).split('-').map(Number));
    for (let k = 1; k < ranges.length; k++) expect(ranges[k][0]).toBe(ranges[k - 1][1] + 1);
    expect(ranges.at(-1)![1]).toBe(big.length - 1);
    expect(splats.length).toBe(parseStreamHeader(big).chunks.length);
    expect(splats[1]).toBe(300);
    expect(dec.cloud()).toEqual(decodeStream(big).cloud);
  });

  it('falls back to one streamed GET when the server ignores Range', async () => {
    const modes: string[] = [];
    let calls = 0;
    const whole = fakeFetch(big, 4096);
    const dec = await loadStream('http://x/s.gsrq', { fetch: ((u: string, i?: RequestInit) => (calls++, whole(u, i))) as typeof fetch, onMode: (m) => modes.push(m) });
    expect(modes).toEqual(['whole']);
    expect(calls).toBe(1);
    expect(dec.cloud()).toEqual(decodeStream(big).cloud);
  });

  it('by ranges, keeps what a short file holds and warns about each chunk past its end', async () => {
    const cut = big.subarray(0, Math.floor(big.length * 0.6));
    const warnings: string[] = [];
    const dec = await loadStream('http://x/s.gsrq', { fetch: rangeFetch(cut, 7000, []), onWarning: (w) => warnings.push(w) });
    expect(dec.decodedSplats()).toBe(decodeStream(cut).cloud.count);
    expect(dec.decodedSplats()).toBeGreaterThan(0);
    expect(warnings.length).toBe(decodeStream(cut).warnings.length);
  });

  it('decodes chunk by chunk as the body arrives, ending with the whole cloud', async () => {
    const seen: number[] = [];
    const bytesSeen: number[] = [];
    const dec = await loadStream('http://x/s.gsrq', {
      fetch: fakeFetch(stream, 333),
      onBytes: (loaded) => bytesSeen.push(loaded),
      onChunk: (d) => seen.push(d.decodedSplats()),
    });
    expect(seen.length).toBe(parseStreamHeader(stream).chunks.length);
    expect(seen[1]).toBe(60);
    for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeGreaterThanOrEqual(seen[i - 1]);
    expect(bytesSeen.at(-1)).toBe(stream.length);
    expect(dec.cloud()).toEqual(decodeStream(stream).cloud);
  });

  it('keeps what arrived of a body that ends early, with a warning per missing chunk', async () => {
    const warnings: string[] = [];
    const cut = stream.subarray(0, Math.floor(stream.length / 2));
    const dec = await loadStream('http://x/s.gsrq', { fetch: fakeFetch(cut, 1000), onWarning: (w) => warnings.push(w) });
    expect(dec.decodedSplats()).toBe(decodeStream(cut).cloud.count);
    expect(warnings.length).toBe(decodeStream(cut).warnings.length);
    expect(warnings[0]).toMatch(/the stream ended at byte \d+ of \d+, before this chunk; skipped/);
  });

  it('says so when the body ends inside the header', async () => {
    await expect(loadStream('http://x/s.gsrq', { fetch: fakeFetch(stream.subarray(0, 30), 10) })).rejects.toThrow('inside the stream\'s header');
  });
});
