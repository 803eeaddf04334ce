import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.ts';
import { shCoeffCount, type GaussianCloud } from '../../src/core/gaussianCloud.ts';
import { readPly, writePly } from '../../src/io/ply.ts';
import { mulberry32 } from '../../src/core/random.ts';

function randomCloud(n: number, shDegree: number, seed = 1): GaussianCloud {
  const r = mulberry32(seed);
  const fill = (len: number, scale: number) => Float32Array.from({ length: len }, () => (r() * 2 - 1) * scale);
  const K = shCoeffCount(shDegree);
  return {
    count: n,
    shDegree,
    means: fill(3 * n, 5),
    logScales: fill(3 * n, 4),
    quats: fill(4 * n, 1),
    opacityLogits: fill(n, 6),
    sh: fill(3 * K * n, 2),
  };
}

function expectSameCloud(a: GaussianCloud, b: GaussianCloud): void {
  expect(b.count).toBe(a.count);
  expect(b.shDegree).toBe(a.shDegree);
  for (const key of ['means', 'logScales', 'quats', 'opacityLogits', 'sh'] as const) expect(b[key]).toEqual(a[key]);
}

/** Header text plus little-endian float32 rows, the way the tests below spell files out by hand. */
function handPly(header: string[], rows: number[][], bigEndian = false): Uint8Array {
  const text = new TextEncoder().encode(['ply', ...header, 'end_header', ''].join('\n'));
  const per = rows[0]?.length ?? 0;
  const out = new Uint8Array(text.length + rows.length * per * 4);
  out.set(text);
  const dv = new DataView(out.buffer);
  rows.forEach((row, i) => row.forEach((v, j) => dv.setFloat32(text.length + 4 * (i * per + j), v, !bigEndian)));
  return out;
}

const NAMES_DEG0 = ['x', 'y', 'z', 'f_dc_0', 'f_dc_1', 'f_dc_2', 'opacity', 'scale_0', 'scale_1', 'scale_2', 'rot_0', 'rot_1', 'rot_2', 'rot_3'];
const floatProps = (names: string[]) => names.map((n) => `property float ${n}`);

function expectInputError(fn: () => unknown, pattern: RegExp): void {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(InputError);
  expect((err as Error).message).toMatch(pattern);
}

describe('PLY round trip', () => {
  for (const degree of [0, 1, 3]) {
    it(`binary, SH degree ${degree}: identical arrays`, () => {
      const cloud = randomCloud(37, degree, degree + 10);
      const bytes = writePly(cloud, { comments: ['made by a test'] });
      const text = new TextDecoder().decode(bytes.subarray(0, 200));
      expect(text).toMatch(/^ply\nformat binary_little_endian 1\.0\ncomment made by a test\nelement vertex 37\nproperty float x\n/);
      const restCount = 3 * (shCoeffCount(degree) - 1);
      const headerEnd = new TextDecoder().decode(bytes).indexOf('end_header\n') + 11;
      expect(bytes.length - headerEnd).toBe(37 * 4 * (17 + restCount));
      expectSameCloud(cloud, readPly(bytes));
    });
  }

  it('ASCII, SH degree 2: identical arrays', () => {
    const cloud = randomCloud(9, 2, 5);
    const bytes = writePly(cloud, { format: 'ascii' });
    expect(new TextDecoder().decode(bytes)).toContain('format ascii 1.0');
    expectSameCloud(cloud, readPly(bytes));
  });

  it('an empty cloud', () => {
    const cloud = randomCloud(0, 1);
    expectSameCloud(cloud, readPly(writePly(cloud)));
  });

  it('reports progress and refuses to write values it could not read back', () => {
    const calls: [number, number][] = [];
    readPly(writePly(randomCloud(3, 0)), { onProgress: (d, t) => calls.push([d, t]) });
    expect(calls.at(-1)).toEqual([3, 3]);
    const bad = randomCloud(3, 0);
    bad.logScales[4] = NaN;
    expect(() => writePly(bad)).toThrow(/splat 1 has a non-finite scale_1/);
  });
});

