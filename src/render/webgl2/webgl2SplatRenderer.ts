/**
 * The WebGL2 splat renderer (the fallback when WebGPU is missing): the SplatRenderer contract of
 * src/render/splatRenderer.ts over data textures (splatTextures.ts), a depth order from a sort
 * worker (workerSorter.ts) and two passes:
 *
 * 1. splats: one quad per splat in front-to-back order (splatShaders.ts), blended "under" into a float
 *    target (RGBA16F when EXT_color_buffer_float is there, else RGBA8): C += (1 - A) c alpha,
 *    A += (1 - A) alpha, exactly the trainer's T_i = prod (1 - alpha_j) in blend form;
 * 2. composite: C + (1 - A) background into the canvas (compositeShaders.ts).
 *
 * No stale frames: render(camera) sends the camera to the sorter and draws only with the order
 * sorted for that camera and the current cloud (an order for an older cloud or another request is
 * refused and sorted again), so orderAge is always 0. The order of an identical camera is reused.
 *
 * One difference from the trainer remains by construction: fixed-function blending cannot stop
 * where the trainer does (before a splat that would take transmittance below 1e-4), so such pixels
 * differ by at most the transmittance left there (< 0.0101 with alpha <= 0.99) times a colour
 * difference.
 *
 * The canvas is resized to the camera's image size when they differ.
 */
import type { Camera } from '../../core/camera.ts';
import { cameraCenter } from '../../core/camera.ts';
import { assertCloudShape, clipLimits, LOW_PASS, NEAR_PLANE, type GaussianCloud } from '../../core/gaussianCloud.ts';
import type { FrameStats, SplatRenderer, SplatRenderOptions } from '../splatRenderer.ts';
import { COMPOSITE_FRAGMENT_SHADER, COMPOSITE_VERTEX_SHADER } from './compositeShaders.ts';
import { compileProgram, uploadDataTexture } from './glResources.ts';
import type { DepthSorter, SortedOrder } from './sortProtocol.ts';
import { SPLAT_FRAGMENT_SHADER, SPLAT_VERTEX_SHADER } from './splatShaders.ts';
import { packSplatTextures } from './splatTextures.ts';
import { prepareSortCloud } from './viewDepths.ts';
import { createWorkerSorter } from './workerSorter.ts';

export class WebGl2UnavailableError extends Error {
  constructor(reason: string) {
    super(`WebGL2 is not available: ${reason}`);
    this.name = 'WebGl2UnavailableError';
  }
}

export interface WebGl2RendererOptions {
  /** Where orders come from; default: a web worker (workers/sort.worker.ts). */
  sorter?: DepthSorter;
}

interface UploadedCloud {
  version: number;
  count: number;
  shDegree: number;
  shTexels: number;
  width: number;
  antialiased: boolean;
  /** Resolves once the sorter holds this cloud; rejects with the sorter's failure. */
  sorterReady: Promise<void>;
}

interface CachedOrder {
  cloudVersion: number;
  cameraKey: string;
  count: number;
  sortMs: number;
}

/** Everything a sort depends on, as a string: equal keys mean the same order. */
function cameraKey(c: Camera): string {
  return [...c.R, ...c.t, c.fx, c.fy, c.cx, c.cy, c.width, c.height].join(',');
}

/** A structured-cloneable copy (the caller's camera may carry methods or proxies). */
function plainCamera(c: Camera): Camera {
  return { R: [...c.R] as Camera['R'], t: [...c.t] as Camera['t'], fx: c.fx, fy: c.fy, cx: c.cx, cy: c.cy, width: c.width, height: c.height };
}

