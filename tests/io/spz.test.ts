import { gunzipSync, gzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.ts';
import { shCoeffCount, type GaussianCloud } from '../../src/core/gaussianCloud.ts';
import { mulberry32 } from '../../src/core/random.ts';
import { shBasis } from '../../src/core/sh.ts';
import { readSpz, SH_FLIP_RDF_RUB, writeSpz } from '../../src/io/spz.ts';
import { expectInputError, maxDiff, mutate, randomCloud, rotationAngle, sigmoid, watchAllocations } from './splatTestKit.ts';

/** A decompressed SPZ stream spelled out from the spec: 16-byte header, then the arrays as given. */
function spzRaw(h: { version: number; n: number; deg: number; fb: number; flags?: number; reserved?: number }, arrays: number[][]): Uint8Array {
  const body = arrays.flat();
  const out = new Uint8Array(16 + body.length);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, 0x5053474e, true);
  dv.setUint32(4, h.version, true);
  dv.setUint32(8, h.n, true);
  out.set([h.deg, h.fb, h.flags ?? 0, h.reserved ?? 0], 12);
  out.set(body, 16);
  return out;
}

const gz = (raw: Uint8Array) => gzipSync(raw, { mtime: 0 });

/** Rotation matrix (row-major) of a (w, x, y, z) quaternion. */
function rotationMatrix(q: ArrayLike<number>): number[] {
  const n = Math.hypot(q[0], q[1], q[2], q[3]);
  const [w, x, y, z] = [q[0] / n, q[1] / n, q[2] / n, q[3] / n];
  return [
    1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y),
    2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x),
    2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y),
  ];
}

// Two splats, SH degree 1, version 3, 12 fractional bits, in the file's RUB frame.
const MAG = (Math.SQRT1_2 * 434) / 511; // a 9-bit magnitude of 434
const KNOWN_V3 = spzRaw({ version: 3, n: 2, deg: 1, fb: 12 }, [
  // positions: (1.5, -0.25, 2) and (-3, 0, 1/4096) as 24-bit little-endian two's complement * 4096
  [0x00, 0x18, 0x00, 0x00, 0xfc, 0xff, 0x00, 0x20, 0x00],
  [0x00, 0xd0, 0xff, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00],
  [191, 0], // alphas
  [128, 255, 0, 0, 0, 0], // colours
  [144, 160, 0, 255, 255, 255], // scales: (b / 16 - 10)
  // smallest three: largest = w (index 3); then x, y, z with sign bit and 9-bit magnitude.
  // (0, 0.6, 0, 0.8): 3 << 30 | 434 << 10 = 0xC006C800.  (0, 0, -0.6, 0.8): 3 << 30 | 1 << 9 | 434 = 0xC00003B2.
  [0x00, 0xc8, 0x06, 0xc0, 0xb2, 0x03, 0x00, 0xc0],
  // SH: per coefficient r, g, b; (b - 128) / 128
  [192, 128, 64, 128, 128, 128, 64, 64, 64],
  [128, 128, 128, 128, 128, 128, 128, 128, 128],
]);

