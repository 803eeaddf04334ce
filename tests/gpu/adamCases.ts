/**
 * Adam test set-up and the multi-step check against the CPU reference, shared by the Node tests
 * (adam.test.ts) and the browser tests (tests/browser/). Environment-free: the caller passes its
 * device.
 */
import { expect } from 'vitest';
import { shCoeffCount } from '../../src/core/gaussianCloud.ts';
import { readBuffer, storageBuffer } from '../../src/gpu/buffers.ts';
import { unflattenCloudArrays as unflatten, type CloudArrays as CloudParams, type FlatParamLayout } from '../../src/core/gaussianCloud.ts';
import { GpuAdam } from '../../src/gpu/optim/adam.ts';
import type { AdamLearningRates, AdamMoments, NonFinitePolicy } from '../../src/gpu/optim/adamCore.ts';
import { adamStepReference } from '../../src/gpu/optim/adamReference.ts';
import { flatParamLayout as paramLayout } from '../../src/core/gaussianCloud.ts';
import { mulberry32, withGpuErrorScope } from './gpuTestUtils.ts';

export const KEYS = ['means', 'logScales', 'quats', 'opacityLogits', 'sh'] as const;

export function randomFlat(L: FlatParamLayout, rand: () => number, scale: number): Float32Array {
  // Magnitudes over several decades, as real gradients have.
  return Float32Array.from({ length: L.length }, () => (rand() * 2 - 1) * scale * 10 ** (-4 * rand()));
}

export function writeFlat(device: GPUDevice, buffer: GPUBuffer, flat: Float32Array): void {
  device.queue.writeBuffer(buffer, 0, flat);
}

export function zeros(p: CloudParams): CloudParams {
  return Object.fromEntries(KEYS.map((k) => [k, new Float32Array(p[k].length)])) as unknown as CloudParams;
}

export function clone(p: CloudParams): CloudParams {
  return Object.fromEntries(KEYS.map((k) => [k, p[k].slice()])) as unknown as CloudParams;
}

/**
 * Relative error, with values far below their array's largest counted against a thousandth of
 * it: a parameter that crosses zero has no meaningful relative error, and drivers may fuse
 * multiply-adds differently.
 */
export function maxRelError(gpu: CloudParams, ref: CloudParams): number {
  let worst = 0;
  for (const k of KEYS) {
    const floor = 1e-3 * ref[k].reduce((a, x) => Math.max(a, Math.abs(x)), 0) || 1e-30;
    for (let j = 0; j < ref[k].length; j++) worst = Math.max(worst, Math.abs(gpu[k][j] - ref[k][j]) / Math.max(Math.abs(ref[k][j]), floor));
  }
  return worst;
}

export const LR: AdamLearningRates = { means: 1.6e-4, logScales: 5e-3, quats: 1e-3, opacityLogits: 2.5e-2, shDc: 2.5e-3, shRest: 2.5e-3 / 20 };

export async function setup(device: GPUDevice, count: number, capacity: number, shDegree: number, policy: NonFinitePolicy = 'skip-step') {
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

/**
 * Six steps with a decaying mean learning rate against adamStepReference: parameters and both
 * moments within 1e-5 relative, every active value moved, spare capacity untouched, no flags.
 */
export async function expectAdamMatchesReference(device: GPUDevice, count: number, capacity: number, shDegree: number): Promise<void> {
  const s = await setup(device, count, capacity, shDegree);
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
}
