/**
 * The GPU Adam against the float32 CPU reference over several steps with per-group learning
 * rates that differ by orders of magnitude (so a value in the wrong group shows), on a buffer
 * with spare capacity (which must stay untouched), and the non-finite gradient guard.
 */
import { describe, expect, it } from 'vitest';
import { shCoeffCount } from '../../src/core/gaussianCloud.ts';
import { readBuffer, storageBuffer } from '../../src/gpu/buffers.ts';
import { GpuAdam, unflatten } from '../../src/gpu/optim/adam.ts';
import type { AdamLearningRates, AdamMoments, CloudParams, FlatParamLayout, NonFinitePolicy } from '../../src/gpu/optim/adamCore.ts';
import { adamStepReference } from '../../src/gpu/optim/adamReference.ts';
import { paramLayout } from '../../src/gpu/rasterizer.ts';
import { mulberry32, testGpu, withGpuErrorScope } from './gpuTestDevice.ts';

const KEYS = ['means', 'logScales', 'quats', 'opacityLogits', 'sh'] as const;

function randomFlat(L: FlatParamLayout, rand: () => number, scale: number): Float32Array {
  // Magnitudes over several decades, as real gradients have.
  return Float32Array.from({ length: L.length }, () => (rand() * 2 - 1) * scale * 10 ** (-4 * rand()));
}

function writeFlat(device: GPUDevice, buffer: GPUBuffer, flat: Float32Array): void {
  device.queue.writeBuffer(buffer, 0, flat);
}

function zeros(p: CloudParams): CloudParams {
  return Object.fromEntries(KEYS.map((k) => [k, new Float32Array(p[k].length)])) as unknown as CloudParams;
}

function clone(p: CloudParams): CloudParams {
  return Object.fromEntries(KEYS.map((k) => [k, p[k].slice()])) as unknown as CloudParams;
}

/**
 * Relative error, with values far below their array's largest counted against a thousandth of
 * it: a parameter that crosses zero has no meaningful relative error, and drivers may fuse
 * multiply-adds differently.
 */
function maxRelError(gpu: CloudParams, ref: CloudParams): number {
  let worst = 0;
  for (const k of KEYS) {
    const floor = 1e-3 * ref[k].reduce((a, x) => Math.max(a, Math.abs(x)), 0) || 1e-30;
    for (let j = 0; j < ref[k].length; j++) worst = Math.max(worst, Math.abs(gpu[k][j] - ref[k][j]) / Math.max(Math.abs(ref[k][j]), floor));
  }
  return worst;
}

const LR: AdamLearningRates = { means: 1.6e-4, logScales: 5e-3, quats: 1e-3, opacityLogits: 2.5e-2, shDc: 2.5e-3, shRest: 2.5e-3 / 20 };

async function setup(count: number, capacity: number, shDegree: number, policy: NonFinitePolicy = 'skip-step') {
  const { device } = await testGpu();
  const L = paramLayout(capacity, shDegree);
  const rand = mulberry32(count * 31 + shDegree);
  const initial = randomFlat(L, rand, 2);
  const params = storageBuffer(device, 'test params', 4 * L.length);
  const grads = storageBuffer(device, 'test grads', 4 * L.length);
  writeFlat(device, params, initial);
  const adam = new GpuAdam(device, { layout: L, shDegree, onNonFinite: policy });
  const ref = { params: unflatten(initial, L, count, shDegree), moments: { m: zeros(unflatten(initial, L, count, shDegree)), v: zeros(unflatten(initial, L, count, shDegree)) } as AdamMoments };
  const readParams = async () => new Float32Array(await readBuffer(device, params, 4 * L.length));
  const destroy = () => {
    adam.destroy();
    params.destroy();
    grads.destroy();
  };
  return { device, L, rand, initial, params, grads, adam, ref, readParams, destroy };
}

