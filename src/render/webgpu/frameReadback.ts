/**
 * The one small read-back of a frame: the visible-splat count and, on devices with
 * 'timestamp-query', the GPU start and end of the depth-sort pass. Buffers come from a pool, so a
 * frame can be submitted while earlier frames' read-backs are still mapping.
 *
 * Layout of a read-back (32 bytes): u32 visible count | u32 pad x 3 | u64 sort begin | u64 sort end (ns).
 */
const READBACK_BYTES = 32;

export interface FrameReadback {
  /** Timestamp writes for the sort pass (undefined without 'timestamp-query'). */
  sortTimestampWrites: GPUComputePassTimestampWrites | undefined;
  /** Encodes the copies of this frame's numbers into a pooled buffer; returns it for read(). */
  encode(encoder: GPUCommandEncoder, visibleCount: GPUBuffer | null): GPUBuffer;
  /** After submit: visible count and sort time (ms, null without timestamps). */
  read(buffer: GPUBuffer): Promise<{ visibleSplats: number; sortMs: number | null }>;
  destroy(): void;
}

export function createFrameReadback(device: GPUDevice): FrameReadback {
  const timed = device.features.has('timestamp-query');
  const querySet = timed ? device.createQuerySet({ label: 'viewer sort timestamps', type: 'timestamp', count: 2 }) : null;
  const resolved = timed ? device.createBuffer({ label: 'viewer sort timestamps resolved', size: 16, usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC }) : null;
  const free: GPUBuffer[] = [];
  const all: GPUBuffer[] = [];
  const sortTimed = new WeakMap<GPUBuffer, boolean>();
  return {
    sortTimestampWrites: querySet ? { querySet, beginningOfPassWriteIndex: 0, endOfPassWriteIndex: 1 } : undefined,
    encode(encoder, visibleCount) {
      let buffer = free.pop();
      if (!buffer) {
        buffer = device.createBuffer({ label: 'viewer frame read-back', size: READBACK_BYTES, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
        all.push(buffer);
      }
      if (visibleCount) encoder.copyBufferToBuffer(visibleCount, 0, buffer, 0, 4);
      else encoder.clearBuffer(buffer, 0, 16);
      // The sort pass (and its timestamps) runs only when there is a cloud (visibleCount given).
      const timedFrame = !!(querySet && resolved && visibleCount);
      if (timedFrame) {
        encoder.resolveQuerySet(querySet!, 0, 2, resolved!, 0);
        encoder.copyBufferToBuffer(resolved!, 0, buffer, 16, 16);
      }
      sortTimed.set(buffer, timedFrame);
      return buffer;
    },
    async read(buffer) {
      await buffer.mapAsync(GPUMapMode.READ);
      const bytes = buffer.getMappedRange().slice(0);
      buffer.unmap();
      const timedFrame = sortTimed.get(buffer);
      free.push(buffer);
      const visibleSplats = new Uint32Array(bytes, 0, 1)[0];
      let sortMs: number | null = null;
      if (timedFrame) {
        const [begin, end] = new BigUint64Array(bytes, 16, 2);
        sortMs = end >= begin ? Number(end - begin) / 1e6 : null;
      }
      return { visibleSplats, sortMs };
    },
    destroy() {
      for (const b of all) b.destroy();
      resolved?.destroy();
      querySet?.destroy();
    },
  };
}
