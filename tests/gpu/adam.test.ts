/**
 * The GPU Adam against the float32 CPU reference over several steps with per-group learning
 * rates that differ by orders of magnitude (so a value in the wrong group shows), on a buffer
 * with spare capacity (which must stay untouched), and the non-finite gradient guard.
 */
import { describe, expect, it } from 'vitest';
import { unflattenCloudArrays as unflatten } from '../../src/core/gaussianCloud.ts';
import { adamStepReference } from '../../src/gpu/optim/adamReference.ts';
import { flatParamLayout as paramLayout } from '../../src/core/gaussianCloud.ts';
import { testGpu, withGpuErrorScope } from './gpuTestDevice.ts';
import { clone, expectAdamMatchesReference, KEYS, LR, maxRelError, randomFlat, setup, writeFlat, zeros } from './adamCases.ts';

describe('GPU Adam', () => {
  for (const [count, capacity, shDegree] of [[50, 64, 3], [700, 700, 0], [3, 10, 1]] as const) {
    it(`matches the CPU reference over 6 steps (${count} splats, capacity ${capacity}, SH degree ${shDegree})`, async () => {
      await expectAdamMatchesReference((await testGpu()).device, count, capacity, shDegree);
    });
  }

  it('each group gets its own learning rate (zero lr freezes exactly that group)', async () => {
    const count = 8, shDegree = 1, K = 4;
    const s = await setup((await testGpu()).device, count, count, shDegree);
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
    const s = await setup((await testGpu()).device, count, 32, shDegree);
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
    const s = await setup((await testGpu()).device, count, 12, shDegree, 'skip-values');
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
    const s = await setup((await testGpu()).device, count, 8, shDegree);
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
