/**
 * npm run check:datasets [-- <datasets dir>]
 * Imports each real dataset in ../shared/datasets into a temporary scene folder, loads it back and
 * checks that the converted cameras agree with the images: a wrong axis flip, a transposed
 * rotation or a wrong focal scale makes these fail loudly. Prints a table; exit code 1 on failure.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { cameraCenter, cameraForward, dot, normalize, projectPoint, type Camera, type Vec3 } from '../src/core/camera.ts';
import { describeError } from '../src/core/errors.ts';
import { fsSource } from '../src/node/fsFileSource.ts';
import { importDatasetFolder } from '../src/node/importDatasetFs.ts';
import { loadScene, type LoadedScene } from '../src/io/sceneFolder.ts';

const root = resolve(process.argv[2] ?? join(import.meta.dirname, '..', '..', 'shared', 'datasets'));

interface Row {
  dataset: string;
  check: string;
  value: string;
  ok: boolean;
}
const rows: Row[] = [];
const row = (dataset: string, check: string, value: string, ok: boolean) => rows.push({ dataset, check, value, ok });

function maskAt(view: LoadedScene['views'][number], u: number, v: number): number | undefined {
  const x = Math.floor(u), y = Math.floor(v);
  if (!view.maskData || x < 0 || y < 0 || x >= view.rgba.width || y >= view.rgba.height) return undefined;
  return view.maskData[y * view.rgba.width + x];
}

/**
 * Visual hull on an n^3 grid inside the scene bounds, carved by every mask, then for each view the
 * fraction of its mask pixels the hull's projection covers. Cameras that disagree with each other
 * carve the object away: on DTU at 400x300, rotating each camera by +-0.1 degree (about 1.3 px)
 * drops the worst view from 0.999 to 0.988 and +-0.2 degree to 0.955, so 0.98 catches pixel-size errors.
 */
function hullCoverage(scene: LoadedScene, n = 128): { voxels: number; min: number; mean: number } {
  const b = scene.manifest.bounds!;
  const step = [0, 1, 2].map((a) => (b.max[a] - b.min[a]) / n);
  const views = scene.views.filter((v) => v.maskData && v.camera);
  const kept: Vec3[] = [];
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++)
      for (let k = 0; k < n; k++) {
        const p: Vec3 = [b.min[0] + (i + 0.5) * step[0], b.min[1] + (j + 0.5) * step[1], b.min[2] + (k + 0.5) * step[2]];
        let inside = true;
        for (const v of views) {
          const [u, vv, z] = projectPoint(v.camera!, p);
          if (z <= 0) continue;
          if (maskAt(v, u, vv) === 0) {
            inside = false;
            break;
          }
        }
        if (inside) kept.push(p);
      }
  const cover: number[] = [];
  const size = Math.max(...step);
  for (const v of views) {
    const cam = v.camera!;
    const W = cam.width, H = cam.height;
    const hit = new Uint8Array(W * H);
    for (const p of kept) {
      const [u, vv, z] = projectPoint(cam, p);
      if (z <= 0) continue;
      // Half the voxel's projected side, rounded up, so neighbouring voxels leave no gaps.
      const r = Math.ceil((0.5 * size * cam.fx) / z);
      for (let y = Math.max(0, Math.floor(vv - r)); y < Math.min(H, Math.ceil(vv + r)); y++)
        for (let x = Math.max(0, Math.floor(u - r)); x < Math.min(W, Math.ceil(u + r)); x++) hit[y * W + x] = 1;
    }
    let m = 0, h = 0;
    for (let i = 0; i < W * H; i++)
      if (v.maskData![i]) {
        m++;
        h += hit[i];
      }
    cover.push(m ? h / m : 1);
  }
  return { voxels: kept.length, min: Math.min(...cover), mean: cover.reduce((a, c) => a + c, 0) / cover.length };
}

function checkBasics(name: string, scene: LoadedScene, views: number, w: number, h: number, splits: string[]) {
  const sizes = new Set(scene.views.map((v) => `${v.rgba.width}x${v.rgba.height}`));
  const ok = scene.views.length === views && sizes.size === 1 && sizes.has(`${w}x${h}`);
  row(name, 'views, size', `${scene.views.length} at ${[...sizes].join(',')}`, ok);
  const got = Object.entries(scene.manifest.splits).map(([k, s]) => `${k}:${s.train.length}/${s.test.length}`);
  row(name, 'splits train/test', got.join(' '), splits.every((s) => got.includes(s)));
}

async function checkDtu(scene: LoadedScene) {
  const name = 'dtu_scan37';
  checkBasics(name, scene, 34, 400, 300, ['3:3/25', '6:6/25', '9:9/25']);
  let inMask = 0;
  for (const v of scene.views) {
    const [u, vv] = projectPoint(v.camera!, [0, 0, 0]);
    if (maskAt(v, u, vv) === 1) inMask++;
  }
  row(name, 'origin inside mask', `${inMask}/${scene.views.length} views`, inMask === scene.views.length);
  const hull = hullCoverage(scene);
  row(name, 'mask covered by hull', `min ${hull.min.toFixed(3)} mean ${hull.mean.toFixed(3)} (${hull.voxels} voxels)`, hull.min > 0.98);
}

