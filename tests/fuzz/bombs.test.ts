/**
 * The damaged inputs the fuzzer found that made a reader allocate far more than the file
 * justified, rebuilt by hand so each stays a regression test: a PNG or JPEG header that claims
 * millions of pixels over a few bytes of data, and a zip (or .npz) whose directory claims
 * gigabytes. Each is refused with an InputError before the big allocation happens.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { measureAllocations, uninstallAllocWatch } from './allocWatch.ts';
import { zipSync } from 'fflate';
import jpeg from 'jpeg-js';
import { createImage, decodeImage, encodePng } from '../../src/core/image.ts';
import { InputError } from '../../src/core/errors.ts';
import { zipSource } from '../../src/io/fileSource.ts';
import { encodeNpy, parseNpy } from '../../src/io/npy.ts';
import { encodeNpz, parseNpz } from '../../src/io/npz.ts';
import { unzipChecked } from '../../src/io/unzip.ts';

afterAll(uninstallAllocWatch);

const MiB = 2 ** 20;

async function refusedCheaply(fn: () => unknown, pattern: RegExp): Promise<void> {
  const m = await measureAllocations(fn);
  expect(m.error).toBeInstanceOf(InputError);
  expect((m.error as Error).message).toMatch(pattern);
  expect(m.largest).toBeLessThan(MiB);
}

function findSig(b: Uint8Array, sig: number[], from = 0): number {
  for (let i = from; i + sig.length <= b.length; i++) if (sig.every((x, k) => b[i + k] === x)) return i;
  return -1;
}

describe('inputs that claim far more than they hold', () => {
  it('a PNG whose header claims 8000x6000 over 16 pixels of data is refused before decoding', async () => {
    const png = encodePng(createImage(4, 4));
    const dv = new DataView(png.buffer);
    dv.setUint32(16, 8000);
    dv.setUint32(20, 6000);
    await refusedCheaply(() => decodeImage(png, 'bomb.png'), /^bomb\.png: the header says 8000x6000 pixels but the file holds only \d+ bytes of image data/);
  });

  it('a real PNG still decodes (the check counts every IDAT chunk)', async () => {
    const img = createImage(64, 40);
    for (let i = 0; i < img.data.length; i++) img.data[i] = (i * 7919) % 251;
    const back = decodeImage(encodePng(img));
    expect([back.width, back.height]).toEqual([64, 40]);
    expect(back.data).toEqual(img.data);
  });

  it('a JPEG whose frame header claims 8000x6000 in 700 bytes is refused before decoding', async () => {
    const img = createImage(16, 12);
    const bytes = new Uint8Array(jpeg.encode({ width: 16, height: 12, data: img.data }, 80).data);
    const sof = findSig(bytes, [0xff, 0xc0]);
    expect(sof).toBeGreaterThan(0);
    const dv = new DataView(bytes.buffer);
    dv.setUint16(sof + 5, 6000);
    dv.setUint16(sof + 7, 8000);
    await refusedCheaply(() => decodeImage(bytes, 'bomb.jpg'), /^bomb\.jpg: the header says 8000x6000 pixels but the file is only \d+ bytes/);
  });

  it('a zip whose directory claims a 2 GB entry is refused before anything that size is allocated', async () => {
    const zip = zipSync({ 'a.png': encodePng(createImage(4, 4)) }, { level: 6 });
    const cd = findSig(zip, [0x50, 0x4b, 0x01, 0x02]);
    new DataView(zip.buffer).setUint32(cd + 24, 2 ** 31 - 1, true); // uncompressed size in the central directory
    await refusedCheaply(() => zipSource('photos.zip', zip), /^photos\.zip: a\.png: the archive is damaged: this entry claims 2147483647 bytes/);
  });

  it('a stored (uncompressed) entry must be exactly its stored size', async () => {
    const zip = zipSync({ 'scene.json': new TextEncoder().encode('{}') }, { level: 0 });
    const cd = findSig(zip, [0x50, 0x4b, 0x01, 0x02]);
    new DataView(zip.buffer).setUint32(cd + 24, 5e8, true);
    await refusedCheaply(() => zipSource('s.zip', zip), /the archive is damaged/);
  });

  it('a real deflate bomb past the archive cap is refused with a message', async () => {
    const zip = zipSync({ 'zeros.bin': new Uint8Array(200_000) }, { level: 9 });
    expect(zip.length).toBeLessThan(2000);
    expect(() => unzipChecked(zip, 'z.zip', 100_000)).toThrow(/^z\.zip: the archive unpacks to more than 0 MB/);
    expect(unzipChecked(zip, 'z.zip', 200_000)['zeros.bin'].length).toBe(200_000);
  });

  it('an .npz whose directory lies is refused too, and a good one still reads', async () => {
    const npz = encodeNpz({ world_mat_0: encodeNpy([4, 4], Array.from({ length: 16 }, (_, i) => i)) }, true);
    expect(parseNpz(npz).get('world_mat_0')?.shape).toEqual([4, 4]);
    const cd = findSig(npz, [0x50, 0x4b, 0x01, 0x02]);
    new DataView(npz.buffer).setUint32(cd + 24, 1e9, true);
    await refusedCheaply(() => parseNpz(npz, 'cams.npz'), /^cams\.npz: world_mat_0\.npy: the archive is damaged/);
    expect(parseNpy(encodeNpy([2], [1, 2])).data).toEqual(new Float64Array([1, 2]));
  });
});
