/**
 * The progressive stream's codec: per-attribute round-trip error bounds, every prefix a valid
 * cloud, colour refinement layers that only ever improve colours.
 */
import { describe, expect, it } from 'vitest';
import { assertCloudShape, logit, shCoeffCount, type GaussianCloud } from '../../src/core/gaussianCloud.ts';
import { mulberry32 } from '../../src/core/random.ts';
import { crc32 } from '../../src/stream/crc32.ts';
import { MIN_OPACITY } from '../../src/stream/encode.ts';
import { decodeStream, defaultStages, encodeStream, encodeStreamWithOrder, groupSizes, parseStreamHeader, ChunkKind, createStreamDecoder } from '../../src/stream/index.ts';
import { dequantiseOpacity, MAX_ROTATION_BITS, mortonCode, mortonDecode, packRotation, positionBitsFor, quantiseOpacity, readVarints, rotationBitsFor, unpackRotation, writeVarint } from '../../src/stream/quantize.ts';
import { randomCloud, rotationAngle, sigmoid } from '../io/splatTestKit.ts';

/** A cloud whose colours come from a palette of `colours` entries (exactly codable by one 256-entry stage). */
function paletteCloud(n: number, shDegree: number, colours: number, seed: number): GaussianCloud {
  const cloud = randomCloud(n, shDegree, seed);
  const palette = randomCloud(colours, shDegree, seed + 1).sh;
  const D = 3 * shCoeffCount(shDegree);
  const r = mulberry32(seed + 2);
  for (let i = 0; i < n; i++) {
    const c = Math.floor(r() * colours);
    cloud.sh.set(palette.subarray(c * D, c * D + D), i * D);
  }
  return cloud;
}

function colourMse(a: GaussianCloud, b: GaussianCloud, order: Uint32Array): number {
  const D = 3 * shCoeffCount(a.shDegree);
  let s = 0;
  for (let j = 0; j < b.count; j++) for (let d = 0; d < D; d++) s += (b.sh[j * D + d] - a.sh[order[j] * D + d]) ** 2;
  return s / (b.count * D);
}

