/**
 * The WebGPU viewer backend (src/render/splatRenderer.ts contract). Every frame, in one
 * submission, for that frame's own camera:
 *
 *   1. splatProject  the trainer's projection (chunks projectSplat + sh: EWA, 0.3 px low-pass,
 *                    Mip-Splatting 2D filter when antialiased, SH colour) and its culling
 *   2. scan + compact the kept splats, in index order, with their depth keys
 *   3. depth sort    GPU radix sort (src/gpu/radixSort.ts) of the kept splats' depths, stable,
 *                    on 16-bit log-depth keys (depthKey.ts: 4 passes instead of 8)
 *   4. splatDraw     one quad per kept splat (indexed triangles), near to far, premultiplied
 *                    "under" blending into an rgba16float texture, in batches with a saturation
 *                    pass between them (pixels that are opaque already skip farther splats;
 *                    quads over opaque tiles only are not even rasterized),
 *                    then the background under it all
 *   5. splatPresent  float texture -> the canvas (when there is one)
 *
 * plus one small read-back (visible count, each stage's GPU time when timestamps exist). The
 * order drawn is always the one sorted for the frame's camera, so FrameStats.orderAge is 0 by
 * construction.
 *
 * Blending: front to back, C += (1 - A) c a, A += (1 - A) a with a = min(0.99, opacity exp(power))
 * per pixel centre, skipped below 1/255 (the trainer's chunk blend.wgsl): the trainer's sum, up
 * to where each stops: the trainer before transmittance would fall below 1e-4, the viewer after
 * the draw batch in which it fell below 4.9e-4 (splatSaturation.wgsl).
 */
import type { Camera } from '../../core/camera.ts';
import { assertCloudShape, flatParamLayout, LOW_PASS, NEAR_PLANE, type GaussianCloud, type ProjectionSettings } from '../../core/gaussianCloud.ts';
import { readBuffer, storageBuffer, uniformBuffer, writeCloudArrays } from '../../gpu/buffers.ts';
import { dispatchLinear } from '../../gpu/pipelines.ts';
import { packRasterUniforms, RASTER_UNIFORMS_BYTES } from '../../gpu/rasterUniforms.ts';
import type { FrameStats, SplatRenderer, SplatRenderOptions } from '../splatRenderer.ts';
import { renderedShDegree, truncateSh } from './cloudParams.ts';
import { createFrameReadback, type FrameReadback, type FrameStage } from './frameReadback.ts';
import { readRgba8 } from './readRgba8.ts';
import { createSplatResources, type SplatResources } from './splatResources.ts';
import { DRAW_BATCH_ENDS, packCompactParams } from './drawBatches.ts';
import { ACCUMULATION_FORMAT, encodePresent, SATURATION_FORMAT, SATURATION_TILE_SIZE, viewerPipelines, type ViewerPipelines } from './viewerPipelines.ts';

/** A canvas to draw into, or 'offscreen': frames stay in a texture (readPixels, tests, evaluation). */
export type WebGpuRenderTarget = HTMLCanvasElement | OffscreenCanvas | 'offscreen';

export interface WebGpuSplatRendererOptions {
  /** Screen-space low-pass added to every 2D covariance, px^2 (the trainer's default 0.3). */
  lowPass?: number;
  /** Splats nearer than this (camera z) are culled (the trainer's default 0.01). */
  nearPlane?: number;
  /** Canvas format (default navigator.gpu.getPreferredCanvasFormat()). */
  canvasFormat?: GPUTextureFormat;
}

/** The depth order of the last frame, for tests: by rank, the sort keys (depthKey.ts) and splats. */
export interface DepthOrder {
  keys: Uint32Array;
  splatIds: Uint32Array;
  /** The kept splats' nearest and farthest camera z (f32), the keys' range. */
  depthRange: [number, number];
}

export interface WebGpuSplatRenderer extends SplatRenderer {
  readonly device: GPUDevice;
  /** Reads the last frame's sorted depth keys and splat ids back (stalls the GPU: tests only). */
  readDepthOrder(): Promise<DepthOrder>;
  /** Reads quadAxesFromSplat of the last frame back, 4 floats per splat (valid for kept splats; tests only). */
  readQuadAxes(): Promise<Float32Array>;
}

/** depthRange before splatProject's atomicMin / atomicMax: (largest u32, 0). */
const EMPTY_DEPTH_RANGE = new Uint32Array([0xffffffff, 0]);