async function checkLego(scene: LoadedScene) {
  const name = 'nerf_synthetic_lego';
  checkBasics(name, scene, 33, 400, 400, ['3:3/25', '8:8/25']);
  let worst = 0;
  for (const v of scene.views) {
    const c = v.camera!;
    const [u, vv] = projectPoint(c, [0, 0, 0]);
    worst = Math.max(worst, Math.hypot(u - c.width / 2, vv - c.height / 2) / c.width);
  }
  row(name, 'origin near image centre', `max offset ${(worst * 100).toFixed(2)}% of width`, worst < 0.1);
  const hull = hullCoverage(scene);
  row(name, 'mask covered by hull', `min ${hull.min.toFixed(3)} mean ${hull.mean.toFixed(3)} (${hull.voxels} voxels)`, hull.min > 0.98);
}

async function checkFern(scene: LoadedScene) {
  const name = 'llff_fern';
  checkBasics(name, scene, 20, 504, 378, ['3:3/3', '6:6/3', '9:9/3']);
  const fwd = scene.views.map((v) => cameraForward(v.camera!));
  const mean = normalize(fwd.reduce<Vec3>((a, f) => [a[0] + f[0], a[1] + f[1], a[2] + f[2]], [0, 0, 0]));
  const minDot = Math.min(...fwd.map((f) => dot(f, mean)));
  row(name, 'cameras face one way', `min dot with mean forward ${minDot.toFixed(4)}`, minDot > 0.9);
  // The scene lies in front of every camera: the centre of the near/far range of the mean view.
  const src = scene.manifest.source as { near: number; far: number };
  const cams = scene.views.map((v) => v.camera!);
  const centre = cams
    .map((c) => centerPlus(c, mean, (src.near + src.far) / 2))
    .reduce<Vec3>((a, p) => [a[0] + p[0] / cams.length, a[1] + p[1] / cams.length, a[2] + p[2] / cams.length], [0, 0, 0]);
  let inImage = 0;
  for (const c of cams) {
    const [u, v, z] = projectPoint(c, centre);
    if (z > 0 && u >= 0 && v >= 0 && u < c.width && v < c.height) inImage++;
  }
  row(name, 'scene centre in every image', `${inImage}/${cams.length} views`, inImage === cams.length);
}

function centerPlus(c: Camera, dir: Vec3, d: number): Vec3 {
  const C = cameraCenter(c);
  return [C[0] + dir[0] * d, C[1] + dir[1] * d, C[2] + dir[2] * d];
}

const DATASETS: [string, (s: LoadedScene) => Promise<void>][] = [
  ['dtu_scan37', checkDtu],
  ['nerf_synthetic_lego', checkLego],
  ['llff_fern', checkFern],
];

async function main(): Promise<number> {
  if (!existsSync(root)) {
    console.error(`No datasets folder at ${root}: nothing to check. Pass the folder as an argument.`);
    return 1;
  }
  const tmp = await mkdtemp(join(tmpdir(), 'check-datasets-'));
  let found = 0;
  try {
    for (const [name, check] of DATASETS) {
      const dir = join(root, name);
      if (!existsSync(dir)) {
        row(name, 'present', `missing (${dir})`, true);
        continue;
      }
      found++;
      const t0 = performance.now();
      process.stderr.write(`${name}: importing `);
      try {
        const out = join(tmp, name);
        const imported = await importDatasetFolder(dir, out, { onProgress: (m) => m.startsWith('  [') && process.stderr.write('.') });
        process.stderr.write(` ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
        for (const w of imported.warnings) console.error(`  warning: ${w}`);
        await check(await loadScene(fsSource(out)));
      } catch (e) {
        process.stderr.write('\n');
        row(name, 'import', describeError(e), false);
      }
    }
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  const w = [0, 1, 2].map((i) => Math.max(...rows.map((r) => [r.dataset, r.check, r.value][i].length), ['dataset', 'check', 'value'][i].length));
  const line = (c: string[]) => c.map((s, i) => s.padEnd(w[i] ?? 0)).join('  ');
  console.log(line(['dataset', 'check', 'value', 'ok']));
  console.log(line(w.map((n) => '-'.repeat(n)).concat('--')));
  for (const r of rows) console.log(line([r.dataset, r.check, r.value, r.ok ? 'ok' : 'FAIL']));
  const failed = rows.filter((r) => !r.ok).length;
  if (found === 0) {
    console.log(`\nno datasets found in ${root}`);
    return 1;
  }
  console.log(failed ? `\n${failed} check(s) FAILED` : `\nall checks passed (${found} datasets)`);
  return failed ? 1 : 0;
}

process.exitCode = await main();