describe('PLY layout', () => {
  it('f_rest is channel-major in the file and [k][rgb] in the cloud', () => {
    // Degree 1: K = 4, 9 rest values per vertex. Rest value j = c * 3 + (k - 1) holds 100*c + k
    // (+0.5 for the second vertex), so the value names its own channel and coefficient.
    const names = ['x', 'y', 'z', 'nx', 'ny', 'nz', 'f_dc_0', 'f_dc_1', 'f_dc_2', ...Array.from({ length: 9 }, (_, j) => `f_rest_${j}`), 'opacity', 'scale_0', 'scale_1', 'scale_2', 'rot_0', 'rot_1', 'rot_2', 'rot_3'];
    const row = (off: number) => [
      1 + off, 2 + off, 3 + off, 0, 0, 0,
      0.1 + off, 0.2 + off, 0.3 + off,
      ...[0, 1, 2].flatMap((c) => [1, 2, 3].map((k) => 100 * c + k + off)),
      -2 + off, -3 + off, -4 + off, -5 + off, 0.9, 0.1, 0.2, 0.3,
    ];
    const cloud = readPly(handPly(['format binary_little_endian 1.0', 'element vertex 2', ...floatProps(names)], [row(0), row(0.5)]));
    expect(cloud.shDegree).toBe(1);
    expect(cloud.count).toBe(2);
    const K = 4;
    for (let i = 0; i < 2; i++) {
      const off = i * 0.5;
      for (let c = 0; c < 3; c++) {
        expect(cloud.sh[(i * K + 0) * 3 + c]).toBeCloseTo(0.1 * (c + 1) + off, 6);
        for (let k = 1; k < K; k++) expect(cloud.sh[(i * K + k) * 3 + c]).toBe(100 * c + k + off);
      }
    }
    expect(Array.from(cloud.means.subarray(3, 6))).toEqual([1.5, 2.5, 3.5]);
    expect(cloud.opacityLogits[1]).toBe(-1.5);
    expect(Array.from(cloud.logScales.subarray(0, 3))).toEqual([-3, -4, -5]);
    expect(cloud.quats.subarray(0, 4)).toEqual(Float32Array.from([0.9, 0.1, 0.2, 0.3]));
  });

  it('reads ASCII with comments, CRLF, extra properties and integer types', () => {
    const text = [
      'ply',
      'format ascii 1.0',
      'comment hand written',
      'element vertex 2',
      'property double x',
      'property float y',
      'property float z',
      'property uchar red',
      'property int f_dc_0',
      'property float f_dc_1',
      'property float f_dc_2',
      'property float opacity',
      'property float scale_0',
      'property float scale_1',
      'property float scale_2',
      'property float rot_0',
      'property float rot_1',
      'property float rot_2',
      'property float rot_3',
      'property float my_extra',
      'end_header',
      '0.5 -1 2e-1 255 3 0.25 .5 -4.5 -1 -2 -3 1 0 0 0 nan',
      '1 2 3 0 -1 0 0 10 0 0 0 0.7071 0.7071 0 0 7',
      '',
    ].join('\r\n');
    const cloud = readPly(new TextEncoder().encode(text));
    expect(cloud.count).toBe(2);
    expect(cloud.shDegree).toBe(0);
    expect(Array.from(cloud.means)).toEqual([0.5, -1, Math.fround(0.2), 1, 2, 3]);
    expect(Array.from(cloud.sh)).toEqual([3, 0.25, 0.5, -1, 0, 0]);
    expect(Array.from(cloud.opacityLogits)).toEqual([-4.5, 10]);
    expect(Array.from(cloud.quats.subarray(4))).toEqual(Array.from(Float32Array.from([0.7071, 0.7071, 0, 0])));
  });

  it('reads big-endian, doubles and uchar, and skips elements before and after the vertices', () => {
    const names = NAMES_DEG0;
    const header = [
      'ply',
      'format binary_big_endian 1.0',
      'element chunk 2',
      'property float min_x',
      'property uchar flag',
      'element face 2',
      'property list uchar int vertex_indices',
      'element vertex 1',
      ...names.map((n) => (n === 'x' ? 'property double x' : n === 'opacity' ? 'property uchar opacity' : `property float ${n}`)),
      'element extra 1',
      'property float whatever',
      'end_header',
      '',
    ].join('\n');
    const h = new TextEncoder().encode(header);
    const buf = new Uint8Array(h.length + 2 * 5 + (1 + 12) + (1 + 8) + 8 + 1 + 12 * 4 + 4);
    buf.set(h);
    const dv = new DataView(buf.buffer);
    let o = h.length;
    for (let i = 0; i < 2; i++) {
      dv.setFloat32(o, 9);
      dv.setUint8(o + 4, 1);
      o += 5;
    }
    dv.setUint8(o++, 3);
    for (let k = 0; k < 3; k++, o += 4) dv.setInt32(o, k);
    dv.setUint8(o++, 2);
    for (let k = 0; k < 2; k++, o += 4) dv.setInt32(o, k);
    for (const n of names) {
      if (n === 'x') {
        dv.setFloat64(o, 0.125);
        o += 8;
      } else if (n === 'opacity') {
        dv.setUint8(o++, 200);
      } else {
        dv.setFloat32(o, n === 'y' ? -7 : 1.5);
        o += 4;
      }
    }
    const cloud = readPly(buf);
    expect(Array.from(cloud.means)).toEqual([0.125, -7, 1.5]);
    expect(cloud.opacityLogits[0]).toBe(200);
    expect(Array.from(cloud.quats)).toEqual([1.5, 1.5, 1.5, 1.5]);
  });
});

