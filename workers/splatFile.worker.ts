/**
 * Splat-file worker: reads a picked or dropped .ply/.spz/.splat (src/io/splatBlob.ts) and writes
 * the shown cloud as one (src/io/splatFile.ts), off the page's main thread, so big files neither
 * freeze the page nor hide their progress. A thin wrapper (src/worker/workerHost.ts); the page
 * side is src/ui/splatFileClient.ts.
 *
 * The file arrives as the File itself (read here); the cloud goes back transferred. A cloud to
 * write arrives copied (the page keeps showing it); the file's bytes go back transferred. Bad
 * files (InputError) are rethrown as they are for the page to show.
 */
import type { GaussianCloud } from '../src/core/gaussianCloud.ts';
import { readSplatBlob, type SplatLoadPhase } from '../src/io/splatBlob.ts';
import { writeSplatFile, type SplatFileFormat, type WriteSplatFileOptions } from '../src/io/splatFile.ts';
import { writeStreamFile } from '../src/io/streamFile.ts';
import { cloudArrays, hostWorker, transferring } from '../src/worker/workerHost.ts';

export type SplatFileProgress = (phase: SplatLoadPhase | 'writing', done: number, total: number) => void;

/** A progressive stream (src/stream): its bytes and the encoder's seconds. */
export interface EncodedStream {
  bytes: Uint8Array;
  seconds: number;
}

const api = hostWorker({
  async read(file: Blob, name: string, onProgress: SplatFileProgress): Promise<GaussianCloud> {
    const cloud = await readSplatBlob(file, name, { onProgress: (phase, done, total) => void onProgress(phase, done, total) });
    return transferring(cloud, cloudArrays(cloud));
  },

  write(cloud: GaussianCloud, format: SplatFileFormat, options: Pick<WriteSplatFileOptions, 'ply'>, onProgress: SplatFileProgress): Uint8Array {
    const bytes = writeSplatFile(cloud, format, { ...options, onProgress: (done, total) => void onProgress('writing', done, total) });
    return transferring(bytes, [bytes]);
  },

  /** The Compress stage: the cloud as a progressive stream; progress is the encoder's phases as 0..100. */
  encodeStream(cloud: GaussianCloud, onProgress: SplatFileProgress): EncodedStream {
    const t0 = performance.now();
    const phases = ['order', 'colour', 'deflate', 'done'];
    const bytes = writeStreamFile(cloud, { onProgress: (phase, f) => void onProgress('writing', Math.round(100 * ((phases.indexOf(phase) + f) / phases.length)), 100) });
    return transferring({ bytes, seconds: (performance.now() - t0) / 1000 }, [bytes]);
  },
});

export type SplatFileWorkerApi = typeof api;
