/**
 * The one small read-back of a frame: the visible-splat count and, on devices with
 * 'timestamp-query', the GPU begin and end of each stage of the frame (project, sort, draw,
 * present), so FrameStats can say where a frame's time goes. Buffers come from a pool, so a frame
 * can be submitted while earlier frames' read-backs are still mapping.
 *
 * Layout of a read-back: u32 visible count | u32 pad x 3 | u64 (begin, end) ns per stage.
 */
export const FRAME_STAGES = ['project', 'sort', 'draw', 'present'] as const;
export type FrameStage = (typeof FRAME_STAGES)[number];

const HEADER_BYTES = 16;
const READBACK_BYTES = HEADER_BYTES + 16 * FRAME_STAGES.length;

export interface FrameReadback {
  /** Timestamp writes for a stage's pass (undefined without 'timestamp-query'). */
  timestampWrites(stage: FrameStage): (GPUComputePassTimestampWrites & GPURenderPassTimestampWrites) | undefined;
  /** Encodes the copies of this frame's numbers into a pooled buffer; returns it for read(). */
  encode(encoder: GPUCommandEncoder, visibleCount: GPUBuffer | null, stagesRun: readonly FrameStage[]): GPUBuffer;
  /** After submit: visible count, sort time and every stage's time (ms; null without timestamps). */
  read(buffer: GPUBuffer): Promise<{ visibleSplats: number; sortMs: number | null; stageMs: Partial<Record<FrameStage, number>> | null }>;
  destroy(): void;
}

export function createFrameReadback(device: GPUDevice): FrameReadback {
  const timed = device.features.has('timestamp-query');
  const queryCount = 2 * FRAME_STAGES.length;
  const querySet = timed ? device.createQuerySet({ label: 'viewer stage timestamps', type: 'timestamp', count: queryCount }) : null;
  const resolved = timed ? device.createBuffer({ label: 'viewer stage timestamps resolved', size: 8 * queryCount, usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC }) : null;
  const free: GPUBuffer[] = [];
  const all: GPUBuffer[] = [];
  const stagesOf = new WeakMap<GPUBuffer, readonly FrameStage[]>();
  return {
    timestampWrites(stage) {
      if (!querySet) return undefined;
      const k = FRAME_STAGES.indexOf(stage);
      return { querySet, beginningOfPassWriteIndex: 2 * k, endOfPassWriteIndex: 2 * k + 1 };
    },
    encode(encoder, visibleCount, stagesRun) {
      let buffer = free.pop();
      if (!buffer) {
        buffer = device.createBuffer({ label: 'viewer frame read-back', size: READBACK_BYTES, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
        all.push(buffer);
      }
      if (visibleCount) encoder.copyBufferToBuffer(visibleCount, 0, buffer, 0, 4);
      else encoder.clearBuffer(buffer, 0, HEADER_BYTES);
      // Only the stages that ran this frame wrote their timestamps; the others are not read.
      if (querySet && resolved && stagesRun.length) {
        encoder.resolveQuerySet(querySet, 0, queryCount, resolved, 0);
        encoder.copyBufferToBuffer(resolved, 0, buffer, HEADER_BYTES, 8 * queryCount);
      }
      stagesOf.set(buffer, querySet ? stagesRun : []);
      return buffer;
    },
    async read(buffer) {
      await buffer.mapAsync(GPUMapMode.READ);
      const bytes = buffer.getMappedRange().slice(0);
      buffer.unmap();
      const stages = stagesOf.get(buffer) ?? [];
      free.push(buffer);
      const visibleSplats = new Uint32Array(bytes, 0, 1)[0];
      let stageMs: Partial<Record<FrameStage, number>> | null = null;
      if (stages.length) {
        const stamps = new BigUint64Array(bytes, HEADER_BYTES, queryCount);
        stageMs = {};
        for (const s of stages) {
          const k = FRAME_STAGES.indexOf(s);
          const [begin, end] = [stamps[2 * k], stamps[2 * k + 1]];
          if (end >= begin) stageMs[s] = Number(end - begin) / 1e6;
        }
      }
      return { visibleSplats, sortMs: stageMs?.sort ?? null, stageMs };
    },
    destroy() {
      for (const b of all) b.destroy();
      resolved?.destroy();
      querySet?.destroy();
    },
  };
}
