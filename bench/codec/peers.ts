/**
 * The codecs bench:codec compares against, each as encode (cloud -> bytes) and decode (bytes ->
 * cloud) in this process: SPZ by this project's writer (src/io/spz.ts), SPZ by spz-js, and
 * PlayCanvas SOG (bundled .sog) by @playcanvas/splat-transform, read back by splat-transform
 * itself (SOG -> its PLY writer -> this project's PLY reader).
 */
import { createChunkDataPool, getOutputFormat, MemoryFileSystem, MemoryReadFileSystem, readFile, Transform, writeSource, type ChunkSource } from '@playcanvas/splat-transform';
import type { GaussianCloud } from '../../src/core/gaussianCloud.ts';
import { readPly, writePly } from '../../src/io/ply.ts';
import { readSpz, writeSpz } from '../../src/io/spz.ts';
import { spzJsSpz } from '../../tests/e2e/otherToolFiles.ts';

export interface PeerCodec {
  name: string;
  encode(cloud: GaussianCloud): Promise<Uint8Array>;
  decode(bytes: Uint8Array): Promise<GaussianCloud>;
}

async function writeWith(source: ChunkSource, filename: string, options: Record<string, unknown> = {}): Promise<Uint8Array> {
  const fs = new MemoryFileSystem();
  await writeSource({ filename, outputFormat: getOutputFormat(filename, options), source, pool: createChunkDataPool(), options }, fs);
  const bytes = fs.results.get(filename);
  if (!bytes) throw new Error(`splat-transform wrote no ${filename}`);
  return bytes;
}

/** splat-transform reads a PLY written by this project (as the issue says it does) and writes SOG. */
async function sogEncode(cloud: GaussianCloud): Promise<Uint8Array> {
  const rfs = new MemoryReadFileSystem();
  rfs.set('in.ply', writePly(cloud));
  const [source] = await readFile({ filename: 'in.ply', inputFormat: 'ply', fileSystem: rfs });
  try {
    return await writeWith(source, 'cloud.sog');
  } finally {
    await source.close();
  }
}

async function sogDecode(bytes: Uint8Array): Promise<GaussianCloud> {
  const rfs = new MemoryReadFileSystem();
  rfs.set('cloud.sog', bytes);
  const [source] = await readFile({ filename: 'cloud.sog', inputFormat: 'sog', fileSystem: rfs });
  try {
    return readPly(await writeWith(source, 'back.ply'));
  } finally {
    await source.close();
  }
}

/** The cloud as SOG's decoder gives it back (splat-transform's Morton order, not the input's). */
export async function sogRoundTrip(cloud: GaussianCloud): Promise<GaussianCloud> {
  return sogDecode(await sogEncode(cloud));
}

export const PEER_CODECS: PeerCodec[] = [
  { name: 'SPZ v3 (this project)', encode: async (c) => writeSpz(c), decode: async (b) => readSpz(b) },
  { name: 'SPZ (spz-js)', encode: (c) => spzJsSpz(c), decode: async (b) => readSpz(b) },
  { name: 'SOG (splat-transform)', encode: sogEncode, decode: sogDecode },
];

export { Transform };
