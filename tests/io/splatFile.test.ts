import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.ts';
import { mulberry32 } from '../../src/core/random.ts';
import { detectSplatFormat, readSplatFile, writeSplatFile, type SplatFileFormat } from '../../src/io/splatFile.ts';
import { expectInputError, maxDiff, mutate, randomCloud, sigmoid } from './splatTestKit.ts';

const cloud = randomCloud(40, 1, 60);
const files: Record<SplatFileFormat, Uint8Array> = {
  ply: writeSplatFile(cloud, 'ply'),
  spz: writeSplatFile(cloud, 'spz'),
  splat: writeSplatFile(cloud, 'splat'),
};

describe('detectSplatFormat', () => {
  it('goes by signature where the format has one and by name where it has not', () => {
    const ascii = writeSplatFile(cloud, 'ply', { ply: { format: 'ascii' } });
    const crlf = new TextEncoder().encode('ply\r\nformat ascii 1.0\r\n');
    const ngsp = new Uint8Array([0x4e, 0x47, 0x53, 0x50, 4, 0, 0, 0]);
    const cases: [Uint8Array, string, SplatFileFormat | null][] = [
      [files.ply, 'scene.ply', 'ply'],
      [ascii, 'scene', 'ply'],
      [crlf, 'a.txt', 'ply'],
      [files.ply, 'misnamed.splat', 'ply'],
      [files.spz, 'scene.spz', 'spz'],
      [files.spz, 'misnamed.ply', 'spz'],
      [files.spz, 'no-extension', 'spz'],
      [ngsp, 'scene.bin', 'spz'],
      [files.splat, 'scene.splat', 'splat'],
      [files.splat, 'C:\\scans\\Scene.SPLAT', 'splat'],
      [files.splat, 'scene.bin', null],
      [files.splat, 'dir.splat/scene', null],
      [new Uint8Array(0), 'empty.spz', 'spz'],
      [new Uint8Array(0), 'empty', null],
    ];
    for (const [bytes, name, format] of cases) expect([name, detectSplatFormat(bytes, name)]).toEqual([name, format]);
  });
});

describe('readSplatFile / writeSplatFile', () => {
  it('read back what they wrote, in every format', () => {
    const ply = readSplatFile(files.ply, 'a.ply');
    expect(ply.means).toEqual(cloud.means);
    expect(ply.sh).toEqual(cloud.sh);
    const spz = readSplatFile(files.spz, 'a.spz');
    expect(spz.shDegree).toBe(1);
    expect(maxDiff(spz.means, cloud.means)).toBeLessThanOrEqual(2 ** -13 + 1e-6);
    const splat = readSplatFile(files.splat, 'a.splat');
    expect(splat.shDegree).toBe(0);
    expect(splat.means).toEqual(cloud.means);
  });

  it('PLY -> SPZ -> PLY keeps the scene in the PLY frame, within SPZ quantisation', () => {
    const fromPly = readSplatFile(files.ply, 'in.ply');
    const viaSpz = readSplatFile(writeSplatFile(fromPly, 'spz'), 'mid.spz');
    const back = readSplatFile(writeSplatFile(viaSpz, 'ply'), 'out.ply');
    expect(maxDiff(back.means, cloud.means)).toBeLessThanOrEqual(2 ** -13 + 1e-6);
    expect(maxDiff(back.logScales, cloud.logScales)).toBeLessThanOrEqual(1 / 32 + 1e-6);
    expect(maxDiff(back.opacityLogits, cloud.opacityLogits, sigmoid)).toBeLessThanOrEqual(0.5 / 255 + 1e-6);
  });

  it('carry the Mip-Splatting flag (cloud.antialiased) through SPZ and PLY, and only when set', () => {
    const plain = randomCloud(20, 1, 4);
    const aa = { ...plain, antialiased: true };
    for (const format of ['spz', 'ply'] as const) {
      expect(readSplatFile(writeSplatFile(aa, format), `aa.${format}`).antialiased).toBe(true);
      expect(readSplatFile(writeSplatFile(plain, format), `plain.${format}`).antialiased).toBeUndefined();
    }
    // The flag is a header comment in PLY: ASCII files carry it too.
    expect(readSplatFile(writeSplatFile(aa, 'ply', { ply: { format: 'ascii' } }), 'aa.ply').antialiased).toBe(true);
  });

  it('passes progress and format options through', () => {
    const calls: number[][] = [];
    readSplatFile(files.splat, 'a.splat', { onProgress: (d, t) => calls.push([d, t]) });
    writeSplatFile(cloud, 'spz', { onProgress: (d, t) => calls.push([d, t]) });
    expect(calls).toEqual([[40, 40], [40, 40]]);
    const v2 = writeSplatFile(cloud, 'spz', { spz: { version: 2 } });
    expect(v2).not.toEqual(files.spz);
    expect(readSplatFile(v2, 'v2.spz').count).toBe(40);
  });

  it('names the file and the accepted formats when it cannot read one', () => {
    expectInputError(() => readSplatFile(files.splat, 'scene.bin'), /^scene\.bin: not a splat file this app can open; it reads 3D Gaussian Splatting \.ply, Niantic \.spz or antimatter15 \.splat files$/);
    expectInputError(() => readSplatFile(files.splat.subarray(0, 40), 'cut.splat'), /^cut\.splat: 40 bytes is not a whole number of 32-byte splats/);
    expectInputError(() => readSplatFile(files.spz.subarray(0, 20), 'cut.spz'), /^cut\.spz: the gzip data is damaged or truncated/);
    expectInputError(() => readSplatFile(new Uint8Array([0x4e, 0x47, 0x53, 0x50, 4, 0, 0, 0]), 'new.spz'), /^new\.spz: this is an SPZ version 4 file/);
    expectInputError(() => readSplatFile(new TextEncoder().encode('hello'), 'notes.ply'), /^notes\.ply: /);
    expect(() => writeSplatFile(cloud, 'obj' as SplatFileFormat)).toThrow(/unknown format "obj"; use ply, spz or splat/);
  });

  it('fuzz: 1500 damaged files under assorted names read or fail with an InputError', () => {
    const r = mulberry32(123);
    const names = ['a.ply', 'a.spz', 'a.splat', 'a.bin', 'a', 'A.PLY'];
    const sources = Object.values(files);
    const specials = [0x0a796c70, 0x00088b1f, 0x5053474e, 1e9, 0, 0xffffffff];
    let read = 0;
    for (let trial = 0; trial < 1500; trial++) {
      const { bytes } = mutate(sources[trial % 3], r, 16, specials);
      const name = names[Math.floor(r() * names.length)];
      try {
        readSplatFile(bytes, name);
        read++;
      } catch (e) {
        if (!(e instanceof InputError)) throw new Error(`trial ${trial} (${name}) threw ${String(e)}`);
        expect(e.message.startsWith(`${name}: `)).toBe(true);
      }
    }
    expect(read).toBeGreaterThan(100);
  });
});
