/** A small kept session (a stored scene of three 8x6 views, a checkpoint of 10 splats) for the session zip tests and the fuzzer. */
import { lookAtCamera } from '../../src/core/camera.ts';
import { createImage } from '../../src/core/image.ts';
import { mulberry32 } from '../../src/core/random.ts';
import type { LoadedScene } from '../../src/io/sceneFolder.ts';
import type { TrainCheckpoint } from '../../src/recon/train/checkpoint.ts';
import type { SessionMeta } from '../../src/ui/sessions/sessionStore.ts';
import { QUALITY_PRESETS } from '../../src/recon/train/qualityPresets.ts';
import { randomCloud } from '../io/randomCloud.ts';

export function sampleSession(): { meta: SessionMeta; checkpoint: TrainCheckpoint; scene: LoadedScene } {
  const r = mulberry32(9);
  const views = ['a', 'b', 'c'].map((id, i) => {
    const rgba = createImage(8, 6);
    for (let k = 0; k < rgba.data.length; k++) rgba.data[k] = k % 4 === 3 ? 255 : Math.floor(256 * r());
    const camera = lookAtCamera([3 * Math.cos(i), 3 * Math.sin(i), 1], [0, 0, 0], [0, 0, 1], { fx: 9, fy: 9, cx: 4, cy: 3, width: 8, height: 6 });
    return { id, image: `images/${id}.png`, camera, rgba, maskData: Uint8Array.from({ length: 48 }, (_, p) => (p % 8 < 4 ? 1 : 0)) };
  });
  const scene: LoadedScene = { manifest: { version: 1, name: 'sample', views: views.map(({ id, image, camera }) => ({ id, image, camera })), splits: {} }, views };
  const cloud = randomCloud(10, 1, 4);
  const moments = { m: randomCloud(10, 1, 5), v: randomCloud(10, 1, 6) };
  const history = [1, 2, 12].map((step) => ({ step, iterations: 40, loss: 0.5 / step, l1: 0.1, ssim: 0.8, psnr: step === 12 ? Infinity : 10 + step, splats: 10, elapsedMs: 100 * step, phase: 'train' as const }));
  const checkpoint: TrainCheckpoint = { version: 1, step: 12, iterations: 40, seed: 3, cloud, moments, adamSteps: 12, history };
  const meta: SessionMeta = {
    id: 's1', name: 'sample <b>run</b>', createdAt: 1, updatedAt: 2, scene: { kind: 'stored', title: 'sample' }, split: null,
    settings: { iterations: 40, init: 'hull', initSplats: 500, size: 'quarter', levers: QUALITY_PRESETS.balanced.levers }, status: 'training', checkpointStep: 12, iterations: 40, bytes: 0, sceneBytes: 0,
  };
  return { meta, checkpoint, scene };
}
