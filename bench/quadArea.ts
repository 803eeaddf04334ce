/**
 * npm run bench:quad-area -- --scene <dir> --cloud <ply|spz|splat>
 *
 * How many pixels the WebGPU viewer rasterizes for a real cloud, by quad shape: the
 * screen-aligned box of each kept splat's alpha >= 1/255 ellipse (the baseline: what the viewer
 * drew before, and what the trainer's tile culling uses) against what splatDraw draws now: the
 * rectangle along the ellipse's axes (src/render/webgpu/quadAxes.ts) where it is the smaller. For every posed view
 * of the scene: the summed quad areas (each quad clipped to the image by its box) in megapixels
 * and their ratio. Projection by the float64 reference (src/gpu/reference/projectReference.ts),
 * so no GPU is needed; the areas are geometric, not timed.
 */
import { parseArgs } from 'node:util';
import { readFile } from 'node:fs/promises';
import { fsSource } from '../src/node/fsFileSource.ts';
import { loadScene } from '../src/io/sceneFolder.ts';
import { readSplatFile } from '../src/io/splatFile.ts';
import { projectSplat } from '../src/gpu/reference/projectReference.ts';
import { covarianceFromConic, quadAxes } from '../src/render/webgpu/quadAxes.ts';

const { values: args } = parseArgs({ options: { scene: { type: 'string' }, cloud: { type: 'string' } } });
if (!args.scene || !args.cloud) {
  console.error('usage: npm run bench:quad-area -- --scene <scene folder> --cloud <cloud.ply|.spz|.splat>');
  process.exit(2);
}
const scene = await loadScene(fsSource(args.scene));
const cloud = readSplatFile(new Uint8Array(await readFile(args.cloud)), args.cloud);
const rows = ['| view | kept splats | box quads (Mpx) | drawn quads (Mpx) | drawn / box |', '|---|---:|---:|---:|---:|'];
let boxTotal = 0;
let orientedTotal = 0;
for (const view of scene.views) {
  const cam = view.camera;
  if (!cam) continue;
  let kept = 0;
  let box = 0;
  let oriented = 0;
  for (let i = 0; i < cloud.count; i++) {
    const p = projectSplat(cloud, i, cam);
    if (!p || !(p.opacity >= 1 / 255)) continue;
    const cov = covarianceFromConic(p.conicA, p.conicB, p.conicC);
    const radius = Math.sqrt(2 * Math.log(p.opacity * 255));
    // The box as screenFootprint.wgsl makes it, clipped to the image.
    const ex = 1.001 * radius * Math.sqrt(cov[0]) + 1e-3;
    const ey = 1.001 * radius * Math.sqrt(cov[2]) + 1e-3;
    const w = Math.min(p.u + ex, cam.width) - Math.max(p.u - ex, 0);
    const h = Math.min(p.v + ey, cam.height) - Math.max(p.v - ey, 0);
    if (!(w > 0 && h > 0)) continue;
    kept++;
    box += w * h;
    // The oriented rectangle, scaled by the share of its box inside the image (a close bound
    // for the many splats far inside; exact clipping would not change the comparison).
    const [ax, ay, bx, by] = quadAxes(cov, radius);
    const h1h2 = Math.hypot(ax, ay) * Math.hypot(bx, by);
    oriented += h1h2 < ex * ey ? 4 * h1h2 * ((w * h) / (4 * ex * ey)) : w * h;
  }
  boxTotal += box;
  orientedTotal += oriented;
  rows.push(`| ${view.id} | ${kept} | ${(box / 1e6).toFixed(2)} | ${(oriented / 1e6).toFixed(2)} | ${(oriented / box).toFixed(3)} |`);
}
rows.push(`| all | | ${(boxTotal / 1e6).toFixed(2)} | ${(orientedTotal / 1e6).toFixed(2)} | ${(orientedTotal / boxTotal).toFixed(3)} |`);
console.log(`${cloud.count} splats from ${args.cloud}, views of ${args.scene}\n\n${rows.join('\n')}`);
