/** The CPU parts of the repair prior's pair maker (scripts/prior/): .npy writing, surface cloud, 3D noise. */
import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/random.ts';
import { buildRandomObject } from '../../src/scenegen/objects/random/randomObject.ts';
import { dtuLikeRig } from '../../src/scenegen/rig.ts';
import { encodeNpyU8 } from '../../scripts/prior/npy.ts';
import { perturbCloud } from '../../scripts/prior/noise3d.ts';
import { surfaceCloud } from '../../scripts/prior/surfaceCloud.ts';

describe('repair-prior pairs', () => {
  it('writes .npy version 1.0 with a 64-byte aligned header NumPy accepts', () => {
    const npy = encodeNpyU8(new Uint8Array([1, 2, 3, 4, 5, 6]), [2, 3]);
    expect([...npy.slice(0, 8)]).toEqual([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
    const headerLen = npy[8] | (npy[9] << 8);
    expect((10 + headerLen) % 64).toBe(0);
    const header = new TextDecoder().decode(npy.slice(10, 10 + headerLen));
    expect(header).toMatch(/^\{'descr': '\|u1', 'fortran_order': False, 'shape': \(2, 3\), \} *\n$/);
    expect([...npy.slice(10 + headerLen)]).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('casts a surface cloud inside the object bounds, and 3D noise is seeded and zero at level 0', () => {
    const obj = buildRandomObject(4);
    const rig = dtuLikeRig(obj.center, obj.radius, obj.bounds, 32, 24);
    const cloud = surfaceCloud(obj, [rig[24].camera, rig[0].camera], 2);
    expect(cloud.count).toBeGreaterThan(20);
    const eps = 1e-4;
    for (let i = 0; i < cloud.count; i++)
      for (let k = 0; k < 3; k++) {
        expect(cloud.means[i * 3 + k]).toBeGreaterThanOrEqual(obj.bounds.min[k] - eps);
        expect(cloud.means[i * 3 + k]).toBeLessThanOrEqual(obj.bounds.max[k] + eps);
      }
    expect(perturbCloud(cloud, createRng(1), 0, obj.radius).means).toEqual(cloud.means);
    const a = perturbCloud(cloud, createRng(7), 1, obj.radius), b = perturbCloud(cloud, createRng(7), 1, obj.radius);
    expect(a.means).toEqual(b.means);
    expect(a.sh).toEqual(b.sh);
    expect(a.opacityLogits).toEqual(b.opacityLogits);
    expect(a.means).not.toEqual(cloud.means);
  });
});
