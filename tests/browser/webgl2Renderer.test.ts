/**
 * The WebGL2 renderer's frame rules in headless Chromium: a frame is drawn only with the order
 * sorted for its own camera and the current cloud (an order answering another request is refused
 * and sorted again; a cloud replaced while a frame waits draws the new cloud), so orderAge is 0;
 * an identical camera reuses its order; no cloud or an empty one draws the background; maxShDegree
 * drops the higher SH bands (checked against the reference); failures of the sorter and use after
 * destroy() are errors with a message.
 */
import { describe, expect, it } from 'vitest';
import type { GaussianCloud } from '../../src/core/gaussianCloud.ts';
import { DEFAULT_PROJECT_OPTIONS } from '../../src/gpu/reference/projectReference.ts';
import { renderReference } from '../../src/gpu/reference/rasterizeReference.ts';
import { createSortState, sortForView, type SortState } from '../../src/render/webgl2/sortForView.ts';
import type { DepthSorter, SortedOrder, SortRequest } from '../../src/render/webgl2/sortProtocol.ts';
import { prepareSortCloud } from '../../src/render/webgl2/viewDepths.ts';
import { createWebGl2SplatRenderer } from '../../src/render/webgl2/webgl2SplatRenderer.ts';
import { makeScene } from '../gpu/rasterScenes.ts';

/** An in-thread sorter that can be told to lie, and counts its calls. */
function fakeSorter(answer: (state: SortState, request: SortRequest, call: number) => SortedOrder | Promise<SortedOrder>): DepthSorter & { calls: number } {
  let state: SortState | null = null;
  const sorter = {
    calls: 0,
    async setCloud(version: number, cloud: Parameters<DepthSorter['setCloud']>[1]) {
      state = createSortState(version, cloud);
    },
    async sort(request: SortRequest) {
      sorter.calls++;
      return answer(state!, request, sorter.calls);
    },
    destroy() {},
  };
  return sorter;
}

const honest = (state: SortState, request: SortRequest) => sortForView(state, request);

async function frame(cloud: GaussianCloud, scene: ReturnType<typeof makeScene>, sorter: DepthSorter = fakeSorter(honest)): Promise<Uint8Array> {
  const r = createWebGl2SplatRenderer(document.createElement('canvas'), { sorter });
  try {
    r.setCloud(cloud);
    await r.render(scene.camera, scene.background);
    return await r.readPixels();
  } finally {
    r.destroy();
  }
}

