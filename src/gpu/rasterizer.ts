/**
 * The tile-based differentiable splat rasterizer on WebGPU: host side.
 *
 * Forward, one submission:
 *   projectForward        splat -> projected record, depth key, tile rectangle
 *   depth sort            stable radix sort of splat ids by depth (ties keep index order)
 *   intersectionCount     tiles per splat, in depth order; prefix sum -> first slot per splat
 *   intersectionSetup     total -> stats, clamp to capacity, indirect dispatch sizes
 *   intersectionEmit      (tile id, splat id) per intersection, in depth order
 *   tile sort             stable radix sort by tile id over ceil(log2(tiles)) bits only, so each
 *                         tile's list stays in (depth, index) order, as the reference's
 *   tileRanges            [start, end) of every tile's run
 *   rasterizeForward      per tile, front-to-back blending in workgroup memory (with `depth`: the
 *                         variant that also writes expected depth, sum_i z_i alpha_i T_i)
 * then one 16-byte read-back (visible splats, intersections, overflow). On overflow the
 * intersection buffers grow and the forward re-runs, so a truncated list is never used.
 *
 * Backward, one submission, no read-back: rasterizeBackward (per tile, back to front, summed in
 * workgroup memory, float atomics) then projectBackward (per splat, to the parameters). Given
 * dL/d(depth), the rasterizeBackwardDepth variant also differentiates expected depth (to alpha
 * and to each splat's z, which projectBackward chains to the mean). A rasterizer made without
 * `depth` compiles neither depth variant, allocates no depth buffer and runs the kernels as before. With a
 * CameraGradTarget, the projectBackwardCamera variant also sums the view's camera gradient
 * (rotation, translation, log focal: CAMERA_GRAD_FLOATS, projectReference.ts) into 8 floats of the
 * caller's cameraGradFromView buffer; without one, nothing of it is compiled or dispatched.
 *
 * Parameters and gradients are flat f32 buffers with the layout of flatParamLayout
 * (src/core/cloud/flatLayout.ts, sections sized by the splat capacity), so an optimiser kernel can walk them as one array.
 */
import type { Camera } from '../core/camera.ts';
import {
  assertCloudArrays,
  flatParamLayout,
  LOW_PASS,
  NEAR_PLANE,
  unflattenCloudArrays,
  type CloudArrays,
  type FlatParamLayout,
  type GaussianCloud,
  type ProjectionSettings,
} from '../core/gaussianCloud.ts';
import { readBuffer, storageBuffer, writeCloudArrays } from './buffers.ts';
import { WGSL } from './kernels.ts';
import { PassTimer, type PassTiming } from './passTimer.ts';
import { bindBuffers, computePipeline, dispatchLinear } from './pipelines.ts';
import { createPrefixSum, type PrefixSum } from './prefixSum.ts';
import { createRadixSort, type RadixSort } from './radixSort.ts';
import { packRasterUniforms, PROJECTED_GRAD_STRIDE, RASTER_UNIFORMS_BYTES, TILE_SIZE } from './rasterUniforms.ts';

export interface RasterizerOptions {
  width: number;
  height: number;
  shDegree: number;
  /** Initial splat capacity; upload() grows it when a bigger cloud arrives. */
  maxSplats: number;
  /** Initial intersection capacity (default 8 per splat); grows on demand. */
  maxIntersections?: number;
  lowPass?: number;
  nearPlane?: number;
  /** Mip-Splatting 2D filter: compensate opacity for the low-pass (projectReference.ts). Default false. */
  antialiased?: boolean;
  /** Time every pass with timestamp queries (needs a device with 'timestamp-query'). */
  profile?: boolean;
  /**
   * Also render expected depth (depthFromPixel) in every forward, so backward() can take a loss on
   * it (dLdDepth). Default false: no depth buffer, and the kernels without depth.
   */
  depth?: boolean;
}

export interface ForwardResult {
  /** Splats that touch at least one tile. */
  visibleSplats: number;
  /** (tile, splat) pairs blended. */
  intersections: number;
  /** Times the intersection buffers had to grow during this call (0 in steady state). */
  regrows: number;
  /** The piggybacked ranges' bytes, concatenated in order (empty without piggyback). */
  piggyback: ArrayBuffer;
}

/**
 * A range of another buffer to copy into the forward's own read-back (e.g. the previous step's
 * loss terms and optimiser status), so a training step stays at one small GPU-to-CPU read.
 * The buffer needs COPY_SRC; offset and size are multiples of 4.
 */