describe('SPZ: decoding bytes built from the spec', () => {
  it('version 3: every field, converted from RUB to the PLY frame (y and z negated)', () => {
    const c = readSpz(gz(KNOWN_V3));
    expect(c.count).toBe(2);
    expect(c.shDegree).toBe(1);
    expect(Array.from(c.means)).toEqual([1.5, 0.25, -2, -3, 0, -1 / 4096]);
    expect(Array.from(c.logScales)).toEqual([-1, 0, -10, 5.9375, 5.9375, 5.9375]);
    expect(c.opacityLogits[0]).toBeCloseTo(Math.log(191 / 64), 5);
    expect(c.opacityLogits[1]).toBeCloseTo(Math.log(0.25 / 254.75), 5); // alpha 0: clamped, finite
    const w = Math.sqrt(1 - MAG * MAG);
    // Quaternion y and z flip sign with the frame: (0, 0.6, 0, 0.8) xyzw -> (w, 0, -0.6, 0) wxyz.
    expect(maxDiff(c.quats, [w, 0, -MAG, 0, w, 0, 0, MAG])).toBeLessThan(1e-6);
    const dc = (b: number) => (b / 255 - 0.5) / 0.15;
    const sh0 = [dc(128), dc(255), dc(0), -0.5, 0, 0.5, 0, 0, 0, -0.5, -0.5, -0.5];
    const sh1 = [dc(0), dc(0), dc(0), 0, 0, 0, 0, 0, 0, 0, 0, 0];
    // Coefficients 1 and 2 (odd in y or z) flip; coefficient 3 (x) does not.
    expect(maxDiff(c.sh, [...sh0, ...sh1])).toBeLessThan(1e-6);
  });

  it('version 3 without the frame conversion reads the values as stored', () => {
    const c = readSpz(gz(KNOWN_V3), { convertCoordinates: false });
    expect(Array.from(c.means)).toEqual([1.5, -0.25, 2, -3, 0, 1 / 4096]);
    const w = Math.sqrt(1 - MAG * MAG);
    expect(maxDiff(c.quats, [w, 0, MAG, 0, w, 0, 0, -MAG])).toBeLessThan(1e-6);
    expect(Array.from(c.sh.subarray(3, 6))).toEqual([0.5, 0, -0.5]);
  });

  it('writing the decoded cloud gives the same stream back, byte for byte', () => {
    expect(gunzipSync(writeSpz(readSpz(gz(KNOWN_V3))))).toEqual(KNOWN_V3);
    expect(gunzipSync(writeSpz(readSpz(gz(KNOWN_V3), { convertCoordinates: false }), { convertCoordinates: false }))).toEqual(KNOWN_V3);
  });

  it('version 2: 8 fractional bits, rotation as x, y, z bytes with w derived', () => {
    const raw = spzRaw({ version: 2, n: 1, deg: 0, fb: 8 }, [
      [0x00, 0x01, 0x00, 0x00, 0xff, 0xff, 0x80, 0x00, 0x00], // (1, -1, 0.5) * 256
      [255],
      [0, 128, 255],
      [0, 160, 80],
      [128, 204, 128], // x, y, z = b / 127.5 - 1
    ]);
    const c = readSpz(gz(raw));
    expect(Array.from(c.means)).toEqual([1, 1, -0.5]);
    expect(Array.from(c.logScales)).toEqual([-10, 0, -5]);
    expect(c.opacityLogits[0]).toBeCloseTo(Math.log(254.75 / 0.25), 5);
    const [x, y, z] = [128 / 127.5 - 1, 204 / 127.5 - 1, 128 / 127.5 - 1];
    const w = Math.sqrt(1 - x * x - y * y - z * z);
    expect(maxDiff(c.quats, [w, x, -y, -z])).toBeLessThan(1e-6);
  });

  it('the SH sign table is the symmetry (x, y, z) -> (x, -y, -z) of our SH basis', () => {
    const r = mulberry32(11);
    const a = new Float64Array(16), b = new Float64Array(16);
    for (let t = 0; t < 20; t++) {
      const [x, y, z] = [r() - 0.5, r() - 0.5, r() - 0.5];
      shBasis(3, x, y, z, a);
      shBasis(3, x, -y, -z, b);
      for (let k = 1; k < 16; k++) expect(b[k]).toBeCloseTo(SH_FLIP_RDF_RUB[k - 1] * a[k], 12);
    }
  });
});

describe('SPZ: the frame conversion means the same scene', () => {
  it('stored positions are F p, rotations F R F and view-dependent colour the same at F d, F = diag(1, -1, -1)', () => {
    const cloud = randomCloud(50, 3, 21);
    const stored = readSpz(writeSpz(cloud), { convertCoordinates: false });
    const F = [1, -1, -1];
    const K = 16;
    const ya = new Float64Array(K), yb = new Float64Array(K);
    const r = mulberry32(5);
    for (let i = 0; i < 50; i++) {
      for (let a = 0; a < 3; a++) expect(Math.abs(stored.means[3 * i + a] - F[a] * cloud.means[3 * i + a])).toBeLessThan(1.3e-4);
      const R = rotationMatrix(cloud.quats.subarray(4 * i, 4 * i + 4));
      const Rs = rotationMatrix(stored.quats.subarray(4 * i, 4 * i + 4));
      for (let e = 0; e < 9; e++) expect(Math.abs(Rs[e] - F[Math.floor(e / 3)] * R[e] * F[e % 3])).toBeLessThan(0.01);
      // colour seen along d in our frame = colour along F d in the file's frame (SH quantisation aside)
      const [x, y, z] = [r() - 0.5, r() - 0.5, r() - 0.5];
      shBasis(3, x, y, z, ya);
      shBasis(3, x, -y, -z, yb);
      for (let ch = 0; ch < 3; ch++) {
        let ours = 0, theirs = 0, bound = 0;
        for (let k = 1; k < K; k++) {
          ours += cloud.sh[3 * K * i + 3 * k + ch] * ya[k];
          theirs += stored.sh[3 * K * i + 3 * k + ch] * yb[k];
          bound += Math.abs(ya[k]) * (k < 4 ? 4.5 : 8.5) / 128;
        }
        expect(Math.abs(ours - theirs)).toBeLessThanOrEqual(bound + 1e-6);
      }
    }
  });
});

