import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.ts';
import type { GaussianCloud } from '../../src/core/gaussianCloud.ts';
import { MAX_SPLAT_FILE_BYTES, readSplatBlob, type SplatLoadPhase } from '../../src/io/splatBlob.ts';
import { writeSplatFile } from '../../src/io/splatFile.ts';

function cloud(n: number): GaussianCloud {
  return {
    count: n,
    shDegree: 0,
    means: Float32Array.from({ length: 3 * n }, (_, i) => Math.sin(i)),
    logScales: new Float32Array(3 * n).fill(-3),
    quats: Float32Array.from({ length: 4 * n }, (_, i) => (i % 4 === 0 ? 1 : 0)),
    opacityLogits: new Float32Array(n).fill(1),
    sh: Float32Array.from({ length: 3 * n }, (_, i) => Math.cos(i)),
  };
}

/** A Blob whose stream hands out the bytes in `chunk`-sized pieces, as a big file does. */
function chunkedBlob(bytes: Uint8Array, chunk: number, size = bytes.length): Blob {
  return {
    size,
    stream: () =>
      new ReadableStream<Uint8Array>({
        start(c) {
          for (let o = 0; o < bytes.length; o += chunk) c.enqueue(bytes.slice(o, o + chunk));
          c.close();
        },
      }),
  } as unknown as Blob;
}

describe('reading a picked or dropped splat file with progress', () => {
  it('reports the bytes as they arrive, then the splats, and reads the cloud', async () => {
    const src = cloud(140_000); // three splat reports: at 64k, 128k and the end
    const bytes = writeSplatFile(src, 'ply');
    const seen: [SplatLoadPhase, number, number][] = [];
    const got = await readSplatBlob(chunkedBlob(bytes, 64 * 1024), 'big.ply', { onProgress: (p, d, t) => seen.push([p, d, t]) });
    expect(got.count).toBe(src.count);
    expect(got.means.every((v, i) => v === src.means[i])).toBe(true);
    const reading = seen.filter((s) => s[0] === 'reading');
    const decoding = seen.filter((s) => s[0] === 'decoding');
    expect(reading.length).toBeGreaterThan(10);
    expect(reading.length).toBeLessThanOrEqual(65);
    expect(reading.every((s) => s[2] === bytes.length)).toBe(true);
    expect(reading.at(-1)![1]).toBe(bytes.length);
    expect(reading.map((s) => s[1])).toEqual([...reading.map((s) => s[1])].sort((a, b) => a - b));
    expect(decoding.length).toBeGreaterThan(1);
    expect(decoding.at(-1)).toEqual(['decoding', src.count, src.count]);
    // Every byte report comes before the first splat report.
    expect(seen.findIndex((s) => s[0] === 'decoding')).toBe(reading.length);
  });

  it('reads a real Blob (and the format from the bytes, whatever the name)', async () => {
    const src = cloud(10);
    const got = await readSplatBlob(new Blob([writeSplatFile(src, 'spz') as Uint8Array<ArrayBuffer>]), 'cloud.bin');
    expect(got.count).toBe(10);
  });

  it('refuses a malformed file with the reader message, naming the file', async () => {
    const bytes = writeSplatFile(cloud(100), 'ply');
    const cut = bytes.slice(0, bytes.length - 10);
    await expect(readSplatBlob(new Blob([cut]), 'cut.ply')).rejects.toThrow(InputError);
    await expect(readSplatBlob(new Blob([cut]), 'cut.ply')).rejects.toThrow(/^cut\.ply: /);
  });

  it('refuses a file larger than the limit before allocating it', async () => {
    const huge = { size: MAX_SPLAT_FILE_BYTES + 1, stream: () => { throw new Error('must not be read'); } } as unknown as Blob;
    await expect(readSplatBlob(huge, 'huge.ply')).rejects.toThrow(/^huge\.ply: the file is 2048 MB; the viewer opens splat files up to 2048 MB/);
  });

  it('refuses a file that is shorter or longer than its size says', async () => {
    const bytes = writeSplatFile(cloud(10), 'ply');
    await expect(readSplatBlob(chunkedBlob(bytes, 100, bytes.length + 5), 'short.ply')).rejects.toThrow(/^short\.ply: only \d+ of its \d+ bytes could be read/);
    await expect(readSplatBlob(chunkedBlob(bytes, 100, bytes.length - 5), 'long.ply')).rejects.toThrow(/^long\.ply: the file grew while it was being read/);
  });

  it('turns a failing stream into a message naming the file', async () => {
    const failing = { size: 10, stream: () => new ReadableStream({ pull: (c) => c.error(new Error('NotReadableError')) }) } as unknown as Blob;
    await expect(readSplatBlob(failing, 'gone.ply')).rejects.toThrow(/^gone\.ply: could not read the file \(NotReadableError\)/);
  });
});