describe('PLY errors', () => {
  const good = writePly(randomCloud(4, 1, 3));
  const header = new TextDecoder().decode(good.subarray(0, new TextDecoder().decode(good).indexOf('end_header') + 11));
  const body = good.subarray(header.length);
  const withHeader = (h: string, b: Uint8Array = body) => {
    const t = new TextEncoder().encode(h);
    const out = new Uint8Array(t.length + b.length);
    out.set(t);
    out.set(b, t.length);
    return out;
  };

  it('not a PLY', () => {
    expectInputError(() => readPly(new TextEncoder().encode('{"json": true}')), /not a PLY file/);
    expectInputError(() => readPly(new Uint8Array(0)), /not a PLY file/);
    expectInputError(() => readPly(new TextEncoder().encode('ply\nformat ascii 1.0\nelement vertex 1\n')), /ends before "end_header"/);
    expectInputError(() => readPly(withHeader(header.replace('binary_little_endian', 'binary_middle_endian'))), /unknown format/);
    expectInputError(() => readPly(withHeader(header.replace('property float x', 'property quad x'))), /unknown property type "quad"/);
  });

  it('truncated data, and a count larger than the data, without allocating for it', () => {
    expectInputError(() => readPly(good.subarray(0, good.length - 1)), /truncated: the header declares 4 "vertex" entries \(\d+ bytes\) but only \d+ bytes/);
    // And what to do about it.
    expectInputError(() => readPly(good.subarray(0, good.length - 1)), /The file is incomplete .*: download, copy or export it again$/);
    expectInputError(() => readPly(good.subarray(0, 20)), /ends before "end_header"\. The file is incomplete .*again$/);
    expectInputError(() => readPly(withHeader(header.replace('element vertex 4', 'element vertex 99000000'))), /truncated: the header declares 99000000/);
    const ascii = writePly(randomCloud(2, 0), { format: 'ascii' });
    expectInputError(() => readPly(new TextEncoder().encode(new TextDecoder().decode(ascii).replace('element vertex 2', 'element vertex 90000000'))), /truncated: the header declares 90000000 "vertex" entries, which need at least/);
    expectInputError(() => readPly(new TextEncoder().encode(new TextDecoder().decode(ascii).replace('element vertex 2', 'element vertex 3'))), /truncated/);
  });

  it('absurd and malformed counts', () => {
    expectInputError(() => readPly(withHeader(header.replace('element vertex 4', 'element vertex 100000000000000000000'))), /more than the 100000000/);
    expectInputError(() => readPly(withHeader(header.replace('element vertex 4', 'element vertex -4'))), /bad count "-4"/);
    expectInputError(() => readPly(withHeader(header.replace('element vertex 4', 'element vertex 4.5'))), /bad count/);
  });

  it('missing or malformed required properties', () => {
    expectInputError(() => readPly(withHeader(header.replace('property float opacity\n', ''), body.subarray(4))), /lacks opacity/);
    expectInputError(() => readPly(withHeader(header.replace('property float f_rest_8\n', ''))), /8 f_rest properties; a Gaussian splat PLY has 0, 9, 24 or 45/);
    expectInputError(() => readPly(withHeader(header.replace('f_rest_3\n', 'f_rest_30\n'))), /not numbered 0..n-1 \(found f_rest_30/);
    expectInputError(() => readPly(withHeader(header.replace('element vertex', 'element point'))), /no "vertex" element/);
    expectInputError(() => readPly(withHeader(header.replace('property float nx', 'property float x'))), /two properties named "x"/);
    const pointCloud = handPly(['format binary_little_endian 1.0', 'element vertex 1', ...floatProps(['x', 'y', 'z']), 'property uchar red'], []);
    expectInputError(() => readPly(pointCloud), /looks like a point cloud/);
    const compressed = handPly(['format binary_little_endian 1.0', 'element chunk 0', 'property float min_x', 'element vertex 0', 'property uint packed_position'], []);
    expectInputError(() => readPly(compressed), /compressed PLY/);
    const listVertex = handPly(['format binary_little_endian 1.0', 'element vertex 0', 'property list uchar float x'], []);
    expectInputError(() => readPly(listVertex), /list property "x"/);
  });

  it('NaN and infinite values, with the vertex index', () => {
    const rows = [0, 1, 2].map(() => NAMES_DEG0.map(() => 0.5));
    rows[2][NAMES_DEG0.indexOf('scale_1')] = NaN;
    expectInputError(() => readPly(handPly(['format binary_little_endian 1.0', 'element vertex 3', ...floatProps(NAMES_DEG0)], rows)), /vertex 2: scale_1 is NaN or infinite/);
    rows[2][NAMES_DEG0.indexOf('scale_1')] = 0;
    rows[1][0] = -Infinity;
    expectInputError(() => readPly(handPly(['format binary_little_endian 1.0', 'element vertex 3', ...floatProps(NAMES_DEG0)], rows)), /vertex 1: x is NaN or infinite/);
    const ascii = ['ply', 'format ascii 1.0', 'element vertex 1', ...floatProps(NAMES_DEG0), 'end_header', NAMES_DEG0.map((n) => (n === 'rot_2' ? 'inf' : n === 'z' ? '1e50' : '0')).join(' ')];
    expectInputError(() => readPly(new TextEncoder().encode(ascii.join('\n'))), /vertex 0: z is 1e50 \(not representable as float32\)/);
    ascii[ascii.length - 1] = ascii[ascii.length - 1].replace('1e50', '1');
    expectInputError(() => readPly(new TextEncoder().encode(ascii.join('\n'))), /vertex 0: rot_2 is "inf", not a number/);
  });

  it('fuzz: 2000 damaged files either read or fail with an InputError (timings: npm run bench:readers)', () => {
    const r = mulberry32(2024);
    const sources = [writePly(randomCloud(6, 1, 7)), writePly(randomCloud(5, 0, 8), { format: 'ascii' }), writePly(randomCloud(3, 3, 9))];
    const tokens = ['element vertex 4000000000', 'element vertex 0', 'property list uint float f_dc_0', 'property double', 'end_header', '\n', ' ', 'nan', '-', 'e', '9999999999', 'format ascii 1.0', 'format binary_big_endian 1.0', '\r\n'];
    let read = 0, rejected = 0;
    for (let trial = 0; trial < 2000; trial++) {
      const src = sources[trial % sources.length];
      let bytes = src.slice();
      const headerLen = new TextDecoder('latin1').decode(src).indexOf('end_header') + 11;
      const kind = Math.floor(r() * 6);
      // Half the mutations aim at the header, where parsing decisions are made.
      const at = (inHeader: boolean) => Math.floor(r() * (inHeader ? headerLen : bytes.length));
      if (kind === 0) bytes = bytes.subarray(0, at(r() < 0.5));
      else if (kind === 1) for (let k = 0, m = 1 + Math.floor(r() * 8); k < m; k++) bytes[at(r() < 0.5)] = Math.floor(r() * 256);
      else if (kind === 2 || kind === 3) {
        const t = new TextEncoder().encode(tokens[Math.floor(r() * tokens.length)]);
        const p = at(kind === 2);
        const out = new Uint8Array(bytes.length + t.length);
        out.set(bytes.subarray(0, p));
        out.set(t, p);
        out.set(bytes.subarray(p), p + t.length);
        bytes = out;
      } else if (kind === 4) {
        const p = at(true), len = Math.floor(r() * 20);
        bytes = Uint8Array.from([...bytes.subarray(0, p), ...bytes.subarray(p + len)]);
      } else {
        const text = new TextDecoder('latin1').decode(bytes).replace(/element vertex \d+/, `element vertex ${Math.floor(r() * 1e9)}`);
        bytes = Uint8Array.from(text, (ch) => ch.charCodeAt(0));
      }
      try {
        const cloud = readPly(bytes);
        expect(cloud.means.length).toBe(3 * cloud.count);
        read++;
      } catch (e) {
        if (!(e instanceof InputError)) throw new Error(`trial ${trial} (mutation ${kind}) threw ${(e as Error).name}: ${(e as Error).message}`);
        rejected++;
      }
    }
    expect(read).toBeGreaterThan(50);
    expect(rejected).toBeGreaterThan(500);
  });
});