describe('stream codec', () => {
  it('crc32 is the zlib one', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });

  it('position bits follow extent and target error', () => {
    expect(positionBitsFor(10, 10 / 2 / 255)).toBe(8);
    expect(positionBitsFor(10, 1e-9)).toBe(16);
    expect(positionBitsFor(0, 0.01)).toBe(1);
  });

  it('Morton codes and varints round-trip up to 16 bits an axis (48-bit codes)', () => {
    const r = mulberry32(9);
    const cell = [0, 0, 0];
    const values = [0, 1, 127, 128, 2 ** 48 - 1];
    for (let k = 0; k < 500; k++) {
      const x = Math.floor(r() * 65536), y = Math.floor(r() * 65536), z = Math.floor(r() * 65536);
      const code = mortonCode(x, y, z);
      mortonDecode(code, cell, 0);
      expect(cell).toEqual([x, y, z]);
      values.push(code);
    }
    expect(mortonCode(1, 0, 0)).toBe(4);
    expect(mortonCode(0, 0, 1 << 15)).toBe(2 ** 45);
    expect(mortonCode(65535, 65535, 65535)).toBe(2 ** 48 - 1);
    const bytes: number[] = [];
    for (const v of values) writeVarint(v, bytes);
    const back = new Float64Array(values.length);
    expect(readVarints(Uint8Array.from(bytes), values.length, back)).toBe(true);
    expect([...back]).toEqual(values);
    expect(readVarints(Uint8Array.from(bytes.slice(0, -1)), values.length, back)).toBe(false);
    expect(readVarints(Uint8Array.from([...bytes, 0]), values.length, back)).toBe(false);
    expect(readVarints(Uint8Array.from([255, 255, 255, 255, 255, 255, 255, 1]), 1, back)).toBe(false);
  });

  // b bits: the three stored components are off by at most half a step d = (1/sqrt2) / (2^(b-1) - 1),
  // the rebuilt largest one by at most as much again: the angle is within 2 sqrt3 d.
  it('rotations round-trip within 2 sqrt3 steps at every precision', () => {
    const r = mulberry32(3);
    const out = new Float32Array(4);
    const codes = new Uint16Array(3);
    for (let bits = 2; bits <= MAX_ROTATION_BITS; bits++) {
      const step = Math.SQRT1_2 / (2 ** (bits - 1) - 1);
      let worst = 0;
      for (let k = 0; k < 500; k++) {
        const q = [r() - 0.5, r() - 0.5, r() - 0.5, r() - 0.5];
        const big = packRotation(q[0], q[1], q[2], q[3], bits, codes, 0);
        for (const c of codes) expect(c).toBeLessThan(2 ** bits - 1);
        expect(unpackRotation(big, bits, codes[0], codes[1], codes[2], out, 0)).toBe(true);
        worst = Math.max(worst, rotationAngle(q, out));
      }
      expect(worst, `${bits} bits`).toBeLessThanOrEqual(2 * Math.sqrt(3) * step);
      if (bits === 12) expect(worst).toBeLessThan(0.002);
    }
    // A code past 2h is damage, not a rotation.
    expect(unpackRotation(0, 3, 7, 0, 0, out, 0)).toBe(false);
  });

  it('rounds opacity to the nearest 8-bit step, and a decoded opacity encodes to the same step again', () => {
    expect(quantiseOpacity(logit(100.4 / 255))).toBe(100);
    expect(quantiseOpacity(logit(99.6 / 255))).toBe(100);
    expect(quantiseOpacity(Number.NaN)).toBe(0);
    expect(quantiseOpacity(40)).toBe(255);
    // Re-encoding a decoded cloud (a stream opened and saved again) must keep every step.
    for (let q = 0; q <= 255; q++) expect(quantiseOpacity(dequantiseOpacity(q))).toBe(q);
  });

  it('gives round splats few rotation bits and needles many', () => {
    const bits = [0, 0.05, 0.3, 1, 2, 4, 8].map((spread) => rotationBitsFor(0, -spread, -spread / 2, 0.1));
    expect(bits[0]).toBe(1); // a ball: any rotation is the same
    for (let i = 1; i < bits.length; i++) expect(bits[i]).toBeGreaterThanOrEqual(bits[i - 1]);
    expect(bits[1]).toBeLessThanOrEqual(3);
    expect(bits.at(-1)).toBe(MAX_ROTATION_BITS);
    expect(rotationBitsFor(0, -1, 0, 0.01)).toBeGreaterThan(rotationBitsFor(0, -1, 0, 0.1));
  });

  it('leaves out splats fainter than minOpacity (default MIN_OPACITY), and only those', () => {
    const cloud = randomCloud(800, 0, 4);
    const atLeast = (t: number) => Array.from(cloud.opacityLogits).filter((l) => sigmoid(l) >= t).length;
    // logits -6..6: some splats under 1/255, more between 1/255 and 6/255.
    expect(atLeast(1 / 255)).toBeLessThan(800);
    expect(atLeast(MIN_OPACITY)).toBeLessThan(atLeast(1 / 255));
    const { bytes, order } = encodeStreamWithOrder(cloud, { stages: 1 });
    expect(decodeStream(bytes).cloud.count).toBe(atLeast(MIN_OPACITY));
    for (const i of order) expect(sigmoid(cloud.opacityLogits[i])).toBeGreaterThanOrEqual(MIN_OPACITY);
    expect(decodeStream(encodeStream(cloud, { stages: 1, minOpacity: 1 / 255 })).cloud.count).toBe(atLeast(1 / 255));
    expect(decodeStream(encodeStream(cloud, { stages: 1, minOpacity: 0 })).cloud.count).toBe(800);
  });

  it('round-trips every attribute within its quantiser bound, in the order it reports', () => {
    const cloud = paletteCloud(1500, 2, 40, 7);
    cloud.antialiased = true;
    const { bytes, order } = encodeStreamWithOrder(cloud, { positionError: 1e-3, stages: 2, kMeansIterations: 20, minOpacity: 0 });
    const { cloud: out, warnings, header } = decodeStream(bytes);
    expect(warnings).toEqual([]);
    assertCloudShape(out);
    expect(out.count).toBe(1500);
    expect(out.shDegree).toBe(2);
    expect(out.antialiased).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(Array.from({ length: 1500 }, (_, i) => i));
    // Positions: 10-unit extent at 1e-3 error needs 13 bits; the error is half a grid step.
    expect(header.positionBits).toBe(13);
    let pos = 0;
    let rot = 0;
    let scale = 0;
    let alpha = 0;
    let colour = 0;
    const D = 3 * shCoeffCount(2);
    for (let j = 0; j < out.count; j++) {
      const i = order[j];
      for (let a = 0; a < 3; a++) {
        pos = Math.max(pos, Math.abs(out.means[3 * j + a] - cloud.means[3 * i + a]));
        scale = Math.max(scale, Math.abs(out.logScales[3 * j + a] - cloud.logScales[3 * i + a]));
      }
      // The rotation's error times the decoded splat's sensitivity to it (2 sinh of its log-scale
      // spread) is the relative covariance change: within the tolerance (0.1), but for needles
      // past 12 bits, whose angle is within the 12-bit bound instead.
      const ls = Array.from(out.logScales.subarray(3 * j, 3 * j + 3));
      const angle = rotationAngle(cloud.quats.subarray(4 * i, 4 * i + 4), out.quats.subarray(4 * j, 4 * j + 4));
      if (rotationBitsFor(ls[0], ls[1], ls[2], 0.1) < MAX_ROTATION_BITS) rot = Math.max(rot, angle * 2 * Math.sinh(Math.max(...ls) - Math.min(...ls)));
      else expect(angle).toBeLessThan(0.002);
      alpha = Math.max(alpha, Math.abs(sigmoid(out.opacityLogits[j]) - sigmoid(cloud.opacityLogits[i])));
      for (let d = 0; d < D; d++) colour = Math.max(colour, Math.abs(out.sh[j * D + d] - cloud.sh[i * D + d]));
    }
    expect(pos).toBeLessThanOrEqual(1e-3);
    expect(rot).toBeLessThanOrEqual(0.1 * 1.01);
    expect(rot).toBeGreaterThan(0.01); // coarse where it may be
    // Log-scales span 14 (randomCloud: -9..5): half a step of 14/255.
    expect(scale).toBeLessThanOrEqual(14 / 255 / 2 + 1e-5);
    expect(alpha).toBeLessThanOrEqual(1 / 510 + 1e-6);
    // 40 palette colours fit stage 0's codebook exactly; what is left is its 8-bit storage
    // (the values span at most 3.4: half a step of 3.4/255).
    expect(colour).toBeLessThanOrEqual(3.4 / 255 / 2 + 1e-5);
  });

  it('each colour refinement layer lowers the colour error', () => {
    const cloud = randomCloud(1200, 1, 11);
    const { bytes, order } = encodeStreamWithOrder(cloud, { stages: 4, codebookEntries: 64, kMeansIterations: 6 });
    const errs = [0, 1, 2, 3].map((s) => colourMse(cloud, decodeStream(bytes, { maxStage: s }).cloud, order));
    for (let s = 1; s < 4; s++) expect(errs[s]).toBeLessThan(errs[s - 1]);
  });

  it('gives clouds with view-dependent colour more colour stages by default than SH 0 ones, and the extra layers still refine', () => {
    expect(parseStreamHeader(encodeStream(randomCloud(300, 0, 3), { kMeansIterations: 2 })).stageCount).toBe(4);
    expect(defaultStages(1)).toBe(6);
    const cloud = randomCloud(600, 3, 12);
    const { bytes, order } = encodeStreamWithOrder(cloud, { codebookEntries: 32, kMeansIterations: 4 });
    expect(parseStreamHeader(bytes).stageCount).toBe(6);
    const errs = [3, 4, 5].map((s) => colourMse(cloud, decodeStream(bytes, { maxStage: s }).cloud, order));
    expect(errs[1]).toBeLessThan(errs[0]);
    expect(errs[2]).toBeLessThan(errs[1]);
  });

  it('refinement stages leave small-gain splats on an exact zero entry: fewer bytes, the large splats as exact', () => {
    // Half the splats 100 times smaller in area (importance), same opacity and colour statistics.
    const cloud = randomCloud(3000, 1, 13);
    cloud.opacityLogits.fill(0);
    for (let i = 0; i < cloud.count; i++) cloud.logScales.fill(Math.log(i % 2 ? 0.005 : 0.05), 3 * i, 3 * i + 3);
    const enc = (refineSkipBelow: number) => encodeStreamWithOrder(cloud, { stages: 3, codebookEntries: 64, kMeansIterations: 4, refineSkipBelow, minOpacity: 0 });
    const off = enc(0);
    const on = enc(0.2);
    const stageBytes = (bytes: Uint8Array, s: number) => parseStreamHeader(bytes).chunks.filter((c) => c.stage === s && c.kind === ChunkKind.refine).reduce((a, c) => a + c.byteLength, 0);
    for (const s of [1, 2]) expect(stageBytes(on.bytes, s)).toBeLessThan(0.8 * stageBytes(off.bytes, s));
    const errOf = (r: { bytes: Uint8Array; order: Uint32Array }, large: boolean) => {
      const out = decodeStream(r.bytes).cloud;
      let e = 0;
      let n = 0;
      for (let j = 0; j < out.count; j++) {
        if ((r.order[j] % 2 === 0) !== large) continue;
        for (let d = 0; d < 12; d++) e += (out.sh[12 * j + d] - cloud.sh[12 * r.order[j] + d]) ** 2;
        n++;
      }
      return e / n;
    };
    expect(errOf(on, true)).toBeLessThan(1.05 * errOf(off, true));
    expect(errOf(on, false)).toBeGreaterThan(errOf(off, false));
  });

  it('orders splats by importance: the first chunk holds the largest, most opaque splats', () => {
    const cloud = randomCloud(2000, 0, 5);
    const { bytes, order } = encodeStreamWithOrder(cloud, { firstChunkSplats: 100, stages: 1, minOpacity: 0 });
    const h = parseStreamHeader(bytes);
    const bases = h.chunks.filter((c) => c.kind === ChunkKind.base);
    expect(bases.map((c) => c.splatCount)).toEqual(groupSizes(2000, 100));
    const imp = (i: number) => sigmoid(cloud.opacityLogits[i]) * Math.exp(cloud.logScales[3 * i] + cloud.logScales[3 * i + 1] + cloud.logScales[3 * i + 2] - Math.min(cloud.logScales[3 * i], cloud.logScales[3 * i + 1], cloud.logScales[3 * i + 2]));
    const firstMin = Math.min(...Array.from(order.subarray(0, 100), imp));
    const restMax = Math.max(...Array.from(order.subarray(100), imp));
    expect(firstMin).toBeGreaterThanOrEqual(restMax * (1 - 1e-9));
  });

  it('every chunk-boundary prefix decodes to a valid cloud that grows with the prefix', () => {
    const cloud = randomCloud(1000, 1, 21);
    const bytes = encodeStream(cloud, { firstChunkSplats: 64, stages: 2, codebookEntries: 32, kMeansIterations: 4, minOpacity: 0 });
    const h = parseStreamHeader(bytes);
    let last = 0;
    for (const c of h.chunks) {
      const { cloud: part } = decodeStream(bytes.subarray(0, c.offset + c.byteLength));
      assertCloudShape(part);
      for (const v of part.means) expect(Number.isFinite(v)).toBe(true);
      expect(part.count).toBeGreaterThanOrEqual(last);
      last = part.count;
    }
    expect(last).toBe(1000);
    // And the first base chunk alone (with codebook 0) is the first 64 splats.
    const firstBase = h.chunks.find((c) => c.kind === ChunkKind.base)!;
    expect(decodeStream(bytes.subarray(0, firstBase.offset + firstBase.byteLength)).cloud.count).toBe(64);
  });

  it('takes chunks in any order (as Range requests return them) and ends with the same cloud', () => {
    const cloud = randomCloud(600, 1, 31);
    const bytes = encodeStream(cloud, { firstChunkSplats: 50, stages: 3, codebookEntries: 16, kMeansIterations: 3 });
    const h = parseStreamHeader(bytes);
    const dec = createStreamDecoder(h);
    const idx = h.chunks.map((_, i) => i).reverse();
    for (const i of idx) expect(dec.addChunk(i, bytes.subarray(h.chunks[i].offset, h.chunks[i].offset + h.chunks[i].byteLength))).toBe(true);
    expect(dec.cloud()).toEqual(decodeStream(bytes).cloud);
  });

  it('encodes empty and one-splat clouds', () => {
    for (const n of [0, 1]) {
      const cloud = randomCloud(n, 3, 1);
      const out = decodeStream(encodeStream(cloud));
      expect(out.cloud.count).toBe(n);
      expect(out.warnings).toEqual([]);
    }
  });
});
