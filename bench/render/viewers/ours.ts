/**
 * This viewer's two backends (src/render): WebGPU (GPU radix sort inside every frame) and WebGL2
 * (worker counting sort; render() waits for the order of its own camera). Both report, per frame,
 * FrameStats.orderAge (camera updates between the order's camera and the frame's) and sortMs;
 * the WebGPU backend also reports each stage's GPU time (FrameStats.stageMs), summarised in a note.
 */
import { readSplatFile } from '../../../src/io/splatFile.ts';
import { getGpuDevice } from '../../../src/gpu/device.ts';
import type { SplatRenderer } from '../../../src/render/splatRenderer.ts';
import { createWebGpuSplatRenderer } from '../../../src/render/webgpu/index.ts';
import { createWebGl2SplatRenderer } from '../../../src/render/webgl2/index.ts';
import { median } from '../staleFrames.ts';
import { finishWithOnePixel, type AdapterContext, type DrawResult, type ViewerAdapter } from './types.ts';

export async function createOurAdapter(backend: 'webgpu' | 'webgl2', ctx: AdapterContext): Promise<ViewerAdapter> {
  let renderer: SplatRenderer;
  let finish: () => Promise<void>;
  let device: GPUDevice | null = null;
  if (backend === 'webgpu') {
    device = (await getGpuDevice()).device;
    const d = device;
    renderer = createWebGpuSplatRenderer(d, ctx.canvas);
    finish = () => d.queue.onSubmittedWorkDone();
  } else {
    renderer = createWebGl2SplatRenderer(ctx.canvas);
    // The renderer's own context (getContext returns the existing one).
    const gl = ctx.canvas.getContext('webgl2') as WebGL2RenderingContext;
    finish = async () => finishWithOnePixel(gl);
  }
  const timestamps = backend === 'webgpu' && !!device?.features.has('timestamp-query');
  let measuring = false;
  const sorts: number[] = [];
  const stages = new Map<string, number[]>();
  let sortsMissing = 0;
  return {
    sortNote:
      backend === 'webgpu'
        ? timestamps
          ? 'GPU radix sort pass, timestamp queries (FrameStats.sortMs)'
          : 'n/a: the adapter has no timestamp-query'
        : 'worker counting sort incl. culling and depths, worker clock (FrameStats.sortMs)',
    async load(url) {
      const bytes = new Uint8Array(await (await fetch(url)).arrayBuffer());
      renderer.setCloud(readSplatFile(bytes, url));
    },
    async drawFrame(k): Promise<DrawResult> {
      const stats = await renderer.render(ctx.cameras[k], ctx.background);
      await finish();
      const completeAt = performance.now();
      if (measuring) {
        if (stats.sortMs === null) sortsMissing++;
        else sorts.push(stats.sortMs);
        for (const [stage, ms] of Object.entries(stats.stageMs ?? {})) stages.set(stage, [...(stages.get(stage) ?? []), ms]);
      }
      return { completeAt, frame: { camera: k, orderCamera: k - stats.orderAge, partial: false }, sortMs: stats.sortMs };
    },
    async captured() {
      return renderer.readPixels();
    },
    idle() {
      return true;
    },
    startMeasuring() {
      measuring = true;
    },
    sortSamples() {
      return sorts.length && !sortsMissing ? sorts : null;
    },
    notes() {
      const notes = sortsMissing && sorts.length ? [`${sortsMissing} frames without a sort time`] : [];
      if (stages.size) notes.push(`median GPU time by stage (timestamp queries): ${[...stages].map(([stage, ms]) => `${stage} ${median(ms)?.toFixed(1)} ms`).join(', ')}`);
      return notes;
    },
    destroy() {
      renderer.destroy();
      device?.destroy();
    },
  };
}
