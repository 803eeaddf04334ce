/**
 * The WebGPU viewer backend (src/render/splatRenderer.ts contract). Every frame, in one
 * submission, for that frame's own camera:
 *
 *   1. splatProject  the trainer's projection (chunks projectSplat + sh: EWA, 0.3 px low-pass,
 *                    Mip-Splatting 2D filter when antialiased, SH colour) and its culling
 *   2. scan + compact the kept splats, in index order, with their depth keys
 *   3. depth sort    GPU radix sort (src/gpu/radixSort.ts) of the kept splats' depths, stable
 *   4. splatDraw     one instanced quad per kept splat, far to near, premultiplied "over"
 *                    blending into an rgba16float texture cleared to the opaque background
 *   5. splatPresent  float texture -> the canvas (when there is one)
 *
 * plus one 32-byte read-back (visible count, sort timestamps). The order drawn is always the one
 * sorted for the frame's camera, so FrameStats.orderAge is 0 by construction.
 *
 * Blending: back to front, colour = c a + dst (1 - a) with a = min(0.99, opacity exp(power))
 * per pixel centre, skipped below 1/255 (the trainer's chunk blend.wgsl), which equals the
 * trainer's front-to-back sum up to its early stop at transmittance 1e-4.
 */
import type { Camera } from '../../core/camera.ts';
import type { GaussianCloud } from '../../core/gaussianCloud.ts';
import { readBuffer, uniformBuffer } from '../../gpu/buffers.ts';
import { dispatchLinear } from '../../gpu/pipelines.ts';
import { packRasterUniforms, RASTER_UNIFORMS_BYTES } from '../../gpu/rasterUniforms.ts';
import type { FrameStats, SplatRenderer, SplatRenderOptions } from '../splatRenderer.ts';
import { checkCloud, flatLayout, renderedShDegree, truncateSh } from './cloudParams.ts';
import { createFrameReadback, type FrameReadback } from './frameReadback.ts';
import { readRgba8 } from './readRgba8.ts';
import { createSplatResources, type SplatResources } from './splatResources.ts';
import { ACCUMULATION_FORMAT, encodePresent, viewerPipelines, type ViewerPipelines } from './viewerPipelines.ts';

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

/** The depth order of the last frame, for tests: keys as floats (camera z), by rank. */
export interface DepthOrder {
  depths: Float32Array;
  splatIds: Uint32Array;
}

export interface WebGpuSplatRenderer extends SplatRenderer {
  readonly device: GPUDevice;
  /** Reads the last frame's sorted depth keys and splat ids back (stalls the GPU: tests only). */
  readDepthOrder(): Promise<DepthOrder>;
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
  private readonly lowPass: number;
  private readonly nearPlane: number;
  private resources: SplatResources | null = null;
  private splatCount = 0;
  private shDegree = 0;
  private antialiased = false;
  private frame: GPUTexture | null = null;
  private pixels: GPUTexture | null = null;
  private framesDrawn = 0;
  private destroyed = false;

  constructor(
    readonly device: GPUDevice,
    target: WebGpuRenderTarget,
    options: WebGpuSplatRendererOptions,
  ) {
    this.lowPass = options.lowPass ?? 0.3;
    this.nearPlane = options.nearPlane ?? 0.01;
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
    checkCloud(cloud);
    const degree = renderedShDegree(cloud, options.maxShDegree);
    const n = cloud.count;
    if (!this.resources || this.resources.capacity < n || this.resources.shDegree !== degree) {
      const capacity = this.resources && this.resources.shDegree === degree ? Math.max(n, Math.ceil(this.resources.capacity * 1.25)) : Math.max(n, 1);
      this.resources?.destroy();
      this.resources = null;
      this.resources = createSplatResources(this.device, this.pipelines, this.uniforms, capacity, degree);
    }
    const r = this.resources;
    const L = flatLayout(r.capacity, degree);
    const q = this.device.queue;
    const write = (offsetFloats: number, data: Float32Array) => {
      if (data.length) q.writeBuffer(r.paramsFlat, 4 * offsetFloats, data.buffer, data.byteOffset, data.byteLength);
    };
    write(L.means, cloud.means);
    write(L.logScales, cloud.logScales);
    write(L.quats, cloud.quats);
    write(L.opacityLogits, cloud.opacityLogits);
    write(L.sh, truncateSh(cloud, degree));
    q.writeBuffer(r.splatCount, 0, new Uint32Array([n, 0, 0, 0]));
    q.writeBuffer(r.compactParams, 0, new Uint32Array([n, 0, 0, 0]));
    this.splatCount = n;
    this.shDegree = degree;
    this.antialiased = options.antialiased ?? false;
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
        lowPass: this.lowPass,
        nearPlane: this.nearPlane,
        antialiased: this.antialiased,
        splatCount: n,
        shDegree: this.shDegree,
        splatCapacity: r?.capacity ?? 0,
        intersectionCapacity: 0,
      }),
    );
    const encoder = d.createCommandEncoder({ label: 'viewer frame' });
    if (r && n > 0) {
      let pass = encoder.beginComputePass({ label: 'splatProject + visible scan + splatCompact' });
      pass.setPipeline(this.pipelines.project);
      pass.setBindGroup(0, r.groups.project);
      dispatchLinear(pass, n, 256);
      r.visibleScan.encode(pass);
      pass.setPipeline(this.pipelines.compact);
      pass.setBindGroup(0, r.groups.compact);
      dispatchLinear(pass, n, 256);
      pass.end();
      pass = encoder.beginComputePass({ label: `viewer depth sort (${r.depthSort.passes} passes)`, timestampWrites: this.readback.sortTimestampWrites });
      r.depthSort.encode(pass);
      pass.end();
    }
    const draw = encoder.beginRenderPass({
      label: 'splatDraw',
      colorAttachments: [{ view: frame.createView(), loadOp: 'clear', storeOp: 'store', clearValue: [background[0], background[1], background[2], 1] }],
    });
    if (r && n > 0) {
      draw.setPipeline(this.pipelines.draw);
      draw.setBindGroup(0, r.groups.draw);
      draw.drawIndirect(r.drawArgs, 0);
    }
    draw.end();
    if (this.canvas && this.context) {
      if (this.canvas.width !== width) this.canvas.width = width;
      if (this.canvas.height !== height) this.canvas.height = height;
      encodePresent(d, encoder, frame, this.context.getCurrentTexture());
    }
    const readback = this.readback.encode(encoder, r && n > 0 ? r.visibleScan.totalBuffer : null);
    d.queue.submit([encoder.finish()]);
    this.framesDrawn++;
    const { visibleSplats, sortMs } = await this.readback.read(readback);
    return { visibleSplats, sortMs, orderAge: 0 };
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
    if (!r || this.splatCount === 0 || this.framesDrawn === 0) return { depths: new Float32Array(0), splatIds: new Uint32Array(0) };
    const count = new Uint32Array(await readBuffer(this.device, r.visibleScan.totalBuffer, 4))[0];
    const [keys, ids] = await Promise.all([readBuffer(this.device, r.depthKeyFromDepthRank, 4 * count), readBuffer(this.device, r.splatIdFromDepthRank, 4 * count)]);
    return { depths: new Float32Array(keys), splatIds: new Uint32Array(ids) };
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.resources?.destroy();
    this.frame?.destroy();
    this.pixels?.destroy();
    this.readback.destroy();
    this.uniforms.destroy();
    this.context?.unconfigure();
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

  private assertAlive(): void {
    if (this.destroyed) throw new Error('This WebGPU splat renderer was destroyed');
  }
}
