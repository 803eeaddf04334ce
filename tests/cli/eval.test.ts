/**
 * `npm run eval` end to end on a tiny scene written to disk: the table, eval.json and eval.csv
 * carry the same numbers as each other and as evaluateCloud in this process (same GPU driver:
 * the child inherits VK_ICD_FILENAMES); bad input is one line and exit 2. (No masks -> n/a is
 * checked on the protocol and its CSV in tests/recon/evalProtocol.test.ts.)
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { writePly } from '../../src/io/ply.ts';
import { trainedSizeComment } from '../../src/io/trainedSize.ts';
import { loadLpips } from '../../src/recon/evaluate/lpips.ts';
import { evaluateCloud } from '../../src/recon/evaluate/protocol.ts';
import { METRIC_COLUMNS, reportJson } from '../../src/recon/evaluate/reportFormat.ts';
import { testGpu } from '../gpu/gpuTestDevice.ts';
import { mseModelBytes } from '../models/lpipsTestModels.ts';
import { buildEvalScene, EVAL_SIMILARITY, emptyCloud, evalCloud, movedCloud, writeEvalScene, type EvalScene } from '../recon/evalTestScene.ts';
import { transformCameraPose } from '../../src/core/camera.ts';
import type { SceneManifest } from '../../src/io/sceneFormat.ts';
import { writeSceneFolder } from '../../src/node/sceneWriter.ts';

const run = promisify(execFile);
const tsx = join(process.cwd(), 'node_modules/.bin/tsx');

async function evalCli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(tsx, ['--import', './bench/registerWgslLoader.ts', 'scripts/eval.ts', ...args], { cwd: process.cwd() });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

/** CSV cells as JSON values: numbers, "inf"/"nan" kept as text, n/a and "no model" as null. */
function parseCsv(text: string): { header: string[]; rows: Record<string, unknown>[] } {
  const [head, ...lines] = text.trim().split('\n').map((l) => l.split(','));
  const cell = (s: string) => (s === 'n/a' || s === 'no model' ? null : s === 'inf' || s === 'nan' || s === '-inf' ? s : Number(s));
  return { header: head, rows: lines.map((l) => Object.fromEntries(l.map((s, i) => [head[i], i === 0 ? s : cell(s)]))) };
}

let dir: string;
let masked: EvalScene;
let device: GPUDevice;

beforeAll(async () => {
  device = (await testGpu()).device; // also sets VK_ICD_FILENAMES, which the CLI inherits
  dir = await mkdtemp(join(tmpdir(), 'eval-cli-'));
  masked = await buildEvalScene(device, { masks: true, bigTestView: true });
  await writeEvalScene(join(dir, 'masked'), masked);
  await mkdir(join(dir, 'run'));
  await writeFile(join(dir, 'run', 'cloud.ply'), writePly(evalCloud(1)));
  await writeFile(join(dir, 'empty.ply'), writePly(emptyCloud()));
  await mkdir(join(dir, 'trained'));
  await writeFile(join(dir, 'trained', 'cloud.ply'), writePly(evalCloud(1), { comments: [trainedSizeComment({ width: 32, height: 24 })] }));
  await writeFile(join(dir, 'mse.onnx'), mseModelBytes());
}, 60_000);