export interface PiggybackRange {
  buffer: GPUBuffer;
  offset?: number;
  size: number;
}

/**
 * Where backward() sums the view's camera gradient: `buffer` holds 8 f32 per view (dL/d omega,
 * dL/d dt, dL/d log f, padding; see CAMERA_GRAD_FLOATS in projectReference.ts), and the 8 floats
 * of `view` are cleared, then filled, by each backward given this target.
 */
export interface CameraGradTarget {
  buffer: GPUBuffer;
  view: number;
}

/** f32 per view in a cameraGradFromView buffer (7 used, 1 padding). */
export const CAMERA_GRAD_STRIDE = 8;

/** Room in the forward's read-back after its own 16 bytes. */
export const PIGGYBACK_MAX_BYTES = 240;

export interface RasterImageF32 {
  width: number;
  height: number;
  rgb: Float32Array;
  alpha: Float32Array;
  transmittance: Float32Array;
  contributorCount: Uint32Array;
  /** Expected depth per pixel; only from a rasterizer made with `depth`. */
  depth?: Float32Array;
}

/** Parameter gradients read back from the GPU, laid out like GaussianCloud's arrays. */
export type CloudGradsF32 = CloudArrays<Float32Array>;

/** Per-pixel and per-parameter GPU buffers, current until the next capacity growth. */
export interface RasterizerBuffers {
  paramsFlat: GPUBuffer;
  gradParamsFlat: GPUBuffer;
  /** width*height*3 f32, not clamped. */
  rgbFromPixel: GPUBuffer;
  /** width*height f32, 1 - final transmittance. */
  alphaFromPixel: GPUBuffer;
  transmittanceFromPixel: GPUBuffer;
  contributorCountFromPixel: GPUBuffer;
  /** width*height f32, expected depth sum_i z_i alpha_i T_i; null unless made with `depth`. */
  depthFromPixel: GPUBuffer | null;
  /** PROJECTED_GRAD_STRIDE (10) f32 per splat: u, v, conic A, B, C, opacity, r, g, b, depth z (filled by backward). */
  gradProjectedFromSplat: GPUBuffer;
}


const PROJECTED_BYTES = 48;
const GRADS_PER_SPLAT = PROJECTED_GRAD_STRIDE;

interface SplatResources {
  capacity: number;
  paramsFlat: GPUBuffer;
  gradParamsFlat: GPUBuffer;
  projectedFromSplat: GPUBuffer;
  depthKeyFromSplat: GPUBuffer;
  tileRectFromSplat: GPUBuffer;
  depthKeyFromDepthRank: GPUBuffer;
  splatIdFromDepthRank: GPUBuffer;
  intersectionOffsetFromDepthRank: GPUBuffer;
  gradProjectedFromSplat: GPUBuffer;
  depthSort: RadixSort;
  offsetScan: PrefixSum;
}

interface IntersectionResources {
  capacity: number;
  tileIdFromEmitSlot: GPUBuffer;
  splatIdFromEmitSlot: GPUBuffer;
  tileIdFromIntersection: GPUBuffer;
  splatIdFromIntersection: GPUBuffer;
  tileSort: RadixSort;
}

export class Rasterizer {
  readonly width: number;
  readonly height: number;
  readonly shDegree: number;
  readonly tilesX: number;
  readonly tilesY: number;
  private readonly projection: ProjectionSettings;
  readonly antialiased: boolean;
  /** Whether forwards render expected depth (RasterizerOptions.depth). */
  readonly depth: boolean;
  private splatCount = 0;
  private forwardDone = false;
  private forwardRunning = false;

