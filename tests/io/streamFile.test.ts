/** The progressive stream as a file the app opens: by signature, damage as InputError or warnings. */
import { describe, expect, it } from 'vitest';
import { readSplatFile } from '../../src/io/splatFile.ts';
import { isStreamFile, writeStreamFile } from '../../src/io/streamFile.ts';
import { decodeStream } from '../../src/stream/index.ts';
import { expectInputError, randomCloud } from './splatTestKit.ts';

const bytes = writeStreamFile(randomCloud(500, 1, 4), { stages: 2, codebookEntries: 16, kMeansIterations: 3, firstChunkSplats: 50 });

describe('stream files', () => {
  it('opens by its signature under any name, as the stream decodes', () => {
    expect(isStreamFile(bytes)).toBe(true);
    for (const name of ['scene.gsrq', 'scene.ply', 'scene.splat', 'scene']) expect(readSplatFile(bytes, name)).toEqual(decodeStream(bytes).cloud);
  });

  it('opens what survived of a cut-off stream, one warning per lost chunk', () => {
    const warnings: string[] = [];
    const cut = bytes.subarray(0, Math.floor(bytes.length * 0.7));
    const cloud = readSplatFile(cut, 'cut.gsrq', { onWarning: (w) => warnings.push(w) });
    expect(cloud.count).toBe(decodeStream(cut).cloud.count);
    expect(warnings.length).toBeGreaterThan(0);
  });

  it('names the file when the header is damaged or nothing survived', () => {
    const bad = bytes.slice();
    bad[40] ^= 1;
    expectInputError(() => readSplatFile(bad, 'bad.gsrq'), /^bad\.gsrq: the stream header fails its checksum/);
    const headerOnly = bytes.subarray(0, decodeStream(bytes).header.headerBytes + 3);
    expectInputError(() => readSplatFile(headerOnly, 'short.gsrq'), /^short\.gsrq: no part of the stream could be decoded/);
  });
});
