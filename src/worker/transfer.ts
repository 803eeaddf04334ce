/**
 * Transfers across a worker boundary, for both sides (src/worker/workerClient.ts on the page,
 * src/worker/workerHost.ts in the worker): the distinct ArrayBuffers under some typed arrays
 * move with a message instead of being copied. Moved buffers are empty on the sending side.
 */
import * as Comlink from 'comlink';
import type { GaussianCloud } from '../core/gaussianCloud.ts';

type Transferable = ArrayBufferView | ArrayBuffer | null | undefined;

/** The distinct ArrayBuffers of `arrays` (SharedArrayBuffers and missing arrays skipped). */
export function buffersOf(arrays: Iterable<Transferable>): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  for (const a of arrays) {
    const b = a instanceof ArrayBuffer ? a : a?.buffer;
    if (b instanceof ArrayBuffer) out.add(b);
  }
  return [...out];
}

/** `value`, with the buffers of `arrays` marked to be transferred when it is sent (comlink). */
export function transferring<T>(value: T, arrays: Iterable<Transferable>): T {
  return Comlink.transfer(value, buffersOf(arrays));
}

/** A cloud's arrays (to transfer the cloud with `transferring`). */
export function cloudArrays(c: GaussianCloud): Float32Array[] {
  return [c.means, c.logScales, c.quats, c.opacityLogits, c.sh];
}
