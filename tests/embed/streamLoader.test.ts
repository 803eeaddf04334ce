/**
 * The element's loader without a browser: a body that arrives in small pieces is decoded chunk by
 * chunk (each onChunk sees a bigger scene), and a body that ends early keeps what arrived and
 * warns about the rest.
 */
import { describe, expect, it } from 'vitest';
import { loadStream } from '../../src/embed/streamLoader.ts';
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

describe('loadStream', () => {
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