  private readonly uniforms: GPUBuffer;
  private readonly stats: GPUBuffer;
  private readonly statsReadback: GPUBuffer;
  private readonly splatCountBuffer: GPUBuffer;
  private readonly intersectionParams: GPUBuffer;
  private readonly tileRangesDispatch: GPUBuffer;
  private readonly tileRangeFromTileId: GPUBuffer;
  private readonly rgbFromPixel: GPUBuffer;
  private readonly alphaFromPixel: GPUBuffer;
  private readonly transmittanceFromPixel: GPUBuffer;
  private readonly contributorCountFromPixel: GPUBuffer;
  private readonly zeroAlphaGrad: GPUBuffer;
  private readonly depthFromPixel: GPUBuffer | null;
  /** With depth: dL/dalpha then dL/ddepth (2 planes), the depth backward's one binding for both (chunks/depthBackward.wgsl). */
  private readonly dLdAlphaDepth: GPUBuffer | null;
  private splats!: SplatResources;
  private intersections!: IntersectionResources;
  private groups!: Record<'project' | 'count' | 'setup' | 'emit' | 'ranges' | 'rasterize' | 'projectBackward', GPUBindGroup>;
  /** Rebuilt whenever buildBindGroups() runs (buffers reallocated) or the caller's buffers change. */
  private backwardGroup: { dLdRgb: GPUBuffer; dLdAlpha: GPUBuffer; depth: boolean; group: GPUBindGroup } | null = null;
  /** Bind group of projectBackwardCamera, kept while the caller passes the same camera-gradient buffer. */
  private cameraGroup: { buffer: GPUBuffer; group: GPUBindGroup } | null = null;
  /** The view index of the next backward's camera gradient (created on first use). */
  private cameraGradSlot: GPUBuffer | null = null;
  private readonly forwardTimer: PassTimer;
  private readonly backwardTimer: PassTimer;

  private readonly pipelines;

