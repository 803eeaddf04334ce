/**
 * npm run stream -- encode <cloud.ply|.spz|.splat> <out.gsrq> [--stages N] [--entries 128] [--position-error E] [--min-opacity 6/255]
 * npm run stream -- decode <stream.gsrq> <out.ply> [--stages N]
 * The progressive stream (src/stream) on the command line, with sizes and times printed.
 * Decoding a damaged or truncated stream writes what survived and prints a warning per skipped chunk.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { InputError } from '../src/core/errors.ts';
import { parseOpacity, opacityText } from './lib/opacityArg.ts';
import { writePly } from '../src/io/ply.ts';
import { readSplatFile } from '../src/io/splatFile.ts';
import { MIN_OPACITY } from '../src/stream/encode.ts';
import { positionStep } from '../src/stream/quantize.ts';
import { decodeStream, encodeStream, parseStreamHeader, StreamFormatError } from '../src/stream/index.ts';
import { parseArgs } from './lib/args.ts';
import { runCli } from './lib/runCli.ts';

const USAGE = `usage:
  npm run stream -- encode <cloud.ply|.spz|.splat> <out.gsrq> [--stages N] [--entries 128] [--position-error E] [--min-opacity 6/255]
  npm run stream -- decode <stream.gsrq> <out.ply> [--stages N]
    --stages          encode: colour VQ stages (1..8; default 6, 4 at SH degree 0); decode: use only the first N
    --entries         codebook entries per stage (1..256)
    --position-error  largest position error wanted, in scene units (default: 1/20 of the smallest axis of
                      the thin splats, at most a 16-bit grid)
    --min-opacity     splats fainter than this are left out: a number 0..1 or k/255 (default 6/255; 0 keeps all)`;

const kb = (n: number) => (n >= 1 << 20 ? `${(n / (1 << 20)).toFixed(2)} MB` : `${(n / 1024).toFixed(1)} KB`);

async function readInput(path: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(path));
  } catch {
    throw new InputError(`cannot read ${path}`);
  }
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2), ['stages', 'entries', 'position-error', 'min-opacity']);
  const [command, input, output] = args.positional;
  if (args.help) {
    console.log(USAGE);
    return 0;
  }
  if (!command || !input || !output || args.positional.length !== 3 || !['encode', 'decode'].includes(command)) {
    console.error(USAGE);
    return 1;
  }
  const bytes = await readInput(input);
  if (command === 'encode') {
    const cloud = readSplatFile(bytes, input);
    const pe = args.values['position-error'];
    const positionError = pe === undefined ? undefined : Number(pe);
    if (positionError !== undefined && !(positionError > 0)) throw new InputError(`--position-error must be a positive number, got "${pe}"`);
    const minOpacity = args.values['min-opacity'] === undefined ? MIN_OPACITY : parseOpacity(args.values['min-opacity']);
    const t0 = performance.now();
    const stream = encodeStream(cloud, { stages: args.values.stages === undefined ? undefined : args.int('stages', 4, 1, 8), codebookEntries: args.int('entries', 128, 1, 256), positionError, minOpacity });
    const seconds = (performance.now() - t0) / 1000;
    await writeFile(output, stream);
    const plyBytes = writePly(cloud).length;
    console.log(`read    ${input}: ${cloud.count} splats, SH degree ${cloud.shDegree}, ${kb(bytes.length)}`);
    const header = parseStreamHeader(stream);
    const kept = header.splatCount;
    // Splats fainter than minOpacity are not stored (src/stream/encode.ts, MIN_OPACITY says why).
    const dropped = cloud.count - kept;
    console.log(`wrote   ${output}: ${kb(stream.length)} (${(stream.length / Math.max(1, cloud.count)).toFixed(2)} bytes/splat, ${(plyBytes / stream.length).toFixed(1)}x smaller than its PLY of ${kb(plyBytes)})${dropped ? `; ${dropped} faint splats (opacity < ${opacityText(minOpacity)}) left out` : ''}`);
    const cell = Math.max(...[0, 1, 2].map((a) => positionStep(header.boundsMin[a], header.boundsMax[a], header.positionBits)));
    console.log(`grid    positions on a ${header.positionBits}-bit grid (error at most ${(cell / 2).toPrecision(3)} scene units), ${header.stageCount} colour stages`);
    console.log(`encode  ${seconds.toFixed(2)} s`);
    return 0;
  }
  const t0 = performance.now();
  let decoded;
  try {
    decoded = decodeStream(bytes, { maxStage: args.values.stages === undefined ? undefined : args.int('stages', 8, 1, 8) - 1 });
  } catch (e) {
    if (e instanceof StreamFormatError) throw new InputError(e.message, { file: input });
    throw e;
  }
  const seconds = (performance.now() - t0) / 1000;
  for (const w of decoded.warnings) console.error(`warning: ${w.message}`);
  const ply = writePly(decoded.cloud);
  await writeFile(output, ply);
  const { header, cloud } = decoded;
  console.log(`read    ${input}: ${kb(bytes.length)}, ${decoded.chunksDecoded} of ${header.chunks.length} chunks`);
  console.log(`wrote   ${output}: ${cloud.count} of ${header.splatCount} splats, SH degree ${cloud.shDegree}, ${kb(ply.length)}`);
  console.log(`decode  ${seconds.toFixed(2)} s`);
  return 0;
}

runCli(main);