describe('GPU Adam', () => {
  for (const [count, capacity, shDegree] of [[50, 64, 3], [700, 700, 0], [3, 10, 1]] as const) {
    it(`matches the CPU reference over 6 steps (${count} splats, capacity ${capacity}, SH degree ${shDegree})`, async () => {
      const s = await setup(count, capacity, shDegree);
      await withGpuErrorScope(s.device, async () => {
        for (let step = 1; step <= 6; step++) {
          const g = randomFlat(s.L, s.rand, 1);
          writeFlat(s.device, s.grads, g);
          // The mean learning rate decays during a run; vary it per step as the trainer will.
          const lr = { ...LR, means: LR.means * 0.8 ** step };
          s.adam.step(s.params, s.grads, count, lr);
          const r = adamStepReference(s.ref.params, unflatten(g, s.L, count, shDegree), s.ref.moments, shDegree, lr, step);
          expect(r).toEqual({ nonFinite: 0, skipped: false });
        }
        const flat = await s.readParams();
        const got = unflatten(flat, s.L, count, shDegree);
        expect(maxRelError(got, s.ref.params)).toBeLessThan(1e-5);
        const moments = await s.adam.readMoments(count);
        expect(maxRelError(moments.m, s.ref.moments.m)).toBeLessThan(1e-5);
        expect(maxRelError(moments.v, s.ref.moments.v)).toBeLessThan(1e-5);
        // Every active value moved; nothing past `count` in any section did.
        const before = unflatten(s.initial, s.L, count, shDegree);
        for (const k of KEYS) for (let j = 0; j < got[k].length; j++) expect(got[k][j]).not.toBe(before[k][j]);
        const K = shCoeffCount(shDegree);
        const sections: [number, number][] = [[s.L.means, 3], [s.L.logScales, 3], [s.L.quats, 4], [s.L.opacityLogits, 1], [s.L.sh, 3 * K]];
        for (const [offset, per] of sections) {
          for (let j = offset + per * count; j < offset + per * capacity; j++) expect(flat[j]).toBe(s.initial[j]);
        }
        expect(await s.adam.readStatus()).toEqual({ nonFinite: 0, firstBadIndex: -1, badSteps: 0 });
      });
      s.destroy();
    });
  }

  it('each group gets its own learning rate (zero lr freezes exactly that group)', async () => {
    const count = 8, shDegree = 1, K = 4;
    const s = await setup(count, count, shDegree);
    writeFlat(s.device, s.grads, randomFlat(s.L, s.rand, 1));
    s.adam.step(s.params, s.grads, count, { ...LR, quats: 0, shRest: 0 });
    const got = unflatten(await s.readParams(), s.L, count, shDegree);
    const before = unflatten(s.initial, s.L, count, shDegree);
    expect(got.quats).toEqual(before.quats);
    expect(got.means).not.toEqual(before.means);
    for (let i = 0; i < count; i++)
      for (let j = 0; j < 3 * K; j++) {
        const v = got.sh[i * 3 * K + j], b = before.sh[i * 3 * K + j];
        if (j < 3) expect(v).not.toBe(b);
        else expect(v).toBe(b);
      }
    s.destroy();
  });

  it("'skip-step': a NaN or Inf gradient leaves everything untouched and is flagged with its index", async () => {
    const count = 20, shDegree = 1;
    const s = await setup(count, 32, shDegree);
    await withGpuErrorScope(s.device, async () => {
      const g = randomFlat(s.L, s.rand, 1);
      const badIndex = s.L.sh + 3 * 4 * 7 + 5;
      g[badIndex] = NaN;
      g[s.L.logScales + 40] = -Infinity;
      writeFlat(s.device, s.grads, g);
      s.adam.step(s.params, s.grads, count, LR);
      expect(await s.adam.readStatus()).toEqual({ nonFinite: 2, firstBadIndex: s.L.logScales + 40, badSteps: 1 });
      expect(await s.readParams()).toEqual(s.initial);
      const moments = await s.adam.readMoments(count);
      for (const k of KEYS) expect(moments.m[k].every((x) => x === 0) && moments.v[k].every((x) => x === 0)).toBe(true);

      // A bad value past `count` is not a parameter: it must not trip the guard.
      g[badIndex] = 0.5;
      g[s.L.logScales + 40] = 0.25;
      g[s.L.means + 3 * count + 1] = NaN;
      writeFlat(s.device, s.grads, g);
      s.adam.step(s.params, s.grads, count, LR);
      expect(await s.adam.readStatus()).toEqual({ nonFinite: 0, firstBadIndex: -1, badSteps: 1 });
      const got = unflatten(await s.readParams(), s.L, count, shDegree);
      // The skipped step still advanced t, as the host counts steps; the reference does the same.
      const ref = clone(s.ref.params);
      adamStepReference(ref, unflatten(g, s.L, count, shDegree), { m: zeros(ref), v: zeros(ref) }, shDegree, LR, 2);
      expect(maxRelError(got, ref)).toBeLessThan(1e-5);
    });
    s.destroy();
  });

  it("'skip-values': only the non-finite values are left alone", async () => {
    const count = 12, shDegree = 0;
    const s = await setup(count, 12, shDegree, 'skip-values');
    const g = randomFlat(s.L, s.rand, 1);
    g[s.L.opacityLogits + 3] = NaN;
    g[s.L.means + 7] = Infinity;
    writeFlat(s.device, s.grads, g);
    s.adam.step(s.params, s.grads, count, LR);
    const r = adamStepReference(s.ref.params, unflatten(g, s.L, count, shDegree), s.ref.moments, shDegree, LR, 1, undefined, 'skip-values');
    expect(r).toEqual({ nonFinite: 2, skipped: false });
    const flat = await s.readParams();
    expect(flat[s.L.opacityLogits + 3]).toBe(s.initial[s.L.opacityLogits + 3]);
    expect(flat[s.L.means + 7]).toBe(s.initial[s.L.means + 7]);
    expect(flat[s.L.means + 6]).not.toBe(s.initial[s.L.means + 6]);
    expect(maxRelError(unflatten(flat, s.L, count, shDegree), s.ref.params)).toBeLessThan(1e-5);
    expect((await s.adam.readStatus()).nonFinite).toBe(2);
    s.destroy();
  });

  it('moments round-trip through readMoments / writeMoments and survive a layout change', async () => {
    const count = 5, shDegree = 2;
    const s = await setup(count, 8, shDegree);
    const m = unflatten(randomFlat(s.L, s.rand, 1), s.L, count, shDegree);
    const v = unflatten(randomFlat(s.L, s.rand, 1).map(Math.abs), s.L, count, shDegree);
    s.adam.writeMoments({ m, v }, count);
    expect(await s.adam.readMoments(count)).toEqual({ m, v });
    const bigger = paramLayout(16, shDegree);
    s.adam.setLayout(bigger);
    const zero = await s.adam.readMoments(count);
    expect(zero.m.sh.every((x) => x === 0)).toBe(true);
    s.adam.writeMoments({ m, v }, count);
    expect(await s.adam.readMoments(count)).toEqual({ m, v });
    s.destroy();
  });
});
