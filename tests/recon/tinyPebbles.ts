/**
 * The trainer tests' common setup: the software GPU device and the generated pebbles scene's
 * 3-view split, by default at 64x48 (small enough for the software adapter, big enough to train).
 */
import { fsSource } from '../../src/node/fsFileSource.ts';
import { loadScene, type LoadedScene } from '../../src/io/sceneFolder.ts';
import { prepareSplit, type PreparedSplit } from '../../src/recon/prepareViews.ts';
import { testGpu } from '../gpu/gpuTestDevice.ts';

export interface TinyPebbles {
  device: GPUDevice;
  scene: LoadedScene;
  split: PreparedSplit;
  /** The scene's bounds (the trainer's `bounds` option). */
  bounds: LoadedScene['manifest']['bounds'];
}

export async function tinyPebblesSplit(size = { width: 64, height: 48 }): Promise<TinyPebbles> {
  const device = (await testGpu()).device;
  const scene = await loadScene(fsSource('scenes/pebbles'));
  const split = prepareSplit(scene, '3', size);
  return { device, scene, split, bounds: scene.manifest.bounds };
}
