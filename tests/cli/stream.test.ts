/**
 * `npm run stream -- encode|decode` end to end: a PLY becomes a stream and back, sizes and times
 * are printed, a truncated stream decodes what arrived with a warning, and a file that is not a
 * stream is one line of error and exit code 1.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { readPly, writePly } from '../../src/io/ply.ts';
import { decodeStream, parseStreamHeader } from '../../src/stream/index.ts';
import { randomCloud } from '../io/splatTestKit.ts';

const run = promisify(execFile);
const tsx = join(process.cwd(), 'node_modules/.bin/tsx');

async function streamCli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(tsx, ['scripts/stream.ts', ...args], { cwd: process.cwd() });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

let dir: string;
const cloud = randomCloud(700, 1, 3);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'stream-cli-'));
  await writeFile(join(dir, 'cloud.ply'), writePly(cloud));
});

describe('npm run stream', () => {
  it('encodes a PLY and decodes it back to a standard PLY', async () => {
    const enc = await streamCli('encode', join(dir, 'cloud.ply'), join(dir, 'cloud.gsrq'), '--stages', '2', '--entries', '64');
    expect(enc.code).toBe(0);
    const stream = new Uint8Array(await readFile(join(dir, 'cloud.gsrq')));
    expect(enc.stdout).toMatch(`700 splats, SH degree 1`);
    expect(enc.stdout).toMatch(`(${(stream.length / 700).toFixed(2)} bytes/splat`);
    expect(enc.stdout).toMatch(/encode\s+\d+\.\d\d s/);
    expect(enc.stdout).toMatch(`positions on a ${parseStreamHeader(stream).positionBits}-bit grid`);
    expect(enc.stdout).toMatch('2 colour stages');

    const dec = await streamCli('decode', join(dir, 'cloud.gsrq'), join(dir, 'back.ply'));
    expect(dec.code).toBe(0);
    const visible = Array.from(cloud.opacityLogits).filter((l) => 1 / (1 + Math.exp(-l)) >= 6 / 255).length;
    expect(visible).toBeLessThan(700); // randomCloud has some faint splats, which are left out
    expect(enc.stdout).toMatch(`${700 - visible} faint splats (opacity < 6/255) left out`);
    expect(dec.stdout).toMatch(`${visible} of ${visible} splats, SH degree 1`);
    expect(dec.stdout).toMatch(/decode\s+\d+\.\d\d s/);
    const back = readPly(await readFile(join(dir, 'back.ply')));
    expect(back).toEqual(decodeStream(stream).cloud);
  });

  it('keeps the faint splats with --min-opacity 0, and refuses an opacity past 1', async () => {
    const enc = await streamCli('encode', join(dir, 'cloud.ply'), join(dir, 'all.gsrq'), '--stages', '1', '--entries', '16', '--min-opacity', '0');
    expect(enc.code).toBe(0);
    expect(enc.stdout).not.toMatch('left out');
    expect(decodeStream(new Uint8Array(await readFile(join(dir, 'all.gsrq')))).cloud.count).toBe(700);
    const one = await streamCli('encode', join(dir, 'cloud.ply'), join(dir, 'one.gsrq'), '--stages', '1', '--entries', '16', '--min-opacity', '1/255');
    const atLeast1 = Array.from(cloud.opacityLogits).filter((l) => 1 / (1 + Math.exp(-l)) >= 1 / 255).length;
    expect(one.stdout).toMatch(`${700 - atLeast1} faint splats (opacity < 1/255) left out`);
    const bad = await streamCli('encode', join(dir, 'cloud.ply'), join(dir, 'bad.gsrq'), '--min-opacity', '2');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch('--min-opacity must be a number from 0 to 1');
  });

  it('keeps positions within --position-error and says on what grid', async () => {
    const enc = await streamCli('encode', join(dir, 'cloud.ply'), join(dir, 'fine.gsrq'), '--stages', '1', '--entries', '16', '--position-error', '0.002');
    expect(enc.code).toBe(0);
    const printed = Number(/error at most ([\d.e-]+) scene units/.exec(enc.stdout)?.[1]);
    expect(printed).toBeLessThanOrEqual(0.002);
    const bytes = new Uint8Array(await readFile(join(dir, 'fine.gsrq')));
    const { positionBits } = parseStreamHeader(bytes);
    expect(enc.stdout).toMatch(`positions on a ${positionBits}-bit grid`);
    const { cloud: out } = decodeStream(bytes);
    // Every decoded splat is within the error of some input splat (the stream reorders them).
    for (let j = 0; j < out.count; j += 37) {
      let best = Infinity;
      for (let i = 0; i < cloud.count; i++) best = Math.min(best, Math.max(...[0, 1, 2].map((a) => Math.abs(out.means[3 * j + a] - cloud.means[3 * i + a]))));
      expect(best).toBeLessThanOrEqual(0.002 * 1.0001);
    }
    const bad = await streamCli('encode', join(dir, 'cloud.ply'), join(dir, 'bad.gsrq'), '--position-error', '-1');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch('--position-error must be a positive number');
  });

  it('decodes a truncated stream to what arrived, with a warning per lost chunk', async () => {
    const stream = new Uint8Array(await readFile(join(dir, 'cloud.gsrq')));
    await writeFile(join(dir, 'cut.gsrq'), stream.subarray(0, Math.floor(stream.length * 0.6)));
    const dec = await streamCli('decode', join(dir, 'cut.gsrq'), join(dir, 'cut.ply'));
    expect(dec.code).toBe(0);
    expect(dec.stderr).toMatch(/^warning: chunk \d+: the stream ends at byte/m);
    const back = readPly(await readFile(join(dir, 'cut.ply')));
    expect(back.count).toBeGreaterThan(0);
  });

  it('says in one line when the input is not a stream', async () => {
    const dec = await streamCli('decode', join(dir, 'cloud.ply'), join(dir, 'x.ply'));
    expect(dec.code).toBe(1);
    expect(dec.stderr.trim()).toBe(`error: ${join(dir, 'cloud.ply')}: not a splat stream (the file does not start with "GSRQ")`);
    const usage = await streamCli('squash', 'a', 'b');
    expect(usage.code).toBe(1);
    expect(usage.stderr).toMatch('usage:');
  });
});
