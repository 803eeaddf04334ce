/**
 * npm run bench:step -- <scene dir>: one training step split by kernel (timestamp queries) on the
 * scene's first 3-view input, at its native size, from the visual-hull start.
 */
import { nodeGpu } from '../scripts/lib/nodeGpu.ts';
import { loadScene } from '../src/io/sceneFolder.ts';
import { fsSource } from '../src/node/fsFileSource.ts';
import { prepareSplit } from '../src/recon/prepareViews.ts';
import { createRasterizer } from '../src/gpu/rasterizer.ts';
import { createLoss } from '../src/gpu/loss/loss.ts';
import { trainGaussians } from '../src/recon/train/trainer.ts';
const { device } = await nodeGpu({ timestamps: true });
const scene = await loadScene(fsSource(process.argv[2]));
const split = prepareSplit(scene, '3');
const init = await trainGaussians(device, split.train, { iterations: 0, bounds: scene.manifest.bounds });
const cloud = init.cloud;
const v = split.train[0];
const r = createRasterizer(device, { width: v.camera.width, height: v.camera.height, shDegree: cloud.shDegree, maxSplats: cloud.count, profile: true });
r.upload(cloud);
const loss = createLoss(device, { width: v.camera.width, height: v.camera.height });
const target = loss.uploadTarget(v.rgba.data, v.mask ?? null);
for (let i = 0; i < 4; i++) {
  let t = performance.now();
  const f = await r.forward(v.camera, [0.3, 0.4, 0.5]);
  const tf = performance.now() - t; t = performance.now();
  const out = loss.run(null, r.buffers.rgbFromPixel, r.buffers.alphaFromPixel, target, [0.3, 0.4, 0.5]);
  await loss.readTerms();
  const tl = performance.now() - t; t = performance.now();
  r.backward(out.dLdRgb, out.dLdAlpha);
  await device.queue.onSubmittedWorkDone();
  const tb = performance.now() - t;
  console.log(`splats ${cloud.count} visible ${f.visibleSplats} isect ${f.intersections}: forward ${tf.toFixed(0)} ms, loss ${tl.toFixed(0)} ms, backward ${tb.toFixed(0)} ms`);
}
const tm = await r.readTimings();
for (const p of [...tm.forward, ...tm.backward]) console.log(`${p.label}: ${p.ms.toFixed(1)} ms`);
process.exit(0);