/** Largest rotation angle between matching quaternions of two clouds. */
function worstAngle(a: GaussianCloud, b: GaussianCloud): { worst: number; mean: number } {
  let worst = 0, sum = 0;
  for (let i = 0; i < a.count; i++) {
    const t = rotationAngle(a.quats.subarray(4 * i, 4 * i + 4), b.quats.subarray(4 * i, 4 * i + 4));
    worst = Math.max(worst, t);
    sum += t;
  }
  return { worst, mean: sum / a.count };
}

/**
 * Tolerances, each half a quantisation step (plus float32 rounding): position 2^-12 / 2; log scale
 * 1/32; opacity 0.5/255 as an opacity; DC 0.5/(0.15*255); SH degree 1 (8-wide buckets after
 * rounding to 1/128) 4.5/128, higher degrees (16-wide) 8.5/128.
 */
function expectWithinSpzQuantisation(cloud: GaussianCloud, back: GaussianCloud, positionStep = 2 ** -12): void {
  expect(back.count).toBe(cloud.count);
  expect(back.shDegree).toBe(cloud.shDegree);
  expect(maxDiff(back.means, cloud.means)).toBeLessThanOrEqual(positionStep / 2 + 1e-6);
  expect(maxDiff(back.logScales, cloud.logScales)).toBeLessThanOrEqual(1 / 32 + 1e-6);
  expect(maxDiff(back.opacityLogits, cloud.opacityLogits, sigmoid)).toBeLessThanOrEqual(0.5 / 255 + 1e-6);
  const K = shCoeffCount(cloud.shDegree);
  let dc = 0, sh1 = 0, shRest = 0;
  for (let j = 0; j < cloud.sh.length; j++) {
    const k = Math.floor((j % (3 * K)) / 3);
    const d = Math.abs(back.sh[j] - cloud.sh[j]);
    if (k === 0) dc = Math.max(dc, d);
    else if (k < 4) sh1 = Math.max(sh1, d);
    else shRest = Math.max(shRest, d);
  }
  expect(dc).toBeLessThanOrEqual(0.5 / (0.15 * 255) + 1e-6);
  expect(sh1).toBeLessThanOrEqual(4.5 / 128 + 1e-6);
  expect(shRest).toBeLessThanOrEqual(8.5 / 128 + 1e-6);
}