describe('npm run eval', () => {
  it('prints the table and writes eval.json and eval.csv (next to the cloud) with the same numbers as evaluateCloud', async () => {
    const r = await evalCli('--scene', join(dir, 'masked'), '--cloud', join(dir, 'run', 'cloud.ply'), '--split', '3', '--lpips-model', join(dir, 'mse.onnx'));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^resized: 128x96 -> 64x48 \(area\): v6$/m);
    expect(r.stdout).toMatch(/^mean +\d+\.\d\d +\d+\.\d\d +\d\.\d{3} +\d\.\d{3} +\d+\.\d\d +\d\.\d{3} +\d\.\d{3}$/m);

    const json = JSON.parse(await readFile(join(dir, 'run', 'eval.json'), 'utf8'));
    const csv = parseCsv(await readFile(join(dir, 'run', 'eval.csv'), 'utf8'));
    expect(csv.header).toEqual(['view', ...METRIC_COLUMNS.map((c) => c.csv)]);
    const jsonRows = [...json.views, { id: 'mean', ...json.mean }];
    expect(csv.rows.map((row) => row.view)).toEqual(['v1', 'v3', 'v5', 'v6', 'mean']);
    for (const [i, row] of csv.rows.entries())
      for (const c of METRIC_COLUMNS) expect(row[c.csv], `${row.view} ${c.csv}`).toStrictEqual(jsonRows[i][c.key]);
    expect(json.views[0].lpips).toBeGreaterThan(0);

    const lpips = await loadLpips({ bytes: mseModelBytes(), name: join(dir, 'mse.onnx') });
    const expected = reportJson(await evaluateCloud(device, masked.scene, evalCloud(1), { split: '3', lpips }));
    await lpips.dispose();
    expect(json).toEqual({ cloud: join(dir, 'run', 'cloud.ply'), ...JSON.parse(JSON.stringify(expected)) });
  }, 60_000);

  it('without --size, scores a PLY at the size it was trained at (its header says so); --size overrides', async () => {
    const [byHeader, asked] = await Promise.all([
      evalCli('--scene', join(dir, 'masked'), '--cloud', join(dir, 'trained', 'cloud.ply'), '--split', '3'),
      evalCli('--scene', join(dir, 'masked'), '--cloud', join(dir, 'trained', 'cloud.ply'), '--split', '3', '--size', '64x48', '--out', join(dir, 'trained', 'asked')),
    ]);
    expect(byHeader.code, byHeader.stderr).toBe(0);
    expect(byHeader.stderr).toMatch(/size: 32x24, the size the cloud was trained at/);
    expect(JSON.parse(await readFile(join(dir, 'trained', 'eval.json'), 'utf8')).size).toEqual({ width: 32, height: 24 });
    expect(asked.code, asked.stderr).toBe(0);
    expect(asked.stderr).not.toMatch(/the size the cloud was trained at/);
    expect(JSON.parse(await readFile(join(dir, 'trained', 'asked', 'eval.json'), 'utf8')).size).toEqual({ width: 64, height: 48 });
  }, 60_000);

  it('refuses an empty cloud, a missing file and a bad flag with one line and exit code 2', async () => {
    const [empty, missing, size] = await Promise.all([
      evalCli('--scene', join(dir, 'masked'), '--cloud', join(dir, 'empty.ply')),
      evalCli('--scene', join(dir, 'masked'), '--cloud', join(dir, 'nope.ply')),
      evalCli('--scene', join(dir, 'masked'), '--cloud', join(dir, 'run', 'cloud.ply'), '--size', 'big'),
    ]);
    for (const r of [empty, missing, size]) {
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr.trim().split('\n'), r.stderr).toHaveLength(1);
      expect(r.stderr).not.toMatch(/at .*\.ts:\d+/);
    }
    expect(empty.stderr).toMatch(/empty\.ply: the cloud has no splats/);
    expect(missing.stderr).toMatch(/nope\.ply: cloud file does not exist/);
    expect(size.stderr).toMatch(/--size must look like 400x300, got "big"/);
  }, 30_000);

  it('--pose-free --reference: aligns the dataset cameras to the estimated scene (views matched by image file name) and scores before and after refinement', async () => {
    // The "estimated" scene: the training photos only, under other ids, with the cameras in their own frame.
    const train = masked.scene.manifest.views.filter((v) => ['v0', 'v2', 'v4'].includes(v.id));
    const estimated: SceneManifest = {
      version: 1, name: 'eval-ball-estimated', splits: {},
      views: train.map((v, i) => ({ id: `photo-${i}`, image: v.image, camera: transformCameraPose(v.camera!, EVAL_SIMILARITY.s, EVAL_SIMILARITY.R, EVAL_SIMILARITY.u) })),
    };
    await writeSceneFolder(join(dir, 'estimated'), estimated, new Map(train.map((v) => [v.image, masked.files.get(v.image)!])));
    await mkdir(join(dir, 'posefree'));
    await writeFile(join(dir, 'posefree', 'cloud.ply'), writePly(movedCloud(masked.truth, EVAL_SIMILARITY)));
    const r = await evalCli('--scene', join(dir, 'estimated'), '--reference', join(dir, 'masked'), '--pose-free', '--cloud', join(dir, 'posefree', 'cloud.ply'), '--refine-steps', '2');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^pose-free: test cameras aligned by a similarity fitted on the 3 training views \(rotations: scale 0\.600000;/m);
    expect(r.stdout).toMatch(/^before test-time pose refinement \(aligned only\):$/m);
    const json = JSON.parse(await readFile(join(dir, 'posefree', 'eval.json'), 'utf8'));
    expect(json.scene).toBe('eval-ball');
    expect(json.poseFree.refineSteps).toBe(2);
    expect(json.poseFree.refinement.map((x: { id: string }) => x.id)).toEqual(['v1', 'v3', 'v5', 'v6']);
    // The exact similarity puts every held-out camera where its photo was taken.
    for (const v of json.poseFree.before.views.filter((v: { id: string }) => v.id !== 'v6')) expect(v.psnr === 'inf' ? Infinity : v.psnr, v.id).toBeGreaterThan(40);
    const csv = parseCsv(await readFile(join(dir, 'posefree', 'eval.csv'), 'utf8'));
    expect(csv.header).toEqual(['view', ...METRIC_COLUMNS.map((c) => c.csv), ...METRIC_COLUMNS.map((c) => `${c.csv}_before`), 'refine_rot_deg', 'refine_centre_shift']);
    expect(csv.rows[0].psnr_before).toBe(json.poseFree.before.views[0].psnr);
    expect(csv.rows[0].psnr).toBe(json.views[0].psnr);

    const [noRef, noFlag] = await Promise.all([
      evalCli('--scene', join(dir, 'estimated'), '--pose-free', '--cloud', join(dir, 'posefree', 'cloud.ply')),
      evalCli('--scene', join(dir, 'masked'), '--cloud', join(dir, 'run', 'cloud.ply'), '--refine-steps', '5'),
    ]);
    for (const e of [noRef, noFlag]) {
      expect(e.code, e.stderr).toBe(2);
      expect(e.stderr.trim().split('\n'), e.stderr).toHaveLength(1);
    }
    expect(noRef.stderr).toMatch(/--pose-free needs --reference/);
    expect(noFlag.stderr).toMatch(/--refine-steps needs --pose-free/);
  }, 120_000);
});
