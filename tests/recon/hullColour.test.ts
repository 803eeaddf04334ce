import { describe, expect, it } from 'vitest';
import { lookAtCamera, type Vec3 } from '../../src/core/camera.ts';
import { carveVisualHull, colourHull, type Bounds } from '../../src/recon/hull/index.ts';
import { renderViews, ringCameras, type Shape } from './hullScenes.ts';

const RED: Vec3 = [220, 30, 20];
const BLUE: Vec3 = [20, 40, 230];
const isRed = (c: ArrayLike<number>, o: number) => c[o] > 0.7 && c[o + 2] < 0.3;
const isBlue = (c: ArrayLike<number>, o: number) => c[o + 2] > 0.7 && c[o] < 0.3;

describe('colourHull', () => {
  it('colours each half of a red/blue sphere with its own colour (visible views only)', async () => {
    const bounds: Bounds = { min: [-1.4, -1.4, -1.4], max: [1.4, 1.4, 1.4] };
    const shape: Shape = { kind: 'sphere', center: [0, 0, 0], radius: 1, color: (p) => (p[0] > 0 ? RED : BLUE) };
    for (const n of [5, 9]) {
      const views = renderViews(ringCameras(n), [shape]);
      const hull = await carveVisualHull(views, bounds, { resolution: 64, tolerance: 0 });
      const { colors, views: used } = await colourHull(hull, views);
      expect(colors.length).toBe(hull.count * 3);
      let sided = 0, right = 0, seen = 0;
      for (let i = 0; i < hull.count; i++) {
        if (!hull.surface[i]) continue;
        if (used[i] > 0) seen++;
        const x = hull.centers[i * 3];
        if (Math.abs(x) < 0.25) continue; // the seam: voxels there straddle both colours
        sided++;
        if (x > 0 ? isRed(colors, i * 3) : isBlue(colors, i * 3)) right++;
      }
      console.log(`${n} views: ${right}/${sided} surface voxels off the seam have their side's colour; ${seen}/${hull.surfaceCount} seen by a view`);
      const msg = `${n} views: ${right}/${sided} surface voxels off the seam have their side's colour; ${seen}/${hull.surfaceCount} seen by a view`;
      expect(right / sided, msg).toBeGreaterThan(0.97);
      expect(seen / hull.surfaceCount, msg).toBeGreaterThan(0.75);
      expect(colors.every((v) => v >= 0 && v <= 1)).toBe(true);
    }
  });

  it('does not take colour through an occluder (depth test)', async () => {
    // A red ball in front of a blue one for the camera on the +x side; the blue ball's +x face
    // is turned towards that camera, so only the depth buffer can reject it.
    const bounds: Bounds = { min: [-2, -1, -1], max: [2, 1, 1] };
    const shapes: Shape[] = [
      { kind: 'sphere', center: [0.9, 0, 0], radius: 0.55, color: () => RED },
      { kind: 'sphere', center: [-0.9, 0, 0], radius: 0.55, color: () => BLUE },
    ];
    const cams = ringCameras(8, { distance: 5 });
    // Straight down the x axis, slightly above, so the red ball covers most of the blue one.
    cams.push(lookAtCamera([5, 0, 0.3], [0, 0, 0], [0, 0, 1], { fx: 160, fy: 160, cx: 80, cy: 60, width: 160, height: 120 }));
    const views = renderViews(cams, shapes);
    const hull = await carveVisualHull(views, bounds, { resolution: 80, coarseResolution: 20, tolerance: 0 });
    const count = (colors: Float32Array) => {
      let ok = 0, all = 0;
      for (let i = 0; i < hull.count; i++) {
        if (!hull.surface[i]) continue;
        const x = hull.centers[i * 3];
        // The blue ball's face towards +x: between its centre and the gap.
        if (x < -0.9 + 0.3 || x > -0.2) continue;
        all++;
        if (isBlue(colors, i * 3)) ok++;
      }
      return [ok, all];
    };
    const [ok, all] = count((await colourHull(hull, views)).colors);
    const [okNoDepth] = count((await colourHull(hull, views, { depthTolerance: Infinity })).colors);
    console.log(`blue ball's +x face: ${ok}/${all} blue with the depth test, ${okNoDepth}/${all} without`);
    const msg = `blue ball's +x face: ${ok}/${all} blue with the depth test, ${okNoDepth}/${all} without`;
    expect(all, msg).toBeGreaterThan(50);
    expect(ok / all, msg).toBeGreaterThan(0.97);
    expect(okNoDepth, msg).toBeLessThan(ok);
  });

  it('stops on abort', async () => {
    const shape: Shape = { kind: 'sphere', center: [0, 0, 0], radius: 1, color: () => RED };
    const views = renderViews(ringCameras(5), [shape]);
    const hull = await carveVisualHull(views, { min: [-1.4, -1.4, -1.4], max: [1.4, 1.4, 1.4] }, { resolution: 32 });
    const ac = new AbortController();
    const run = colourHull(hull, views, { signal: ac.signal, onProgress: () => ac.abort() });
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
  });
});