/** Per frame size: the saturation depth mask, the tile flags and the bind groups that use them. */
interface SaturationTargets {
  frame: GPUTexture;
  view: GPUTextureView;
  tileOpenFromTile: GPUBuffer;
  /** Queues "every tile open" (before the first batch nothing is saturated). */
  openAllTiles(): void;
  maskGroup: GPUBindGroup;
  drawTilesGroup: GPUBindGroup;
  destroy(): void;
}

export function createWebGpuSplatRenderer(device: GPUDevice, target: WebGpuRenderTarget, options: WebGpuSplatRendererOptions = {}): WebGpuSplatRenderer {
  return new WebGpuSplatRendererImpl(device, target, options);
}

class WebGpuSplatRendererImpl implements WebGpuSplatRenderer {
  readonly backend = 'webgpu' as const;
  private readonly pipelines: ViewerPipelines;
  private readonly uniforms: GPUBuffer;
  private readonly readback: FrameReadback;
  private readonly canvas: HTMLCanvasElement | OffscreenCanvas | null;
  private readonly context: GPUCanvasContext | null;
  /** The trainer's projection; antialiased is the current cloud's. */
  private readonly projection: ProjectionSettings;
  private resources: SplatResources | null = null;
  private splatCount = 0;
  private shDegree = 0;
  private frame: GPUTexture | null = null;
  private pixels: GPUTexture | null = null;
  private saturation: SaturationTargets | null = null;
  private framesDrawn = 0;
  private destroyed = false;

  constructor(
    readonly device: GPUDevice,
    target: WebGpuRenderTarget,
    options: WebGpuSplatRendererOptions,
  ) {
    this.projection = { lowPass: options.lowPass ?? LOW_PASS, nearPlane: options.nearPlane ?? NEAR_PLANE, antialiased: false };
    this.pipelines = viewerPipelines(device);
    this.uniforms = uniformBuffer(device, 'viewer raster uniforms', new ArrayBuffer(RASTER_UNIFORMS_BYTES));
    this.readback = createFrameReadback(device);
    if (target === 'offscreen') {
      this.canvas = null;
      this.context = null;
    } else {
      this.canvas = target;
      const context = target.getContext('webgpu') as GPUCanvasContext | null;
      if (!context) throw new Error('createWebGpuSplatRenderer: the canvas has no WebGPU context (is it already used by WebGL or 2D?)');
      const format = options.canvasFormat ?? (navigator as Navigator & { gpu: GPU }).gpu.getPreferredCanvasFormat();
      context.configure({ device, format, alphaMode: 'premultiplied' });
      this.context = context;
    }
  }

  setCloud(cloud: GaussianCloud, options: SplatRenderOptions = {}): void {
    this.assertAlive();
    assertCloudShape(cloud);
    const degree = renderedShDegree(cloud, options.maxShDegree);
    const n = cloud.count;
    if (!this.resources || this.resources.capacity < n || this.resources.shDegree !== degree) {
      const capacity = this.resources && this.resources.shDegree === degree ? Math.max(n, Math.ceil(this.resources.capacity * 1.25)) : Math.max(n, 1);
      this.resources?.destroy();
      this.resources = null;
      this.resources = createSplatResources(this.device, this.pipelines, this.uniforms, capacity, degree);
    }
    const r = this.resources;
    const q = this.device.queue;
    writeCloudArrays(q, r.paramsFlat, flatParamLayout(r.capacity, degree), { ...cloud, sh: truncateSh(cloud, degree) });
    q.writeBuffer(r.splatCount, 0, new Uint32Array([n, 0, 0, 0]));
    q.writeBuffer(r.compactParams, 0, packCompactParams(n));
    this.splatCount = n;
    this.shDegree = degree;
    this.projection.antialiased = options.antialiased ?? false;
  }

