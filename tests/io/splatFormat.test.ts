import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.ts';
import { mulberry32 } from '../../src/core/random.ts';
import { SH_C0 } from '../../src/core/sh.ts';
import { readSplat, writeSplat } from '../../src/io/splatFormat.ts';
import { expectInputError, maxDiff, mutate, randomCloud, rotationAngle, sigmoid, watchAllocations } from './splatTestKit.ts';

/** One 32-byte record spelled out from the format description, independent of writeSplat. */
function record(pos: number[], scale: number[], rgba: number[], wxyz: number[]): Uint8Array {
  const out = new Uint8Array(32);
  const dv = new DataView(out.buffer);
  pos.forEach((v, a) => dv.setFloat32(4 * a, v, true));
  scale.forEach((v, a) => dv.setFloat32(12 + 4 * a, v, true));
  out.set(rgba, 24);
  out.set(wxyz, 28);
  return out;
}

const concat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  parts.reduce((o, p) => (out.set(p, o), o + p.length), 0);
  return out;
};

describe('.splat: decoding bytes built by hand', () => {
  const a = record([1, -2, 3.5], [0.5, 1, 2], [255, 128, 0, 191], [230, 128, 205, 128]);
  const b = record([0, 0, -1e-3], [1e-4, 3, 1e5], [0, 0, 255, 255], [128, 128, 128, 128]);

  it('reads each field as the format describes', () => {
    const c = readSplat(concat(a, b));
    expect(c.count).toBe(2);
    expect(c.shDegree).toBe(0);
    expect(Array.from(c.means)).toEqual([1, -2, 3.5, 0, 0, Math.fround(-1e-3)]);
    const logs = [Math.log(0.5), 0, Math.log(2), Math.log(Math.fround(1e-4)), Math.log(3), Math.log(1e5)];
    expect(maxDiff(c.logScales, logs)).toBeLessThan(1e-6);
    const dc = [255, 128, 0, 0, 0, 255].map((v) => (v / 255 - 0.5) / SH_C0);
    expect(maxDiff(c.sh, dc)).toBeLessThan(1e-6);
    // 191/255 as an opacity; 255 clamps a quarter step inside 1 so the logit stays finite.
    expect(c.opacityLogits[0]).toBeCloseTo(Math.log(191 / 64), 5);
    expect(c.opacityLogits[1]).toBeCloseTo(Math.log(254.75 / 0.25), 5);
    const q = [102 / 128, 0, 77 / 128, 0];
    const n = Math.hypot(...q);
    expect(maxDiff(c.quats.subarray(0, 4), q.map((v) => v / n))).toBeLessThan(1e-6);
    // All four rotation bytes 128 is the zero quaternion: read as the identity.
    expect(Array.from(c.quats.subarray(4))).toEqual([1, 0, 0, 0]);
  });

  it('writing the decoded splat gives the same 32 bytes back', () => {
    expect(writeSplat(readSplat(a))).toEqual(a);
  });

  it('reports progress every 65536 splats and at the end', () => {
    const n = 70_000;
    const bytes = new Uint8Array(32 * n);
    for (let i = 0; i < n; i++) bytes.set(a, 32 * i);
    const calls: [number, number][] = [];
    readSplat(bytes, { onProgress: (d, t) => calls.push([d, t]) });
    expect(calls).toEqual([[65536, n], [n, n]]);
  });
});

