/**
 * The repair sampler (src/recon/prior/sampler.ts, schedule.ts) against the contract's formulas,
 * written out again here: the cosine alphaBar, the DDIM time steps, the SDEdit start from the
 * seeded noise, each step's update, and the last x0^ as the result.
 */
import { describe, expect, it } from 'vitest';
import { sampleRepair, seededNoise, type Denoiser } from '../../../src/recon/prior/sampler.ts';
import { alphaBar, COSINE_S, ddimTimes } from '../../../src/recon/prior/schedule.ts';

const shape = { n: 2, height: 2, width: 3 };
const size = shape.n * 3 * shape.height * shape.width;
const ramp = (len: number, a: number, b: number) => Float32Array.from({ length: len }, (_, i) => a + ((b - a) * i) / (len - 1));

describe('noise schedule', () => {
  it('is the cosine schedule: 1 at t = 0, falling, about 0 at t = 1', () => {
    expect(alphaBar(0)).toBe(1);
    const f = (t: number) => Math.cos((Math.PI / 2) * ((t + COSINE_S) / (1 + COSINE_S))) ** 2;
    expect(alphaBar(0.3)).toBeCloseTo(f(0.3) / f(0), 12);
    let prev = 1;
    for (let t = 0.05; t <= 1; t += 0.05) {
      expect(alphaBar(t)).toBeLessThan(prev);
      prev = alphaBar(t);
    }
    expect(alphaBar(1)).toBeLessThan(1e-6);
    expect(() => alphaBar(1.5)).toThrow(RangeError);
  });

  it('steps from the strength down to 0 in K equal steps', () => {
    const t = ddimTimes(0.6, 3);
    expect(t.length).toBe(4);
    [0.6, 0.4, 0.2, 0].forEach((v, k) => expect(t[k]).toBeCloseTo(v, 12));
    expect(t[3]).toBe(0);
    expect(ddimTimes(1, 1)).toEqual([1, 0]);
    expect(() => ddimTimes(0, 2)).toThrow(RangeError);
    expect(() => ddimTimes(0.5, 0)).toThrow(RangeError);
  });
});

describe('seededNoise', () => {
  it('is reproducible from its seed, different across seeds, and roughly standard normal', () => {
    const a = seededNoise(20_001, 7);
    expect(seededNoise(20_001, 7)).toEqual(a);
    expect(seededNoise(20_001, 8)).not.toEqual(a);
    const mean = a.reduce((s, v) => s + v, 0) / a.length;
    const variance = a.reduce((s, v) => s + (v - mean) ** 2, 0) / a.length;
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(variance - 1)).toBeLessThan(0.05);
  });
});

describe('sampleRepair', () => {
  const render = ramp(size, -0.9, 0.8);
  const cond = ramp(shape.n * 7 * shape.height * shape.width, -1, 1);

  it('feeds the model the SDEdit start, the contract t_k and the DDIM updates, and returns the last x0^', async () => {
    const o = { strength: 0.7, steps: 3, seed: 11 };
    const calls: { noisy: Float32Array; t: Float32Array; cond: Float32Array }[] = [];
    // A model whose x0^ depends on its input and t, so a wrong update shows in the next call.
    const model: Denoiser = async ({ noisy, cond: c, t }) => {
      calls.push({ noisy: noisy.slice(), t: t.slice(), cond: c });
      return noisy.map((v, i) => 0.5 * Math.tanh(v) + 0.1 * t[Math.floor(i / (size / shape.n))]);
    };
    const out = await sampleRepair(model, render, cond, shape, o);

    const times = [0.7, 0.7 * 2 / 3, 0.7 / 3, 0];
    const eps = seededNoise(size, 11);
    let x = Array.from(render, (r, i) => Math.sqrt(alphaBar(0.7)) * r + Math.sqrt(1 - alphaBar(0.7)) * eps[i]);
    let x0: number[] = [];
    expect(calls.length).toBe(3);
    for (let k = 0; k < 3; k++) {
      expect(Array.from(calls[k].t)).toEqual([times[k], times[k]].map(Math.fround));
      expect(calls[k].cond).toBe(cond);
      for (let i = 0; i < size; i++) expect(calls[k].noisy[i]).toBeCloseTo(x[i], 5);
      x0 = x.map((v, i) => 0.5 * Math.tanh(v) + 0.1 * times[k]);
      const ak = alphaBar(times[k]), an = alphaBar(times[k + 1]);
      x = x.map((v, i) => Math.sqrt(an) * x0[i] + Math.sqrt(1 - an) * ((v - Math.sqrt(ak) * x0[i]) / Math.sqrt(1 - ak)));
    }
    for (let i = 0; i < size; i++) expect(out[i]).toBeCloseTo(x0[i], 5);
  });

  it('returns a perfect model\'s clean image whatever the noise, clamped to [-1, 1]', async () => {
    const clean = ramp(size, -1.4, 1.2);
    const model: Denoiser = async () => clean;
    const out = await sampleRepair(model, render, cond, shape, { strength: 1, steps: 4, seed: 3 });
    for (let i = 0; i < size; i++) expect(out[i]).toBeCloseTo(Math.min(1, Math.max(-1, clean[i])), 6);
  });

  it('gives the same result for the same seed and another for another seed', async () => {
    const model: Denoiser = async ({ noisy }) => noisy.map((v) => 0.8 * v);
    const a = await sampleRepair(model, render, cond, shape, { strength: 0.5, steps: 2, seed: 1 });
    expect(await sampleRepair(model, render, cond, shape, { strength: 0.5, steps: 2, seed: 1 })).toEqual(a);
    expect(await sampleRepair(model, render, cond, shape, { strength: 0.5, steps: 2, seed: 2 })).not.toEqual(a);
  });

  it('rejects tensors of the wrong size and a model answer of the wrong size', async () => {
    const model: Denoiser = async ({ noisy }) => noisy;
    await expect(sampleRepair(model, render.subarray(1), cond, shape, { strength: 0.5, steps: 1, seed: 0 })).rejects.toThrow(/render has/);
    await expect(sampleRepair(async () => new Float32Array(3), render, cond, shape, { strength: 0.5, steps: 1, seed: 0 })).rejects.toThrow(/returned 3 values/);
  });
});
