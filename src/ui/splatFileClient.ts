/**
 * The page's side of workers/splatFile.worker.ts: one worker, started on the first file, that
 * reads and writes splat files with progress. A worker that dies fails the calls in flight with a
 * message, and the next call starts a new one.
 */
import * as Comlink from 'comlink';
import type { GaussianCloud } from '../core/gaussianCloud.ts';
import type { SplatFileFormat, WriteSplatFileOptions } from '../io/splatFile.ts';
import type { SplatFileProgress, SplatFileWorkerApi } from '../../workers/splatFile.worker.ts';

export type { SplatFileProgress };

export interface SplatFileClient {
  read(file: File, onProgress: SplatFileProgress): Promise<GaussianCloud>;
  write(cloud: GaussianCloud, format: SplatFileFormat, options: Pick<WriteSplatFileOptions, 'ply'>, onProgress: SplatFileProgress): Promise<Uint8Array>;
}

let shared: SplatFileClient | null = null;

export function getSplatFileClient(): SplatFileClient {
  return (shared ??= createSplatFileClient());
}

function createSplatFileClient(): SplatFileClient {
  let remote: Comlink.Remote<SplatFileWorkerApi> | null = null;
  const pending = new Set<(e: Error) => void>();

  const start = () => {
    if (remote) return remote;
    const w = new Worker(new URL('../../workers/splatFile.worker.ts', import.meta.url), { type: 'module', name: 'splat-file' });
    const r = Comlink.wrap<SplatFileWorkerApi>(w);
    const die = (why: string) => {
      const err = new Error(`the file worker stopped (${why}). The file may be too big for this browser's memory; try a smaller one, or reload the page.`);
      for (const reject of pending) reject(err);
      pending.clear();
      w.terminate();
      if (remote === r) remote = null;
    };
    w.addEventListener('error', (e) => die(e.message || 'it crashed'));
    w.addEventListener('messageerror', () => die('a message could not be read'));
    remote = r;
    return r;
  };

  async function guarded<T>(call: (r: Comlink.Remote<SplatFileWorkerApi>) => Promise<T>): Promise<T> {
    const r = start();
    let reject: (e: Error) => void = () => {};
    const died = new Promise<never>((_, fail) => (reject = fail));
    pending.add(reject);
    try {
      return await Promise.race([call(r), died]);
    } finally {
      pending.delete(reject);
    }
  }

  return {
    read: (file, onProgress) => guarded((r) => r.read(file, file.name, Comlink.proxy(onProgress)) as Promise<GaussianCloud>),
    write: (cloud, format, options, onProgress) => guarded((r) => r.write(cloud, format, options, Comlink.proxy(onProgress)) as Promise<Uint8Array>),
  };
}
