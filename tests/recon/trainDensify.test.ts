/**
 * Densification on a scene without masks, in a short run (issue 14 item 5: "training PSNR
 * collapses at each opacity reset and the splat count grows only 1-7% in 500 steps"). Both come
 * from the schedule, not from a fault in densification: 3DGS's stretched to the run densifies
 * every 100 steps (twice in 500 steps) and resets opacities every 200, which a cloud needs
 * 200-300 steps to climb back from. The short-run schedule (densify every iters/20 steps, resets
 * 3000 steps apart) removes both symptoms, as this test shows; it is not the default because it
 * over-fits 3 views (schedule.ts shortRunDensifySchedule has the measurement).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createImage } from '../../src/core/image.ts';
import { fsSource } from '../../src/node/fsFileSource.ts';
import { loadScene, type LoadedScene } from '../../src/io/sceneFolder.ts';
import { prepareSplit } from '../../src/recon/prepareViews.ts';
import { trainGaussians, type TrainView } from '../../src/recon/train/trainer.ts';
import { testGpu } from '../gpu/gpuTestDevice.ts';

let device: GPUDevice;
let scene: LoadedScene;
let views: TrainView[];

/** The object on white, no mask: a photo of an object on a white sheet. */
function onWhiteUnmasked(v: TrainView): TrainView {
  const rgba = createImage(v.rgba.width, v.rgba.height);
  for (let p = 0; p < v.mask!.length; p++)
    for (let c = 0; c < 4; c++) rgba.data[4 * p + c] = c === 3 || !v.mask![p] ? 255 : v.rgba.data[4 * p + c];
  return { id: v.id, camera: v.camera, rgba };
}

beforeAll(async () => {
  device = (await testGpu()).device;
  scene = await loadScene(fsSource('scenes/pebbles'));
  views = prepareSplit(scene, '3', { width: 64, height: 48 }).train.map(onWhiteUnmasked);
}, 60_000);

/** Largest fall of the training PSNR from one report to the next. */
function worstDrop(psnr: number[]): number {
  let worst = 0;
  for (let i = 1; i < psnr.length; i++) worst = Math.max(worst, psnr[i - 1] - psnr[i]);
  return worst;
}

describe('densification without masks, 600 steps', () => {
  it('short-run schedule: the cloud grows and training PSNR never collapses; the stretched 3DGS schedule shows both symptoms', async () => {
    const common = {
      init: 'random' as const, initSplats: 400, iterations: 600, progressEvery: 20, seed: 2,
      bounds: scene.manifest.bounds, background: [1, 1, 1] as const, dropout: 0, finalPrune: 0,
      // The schedules alone: the photo-consistency's pseudo views would add a sixth to the time.
      photoConsistencyWeight: 0,
    };
    const now = await trainGaussians(device, views, { ...common, densifySchedule: 'short-run' });
    const old = await trainGaussians(device, views, { ...common, densifySchedule: 'scaled-3dgs' });
    for (const r of [now, old]) expect(r.stopped).toBeNull();
    const psnrNow = now.history.map((h) => h.psnr);
    const psnrOld = old.history.map((h) => h.psnr);
    const msg = `splats ${now.initialSplats} -> ${now.cloud.count} (old ${old.cloud.count}); worst PSNR drop ${worstDrop(psnrNow).toFixed(2)} dB (old ${worstDrop(psnrOld).toFixed(2)})`;
    expect(now.cloud.count, msg).toBeGreaterThan(1.3 * now.initialSplats);
    expect(now.cloud.count, msg).toBeGreaterThan(old.cloud.count);
    // The old schedule's reset at step 200 made this white-background scene's PSNR fall by ~9 dB.
    // Reports come from different views, which alone differ by up to ~3 dB.
    expect(worstDrop(psnrOld), msg).toBeGreaterThan(6);
    expect(worstDrop(psnrNow), msg).toBeLessThan(4);
    expect(psnrNow.at(-1)!, msg).toBeGreaterThan(psnrOld.at(-1)!);
  }, 600_000); // a hang guard: 61 s of CPU alone, ~300 s beside the other software-GPU files on 2 cores, 420 s overran with benches beside it

  it('--densify-grad sets the gradient threshold: an unreachable one grows nothing, a low one grows the cloud', async () => {
    const common = {
      init: 'random' as const, initSplats: 300, iterations: 120, progressEvery: 20, seed: 3,
      bounds: scene.manifest.bounds, background: [1, 1, 1] as const, dropout: 0, finalPrune: 0, photoConsistencyWeight: 0,
      densifySchedule: 'short-run' as const, floaterEvery: 0,
    };
    const none = await trainGaussians(device, views, { ...common, densifyGrad: 1 });
    const low = await trainGaussians(device, views, { ...common, densifyGrad: 1e-5 });
    const msg = `splats ${none.initialSplats} -> ${none.cloud.count} at 1, ${low.cloud.count} at 1e-5`;
    expect(none.cloud.count, msg).toBeLessThanOrEqual(none.initialSplats);
    expect(low.cloud.count, msg).toBeGreaterThan(1.3 * low.initialSplats);
  }, 300_000);
});