  async render(camera: Camera, background: readonly [number, number, number]): Promise<FrameStats> {
    this.assertAlive();
    const { width, height } = camera;
    if (!(Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0)) throw new Error(`render: bad image size ${width}x${height}`);
    const frame = this.frameTexture(width, height);
    const r = this.resources;
    const n = r ? this.splatCount : 0;
    const d = this.device;
    d.queue.writeBuffer(
      this.uniforms,
      0,
      packRasterUniforms({
        camera,
        background,
        ...this.projection,
        splatCount: n,
        shDegree: this.shDegree,
        splatCapacity: r?.capacity ?? 0,
        intersectionCapacity: 0,
      }),
    );
    if (r) d.queue.writeBuffer(r.depthRange, 0, EMPTY_DEPTH_RANGE);
    const encoder = d.createCommandEncoder({ label: 'viewer frame' });
    const stagesRun: FrameStage[] = [];
    const timestamps = (stage: FrameStage) => (stagesRun.push(stage), this.readback.timestampWrites(stage));
    if (r && n > 0) {
      let pass = encoder.beginComputePass({ label: 'splatProject + visible scan + splatCompact', timestampWrites: timestamps('project') });
      pass.setPipeline(this.pipelines.project);
      pass.setBindGroup(0, r.groups.project);
      dispatchLinear(pass, n, 256);
      r.visibleScan.encode(pass);
      pass.setPipeline(this.pipelines.compact);
      pass.setBindGroup(0, r.groups.compact);
      dispatchLinear(pass, n, 256);
      pass.end();
      pass = encoder.beginComputePass({ label: `viewer depth sort (${r.depthSort.passes} passes)`, timestampWrites: timestamps('sort') });
      r.depthSort.encode(pass);
      pass.end();
      this.encodeDrawBatches(encoder, frame, r, timestamps('draw'));
    } else {
      const clear = encoder.beginRenderPass({
        label: 'viewer background (no splats)',
        colorAttachments: [{ view: frame.createView(), loadOp: 'clear', storeOp: 'store', clearValue: [background[0], background[1], background[2], 1] }],
      });
      clear.end();
    }
    if (this.canvas && this.context) {
      if (this.canvas.width !== width) this.canvas.width = width;
      if (this.canvas.height !== height) this.canvas.height = height;
      encodePresent(d, encoder, frame, this.context.getCurrentTexture(), timestamps('present'));
    }
    const readback = this.readback.encode(encoder, r && n > 0 ? r.visibleScan.totalBuffer : null, stagesRun);
    d.queue.submit([encoder.finish()]);
    this.framesDrawn++;
    const { visibleSplats, sortMs, stageMs } = await this.readback.read(readback);
    return { visibleSplats, sortMs, orderAge: 0, ...(stageMs ? { stageMs } : {}) };
  }

  async readPixels(): Promise<Uint8Array> {
    this.assertAlive();
    const frame = this.frame;
    if (!frame || this.framesDrawn === 0) throw new Error('readPixels: no frame has been rendered yet');
    if (!this.pixels || this.pixels.width !== frame.width || this.pixels.height !== frame.height) {
      this.pixels?.destroy();
      this.pixels = this.device.createTexture({
        label: 'viewer pixels (rgba8unorm)',
        size: [frame.width, frame.height],
        format: 'rgba8unorm',
        usage: GPUTextureUsage.RENDER_ATTACHMENT | GPUTextureUsage.COPY_SRC,
      });
    }
    const encoder = this.device.createCommandEncoder({ label: 'viewer pixels' });
    encodePresent(this.device, encoder, frame, this.pixels);
    this.device.queue.submit([encoder.finish()]);
    return readRgba8(this.device, this.pixels);
  }

  async readDepthOrder(): Promise<DepthOrder> {
    this.assertAlive();
    const r = this.resources;
    if (!r || this.splatCount === 0 || this.framesDrawn === 0) return { keys: new Uint32Array(0), splatIds: new Uint32Array(0), depthRange: [0, 0] };
    const count = new Uint32Array(await readBuffer(this.device, r.visibleScan.totalBuffer, 4))[0];
    const [keys, ids, range] = await Promise.all([
      readBuffer(this.device, r.depthKeyFromDepthRank, 4 * count),
      readBuffer(this.device, r.splatIdFromDepthRank, 4 * count),
      readBuffer(this.device, r.depthRange, 8),
    ]);
    const [zMin, zMax] = new Float32Array(range);
    return { keys: new Uint32Array(keys), splatIds: new Uint32Array(ids), depthRange: [zMin, zMax] };
  }

  async readQuadAxes(): Promise<Float32Array> {
    this.assertAlive();
    const r = this.resources;
    if (!r || this.splatCount === 0 || this.framesDrawn === 0) return new Float32Array(0);
    return new Float32Array(await readBuffer(this.device, r.quadAxesFromSplat, 16 * this.splatCount));
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.resources?.destroy();
    this.frame?.destroy();
    this.saturation?.destroy();
    this.pixels?.destroy();
    this.readback.destroy();
    this.uniforms.destroy();
    this.context?.unconfigure();
  }

