/**
 * The page's side of workers/splatFile.worker.ts: one worker, started on the first file, that
 * reads and writes splat files with progress. A worker that dies fails the calls in flight with a
 * message, and the next call starts a new one.
 */
import type { GaussianCloud } from '../core/gaussianCloud.ts';
import type { SplatFileFormat, WriteSplatFileOptions } from '../io/splatFile.ts';
import { proxy, workerClient } from '../worker/workerClient.ts';
import type { EncodedStream, SplatFileProgress, SplatFileWorkerApi } from '../../workers/splatFile.worker.ts';

export type { EncodedStream, SplatFileProgress };

export interface SplatFileClient {
  read(file: File, onProgress: SplatFileProgress): Promise<GaussianCloud>;
  write(cloud: GaussianCloud, format: SplatFileFormat, options: Pick<WriteSplatFileOptions, 'ply'>, onProgress: SplatFileProgress): Promise<Uint8Array>;
  encodeStream(cloud: GaussianCloud, onProgress: SplatFileProgress): Promise<EncodedStream>;
}

const worker = workerClient<SplatFileWorkerApi>({
  start: () => new Worker(new URL('../../workers/splatFile.worker.ts', import.meta.url), { type: 'module', name: 'splat-file' }),
  name: 'the file worker',
  advice: "The file may be too big for this browser's memory; try a smaller one, or reload the page.",
});
const client: SplatFileClient = {
  read: (file, onProgress) => worker.call((r) => r.read(file, file.name, proxy(onProgress)) as Promise<GaussianCloud>),
  write: (cloud, format, options, onProgress) => worker.call((r) => r.write(cloud, format, options, proxy(onProgress)) as Promise<Uint8Array>),
  encodeStream: (cloud, onProgress) => worker.call((r) => r.encodeStream(cloud, proxy(onProgress)) as Promise<EncodedStream>),
};

/** The app's one client (its worker starts on the first call). */
export function getSplatFileClient(): SplatFileClient {
  return client;
}
