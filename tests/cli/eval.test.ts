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
import { loadLpips } from '../../src/recon/evaluate/lpips.ts';
import { evaluateCloud } from '../../src/recon/evaluate/protocol.ts';
import { METRIC_COLUMNS, reportJson } from '../../src/recon/evaluate/reportFormat.ts';
import { testGpu } from '../gpu/gpuTestDevice.ts';
import { mseModelBytes } from '../models/lpipsTestModels.ts';
import { buildEvalScene, emptyCloud, evalCloud, writeEvalScene, type EvalScene } from '../recon/evalTestScene.ts';

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
});
