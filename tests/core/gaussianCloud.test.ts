import { describe, expect, it } from 'vitest';
import {
  ALPHA_MAX,
  ALPHA_MAX_F32,
  ALPHA_MIN,
  allocateCloud,
  assertCloudArrays,
  assertCloudShape,
  CLOUD_ARRAY_KEYS,
  cloudArrayLengths,
  clipLimits,
  expScale,
  flatParamLayout,
  logit,
  sigmoid,
  T_MIN,
  unflattenCloudArrays,
  type GaussianCloud,
} from '../../src/core/gaussianCloud.ts';
import { createRng, mulberry32 } from '../../src/core/random.ts';
import { BLEND_CONSTANTS_WGSL, BLEND_WGSL, wgslF32 } from '../../src/gpu/kernels/chunks/blend.ts';

describe('cloud arrays and validator', () => {
  it('lengths follow the count and SH degree', () => {
    expect(cloudArrayLengths(5, 2)).toEqual({ means: 15, logScales: 15, quats: 20, opacityLogits: 5, sh: 135 });
    const c = allocateCloud(4, 1);
    for (const key of CLOUD_ARRAY_KEYS) expect(c[key].length).toBe(cloudArrayLengths(4, 1)[key]);
    expect(() => assertCloudShape(c)).not.toThrow();
  });

  it('rejects each array one value too short or too long, naming the field', () => {
    for (const key of CLOUD_ARRAY_KEYS) {
      for (const delta of [-1, 1]) {
        const c: GaussianCloud = allocateCloud(3, 1);
        c[key] = new Float32Array(c[key].length + delta);
        const want = cloudArrayLengths(3, 1)[key];
        expect(() => assertCloudShape(c, 'writeX')).toThrow(`writeX: cloud.${key} has ${want + delta} values, expected ${want} for 3 splats`);
      }
    }
  });

  it('rejects a bad count or SH degree', () => {
    expect(() => assertCloudShape({ ...allocateCloud(2, 0), count: 1.5 })).toThrow(/cloud.count must be a non-negative integer, got 1.5/);
    expect(() => assertCloudShape({ ...allocateCloud(2, 0), count: -1 })).toThrow(/cloud.count/);
    expect(() => assertCloudShape({ ...allocateCloud(2, 0), shDegree: 4 })).toThrow(/cloud.shDegree must be 0..3, got 4/);
  });

  it('checks arrays of any element type under a label (moments, grads)', () => {
    const m = { means: new Float64Array(6), logScales: new Float64Array(6), quats: new Float64Array(8), opacityLogits: new Float64Array(2), sh: new Float64Array(6) };
    expect(() => assertCloudArrays(m, 2, 0, 'm')).not.toThrow();
    expect(() => assertCloudArrays({ ...m, quats: new Float64Array(6) }, 2, 0, 'm')).toThrow('m.quats has 6 values, expected 8 for 2 splats');
  });
});

describe('activations', () => {
  it('logit inverts sigmoid and sigmoid inverts logit', () => {
    for (const x of [-8, -1.5, 0, 0.3, 4, 9]) expect(logit(sigmoid(x))).toBeCloseTo(x, 9);
    for (const p of [1e-4, 0.01, 0.5, 0.9, 0.999]) expect(sigmoid(logit(p))).toBeCloseTo(p, 12);
    expect(sigmoid(0)).toBe(0.5);
    expect(logit(0.5)).toBe(0);
  });

  it('keep the exact expressions the callers used (bit-for-bit)', () => {
    for (const x of [-3.7, 0.123, 2.5]) {
      expect(sigmoid(x)).toBe(1 / (1 + Math.exp(-x)));
      expect(expScale(x)).toBe(Math.exp(x));
    }
    expect(logit(0.01)).toBe(Math.log(0.01 / 0.99));
  });
});

describe('flat parameter layout', () => {
  it('sections follow each other in CLOUD_ARRAY_KEYS order, sized by the capacity', () => {
    expect(flatParamLayout(10, 1)).toEqual({ capacity: 10, means: 0, logScales: 30, quats: 60, opacityLogits: 100, sh: 110, length: 230 });
    expect(flatParamLayout(7, 3).length).toBe((11 + 48) * 7);
  });

  it('round-trips a cloud through a flat buffer', () => {
    const count = 3, shDegree = 2, L = flatParamLayout(5, shDegree);
    const c = allocateCloud(count, shDegree);
    const flat = new Float32Array(L.length).fill(NaN);
    let v = 1;
    for (const key of CLOUD_ARRAY_KEYS) {
      for (let j = 0; j < c[key].length; j++) c[key][j] = v++;
      flat.set(c[key], L[key]);
    }
    const back = unflattenCloudArrays(flat, L, count, shDegree);
    for (const key of CLOUD_ARRAY_KEYS) expect(Array.from(back[key])).toEqual(Array.from(c[key]));
  });
});

