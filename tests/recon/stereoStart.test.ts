/**
 * The stereo start for scenes without masks: on a generated textured object with its masks taken
 * away, most of its splats sit on the object's true surface (ray traced), where the random start's
 * are spread through the box.
 */
import { describe, expect, it } from 'vitest';
import { fsSource } from '../../src/node/fsFileSource.ts';
import { loadScene } from '../../src/io/sceneFolder.ts';
import { prepareSplit } from '../../src/recon/prepareViews.ts';
import { randomCloud, stereoStartCloud } from '../../src/recon/hull/index.ts';
import { surfaceDistances } from './surfaceDistance.ts';

describe('stereoStartCloud', () => {
  it('puts most splats of an unmasked textured object on its surface, and the rest (a quarter or more) at random', async () => {
    const scene = await loadScene(fsSource('scenes/patterned-cube'));
    const split = prepareSplit(scene, '3', { width: 200, height: 150 });
    const bounds = scene.manifest.bounds!;
    const unmasked = split.train.map(({ camera, rgba }) => ({ camera, rgba }));
    const start = await stereoStartCloud(unmasked, bounds, { maxSplats: 4000, shDegree: 1 });
    expect(start.cloud.count).toBe(4000);
    expect(start.cloud.shDegree).toBe(1);
    expect(start.points).toBeGreaterThan(500);
    expect(start.stereoSplats).toBe(Math.min(start.points, 3000));

    // Distance from each splat to the true surface along the ray from the nearest training camera.
    const extent = Math.hypot(...[0, 1, 2].map((k) => bounds.max[k] - bounds.min[k]));
    const cameras = split.train.map((v) => v.camera);
    const onSurface = (means: Float32Array, from: number, to: number) =>
      surfaceDistances('patterned-cube', cameras, means.subarray(3 * from, 3 * to), to - from).filter((d) => d < 0.02 * extent).length / (to - from);
    const stereo = onSurface(start.cloud.means, 0, start.stereoSplats);
    const random = randomCloud(bounds, 2000, 1, { shDegree: 1 });
    const chance = onSurface(random.means, 0, 2000);
    console.log(`stereo start: ${start.points} points; splats within 2% of the box diagonal of the surface: ${(100 * stereo).toFixed(0)}% stereo, ${(100 * chance).toFixed(0)}% random`);
    expect(stereo).toBeGreaterThan(0.5);
    expect(stereo).toBeGreaterThan(3 * chance);
  });

  it('falls back to random splats with one view (nothing to sweep)', async () => {
    const scene = await loadScene(fsSource('scenes/patterned-cube'));
    const split = prepareSplit(scene, '3', { width: 40, height: 30 });
    const start = await stereoStartCloud([{ camera: split.train[0].camera, rgba: split.train[0].rgba }], scene.manifest.bounds!, { maxSplats: 100 });
    expect(start.stereoSplats).toBe(0);
    expect(start.cloud.count).toBe(100);
  });
});
