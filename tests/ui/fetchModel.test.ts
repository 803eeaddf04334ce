import { describe, expect, it } from 'vitest';
import { fetchModel, MAX_MODEL_BYTES } from '../../src/ui/models/fetchModel.ts';

/** A fetch that answers every request with `res` (or throws `fail`), recording the URLs asked for. */
function fakeFetch(res: () => Response, asked: string[] = []): typeof fetch {
  return (async (input: RequestInfo | URL) => {
    asked.push(String(input));
    return res();
  }) as typeof fetch;
}

describe('fetchModel: a model file from a URL the person gave', () => {
  it('returns the bytes and the file name from the URL', async () => {
    const asked: string[] = [];
    const m = await fetchModel('https://example.org/models/alike_n.onnx', undefined, fakeFetch(() => new Response(new Uint8Array([1, 2, 3])), asked));
    expect(m.name).toBe('alike_n.onnx');
    expect(Array.from(m.bytes)).toEqual([1, 2, 3]);
    expect(asked).toEqual(['https://example.org/models/alike_n.onnx']);
  });

  it('says what to do for an address that is not one, or not http(s)', async () => {
    await expect(fetchModel('not a url at all', undefined, fakeFetch(() => new Response('x')))).rejects.toThrow(/is not a URL/);
    await expect(fetchModel('ftp://example.org/a.onnx', undefined, fakeFetch(() => new Response('x')))).rejects.toThrow(/is not an http\(s\) address/);
  });

  it('names the HTTP status, a web page instead of the file, an empty or oversized answer', async () => {
    const url = 'https://example.org/a.onnx';
    await expect(fetchModel(url, undefined, fakeFetch(() => new Response('gone', { status: 404 })))).rejects.toThrow(/answered HTTP 404/);
    await expect(fetchModel(url, undefined, fakeFetch(() => new Response('<html>', { headers: { 'content-type': 'text/html; charset=utf-8' } })))).rejects.toThrow(/is a web page, not a model file/);
    await expect(fetchModel(url, undefined, fakeFetch(() => new Response(new Uint8Array(0))))).rejects.toThrow(/is empty/);
    await expect(
      fetchModel(url, undefined, fakeFetch(() => new Response(new Uint8Array(4), { headers: { 'content-length': String(MAX_MODEL_BYTES + 1) } }))),
    ).rejects.toThrow(/larger than any model the app runs/);
  });

  it('turns a network failure into advice to download the file, but lets a cancel through as a cancel', async () => {
    const failing = (async () => {
      throw new TypeError('Failed to fetch');
    }) as typeof fetch;
    await expect(fetchModel('https://example.org/a.onnx', undefined, failing)).rejects.toThrow(/could not be fetched .* download the file and open it instead/);
    const ac = new AbortController();
    ac.abort();
    const aborting = (async () => {
      throw new DOMException('aborted', 'AbortError');
    }) as typeof fetch;
    await expect(fetchModel('https://example.org/a.onnx', ac.signal, aborting)).rejects.toThrow(/aborted/);
  });
});
