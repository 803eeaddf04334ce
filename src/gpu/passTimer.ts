/**
 * Optional GPU timings per compute pass with timestamp queries, for benchmarks. Disabled (or on a
 * device without 'timestamp-query') every pass is a plain pass and nothing is read back.
 * One timer per command encoder: begin passes, resolve() before finish(), read() after submit.
 */
export interface PassTiming {
  label: string;
  ms: number;
}

export class PassTimer {
  private readonly querySet: GPUQuerySet | null;
  private labels: string[] = [];
  private pendingLabels: string[] = [];
  private pending: GPUBuffer | null = null;
  private resolved: GPUBuffer | null = null;

  constructor(
    private readonly device: GPUDevice,
    enabled: boolean,
    private readonly maxPasses = 32,
  ) {
    this.querySet = enabled && device.features.has('timestamp-query') ? device.createQuerySet({ type: 'timestamp', count: 2 * maxPasses }) : null;
  }

  get enabled(): boolean {
    return this.querySet !== null;
  }

  beginPass(encoder: GPUCommandEncoder, label: string): GPUComputePassEncoder {
    if (!this.querySet || this.labels.length >= this.maxPasses) return encoder.beginComputePass({ label });
    const k = this.labels.length;
    this.labels.push(label);
    return encoder.beginComputePass({
      label,
      timestampWrites: { querySet: this.querySet, beginningOfPassWriteIndex: 2 * k, endOfPassWriteIndex: 2 * k + 1 },
    });
  }

  resolve(encoder: GPUCommandEncoder): void {
    if (!this.querySet || this.labels.length === 0) return;
    const bytes = 16 * this.labels.length;
    this.resolved?.destroy();
    this.pending?.destroy();
    this.resolved = this.device.createBuffer({ size: bytes, usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC });
    this.pending = this.device.createBuffer({ size: bytes, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    encoder.resolveQuerySet(this.querySet, 0, 2 * this.labels.length, this.resolved, 0);
    encoder.copyBufferToBuffer(this.resolved, 0, this.pending, 0, bytes);
    this.pendingLabels = this.labels;
    this.labels = [];
  }

  /** Timings of the passes resolved last; empty when disabled. Call after the encoder was submitted. */
  async read(): Promise<PassTiming[]> {
    const buffer = this.pending;
    const labels = this.pendingLabels;
    this.pending = null;
    this.pendingLabels = [];
    if (!buffer) return [];
    await buffer.mapAsync(GPUMapMode.READ);
    const ns = new BigInt64Array(buffer.getMappedRange().slice(0));
    buffer.destroy();
    return labels.map((label, k) => ({ label, ms: Number(ns[2 * k + 1] - ns[2 * k]) / 1e6 }));
  }

  destroy(): void {
    this.resolved?.destroy();
    this.pending?.destroy();
    this.querySet?.destroy();
  }
}