describe('.splat round trip', () => {
  it('within the quantisation: exact positions; scale 1e-6 in log; colour and opacity 0.5/255; rotation 0.02 rad', () => {
    const cloud = randomCloud(500, 2, 3);
    const back = readSplat(writeSplat(cloud));
    expect(back.count).toBe(500);
    expect(back.shDegree).toBe(0);
    // float32 stored as float32.
    expect(back.means).toEqual(cloud.means);
    // exp and log through float32: a relative error of 2^-24 on the scale is ~6e-8 in the log.
    expect(maxDiff(back.logScales, cloud.logScales)).toBeLessThan(1e-6);
    // colour = 0.5 + SH_C0 * dc and opacity are rounded to 1/255: half a step each.
    const K = 9;
    const dcIn = Float32Array.from({ length: 1500 }, (_, j) => cloud.sh[K * 3 * Math.floor(j / 3) + (j % 3)]);
    expect(maxDiff(back.sh, dcIn, (v) => 0.5 + SH_C0 * v)).toBeLessThanOrEqual(0.5 / 255 + 1e-6);
    expect(maxDiff(back.opacityLogits, cloud.opacityLogits, sigmoid)).toBeLessThanOrEqual(0.5 / 255 + 1e-6);
    // Each component within 1/256 (1/128 where +1 clips to 255/256): |dq| <= 0.0099, so the
    // rotation angle, 2*asin(|dq|) at most, is below 0.0198.
    let worst = 0;
    for (let i = 0; i < 500; i++) worst = Math.max(worst, rotationAngle(cloud.quats.subarray(4 * i, 4 * i + 4), back.quats.subarray(4 * i, 4 * i + 4)));
    expect(worst).toBeLessThan(0.0198);
    expect(worst).toBeGreaterThan(0);
  });

  it('refuses to write what it could not read back', () => {
    const cloud = randomCloud(2, 0, 4);
    cloud.means[4] = NaN;
    expect(() => writeSplat(cloud)).toThrow(/splat 1 has a non-finite position y/);
    const big = randomCloud(2, 0, 4);
    big.logScales[0] = 20;
    expect(() => writeSplat(big)).toThrow(/splat 0 has log scale 20/);
  });
});

describe('.splat: bad input', () => {
  const good = record([1, 2, 3], [1, 1, 1], [1, 2, 3, 4], [255, 128, 128, 128]);
  const withFloat = (offset: number, v: number) => {
    const bytes = concat(good, good);
    new DataView(bytes.buffer).setFloat32(32 + offset, v, true);
    return bytes;
  };

  it('says what is wrong and what to do', () => {
    expectInputError(() => readSplat(new Uint8Array(0), { file: 'a.splat' }), /^a\.splat: the file is empty/);
    expectInputError(() => readSplat(concat(good, good).subarray(0, 50)), /50 bytes is not a whole number of 32-byte splats \(1 splats and 18 bytes over\): the file is truncated/);
    expectInputError(() => readSplat(withFloat(4, NaN)), /splat 1: position y is NaN; NaN and infinite values are not allowed/);
    expectInputError(() => readSplat(withFloat(8, -Infinity)), /splat 1: position z is -Infinity/);
    expectInputError(() => readSplat(withFloat(12, 0)), /splat 1: scale x is 0; a \.splat scale is a linear size, positive/);
    expectInputError(() => readSplat(withFloat(16, -2)), /splat 1: scale y is -2/);
    expectInputError(() => readSplat(withFloat(20, 1e30)), /splat 1: scale z is 1\.0000000150474662e\+30/);
    expectInputError(() => readSplat(withFloat(20, Infinity)), /splat 1: scale z is Infinity/);
  });

  it('fuzz: 3000 damaged files either read or fail with an InputError, allocating at most their own size', () => {
    const r = mulberry32(77);
    const sources = [writeSplat(randomCloud(12, 0, 5)), writeSplat(randomCloud(40, 3, 6))];
    // float32 bit patterns: NaN, +-Inf, -1, 0, 1e30, a denormal
    const specials = [0x7fc00000, 0x7f800000, 0xff800000, 0xbf800000, 0, 0x7149f2ca, 1];
    let read = 0, rejected = 0;
    for (let trial = 0; trial < 3000; trial++) {
      const { bytes, kind } = mutate(sources[trial % 2], r, 32, specials);
      const run = watchAllocations(() => readSplat(bytes));
      if (run.error !== undefined) {
        if (!(run.error instanceof InputError)) throw new Error(`trial ${trial} (${kind}) threw ${String(run.error)}`);
        rejected++;
      } else {
        expect(run.result!.count * 32).toBe(bytes.length);
        // The watch does see the reader's arrays: the quaternions are exactly half the input.
        expect(run.maxFloatBytes).toBe(bytes.length / 2);
        read++;
      }
      // The largest array a reader makes (the quaternions, 16 bytes per 32-byte splat) is half the input.
      expect(run.maxFloatBytes).toBeLessThanOrEqual(bytes.length / 2);
    }
    expect(read).toBeGreaterThan(300);
    expect(rejected).toBeGreaterThan(1000);
  });
});