export function createWebGl2SplatRenderer(canvas: HTMLCanvasElement | OffscreenCanvas, options: WebGl2RendererOptions = {}): SplatRenderer {
  const context = canvas.getContext('webgl2', {
    alpha: false,
    antialias: false,
    depth: false,
    stencil: false,
    premultipliedAlpha: true,
    preserveDrawingBuffer: false,
  }) as WebGL2RenderingContext | null;
  if (!context) throw new WebGl2UnavailableError('canvas.getContext("webgl2") returned null (no WebGL2 in this browser, or the canvas already has another context).');
  const gl: WebGL2RenderingContext = context;

  let contextLost = false;
  canvas.addEventListener('webglcontextlost', () => (contextLost = true));
  // Half-float accumulation keeps blending error about 8x below one 8-bit step.
  const floatTarget = !!gl.getExtension('EXT_color_buffer_float');

  const splatProgram = compileProgram(gl, 'splat', SPLAT_VERTEX_SHADER, SPLAT_FRAGMENT_SHADER);
  const compositeProgram = compileProgram(gl, 'composite', COMPOSITE_VERTEX_SHADER, COMPOSITE_FRAGMENT_SHADER);
  const uniforms = (program: WebGLProgram, names: string[]) => Object.fromEntries(names.map((n) => [n, gl.getUniformLocation(program, n)]));
  const su = uniforms(splatProgram, [
    'uOrder', 'uCenters', 'uCovariances', 'uSh', 'uTextureWidth', 'uShDegree', 'uShTexels', 'uRotation', 'uTranslation', 'uCameraCenter',
    'uIntrinsics', 'uImageSize', 'uLimits', 'uLowPass', 'uNearPlane', 'uAntialiased', 'uImageHeight',
  ]);
  const cu = uniforms(compositeProgram, ['uAccumulated', 'uBackground']);

  // Vertex state: only an index buffer of quads (corner c of slot s is vertex 4 s + c, see
  // splatShaders.ts), grown with the cloud; the splat of each slot comes from the order texture.
  const vao = gl.createVertexArray();
  const quadIndexBuffer = gl.createBuffer();
  let quadCapacity = 0;
  const emptyVao = gl.createVertexArray(); // the composite pass reads no attributes

  function ensureQuads(count: number): void {
    if (count <= quadCapacity) return;
    const capacity = Math.max(count, Math.ceil(quadCapacity * 1.25), 1024);
    const indices = new Uint32Array(6 * capacity);
    for (let q = 0, v = 0; q < 6 * capacity; q += 6, v += 4) {
      indices[q] = v;
      indices[q + 1] = v + 1;
      indices[q + 2] = v + 2;
      indices[q + 3] = v + 2;
      indices[q + 4] = v + 1;
      indices[q + 5] = v + 3;
    }
    gl.bindVertexArray(vao);
    gl.bindBuffer(gl.ELEMENT_ARRAY_BUFFER, quadIndexBuffer);
    gl.bufferData(gl.ELEMENT_ARRAY_BUFFER, indices, gl.STATIC_DRAW);
    gl.bindVertexArray(null);
    quadCapacity = capacity;
  }

  const textures: { centers: WebGLTexture | null; covariances: WebGLTexture | null; sh: WebGLTexture | null } = { centers: null, covariances: null, sh: null };
  const orderTexture = gl.createTexture();
  let orderRows = 0;
  let accumTexture: WebGLTexture | null = null;
  let accumFbo: WebGLFramebuffer | null = null;
  let readbackRenderbuffer: WebGLRenderbuffer | null = null;
  let readbackFbo: WebGLFramebuffer | null = null;
  let targetSize = { width: 0, height: 0 };
  let readbackSize = { width: 0, height: 0 };

  const sorter = options.sorter ?? createWorkerSorter();
  let cloud: UploadedCloud | null = null;
  let cloudVersion = 0;
  let cached: CachedOrder | null = null;
  let recycle: ArrayBuffer | undefined;
  let nextRequestId = 0;
  let lastFrame: { width: number; height: number; background: [number, number, number] } | null = null;
  let destroyed = false;

  const usable = () => {
    if (destroyed) throw new Error('WebGL2 splat renderer: used after destroy()');
    if (contextLost || gl.isContextLost()) throw new Error('WebGL2 splat renderer: the WebGL2 context was lost (the GPU was reset or too many contexts are open); create a new renderer.');
  };

  function ensureTarget(width: number, height: number): void {
    if (canvas.width !== width) canvas.width = width;
    if (canvas.height !== height) canvas.height = height;
    if (targetSize.width === width && targetSize.height === height && accumFbo) return;
    if (accumTexture) gl.deleteTexture(accumTexture);
    if (accumFbo) gl.deleteFramebuffer(accumFbo);
    accumTexture = gl.createTexture();
    gl.bindTexture(gl.TEXTURE_2D, accumTexture);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER, gl.NEAREST);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MAG_FILTER, gl.NEAREST);
    gl.texStorage2D(gl.TEXTURE_2D, 1, floatTarget ? gl.RGBA16F : gl.RGBA8, width, height);
    gl.bindTexture(gl.TEXTURE_2D, null);
    accumFbo = gl.createFramebuffer();
    gl.bindFramebuffer(gl.FRAMEBUFFER, accumFbo);
    gl.framebufferTexture2D(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.TEXTURE_2D, accumTexture, 0);
    const status = gl.checkFramebufferStatus(gl.FRAMEBUFFER);
    gl.bindFramebuffer(gl.FRAMEBUFFER, null);
    if (status !== gl.FRAMEBUFFER_COMPLETE) throw new Error(`WebGL2: the ${floatTarget ? 'RGBA16F' : 'RGBA8'} accumulation target is incomplete (status 0x${status.toString(16)})`);
    targetSize = { width, height };
  }

  /** The order into the R32UI order texture (same width as the data textures), slot k at texel k. */
  function uploadOrder(order: Uint32Array, width: number): void {
    const n = order.length;
    const rows = Math.max(1, Math.ceil(n / width));
    gl.bindTexture(gl.TEXTURE_2D, orderTexture);
    gl.pixelStorei(gl.UNPACK_ALIGNMENT, 4);
    if (rows > orderRows) {
      orderRows = Math.max(rows, Math.ceil(orderRows * 1.25));
      gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER, gl.NEAREST);
      gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MAG_FILTER, gl.NEAREST);
      gl.texImage2D(gl.TEXTURE_2D, 0, gl.R32UI, width, orderRows, 0, gl.RED_INTEGER, gl.UNSIGNED_INT, null);
    }
    const fullRows = Math.floor(n / width);
    const rest = n - fullRows * width;
    if (fullRows > 0) gl.texSubImage2D(gl.TEXTURE_2D, 0, 0, 0, width, fullRows, gl.RED_INTEGER, gl.UNSIGNED_INT, order, 0);
    if (rest > 0) gl.texSubImage2D(gl.TEXTURE_2D, 0, 0, fullRows, rest, 1, gl.RED_INTEGER, gl.UNSIGNED_INT, order, fullRows * width);
    gl.bindTexture(gl.TEXTURE_2D, null);
  }

  function composite(target: WebGLFramebuffer | null, width: number, height: number, background: readonly number[]): void {
    gl.bindFramebuffer(gl.FRAMEBUFFER, target);
    gl.viewport(0, 0, width, height);
    gl.disable(gl.BLEND);
    gl.useProgram(compositeProgram);
    gl.activeTexture(gl.TEXTURE0);
    gl.bindTexture(gl.TEXTURE_2D, accumTexture);
    gl.uniform1i(cu.uAccumulated, 0);
    gl.uniform3f(cu.uBackground, background[0], background[1], background[2]);
    gl.bindVertexArray(emptyVao);
    gl.drawArrays(gl.TRIANGLES, 0, 3);
    gl.bindVertexArray(null);
  }

  function drawSplats(camera: Camera, up: UploadedCloud | null, count: number): void {
    gl.bindFramebuffer(gl.FRAMEBUFFER, accumFbo);
    gl.viewport(0, 0, camera.width, camera.height);
    gl.clearColor(0, 0, 0, 0);
    gl.clear(gl.COLOR_BUFFER_BIT);
    if (!up || count === 0) return;
    gl.useProgram(splatProgram);
    const bind = (unit: number, texture: WebGLTexture | null, loc: WebGLUniformLocation | null) => {
      gl.activeTexture(gl.TEXTURE0 + unit);
      gl.bindTexture(gl.TEXTURE_2D, texture);
      gl.uniform1i(loc, unit);
    };
    bind(0, textures.centers, su.uCenters);
    bind(1, textures.covariances, su.uCovariances);
    bind(2, textures.sh, su.uSh);
    bind(3, orderTexture, su.uOrder);
    gl.uniform1i(su.uTextureWidth, up.width);
    gl.uniform1i(su.uShDegree, up.shDegree);
    gl.uniform1i(su.uShTexels, up.shTexels);
    gl.uniformMatrix3fv(su.uRotation, true, camera.R); // R is row-major
    gl.uniform3f(su.uTranslation, camera.t[0], camera.t[1], camera.t[2]);
    const c = cameraCenter(camera);
    gl.uniform3f(su.uCameraCenter, c[0], c[1], c[2]);
    const { fx, fy, cx, cy, width, height } = camera;
    gl.uniform4f(su.uIntrinsics, fx, fy, cx, cy);
    gl.uniform2f(su.uImageSize, width, height);
    gl.uniform1f(su.uImageHeight, height);
    // The trainer's widened-frustum clamp (projectReference.ts).
    gl.uniform4f(su.uLimits, ...clipLimits(width, height, fx, fy, cx, cy));
    gl.uniform1f(su.uLowPass, LOW_PASS);
    gl.uniform1f(su.uNearPlane, NEAR_PLANE);
    gl.uniform1i(su.uAntialiased, up.antialiased ? 1 : 0);
    gl.enable(gl.BLEND);
    gl.blendEquation(gl.FUNC_ADD);
    gl.blendFuncSeparate(gl.ONE_MINUS_DST_ALPHA, gl.ONE, gl.ONE_MINUS_DST_ALPHA, gl.ONE); // front-to-back "under"
    ensureQuads(count);
    gl.bindVertexArray(vao);
    gl.drawElements(gl.TRIANGLES, 6 * count, gl.UNSIGNED_INT, 0);
    gl.bindVertexArray(null);
    gl.disable(gl.BLEND);
  }

  /**
   * An order for `camera` and the current cloud: the cached one (null) when the last sort was for
   * an identical camera, else a fresh sort. Orders answering another request or an older cloud are
   * refused and sorted again.
   */
  async function sortFor(camera: Camera, key: string): Promise<{ up: UploadedCloud; sorted: SortedOrder | null }> {
    for (;;) {
      const up = cloud!;
      if (cached && cached.cloudVersion === up.version && cached.cameraKey === key) return { up, sorted: null };
      await up.sorterReady;
      const requestId = ++nextRequestId;
      const request = { cloudVersion: up.version, requestId, camera: plainCamera(camera), recycle };
      recycle = undefined; // transferred with the request
      const sorted = await sorter.sort(request);
      usable();
      if (sorted.requestId === requestId && sorted.cloudVersion === up.version && cloud === up) return { up, sorted };
    }
  }

  return {
    backend: 'webgl2',

    setCloud(next: GaussianCloud, opts: SplatRenderOptions = {}): void {
      usable();
      assertCloudShape(next, 'setCloud');
      const data = packSplatTextures(next, opts.maxShDegree ?? next.shDegree);
      textures.centers = uploadDataTexture(gl, 'rgba32f', data.width, data.centers, textures.centers);
      textures.covariances = uploadDataTexture(gl, 'rgba32f', data.width, data.covariances, textures.covariances);
      textures.sh = uploadDataTexture(gl, 'rgba32ui', data.width, data.sh, textures.sh);
      const version = ++cloudVersion;
      const sorterReady = sorter.setCloud(version, prepareSortCloud(next));
      sorterReady.catch(() => {}); // reported by the next render()
      cloud = { version, count: next.count, shDegree: data.shDegree, shTexels: data.shTexels, width: data.width, antialiased: !!opts.antialiased, sorterReady };
      cached = null;
    },

    async render(camera: Camera, background: readonly [number, number, number]): Promise<FrameStats> {
      usable();
      if (!(Number.isInteger(camera.width) && Number.isInteger(camera.height) && camera.width > 0 && camera.height > 0)) {
        throw new Error(`render: the camera's image size must be positive integers, got ${camera.width}x${camera.height}`);
      }
      const key = cameraKey(camera);
      for (;;) {
        const ordered = cloud ? await sortFor(camera, key) : null;
        usable();
        // From here on everything is synchronous, so the order in the buffer is the one drawn.
        if (ordered && ordered.up !== cloud) continue; // setCloud() while waiting
        if (ordered?.sorted) {
          uploadOrder(ordered.sorted.order, ordered.up.width);
          recycle = ordered.sorted.order.buffer as ArrayBuffer;
          cached = { cloudVersion: ordered.up.version, cameraKey: key, count: ordered.sorted.order.length, sortMs: ordered.sorted.sortMs };
        } else if (ordered && !(cached && cached.cloudVersion === ordered.up.version && cached.cameraKey === key)) {
          continue; // another render() replaced the cached order meanwhile
        }
        const count = ordered ? cached!.count : 0;
        ensureTarget(camera.width, camera.height);
        drawSplats(camera, ordered?.up ?? null, count);
        composite(null, camera.width, camera.height, background);
        lastFrame = { width: camera.width, height: camera.height, background: [background[0], background[1], background[2]] };
        return { visibleSplats: count, sortMs: ordered ? cached!.sortMs : null, orderAge: 0 };
      }
    },

    async readPixels(): Promise<Uint8Array> {
      usable();
      if (!lastFrame) throw new Error('readPixels: nothing rendered yet');
      const { width, height, background } = lastFrame;
      // The canvas may already be presented and cleared: composite the kept accumulation again
      // into an RGBA8 target, the same pass and bytes as the canvas.
      if (!readbackFbo || readbackSize.width !== width || readbackSize.height !== height) {
        if (readbackRenderbuffer) gl.deleteRenderbuffer(readbackRenderbuffer);
        if (readbackFbo) gl.deleteFramebuffer(readbackFbo);
        readbackRenderbuffer = gl.createRenderbuffer();
        gl.bindRenderbuffer(gl.RENDERBUFFER, readbackRenderbuffer);
        gl.renderbufferStorage(gl.RENDERBUFFER, gl.RGBA8, width, height);
        readbackFbo = gl.createFramebuffer();
        gl.bindFramebuffer(gl.FRAMEBUFFER, readbackFbo);
        gl.framebufferRenderbuffer(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.RENDERBUFFER, readbackRenderbuffer);
        readbackSize = { width, height };
      }
      composite(readbackFbo, width, height, background);
      const bottomUp = new Uint8Array(width * height * 4);
      gl.readPixels(0, 0, width, height, gl.RGBA, gl.UNSIGNED_BYTE, bottomUp);
      gl.bindFramebuffer(gl.FRAMEBUFFER, null);
      const rgba = new Uint8Array(width * height * 4);
      const row = width * 4;
      for (let y = 0; y < height; y++) rgba.set(bottomUp.subarray((height - 1 - y) * row, (height - y) * row), y * row);
      return rgba;
    },

    destroy(): void {
      if (destroyed) return;
      destroyed = true;
      sorter.destroy();
      for (const t of [textures.centers, textures.covariances, textures.sh, orderTexture, accumTexture]) if (t) gl.deleteTexture(t);
      if (accumFbo) gl.deleteFramebuffer(accumFbo);
      if (readbackFbo) gl.deleteFramebuffer(readbackFbo);
      if (readbackRenderbuffer) gl.deleteRenderbuffer(readbackRenderbuffer);
      gl.deleteBuffer(quadIndexBuffer);
      gl.deleteVertexArray(vao);
      gl.deleteVertexArray(emptyVao);
      gl.deleteProgram(splatProgram);
      gl.deleteProgram(compositeProgram);
    },
  };
}