describe('WebGL2 renderer frames', () => {
  const scene = makeScene(51, 300, 3, 64, 48);

  it('draws with the order of its own camera: orderAge 0, worker sort time, kept splats', async () => {
    const r = createWebGl2SplatRenderer(document.createElement('canvas'));
    try {
      r.setCloud(scene.cloud);
      const stats = await r.render(scene.camera, scene.background);
      expect(stats.orderAge).toBe(0);
      expect(stats.sortMs).toBeGreaterThanOrEqual(0);
      const local = sortForView(createSortState(1, prepareSortCloud(scene.cloud)), { cloudVersion: 1, requestId: 1, camera: scene.camera });
      expect(stats.visibleSplats).toBe(local.order.length);
    } finally {
      r.destroy();
    }
  });

  it('refuses an order answering another request and sorts again: no stale frame', async () => {
    const liar = fakeSorter((state, request, call) => {
      // First answer: sorted for a different camera and labelled as an older request.
      if (call === 1) return { ...sortForView(state, { ...request, camera: makeScene(52, 1, 0, 64, 48).camera }), requestId: request.requestId - 1 };
      return sortForView(state, request);
    });
    const got = await frame(scene.cloud, scene, liar);
    expect(liar.calls).toBe(2);
    expect(Array.from(got)).toEqual(Array.from(await frame(scene.cloud, scene, fakeSorter(honest))));
  });

  it('a cloud replaced while a frame waits for its order: the frame draws the new cloud', async () => {
    const other = makeScene(53, 200, 3, 64, 48).cloud;
    const r = createWebGl2SplatRenderer(document.createElement('canvas'));
    try {
      r.setCloud(scene.cloud);
      const pending = r.render(scene.camera, scene.background);
      r.setCloud(other);
      const stats = await pending;
      const pixels = await r.readPixels();
      expect(stats.orderAge).toBe(0);
      expect(Array.from(pixels)).toEqual(Array.from(await frame(other, scene)));
      expect(Array.from(pixels)).not.toEqual(Array.from(await frame(scene.cloud, scene)));
    } finally {
      r.destroy();
    }
  });

  it('reuses the order of an identical camera and sorts again for a moved one', async () => {
    const sorter = fakeSorter(honest);
    const r = createWebGl2SplatRenderer(document.createElement('canvas'), { sorter });
    try {
      r.setCloud(scene.cloud);
      await r.render(scene.camera, scene.background);
      await r.render({ ...scene.camera, R: [...scene.camera.R] as typeof scene.camera.R }, [0, 0, 0]);
      expect(sorter.calls).toBe(1);
      await r.render({ ...scene.camera, t: [scene.camera.t[0] + 0.01, scene.camera.t[1], scene.camera.t[2]] }, scene.background);
      expect(sorter.calls).toBe(2);
    } finally {
      r.destroy();
    }
  });

  it('draws the background with no cloud and with an empty cloud', async () => {
    const r = createWebGl2SplatRenderer(document.createElement('canvas'));
    try {
      const bg: [number, number, number] = [0.2, 0.6, 1];
      const expectBackground = async () => {
        const px = await r.readPixels();
        const want = [51, 153, 255, 255];
        expect(px.every((v, k) => v === want[k % 4])).toBe(true);
      };
      expect(await r.render(scene.camera, bg)).toEqual({ visibleSplats: 0, sortMs: null, orderAge: 0 });
      await expectBackground();
      r.setCloud({ count: 0, shDegree: 0, means: new Float32Array(0), logScales: new Float32Array(0), quats: new Float32Array(0), opacityLogits: new Float32Array(0), sh: new Float32Array(0) });
      expect((await r.render(scene.camera, bg)).visibleSplats).toBe(0);
      await expectBackground();
    } finally {
      r.destroy();
    }
  });

  it('maxShDegree 0 renders the cloud without its view-dependent bands', async () => {
    const r = createWebGl2SplatRenderer(document.createElement('canvas'));
    try {
      r.setCloud(scene.cloud, { maxShDegree: 0 });
      await r.render(scene.camera, scene.background);
      const px = await r.readPixels();
      const dcOnly = { ...scene.cloud, shDegree: 0, sh: scene.cloud.sh.filter((_, v) => v % 48 < 3) };
      const ref = renderReference(dcOnly, scene.camera, { ...DEFAULT_PROJECT_OPTIONS, background: scene.background });
      let maxDiff = 0;
      for (let p = 0; p < 64 * 48; p++) for (let c = 0; c < 3; c++) maxDiff = Math.max(maxDiff, Math.abs(px[4 * p + c] / 255 - Math.min(1, Math.max(0, ref.rgb[3 * p + c]))));
      expect(maxDiff).toBeLessThanOrEqual(4 / 255);
    } finally {
      r.destroy();
    }
  });

  it('reports a failing sorter, a bad camera and use after destroy as errors', async () => {
    const broken = fakeSorter(() => Promise.reject(new Error('the splat sort worker stopped (it crashed)')));
    const r = createWebGl2SplatRenderer(document.createElement('canvas'), { sorter: broken });
    r.setCloud(scene.cloud);
    await expect(r.render(scene.camera, scene.background)).rejects.toThrow(/sort worker stopped/);
    await expect(r.render({ ...scene.camera, width: 0 }, scene.background)).rejects.toThrow(/positive integers/);
    r.destroy();
    await expect(r.render(scene.camera, scene.background)).rejects.toThrow(/after destroy/);
    expect(() => r.setCloud(scene.cloud)).toThrow(/after destroy/);
  });
});
