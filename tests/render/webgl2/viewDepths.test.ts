/**
 * The sort worker's frustum culling is conservative: on the GPU tests' adversarial scenes (splats
 * behind the camera, far off-screen, centred outside the widened frustum yet reaching in, huge,
 * tiny, nearly invisible), every splat the trainer's reference blends into at least one pixel keeps
 * its depth, exactly its camera z; and the cull is not vacuous (off-screen splats are dropped).
 * sortForView then orders what is left by depth.
 */
import { describe, expect, it } from 'vitest';
import { worldToCamera } from '../../../src/core/camera.ts';
import { DEFAULT_PROJECT_OPTIONS, projectSplat } from '../../../src/gpu/reference/projectReference.ts';
import { ALPHA_MAX, ALPHA_MIN } from '../../../src/core/gaussianCloud.ts';
import { createSortState, sortForView } from '../../../src/render/webgl2/sortForView.ts';
import { prepareSortCloud, viewDepths } from '../../../src/render/webgl2/viewDepths.ts';
import { makeScene, type TestScene } from '../../gpu/rasterScenes.ts';

/** Splats the reference blends into at least one pixel centre. */
function drawnByReference(scene: TestScene, antialiased: boolean): Set<number> {
  const { cloud, camera } = scene;
  const drawn = new Set<number>();
  for (let i = 0; i < cloud.count; i++) {
    const p = projectSplat(cloud, i, camera, { ...DEFAULT_PROJECT_OPTIONS, antialiased });
    if (!p) continue;
    search: for (let y = 0; y < camera.height; y++)
      for (let x = 0; x < camera.width; x++) {
        const dx = x + 0.5 - p.u, dy = y + 0.5 - p.v;
        const power = -0.5 * (p.conicA * dx * dx + p.conicC * dy * dy) - p.conicB * dx * dy;
        if (power <= 0 && Math.min(ALPHA_MAX, p.opacity * Math.exp(power)) >= ALPHA_MIN) {
          drawn.add(i);
          break search;
        }
      }
  }
  return drawn;
}

describe('viewDepths (the sort worker frustum cull)', () => {
  for (const [seed, count, width, height, antialiased] of [
    [21, 400, 64, 48, false],
    [22, 400, 48, 64, true],
    [23, 300, 96, 40, false],
  ] as const) {
    it(`seed ${seed}: keeps every splat the reference draws, ${width}x${height}${antialiased ? ', antialiased' : ''}`, () => {
      const scene = makeScene(seed, count, 0, width, height);
      const depths = viewDepths(prepareSortCloud(scene.cloud), scene.camera, new Float32Array(count));
      const drawn = drawnByReference(scene, antialiased);
      expect(drawn.size).toBeGreaterThan(count / 3);
      const lost = [...drawn].filter((i) => Number.isNaN(depths[i]));
      expect(lost).toEqual([]);
      for (const i of drawn) {
        const z = worldToCamera(scene.camera, scene.cloud.means.subarray(3 * i, 3 * i + 3))[2];
        expect(depths[i]).toBe(Math.fround(z));
      }
      // Culled in front of the camera: the far off-screen splats at least.
      let culledInFront = 0;
      for (let i = 0; i < count; i++) {
        const z = worldToCamera(scene.camera, scene.cloud.means.subarray(3 * i, 3 * i + 3))[2];
        if (z > 0.01 && Number.isNaN(depths[i])) culledInFront++;
      }
      expect(culledInFront).toBeGreaterThanOrEqual(count / 40);
    });
  }

  it('culls splats behind the near plane, too transparent or not drawable', () => {
    const scene = makeScene(24, 40, 0, 32, 32);
    const cloud = { ...scene.cloud, quats: scene.cloud.quats.slice(), opacityLogits: scene.cloud.opacityLogits.slice(), means: scene.cloud.means.slice() };
    cloud.opacityLogits[0] = -7; // opacity < 1/255
    cloud.quats.fill(0, 4, 8); // splat 1: zero quaternion
    cloud.means[3 * 2] = NaN;
    const depths = viewDepths(prepareSortCloud(cloud), scene.camera, new Float32Array(40));
    expect([depths[0], depths[1], depths[2]].every(Number.isNaN)).toBe(true);
    for (let i = 0; i < 40; i++) {
      const z = worldToCamera(scene.camera, cloud.means.subarray(3 * i, 3 * i + 3))[2];
      if (z < 0.01) expect(depths[i]).toBeNaN();
    }
  });

  it('sortForView answers the request with the kept splats nearest first, reusing a recycled buffer', () => {
    const scene = makeScene(25, 500, 0, 64, 64);
    const state = createSortState(7, prepareSortCloud(scene.cloud));
    const recycle = new ArrayBuffer(4 * 600);
    const r = sortForView(state, { cloudVersion: 7, requestId: 3, camera: scene.camera, recycle });
    expect([r.cloudVersion, r.requestId]).toEqual([7, 3]);
    expect(r.order.buffer).toBe(recycle);
    expect(r.order.length).toBeGreaterThan(200);
    const depths = viewDepths(state.cloud, scene.camera, new Float32Array(500));
    expect(r.order.length).toBe(depths.filter((z) => !Number.isNaN(z)).length);
    for (let k = 1; k < r.order.length; k++) expect(depths[r.order[k]]).toBeGreaterThanOrEqual(depths[r.order[k - 1]] - r.bucketWidth);
    expect(r.sortMs).toBeGreaterThanOrEqual(0);
  });
});