describe('projection constants', () => {
  it('ALPHA_MAX_F32 is the largest float32 below ALPHA_MAX', () => {
    expect(ALPHA_MAX_F32).toBeLessThan(ALPHA_MAX);
    expect(Math.fround(ALPHA_MAX_F32)).toBe(ALPHA_MAX_F32);
    expect(Math.fround(0.98999995)).toBe(ALPHA_MAX_F32); // the literal blend.wgsl had
    expect(Math.fround(ALPHA_MAX)).toBeGreaterThan(ALPHA_MAX);
  });

  it('clipLimits widens the frustum by 30% of the image on each side', () => {
    expect(clipLimits(100, 50, 80, 40, 40, 20)).toEqual([(100 - 40) / 80 + 30 / 80, 40 / 80 + 30 / 80, (50 - 20) / 40 + 15 / 40, 20 / 40 + 15 / 40]);
  });

  it('the WGSL blend chunk gets the TS constants as exact f32 literals', () => {
    const value = (name: string) => Number(new RegExp(`const ${name}: f32 = ([^;]+);`).exec(BLEND_CONSTANTS_WGSL)![1]);
    expect(Math.fround(value('ALPHA_MIN'))).toBe(Math.fround(ALPHA_MIN));
    expect(Math.fround(value('ALPHA_MIN'))).toBe(Math.fround(1 / 255));
    expect(Math.fround(value('ALPHA_MAX'))).toBe(ALPHA_MAX_F32);
    expect(Math.fround(value('T_MIN'))).toBe(Math.fround(T_MIN));
    expect(BLEND_WGSL.startsWith(BLEND_CONSTANTS_WGSL)).toBe(true);
    // blend.wgsl itself no longer declares them.
    expect(BLEND_WGSL.match(/const ALPHA_MIN/g)).toHaveLength(1);
    expect(wgslF32(2)).toBe('2.0');
  });
});

describe('seeded Rng', () => {
  it('uniform is the mulberry32 sequence', () => {
    const a = createRng(42), b = mulberry32(42);
    for (let i = 0; i < 20; i++) expect(a.uniform()).toBe(b());
  });

  it('range, int and normal consume the sequence as before', () => {
    const ref = mulberry32(9), rng = createRng(9);
    expect(rng.range(2, 6)).toBe(2 + 4 * ref());
    expect(rng.int(10)).toBe(Math.floor(ref() * 10));
    const u = 1 - ref();
    expect(rng.normal()).toBe(Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * ref()));
    expect(rng.uniform()).toBe(ref());
  });

  it('known first values for seed 1 (changing them changes every fixed-seed result)', () => {
    const r = mulberry32(1);
    expect([r(), r()]).toEqual([0.6270739405881613, 0.002735721180215478]);
  });
});

describe('selectSplats and splatsAtLeastOpaque', () => {
  it('picks splats in the order given, every array and the flag; the opacity test keeps NaN', async () => {
    const { allocateCloud, selectSplats, splatsAtLeastOpaque, logit } = await import('../../src/core/gaussianCloud.ts');
    const c = allocateCloud(4, 1);
    c.antialiased = true;
    for (let i = 0; i < 4; i++) {
      c.means.set([i, 10 + i, 20 + i], 3 * i);
      c.logScales.set([-i, -i, -i], 3 * i);
      c.quats.set([1, i, 0, 0], 4 * i);
      c.sh.set(Array.from({ length: 12 }, (_, k) => 100 * i + k), 12 * i);
    }
    c.opacityLogits.set([logit(0.5), logit(0.01), Number.NaN, logit(0.03)]);
    const kept = splatsAtLeastOpaque(c, 0.02);
    expect([...kept]).toEqual([0, 2, 3]);
    const s = selectSplats(c, [3, 0]);
    expect(s.count).toBe(2);
    expect(s.antialiased).toBe(true);
    expect([...s.means]).toEqual([3, 13, 23, 0, 10, 20]);
    expect([...s.quats]).toEqual([1, 3, 0, 0, 1, 0, 0, 0]);
    expect(s.sh[0]).toBe(300);
    expect(s.sh[12]).toBe(0);
    expect(s.opacityLogits[0]).toBeCloseTo(logit(0.03), 6);
  });
});
