/**
 * Views without masks are trained on the scene's background, the one recon and evaluation render
 * the held-out views on (issue 14 item 5: the trainer used to composite on black while the test
 * renders of a transforms.json import are on white, so the cloud learnt white splats for the
 * background and scored on white it was worse than on black).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createImage } from '../../src/core/image.ts';
import { fsSource } from '../../src/node/fsFileSource.ts';
import { loadScene, type LoadedScene } from '../../src/io/sceneFolder.ts';
import { scoreView } from '../../src/recon/evaluate/scoreView.ts';
import { prepareSplit, type PreparedSplit } from '../../src/recon/prepareViews.ts';
import { renderCloudViews } from '../../src/recon/renderViews.ts';
import { trainGaussians, type TrainView } from '../../src/recon/train/trainer.ts';
import { testGpu } from '../gpu/gpuTestDevice.ts';

let device: GPUDevice;
let scene: LoadedScene;
let split: PreparedSplit;
const size = { width: 64, height: 48 };
const WHITE: [number, number, number] = [1, 1, 1];

beforeAll(async () => {
  device = (await testGpu()).device;
  scene = await loadScene(fsSource('scenes/pebbles'));
  split = prepareSplit(scene, '3', size);
}, 60_000);

/** The view's object on white, without its mask: a photo of an object on a white sheet. */
function onWhiteUnmasked(v: TrainView): TrainView {
  const rgba = createImage(v.rgba.width, v.rgba.height);
  for (let p = 0; p < v.mask!.length; p++)
    for (let c = 0; c < 4; c++) rgba.data[4 * p + c] = c === 3 || !v.mask![p] ? 255 : v.rgba.data[4 * p + c];
  return { id: v.id, camera: v.camera, rgba };
}

describe('trainGaussians on views without masks', () => {
  it('composites its renders on the given scene background, as the test renders do', async () => {
    const start = await trainGaussians(device, split.train, { initSplats: 500, iterations: 0, bounds: scene.manifest.bounds, seed: 1 });
    const view = onWhiteUnmasked(split.train[0]);
    // One step on one view: the reported training PSNR is that of the start cloud's render.
    const r = await trainGaussians(device, [view], {
      initialCloud: start.cloud, iterations: 1, progressEvery: 1, bounds: scene.manifest.bounds, background: WHITE, densify: false, dropout: 0,
    });
    expect(r.stopped).toBeNull();
    const [render] = await renderCloudViews(device, start.cloud, [view.camera], WHITE);
    const expected = scoreView(view.id, render, view.rgba).psnr;
    // On black, the background pixels alone (about half the frame) would cost over 10 dB here.
    const [black] = await renderCloudViews(device, start.cloud, [view.camera], [0, 0, 0]);
    expect(scoreView(view.id, black, view.rgba).psnr).toBeLessThan(expected - 5);
    expect(Math.abs(r.history[0].psnr - expected), `training PSNR ${r.history[0].psnr.toFixed(2)} vs render on white ${expected.toFixed(2)} dB`).toBeLessThan(0.3);
  }, 120_000);
});