describe('SPZ round trip', () => {
  for (const degree of [0, 1, 2, 3]) {
    it(`version 3, SH degree ${degree}: within half a quantisation step; rotations within 0.005 rad`, () => {
      const cloud = randomCloud(300, degree, 30 + degree);
      const back = readSpz(writeSpz(cloud));
      expectWithinSpzQuantisation(cloud, back);
      // 9-bit components (step sqrt(1/2)/511) and the largest one derived: 2 * |dq| < 0.005.
      expect(worstAngle(cloud, back).worst).toBeLessThan(0.005);
    });
  }

  it('version 2: rotations worse (w derived from 8-bit x, y, z: up to 0.25 rad where w is near 0)', () => {
    const cloud = randomCloud(300, 1, 40);
    const bytes = writeSpz(cloud, { version: 2 });
    expect(new DataView(gunzipSync(bytes).buffer).getUint32(4, true)).toBe(2);
    const back = readSpz(bytes);
    expectWithinSpzQuantisation(cloud, back);
    const { worst, mean } = worstAngle(cloud, back);
    expect(worst).toBeLessThan(0.25);
    expect(mean).toBeLessThan(0.02);
  });

  it('8-bit SH keeps SH to within 0.5/128', () => {
    const cloud = randomCloud(100, 2, 41);
    const back = readSpz(writeSpz(cloud, { sh1Bits: 8, shRestBits: 8 }));
    const K = 9;
    let worst = 0;
    for (let j = 0; j < cloud.sh.length; j++) if (j % (3 * K) >= 3) worst = Math.max(worst, Math.abs(back.sh[j] - cloud.sh[j]));
    expect(worst).toBeLessThanOrEqual(0.5 / 128 + 1e-6);
  });

  it('uses fewer fractional bits when positions need them, and refuses what 24 bits cannot hold', () => {
    const cloud = randomCloud(20, 0, 42);
    cloud.means[7] = -3000; // 3000 * 4096 > 2^23 - 1; 3000 * 2048 fits
    const bytes = writeSpz(cloud);
    expect(gunzipSync(bytes)[13]).toBe(11);
    expectWithinSpzQuantisation(cloud, readSpz(bytes), 2 ** -11);
    cloud.means[7] = 1e7;
    expectInputError(() => writeSpz(cloud), /10000000 units from the origin, beyond the \+-8388607 that SPZ's 24-bit positions reach; save as PLY/);
  });

  it('output depends only on the cloud, and progress ends at the count', () => {
    const cloud = randomCloud(10, 1, 43);
    const calls: number[][] = [];
    expect(writeSpz(cloud)).toEqual(writeSpz(cloud));
    readSpz(writeSpz(cloud), { onProgress: (d, t) => calls.push([d, t]) });
    expect(calls).toEqual([[10, 10]]);
  });

  it('an empty cloud', () => {
    const back = readSpz(writeSpz(randomCloud(0, 2, 1)));
    expect(back.count).toBe(0);
    expect(back.shDegree).toBe(2);
  });
});

describe('SPZ: bad input', () => {
  const setHeader = (raw: Uint8Array, offset: number, value: number, size: 1 | 4 = 4) => {
    const out = raw.slice();
    if (size === 4) new DataView(out.buffer).setUint32(offset, value, true);
    else out[offset] = value;
    return gz(out);
  };

  it('says what is wrong and what to do', () => {
    expectInputError(() => readSpz(new Uint8Array([1, 2, 3]), { file: 'x.spz' }), /^x\.spz: not an SPZ file: an \.spz file is a gzip stream and starts with the bytes 1f 8b/);
    const v4 = KNOWN_V3.slice();
    new DataView(v4.buffer).setUint32(4, 4, true);
    expectInputError(() => readSpz(v4), /SPZ version 4 file \(ZSTD-compressed streams\), which this app does not read yet; save it as SPZ version 3 or as PLY/);
    expectInputError(() => readSpz(KNOWN_V3), /this SPZ data is not gzip-compressed/);
    expectInputError(() => readSpz(setHeader(KNOWN_V3, 4, 1)), /SPZ version 1 \(an unreleased draft/);
    expectInputError(() => readSpz(setHeader(KNOWN_V3, 4, 7)), /unknown SPZ version 7; this app reads versions 2 and 3/);
    expectInputError(() => readSpz(setHeader(KNOWN_V3, 0, 0x50535400)), /does not start with the SPZ magic "NGSP" \(found 0x50535400\): not an SPZ file/);
    expectInputError(() => readSpz(setHeader(KNOWN_V3, 8, 1e9)), /the header claims 1000000000 splats, more than the 10000000 an SPZ file may hold/);
    expectInputError(() => readSpz(setHeader(KNOWN_V3, 8, 3)), /truncated: the stream holds 74 of the 103 bytes its header calls for/);
    expectInputError(() => readSpz(setHeader(KNOWN_V3, 8, 1)), /the stream holds more than the 45 bytes its header calls for; the splat count in the header is damaged/);
    expectInputError(() => readSpz(setHeader(KNOWN_V3, 12, 4, 1)), /SH degree 4 is not supported \(this app handles degrees 0 to 3\)/);
    expectInputError(() => readSpz(setHeader(KNOWN_V3, 12, 9, 1)), /SH degree 9; SPZ allows 0 to 4/);
    expectInputError(() => readSpz(setHeader(KNOWN_V3, 13, 30, 1)), /30 fractional bits/);
    expectInputError(() => readSpz(setHeader(KNOWN_V3, 14, 3, 1)), /vendor extensions \(flag 0x2\)/);
    expectInputError(() => readSpz(gz(KNOWN_V3.subarray(0, 10))), /inflates to only 10 bytes, less than the 16-byte SPZ header/);
    const compressed = gz(KNOWN_V3);
    expectInputError(() => readSpz(compressed.subarray(0, compressed.length - 30)), /gzip data is damaged or truncated \(unexpected EOF\)|truncated: the stream holds/);
    const garbage = compressed.slice();
    garbage.fill(0xff, 10, 14);
    expectInputError(() => readSpz(garbage), /gzip data is damaged or truncated \(invalid/);
  });

  it('reserved byte and antialiased flag are read past', () => {
    expect(readSpz(setHeader(KNOWN_V3, 15, 9, 1)).count).toBe(2);
    expect(readSpz(setHeader(KNOWN_V3, 14, 1, 1)).count).toBe(2);
  });

  it('a count the file cannot hold is refused before anything is allocated for it', () => {
    // 9,999,999 degree-3 splats would be 650 MB; a 100-byte gzip file inflates to 103 kB at most.
    const bytes = setHeader(setHeaderDeg3(KNOWN_V3), 8, 9_999_999);
    const run = watchAllocations(() => readSpz(bytes));
    expect(run.error).toBeInstanceOf(InputError);
    expect((run.error as Error).message).toMatch(/claims 9999999 splats \(649999951 bytes of data\), more than a \d+-byte gzip file can hold/);
    expect(run.maxByteBytes).toBeLessThanOrEqual(16);
    expect(run.maxFloatBytes).toBe(0);
  });

  it('fuzz: 3000 damaged files either read or fail with an InputError, allocating no more than the input justifies', () => {
    const r = mulberry32(99);
    const clouds = [randomCloud(30, 0, 50), randomCloud(8, 3, 51), randomCloud(20, 1, 52)];
    const sources = [writeSpz(clouds[0]), writeSpz(clouds[1]), writeSpz(clouds[2], { version: 2 })];
    const raws = sources.map((s) => gunzipSync(s));
    const specials = [1e9, 9_999_999, 0xffffffff, 0x80000000, 0, 1, 2, 3, 4, 5, 7, 8, 9, 19, 21, 31, 0x5053474e, 0x04030201, 0x180c0300];
    let read = 0, rejected = 0, countRejected = 0;
    for (let trial = 0; trial < 3000; trial++) {
      const s = trial % sources.length;
      // Half the damage is done to the SPZ stream (then compressed), half to the gzip file itself.
      const onRaw = r() < 0.5;
      const m = onRaw ? mutate(raws[s], r, 16, specials) : mutate(sources[s], r, 24, specials);
      const bytes = onRaw ? gzipSync(m.bytes, { level: 1, mtime: 0 }) : m.bytes;
      const run = watchAllocations(() => readSpz(bytes));
      // No buffer beyond what deflate's 1032:1 could inflate this input to.
      expect(run.maxByteBytes).toBeLessThanOrEqual(1032 * bytes.length);
      if (run.error !== undefined) {
        if (!(run.error instanceof InputError)) throw new Error(`trial ${trial} (${onRaw ? 'stream' : 'gzip'} ${m.kind}) threw ${String(run.error)}`);
        // The cloud's arrays come only after the whole stream has been checked.
        expect(run.maxFloatBytes).toBe(0);
        if (/claims/.test((run.error as Error).message)) countRejected++;
        rejected++;
      } else {
        const c = run.result!;
        expect(c.means.length).toBe(3 * c.count);
        for (const key of ['means', 'logScales', 'quats', 'opacityLogits', 'sh'] as const) expect(c[key].every(Number.isFinite)).toBe(true);
        if (c.count > 0) expect(run.maxFloatBytes).toBeGreaterThan(0);
        read++;
      }
    }
    expect(read).toBeGreaterThan(300);
    expect(rejected).toBeGreaterThan(1000);
    expect(countRejected).toBeGreaterThan(50);
  });
});

function setHeaderDeg3(raw: Uint8Array): Uint8Array {
  const out = raw.slice();
  out[12] = 3;
  return out;
}