  constructor(
    readonly device: GPUDevice,
    options: RasterizerOptions,
  ) {
    const { width, height, shDegree } = options;
    if (!(Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0)) throw new Error(`Rasterizer: bad image size ${width}x${height}`);
    if (!(shDegree >= 0 && shDegree <= 3)) throw new Error(`Rasterizer: SH degree must be 0..3, got ${shDegree}`);
    this.width = width;
    this.height = height;
    this.shDegree = shDegree;
    this.tilesX = Math.ceil(width / TILE_SIZE);
    this.tilesY = Math.ceil(height / TILE_SIZE);
    this.antialiased = options.antialiased ?? false;
    this.depth = options.depth ?? false;
    this.projection = { lowPass: options.lowPass ?? LOW_PASS, nearPlane: options.nearPlane ?? NEAR_PLANE, antialiased: this.antialiased };
    const pixels = width * height;
    const d = device;
    this.pipelines = {
      project: computePipeline(d, 'projectForward', WGSL.projectForward),
      count: computePipeline(d, 'intersectionCount', WGSL.intersectionCount),
      setup: computePipeline(d, 'intersectionSetup', WGSL.intersectionSetup),
      emit: computePipeline(d, 'intersectionEmit', WGSL.intersectionEmit),
      ranges: computePipeline(d, 'tileRanges', WGSL.tileRanges),
      rasterize: this.depth ? computePipeline(d, 'rasterizeForwardDepth', WGSL.rasterizeForwardDepth) : computePipeline(d, 'rasterizeForward', WGSL.rasterizeForward),
      rasterizeBackward: computePipeline(d, 'rasterizeBackward', WGSL.rasterizeBackward),
      rasterizeBackwardDepth: this.depth ? computePipeline(d, 'rasterizeBackwardDepth', WGSL.rasterizeBackwardDepth) : null,
      projectBackward: computePipeline(d, 'projectBackward', WGSL.projectBackward),
      projectBackwardCamera: null as GPUComputePipeline | null, // compiled on first use
    };
    this.uniforms = d.createBuffer({ label: 'raster uniforms', size: RASTER_UNIFORMS_BYTES, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
    this.stats = storageBuffer(d, 'stats (visible, intersections, overflow)', 16);
    this.statsReadback = d.createBuffer({ label: 'stats read-back', size: 16 + PIGGYBACK_MAX_BYTES, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    this.splatCountBuffer = storageBuffer(d, 'splat count', 16);
    this.intersectionParams = storageBuffer(d, 'intersection params', 16);
    this.tileRangesDispatch = storageBuffer(d, 'tileRanges dispatch', 16, GPUBufferUsage.INDIRECT);
    this.tileRangeFromTileId = storageBuffer(d, 'tileRangeFromTileId', 8 * this.tilesX * this.tilesY);
    this.rgbFromPixel = storageBuffer(d, 'rgbFromPixel', 12 * pixels);
    this.alphaFromPixel = storageBuffer(d, 'alphaFromPixel', 4 * pixels);
    this.transmittanceFromPixel = storageBuffer(d, 'transmittanceFromPixel', 4 * pixels);
    this.contributorCountFromPixel = storageBuffer(d, 'contributorCountFromPixel', 4 * pixels);
    this.zeroAlphaGrad = storageBuffer(d, 'zero dLdAlpha', 4 * pixels);
    this.depthFromPixel = this.depth ? storageBuffer(d, 'depthFromPixel', 4 * pixels) : null;
    this.dLdAlphaDepth = this.depth ? storageBuffer(d, 'dLdAlphaDepth', 8 * pixels) : null;
    this.forwardTimer = new PassTimer(d, options.profile ?? false);
    this.backwardTimer = new PassTimer(d, options.profile ?? false);
    const maxSplats = Math.max(1, options.maxSplats);
    this.splats = this.createSplatResources(maxSplats);
    this.intersections = this.createIntersectionResources(Math.max(1, options.maxIntersections ?? Math.max(1024, 8 * maxSplats)));
    this.buildBindGroups();
  }

  get layout(): FlatParamLayout {
    return flatParamLayout(this.splats.capacity, this.shDegree);
  }

  get buffers(): RasterizerBuffers {
    return {
      paramsFlat: this.splats.paramsFlat,
      gradParamsFlat: this.splats.gradParamsFlat,
      rgbFromPixel: this.rgbFromPixel,
      alphaFromPixel: this.alphaFromPixel,
      transmittanceFromPixel: this.transmittanceFromPixel,
      contributorCountFromPixel: this.contributorCountFromPixel,
      depthFromPixel: this.depthFromPixel,
      gradProjectedFromSplat: this.splats.gradProjectedFromSplat,
    };
  }

  get capacities(): { splats: number; intersections: number } {
    return { splats: this.splats.capacity, intersections: this.intersections.capacity };
  }

  /** Copies a cloud's parameters to the GPU (growing the splat buffers if needed). */
  upload(cloud: GaussianCloud): void {
    if (cloud.shDegree !== this.shDegree) throw new Error(`Rasterizer was made for SH degree ${this.shDegree}, the cloud has degree ${cloud.shDegree}`);
    const n = cloud.count;
    assertCloudArrays(cloud, n, this.shDegree);
    if (n > this.splats.capacity) {
      this.destroySplatResources();
      this.splats = this.createSplatResources(Math.max(n, Math.ceil(this.splats.capacity * 1.5)));
      this.buildBindGroups();
    }
    const q = this.device.queue;
    writeCloudArrays(q, this.splats.paramsFlat, this.layout, cloud);
    q.writeBuffer(this.splatCountBuffer, 0, new Uint32Array([n]));
    this.splatCount = n;
    this.forwardDone = false;
  }

  /**
   * Renders the uploaded cloud into rgbFromPixel / alphaFromPixel. Resolves after the one small
   * read-back of the step (the counts in the result, plus any `piggyback` ranges, copied before
   * this forward's work runs); only one forward may run at a time.
   */
  async forward(camera: Camera, background: readonly [number, number, number], piggyback: readonly PiggybackRange[] = []): Promise<ForwardResult> {
    if (camera.width !== this.width || camera.height !== this.height) {
      throw new Error(`Rasterizer is ${this.width}x${this.height}, the camera is ${camera.width}x${camera.height}`);
    }
    if (this.forwardRunning) throw new Error('Rasterizer.forward: the previous forward has not finished (await it first)');
    const extraBytes = piggyback.reduce((n, r) => n + r.size, 0);
    if (extraBytes > PIGGYBACK_MAX_BYTES || piggyback.some((r) => r.size % 4 !== 0 || (r.offset ?? 0) % 4 !== 0))
      throw new Error(`Rasterizer.forward: piggyback ranges must be multiples of 4 bytes, at most ${PIGGYBACK_MAX_BYTES} in all`);
    this.forwardRunning = true;
    try {
      for (let regrows = 0; ; regrows++) {
        this.device.queue.writeBuffer(
          this.uniforms,
          0,
          packRasterUniforms({
            camera,
            background,
            ...this.projection,
            splatCount: this.splatCount,
            shDegree: this.shDegree,
            splatCapacity: this.splats.capacity,
            intersectionCapacity: this.intersections.capacity,
          }),
        );
        this.device.queue.submit([this.encodeForward(piggyback)]);
        await this.statsReadback.mapAsync(GPUMapMode.READ);
        const mapped = this.statsReadback.getMappedRange(0, 16 + extraBytes).slice(0);
        this.statsReadback.unmap();
        const [visibleSplats, intersections, overflow] = new Uint32Array(mapped, 0, 3);
        if (!overflow) {
          this.forwardDone = true;
          return { visibleSplats, intersections, regrows, piggyback: mapped.slice(16) };
        }
        await this.forwardTimer.read();
        this.growIntersections(intersections);
      }
    } finally {
      this.forwardRunning = false;
    }
  }

  private encodeForward(piggyback: readonly PiggybackRange[]): GPUCommandBuffer {
    const P = this.pipelines;
    const G = this.groups;
    const n = this.splatCount;
    const timer = this.forwardTimer;
    const encoder = this.device.createCommandEncoder({ label: 'rasterizer forward' });
    let at = 16;
    for (const r of piggyback) {
      encoder.copyBufferToBuffer(r.buffer, r.offset ?? 0, this.statsReadback, at, r.size);
      at += r.size;
    }
    encoder.clearBuffer(this.stats);
    encoder.clearBuffer(this.tileRangeFromTileId);

    let pass = timer.beginPass(encoder, 'projectForward');
    pass.setPipeline(P.project);
    pass.setBindGroup(0, G.project);
    dispatchLinear(pass, n, 256);
    pass.end();

    pass = timer.beginPass(encoder, `depth sort (${this.splats.depthSort.passes} passes)`);
    this.splats.depthSort.encode(pass);
    pass.end();

    pass = timer.beginPass(encoder, 'intersectionCount + scan + emit');
    pass.setPipeline(P.count);
    pass.setBindGroup(0, G.count);
    dispatchLinear(pass, n, 256);
    this.splats.offsetScan.encode(pass);
    pass.setPipeline(P.setup);
    pass.setBindGroup(0, G.setup);
    pass.dispatchWorkgroups(1);
    pass.setPipeline(P.emit);
    pass.setBindGroup(0, G.emit);
    dispatchLinear(pass, n, 256);
    pass.end();

    pass = timer.beginPass(encoder, `tile sort (${this.intersections.tileSort.passes} passes)`);
    this.intersections.tileSort.encode(pass);
    pass.end();

    pass = timer.beginPass(encoder, 'tileRanges');
    pass.setPipeline(P.ranges);
    pass.setBindGroup(0, G.ranges);
    pass.dispatchWorkgroupsIndirect(this.tileRangesDispatch, 0);
    pass.end();

    pass = timer.beginPass(encoder, 'rasterizeForward');
    pass.setPipeline(P.rasterize);
    pass.setBindGroup(0, G.rasterize);
    pass.dispatchWorkgroups(this.tilesX, this.tilesY);
    pass.end();

    encoder.copyBufferToBuffer(this.stats, 0, this.statsReadback, 0, 16);
    timer.resolve(encoder);
    return encoder.finish();
  }

  /**
   * Gradients of a loss with respect to every parameter, given dL/d(rgb) (width*height*3 f32)
   * and optionally dL/d(alpha) and dL/d(depth) (width*height f32 each; depth only for a
   * rasterizer made with `depth`), for the last forward. Written into gradParamsFlat
   * (overwritten, not accumulated). With `camera`, the view's camera gradient is written into its
   * 8 floats of camera.buffer too. Submits and returns; nothing is read back.
   */
  backward(dLdRgb: GPUBuffer, dLdAlpha: GPUBuffer | null = null, camera: CameraGradTarget | null = null, dLdDepth: GPUBuffer | null = null): void {
    if (!this.forwardDone) throw new Error('Rasterizer.backward needs a finished forward of the current cloud');
    const pixels = this.width * this.height;
    if (dLdRgb.size < 12 * pixels) throw new Error(`dLdRgb buffer has ${dLdRgb.size} bytes, needs ${12 * pixels}`);
    if (dLdAlpha && dLdAlpha.size < 4 * pixels) throw new Error(`dLdAlpha buffer has ${dLdAlpha.size} bytes, needs ${4 * pixels}`);
    if (dLdDepth && !this.depth) throw new Error('Rasterizer.backward: a depth gradient needs a rasterizer made with depth: true');
    if (dLdDepth && dLdDepth.size < 4 * pixels) throw new Error(`dLdDepth buffer has ${dLdDepth.size} bytes, needs ${4 * pixels}`);
    const timer = this.backwardTimer;
    const encoder = this.device.createCommandEncoder({ label: 'rasterizer backward' });
    if (dLdDepth) {
      encoder.copyBufferToBuffer(dLdAlpha ?? this.zeroAlphaGrad, 0, this.dLdAlphaDepth!, 0, 4 * pixels);
      encoder.copyBufferToBuffer(dLdDepth, 0, this.dLdAlphaDepth!, 4 * pixels, 4 * pixels);
    }
    const group = this.backwardBindGroup(dLdRgb, dLdDepth ? this.dLdAlphaDepth! : dLdAlpha ?? this.zeroAlphaGrad, dLdDepth !== null);
    encoder.clearBuffer(this.splats.gradProjectedFromSplat, 0, 4 * GRADS_PER_SPLAT * Math.max(this.splatCount, 1));
    const cameraGroup = camera ? this.prepareCameraGrad(camera, encoder) : null;
    let pass = timer.beginPass(encoder, 'rasterizeBackward');
    pass.setPipeline(dLdDepth ? this.pipelines.rasterizeBackwardDepth! : this.pipelines.rasterizeBackward);
    pass.setBindGroup(0, group);
    pass.dispatchWorkgroups(this.tilesX, this.tilesY);
    pass.end();
    pass = timer.beginPass(encoder, 'projectBackward');
    pass.setPipeline(cameraGroup ? this.pipelines.projectBackwardCamera! : this.pipelines.projectBackward);
    pass.setBindGroup(0, cameraGroup ?? this.groups.projectBackward);
    dispatchLinear(pass, this.splatCount, 256);
    pass.end();
    timer.resolve(encoder);
    this.device.queue.submit([encoder.finish()]);
  }

  /**
   * Compiles the camera variant on first use, writes the view index, clears the view's 8 floats
   * (in `encoder`, before the dispatch) and returns the variant's bind group.
   */
  private prepareCameraGrad(camera: CameraGradTarget, encoder: GPUCommandEncoder): GPUBindGroup {
    const { buffer, view } = camera;
    if (!(Number.isInteger(view) && view >= 0) || buffer.size < 4 * CAMERA_GRAD_STRIDE * (view + 1))
      throw new Error(`camera gradient: view ${view} does not fit a ${buffer.size}-byte buffer (${4 * CAMERA_GRAD_STRIDE} bytes a view)`);
    const d = this.device;
    this.pipelines.projectBackwardCamera ??= computePipeline(d, 'projectBackwardCamera', WGSL.projectBackwardCamera);
    this.cameraGradSlot ??= d.createBuffer({ label: 'cameraGradSlot', size: 16, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
    d.queue.writeBuffer(this.cameraGradSlot, 0, new Uint32Array([view, 0, 0, 0]));
    encoder.clearBuffer(buffer, 4 * CAMERA_GRAD_STRIDE * view, 4 * CAMERA_GRAD_STRIDE);
    if (this.cameraGroup?.buffer !== buffer) {
      const s = this.splats;
      const group = bindBuffers(d, this.pipelines.projectBackwardCamera, 'projectBackwardCamera', [this.uniforms, s.paramsFlat, s.gradProjectedFromSplat, s.gradParamsFlat, buffer, this.cameraGradSlot]);
      this.cameraGroup = { buffer, group };
    }
    return this.cameraGroup.group;
  }

  /**
   * Bind group of rasterizeBackward (or, with `depth`, its depth variant, whose binding 7 is the
   * dLdAlphaDepth buffer), kept while the caller passes the same gradient buffers.
   */
  private backwardBindGroup(dLdRgb: GPUBuffer, dLdAlpha: GPUBuffer, depth: boolean): GPUBindGroup {
    const cached = this.backwardGroup;
    if (cached && cached.dLdRgb === dLdRgb && cached.dLdAlpha === dLdAlpha && cached.depth === depth) return cached.group;
    const pipeline = depth ? this.pipelines.rasterizeBackwardDepth! : this.pipelines.rasterizeBackward;
    const group = bindBuffers(this.device, pipeline, depth ? 'rasterizeBackwardDepth' : 'rasterizeBackward', [
      this.uniforms,
      this.tileRangeFromTileId,
      this.intersections.splatIdFromIntersection,
      this.splats.projectedFromSplat,
      this.transmittanceFromPixel,
      this.contributorCountFromPixel,
      dLdRgb,
      dLdAlpha,
      this.splats.gradProjectedFromSplat,
    ]);
    this.backwardGroup = { dLdRgb, dLdAlpha, depth, group };
    return group;
  }

  /** The last forward's outputs on the CPU (tests and debugging: stalls the GPU). */
  async readImage(): Promise<RasterImageF32> {
    const pixels = this.width * this.height;
    const [rgb, alpha, transmittance, count, depth] = await Promise.all([
      readBuffer(this.device, this.rgbFromPixel, 12 * pixels),
      readBuffer(this.device, this.alphaFromPixel, 4 * pixels),
      readBuffer(this.device, this.transmittanceFromPixel, 4 * pixels),
      readBuffer(this.device, this.contributorCountFromPixel, 4 * pixels),
      this.depthFromPixel ? readBuffer(this.device, this.depthFromPixel, 4 * pixels) : null,
    ]);
    return {
      width: this.width,
      height: this.height,
      rgb: new Float32Array(rgb),
      alpha: new Float32Array(alpha),
      transmittance: new Float32Array(transmittance),
      contributorCount: new Uint32Array(count),
      ...(depth ? { depth: new Float32Array(depth) } : {}),
    };
  }

  /** The last backward's parameter gradients on the CPU, laid out like GaussianCloud (tests only). */
  async readGrads(): Promise<CloudGradsF32> {
    return this.readSections(this.splats.gradParamsFlat);
  }

  /** The parameters as they are now on the GPU (after an optimiser changed them), as a cloud. */
  async readCloud(): Promise<GaussianCloud> {
    return { count: this.splatCount, shDegree: this.shDegree, ...(await this.readSections(this.splats.paramsFlat)) };
  }

  private async readSections(buffer: GPUBuffer): Promise<CloudGradsF32> {
    const L = this.layout;
    const flat = new Float32Array(await readBuffer(this.device, buffer, 4 * L.length));
    return unflattenCloudArrays(flat, L, this.splatCount, this.shDegree);
  }

  /** GPU time per pass of the last forward and backward (empty unless created with profile). */
  async readTimings(): Promise<{ forward: PassTiming[]; backward: PassTiming[] }> {
    return { forward: await this.forwardTimer.read(), backward: await this.backwardTimer.read() };
  }

  destroy(): void {
    this.destroySplatResources();
    this.destroyIntersectionResources();
    for (const b of [
      this.uniforms,
      this.stats,
      this.statsReadback,
      this.splatCountBuffer,
      this.intersectionParams,
      this.tileRangesDispatch,
      this.tileRangeFromTileId,
      this.rgbFromPixel,
      this.alphaFromPixel,
      this.transmittanceFromPixel,
      this.contributorCountFromPixel,
      this.zeroAlphaGrad,
    ])
      b.destroy();
    this.cameraGradSlot?.destroy();
    this.depthFromPixel?.destroy();
    this.dLdAlphaDepth?.destroy();
    this.forwardTimer.destroy();
    this.backwardTimer.destroy();
  }

  private createSplatResources(capacity: number): SplatResources {
    const d = this.device;
    const floats = flatParamLayout(capacity, this.shDegree).length;
    const depthKeyFromSplat = storageBuffer(d, 'depthKeyFromSplat', 4 * capacity);
    const depthKeyFromDepthRank = storageBuffer(d, 'depthKeyFromDepthRank', 4 * capacity);
    const splatIdFromDepthRank = storageBuffer(d, 'splatIdFromDepthRank', 4 * capacity);
    const intersectionOffsetFromDepthRank = storageBuffer(d, 'intersectionOffsetFromDepthRank', 4 * capacity);
    return {
      capacity,
      paramsFlat: storageBuffer(d, 'paramsFlat', 4 * floats),
      gradParamsFlat: storageBuffer(d, 'gradParamsFlat', 4 * floats),
      projectedFromSplat: storageBuffer(d, 'projectedFromSplat', PROJECTED_BYTES * capacity),
      depthKeyFromSplat,
      tileRectFromSplat: storageBuffer(d, 'tileRectFromSplat', 16 * capacity),
      depthKeyFromDepthRank,
      splatIdFromDepthRank,
      intersectionOffsetFromDepthRank,
      gradProjectedFromSplat: storageBuffer(d, 'gradProjectedFromSplat', 4 * GRADS_PER_SPLAT * capacity),
      depthSort: createRadixSort(d, {
        label: 'depth sort',
        capacity,
        bits: 32,
        countSource: this.splatCountBuffer,
        countIndex: 0,
        keysIn: depthKeyFromSplat,
        valuesIn: null,
        keysOut: depthKeyFromDepthRank,
        valuesOut: splatIdFromDepthRank,
      }),
      offsetScan: createPrefixSum(d, {
        label: 'intersection offsets',
        data: intersectionOffsetFromDepthRank,
        maxLength: capacity,
        lengthSource: this.splatCountBuffer,
        lengthIndex: 0,
      }),
    };
  }

  private createIntersectionResources(capacity: number): IntersectionResources {
    const d = this.device;
    const tileIdFromEmitSlot = storageBuffer(d, 'tileIdFromEmitSlot', 4 * capacity);
    const splatIdFromEmitSlot = storageBuffer(d, 'splatIdFromEmitSlot', 4 * capacity);
    const tileIdFromIntersection = storageBuffer(d, 'tileIdFromIntersection', 4 * capacity);
    const splatIdFromIntersection = storageBuffer(d, 'splatIdFromIntersection', 4 * capacity);
    return {
      capacity,
      tileIdFromEmitSlot,
      splatIdFromEmitSlot,
      tileIdFromIntersection,
      splatIdFromIntersection,
      tileSort: createRadixSort(d, {
        label: 'tile sort',
        capacity,
        bits: Math.max(1, Math.ceil(Math.log2(this.tilesX * this.tilesY))),
        countSource: this.intersectionParams,
        countIndex: 0,
        keysIn: tileIdFromEmitSlot,
        valuesIn: splatIdFromEmitSlot,
        keysOut: tileIdFromIntersection,
        valuesOut: splatIdFromIntersection,
      }),
    };
  }

  private growIntersections(needed: number): void {
    this.destroyIntersectionResources();
    this.intersections = this.createIntersectionResources(Math.ceil(needed * 1.5));
    this.buildBindGroups();
  }

  private destroySplatResources(): void {
    const s = this.splats;
    for (const b of [s.paramsFlat, s.gradParamsFlat, s.projectedFromSplat, s.depthKeyFromSplat, s.tileRectFromSplat, s.depthKeyFromDepthRank, s.splatIdFromDepthRank, s.intersectionOffsetFromDepthRank, s.gradProjectedFromSplat])
      b.destroy();
    s.depthSort.destroy();
    s.offsetScan.destroy();
  }

  private destroyIntersectionResources(): void {
    const x = this.intersections;
    for (const b of [x.tileIdFromEmitSlot, x.splatIdFromEmitSlot, x.tileIdFromIntersection, x.splatIdFromIntersection]) b.destroy();
    x.tileSort.destroy();
  }

  private buildBindGroups(): void {
    const d = this.device;
    const P = this.pipelines;
    const s = this.splats;
    const x = this.intersections;
    this.backwardGroup = null;
    this.cameraGroup = null;
    this.groups = {
      project: bindBuffers(d, P.project, 'projectForward', [this.uniforms, s.paramsFlat, s.projectedFromSplat, s.depthKeyFromSplat, s.tileRectFromSplat, this.stats]),
      count: bindBuffers(d, P.count, 'intersectionCount', [this.uniforms, s.splatIdFromDepthRank, s.tileRectFromSplat, s.intersectionOffsetFromDepthRank]),
      setup: bindBuffers(d, P.setup, 'intersectionSetup', [this.uniforms, s.offsetScan.totalBuffer, this.intersectionParams, this.tileRangesDispatch, this.stats]),
      emit: bindBuffers(d, P.emit, 'intersectionEmit', [this.uniforms, s.splatIdFromDepthRank, s.tileRectFromSplat, s.intersectionOffsetFromDepthRank, x.tileIdFromEmitSlot, x.splatIdFromEmitSlot]),
      ranges: bindBuffers(d, P.ranges, 'tileRanges', [this.intersectionParams, x.tileIdFromIntersection, this.tileRangeFromTileId]),
      rasterize: bindBuffers(d, P.rasterize, 'rasterizeForward', [
        this.uniforms,
        this.tileRangeFromTileId,
        x.splatIdFromIntersection,
        s.projectedFromSplat,
        this.rgbFromPixel,
        this.alphaFromPixel,
        this.transmittanceFromPixel,
        this.contributorCountFromPixel,
        ...(this.depthFromPixel ? [this.depthFromPixel] : []),
      ]),
      projectBackward: bindBuffers(d, P.projectBackward, 'projectBackward', [this.uniforms, s.paramsFlat, s.gradProjectedFromSplat, s.gradParamsFlat]),
    };
  }
}

export function createRasterizer(device: GPUDevice, options: RasterizerOptions): Rasterizer {
  return new Rasterizer(device, options);
}