  /**
   * The splats front to back in draw batches (drawBatches.ts); after each batch but the last, the
   * saturation pass marks saturated pixels in the depth attachment, so farther splats skip them;
   * the background goes under everything at the end. Timestamps: begin of the first pass, end of
   * the last.
   */
  private encodeDrawBatches(encoder: GPUCommandEncoder, frame: GPUTexture, r: SplatResources, timestamps: GPURenderPassTimestampWrites | undefined): void {
    const saturation = this.saturationTargets(frame);
    saturation.openAllTiles(); // queue write: lands before this frame's commands
    const batches = DRAW_BATCH_ENDS.length;
    const frameView = frame.createView();
    for (let b = 0; b < batches; b++) {
      const first = b === 0;
      const last = b === batches - 1;
      const draw = encoder.beginRenderPass({
        label: `splatDraw batch ${b}`,
        colorAttachments: [{ view: frameView, loadOp: first ? 'clear' : 'load', storeOp: 'store', clearValue: [0, 0, 0, 0] }],
        depthStencilAttachment: { view: saturation.view, depthLoadOp: first ? 'clear' : 'load', depthStoreOp: 'store', depthClearValue: 1 },
        timestampWrites: timestamps && (first || last) ? { querySet: timestamps.querySet, beginningOfPassWriteIndex: first ? timestamps.beginningOfPassWriteIndex : undefined, endOfPassWriteIndex: last ? timestamps.endOfPassWriteIndex : undefined } : undefined,
      });
      draw.setPipeline(this.pipelines.draw);
      draw.setBindGroup(0, r.groups.draw);
      draw.setBindGroup(1, saturation.drawTilesGroup);
      draw.setIndexBuffer(r.quadCornerFromIndex, 'uint32');
      draw.drawIndexedIndirect(r.drawArgs, 20 * b);
      if (last) {
        draw.setPipeline(this.pipelines.background);
        draw.draw(3);
      }
      draw.end();
      if (last) break;
      encoder.clearBuffer(saturation.tileOpenFromTile);
      const mask = encoder.beginRenderPass({
        label: `splatSaturation after batch ${b}`,
        colorAttachments: [],
        depthStencilAttachment: { view: saturation.view, depthLoadOp: 'load', depthStoreOp: 'store' },
      });
      mask.setPipeline(this.pipelines.saturation);
      mask.setBindGroup(0, saturation.maskGroup);
      mask.draw(3);
      mask.end();
    }
  }

  private frameTexture(width: number, height: number): GPUTexture {
    if (!this.frame || this.frame.width !== width || this.frame.height !== height) {
      this.frame?.destroy();
      this.frame = this.device.createTexture({
        label: 'viewer frame (float accumulation)',
        size: [width, height],
        format: ACCUMULATION_FORMAT,
        usage: GPUTextureUsage.RENDER_ATTACHMENT | GPUTextureUsage.TEXTURE_BINDING,
      });
    }
    return this.frame;
  }

  /** The saturation mask and tile flags of the frame texture's size, with their bind groups. */
  private saturationTargets(frame: GPUTexture): SaturationTargets {
    if (!this.saturation || this.saturation.frame !== frame) {
      this.saturation?.destroy();
      const d = this.device;
      const texture = d.createTexture({ label: 'viewer saturation mask', size: [frame.width, frame.height], format: SATURATION_FORMAT, usage: GPUTextureUsage.RENDER_ATTACHMENT });
      const tiles = Math.ceil(frame.width / SATURATION_TILE_SIZE) * Math.ceil(frame.height / SATURATION_TILE_SIZE);
      const tileOpenFromTile = storageBuffer(d, 'tileOpenFromTile', 4 * tiles);
      const allOpen = new Uint32Array(tiles).fill(1);
      this.saturation = {
        frame,
        view: texture.createView(),
        tileOpenFromTile,
        openAllTiles: () => d.queue.writeBuffer(tileOpenFromTile, 0, allOpen),
        maskGroup: d.createBindGroup({
          label: 'splatSaturation',
          layout: this.pipelines.saturation.getBindGroupLayout(0),
          entries: [
            { binding: 0, resource: frame.createView() },
            { binding: 1, resource: { buffer: tileOpenFromTile } },
          ],
        }),
        drawTilesGroup: d.createBindGroup({ label: 'splatDraw tiles', layout: this.pipelines.drawTilesLayout, entries: [{ binding: 0, resource: { buffer: tileOpenFromTile } }] }),
        destroy: () => {
          texture.destroy();
          tileOpenFromTile.destroy();
        },
      };
    }
    return this.saturation;
  }

  private assertAlive(): void {
    if (this.destroyed) throw new Error('This WebGPU splat renderer was destroyed');
  }
}
