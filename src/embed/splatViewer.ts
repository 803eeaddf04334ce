/**
 * `<splat-viewer src="scene.gsrq">`: a custom element, no React, for anyone's page. It streams a
 * splat stream (src/stream) and draws the first chunk as soon as it arrives, then every chunk
 * after it, with the project's renderers (WebGPU, else WebGL2: src/render). PLY, SPZ and .splat
 * files work too (drawn once whole).
 *
 * Attributes (all optional but src):
 *   src          the file's URL
 *   background   CSS hex colour, default #000000
 *   auto-rotate  degrees per second about the up axis (present without a value: 20)
 *   camera       "azimuth elevation distance": degrees, degrees, and the distance in units of the
 *                scene's radius (default "30 20 2.4")
 *   target       "x y z" the orbit centre (default: the first chunk's centre)
 *   radius       the scene's radius, world units (default: from the first chunk)
 *   up           "x y z" world up (default "0 -1 0": the 3DGS PLY frame is right-down-front)
 *   fov          vertical field of view, degrees (default 50)
 *   backend      auto | webgpu | webgl2
 * Events (CustomEvent, detail in brackets): progress {bytesLoaded, bytesTotal, chunksDecoded,
 * chunksTotal, splats}, frame {frame, splats, bytesLoaded, bytesTotal}, load {splats, warnings},
 * error {message}; warning {message} for a skipped chunk.
 * Drag to orbit, wheel to zoom. Without WebGPU and WebGL2 it shows a message saying so.
 */
import type { Camera, Vec3 } from '../core/camera.ts';
import { allocateCloud, type GaussianCloud } from '../core/gaussianCloud.ts';
import { readSplatFile } from '../io/splatFile.ts';
import { createSplatRenderer } from '../render/createSplatRenderer.ts';
import type { SplatRenderer } from '../render/splatRenderer.ts';
import type { StreamProgress } from './streamLoader.ts';
import { loadStreamInWorker } from './streamWorkerClient.ts';
import { frameCloud, orbitCamera, type Orbit } from './orbit.ts';

export const SPLAT_VIEWER_TAG = 'splat-viewer';

const STYLE = `
:host { display: block; position: relative; width: 480px; height: 360px; overflow: hidden; background: #000; contain: content; }
canvas { display: block; width: 100%; height: 100%; touch-action: none; cursor: grab; }
.message { position: absolute; inset: 0; display: none; align-items: center; justify-content: center; padding: 1em;
  font: 14px/1.4 system-ui, sans-serif; color: #ddd; background: #222; text-align: center; }
.bar { position: absolute; left: 0; bottom: 0; height: 3px; background: #4af; width: 0; transition: width 0.2s; }
`;

function numbers(text: string | null, count: number): number[] | null {
  if (!text) return null;
  const v = text.trim().split(/[\s,]+/).map(Number);
  return v.length === count && v.every(Number.isFinite) ? v : null;
}

function hexColour(text: string | null): [number, number, number] {
  const m = /^#?([0-9a-f]{6})$/i.exec(text?.trim() ?? '');
  if (!m) return [0, 0, 0];
  const v = parseInt(m[1], 16);
  return [(v >> 16) / 255, ((v >> 8) & 255) / 255, (v & 255) / 255];
}

const isStreamUrl = (url: string) => !/\.(ply|spz|splat)(\?|#|$)/i.test(url);

/** The element's class (made on first use: HTMLElement exists only in a browser). */
export function splatViewerClass() {
  return class SplatViewerElement extends HTMLElement {
    static observedAttributes = ['src', 'background', 'auto-rotate', 'camera', 'target', 'radius', 'up', 'fov'];
    private canvas: HTMLCanvasElement;
    private message: HTMLDivElement;
    private bar: HTMLDivElement;
    private renderer: SplatRenderer | null = null;
    private rendererPromise: Promise<SplatRenderer | null> | null = null;
    private cloud: GaussianCloud | null = null;
    private orbit: Orbit | null = null;
    private abort: AbortController | null = null;
    private raf = 0;
    private dirty = false;
    private drawing = false;
    private lastTime = 0;
    private progressNow: StreamProgress = { bytesLoaded: 0, bytesTotal: 0, chunksDecoded: 0, chunksTotal: 0 };
    private resizeObserver: ResizeObserver | null = null;
    /** Frames drawn since the last src. */
    frames = 0;
    /** Where the stream is decoded (a worker, else the main thread) and how it is read (HTTP Range, else one GET). */
    loadMode: { thread: 'worker' | 'main'; read: 'range' | 'whole' } | null = null;

    constructor() {
      super();
      const root = this.attachShadow({ mode: 'open' });
      const style = document.createElement('style');
      style.textContent = STYLE;
      this.canvas = document.createElement('canvas');
      this.message = document.createElement('div');
      this.message.className = 'message';
      this.bar = document.createElement('div');
      this.bar.className = 'bar';
      root.append(style, this.canvas, this.message, this.bar);
      this.installControls();
    }

    connectedCallback() {
      this.resize();
      this.resizeObserver = new ResizeObserver(() => this.resize());
      this.resizeObserver.observe(this);
      if (this.getAttribute('src')) void this.load(this.getAttribute('src')!);
    }

    disconnectedCallback() {
      this.abort?.abort();
      this.resizeObserver?.disconnect();
      cancelAnimationFrame(this.raf);
      this.raf = 0;
      this.renderer?.destroy();
      this.renderer = null;
      this.rendererPromise = null;
    }

    attributeChangedCallback(name: string, old: string | null, value: string | null) {
      if (!this.isConnected || old === value) return;
      if (name === 'src' && value) void this.load(value);
      else {
        if (this.orbit && (name === 'camera' || name === 'target' || name === 'radius' || name === 'up' || name === 'fov')) this.orbit = this.makeOrbit(this.cloud);
        this.requestDraw();
      }
    }

    /** The camera of the next frame (OpenCV convention), or null before anything arrived. */
    get camera(): Camera | null {
      return this.orbit ? orbitCamera(this.orbit, this.canvas.width, this.canvas.height) : null;
    }

    get progress(): StreamProgress {
      return { ...this.progressNow };
    }

    /** The last frame as RGBA8, top row first. */
    async readPixels(): Promise<Uint8Array> {
      if (!this.renderer) throw new Error('splat-viewer: nothing drawn yet');
      return this.renderer.readPixels();
    }

    private showMessage(text: string) {
      this.message.textContent = text;
      this.message.style.display = text ? 'flex' : 'none';
    }

    private emit(type: string, detail: unknown) {
      this.dispatchEvent(new CustomEvent(type, { detail }));
    }

    private resize() {
      const dpr = window.devicePixelRatio || 1;
      const w = Math.max(1, Math.round(this.clientWidth * dpr));
      const h = Math.max(1, Math.round(this.clientHeight * dpr));
      if (w !== this.canvas.width || h !== this.canvas.height) {
        this.canvas.width = w;
        this.canvas.height = h;
        this.requestDraw();
      }
    }

    private getRenderer(): Promise<SplatRenderer | null> {
      this.rendererPromise ??= createSplatRenderer(this.canvas, { backend: (this.getAttribute('backend') as 'auto' | 'webgpu' | 'webgl2' | null) ?? 'auto' }).then(
        async (r) => {
          // One frame of one invisible splat, before the download starts: the GPU compiles its
          // shaders now rather than when the first chunk is waiting to be drawn (seconds on a
          // software GPU, tens of ms on a real one).
          const warm = allocateCloud(1, 0);
          warm.opacityLogits[0] = -30;
          warm.quats[0] = 1;
          r.setCloud(warm);
          const cam = orbitCamera({ target: [0, 0, 0], up: [0, -1, 0], azimuthDeg: 0, elevationDeg: 0, distance: 3, fovDeg: 50 }, Math.max(1, this.canvas.width), Math.max(1, this.canvas.height));
          await r.render(cam, hexColour(this.getAttribute('background')));
          return (this.renderer = r);
        },
        (e: unknown) => {
          const message = e instanceof Error ? e.message : String(e);
          this.showMessage(`This browser cannot draw this 3D scene. ${message}`);
          this.emit('error', { message });
          return null;
        },
      );
      return this.rendererPromise;
    }

    private makeOrbit(cloud: GaussianCloud | null): Orbit {
      const framed = cloud ? frameCloud(cloud) : { target: [0, 0, 0] as Vec3, radius: 1 };
      const cam = numbers(this.getAttribute('camera'), 3) ?? [30, 20, 2.4];
      const fovDeg = Number(this.getAttribute('fov')) || 50;
      return {
        target: (numbers(this.getAttribute('target'), 3) as Vec3 | null) ?? framed.target,
        up: (numbers(this.getAttribute('up'), 3) as Vec3 | null) ?? [0, -1, 0],
        azimuthDeg: cam[0],
        elevationDeg: cam[1],
        distance: cam[2] * (Number(this.getAttribute('radius')) || framed.radius),
        fovDeg,
      };
    }

    private show(cloud: GaussianCloud) {
      const first = !this.cloud;
      this.cloud = cloud;
      if (first || !this.orbit) this.orbit = this.makeOrbit(cloud);
      this.renderer?.setCloud(cloud, { antialiased: cloud.antialiased });
      this.requestDraw();
    }

    private async load(src: string) {
      this.abort?.abort();
      const abort = (this.abort = new AbortController());
      this.cloud = null;
      this.orbit = null;
      this.frames = 0;
      this.loadMode = null;
      this.showMessage('');
      const renderer = await this.getRenderer();
      if (!renderer || abort.signal.aborted) return;
      const url = new URL(src, document.baseURI).href;
      try {
        if (!isStreamUrl(url)) {
          const res = await fetch(url, { signal: abort.signal });
          if (!res.ok) throw new Error(`could not fetch ${src}: HTTP ${res.status}`);
          const bytes = new Uint8Array(await res.arrayBuffer());
          this.progressNow = { bytesLoaded: bytes.length, bytesTotal: bytes.length, chunksDecoded: 1, chunksTotal: 1 };
          const cloud = readSplatFile(bytes, url);
          this.show(cloud);
          this.bar.style.width = '0';
          this.emit('load', { splats: cloud.count, warnings: [] });
          return;
        }
        const result = await loadStreamInWorker(url, {
          signal: abort.signal,
          onMode: (mode) => (this.loadMode = mode),
          onProgress: (p) => {
            this.progressNow = p;
          },
          onWarning: (message) => this.emit('warning', { message }),
          onCloud: (cloud, p) => {
            if (abort.signal.aborted) return;
            this.progressNow = p;
            this.bar.style.width = `${(100 * p.bytesLoaded) / Math.max(1, p.bytesTotal)}%`;
            // A newer scene replaces the one waiting (at most one upload a frame: the latest wins).
            this.pending = cloud;
            this.emit('progress', { ...p, splats: cloud.count });
            this.requestDraw();
          },
        });
        if (abort.signal.aborted) return;
        this.progressNow = { ...this.progressNow, bytesLoaded: this.progressNow.bytesTotal };
        this.bar.style.width = '0';
        this.flushPending();
        this.requestDraw();
        this.emit('load', { splats: result.splats, warnings: result.warnings });
      } catch (e) {
        if (abort.signal.aborted) return;
        const message = e instanceof Error ? e.message : String(e);
        this.showMessage(`Could not load ${src}: ${message}`);
        this.emit('error', { message });
      }
    }

    /** The newest scene from the stream, not yet uploaded. */
    private pending: GaussianCloud | null = null;

    private flushPending() {
      const cloud = this.pending;
      this.pending = null;
      if (cloud && cloud.count > 0) this.show(cloud);
    }

    private requestDraw() {
      this.dirty = true;
      if (!this.raf) this.raf = requestAnimationFrame((t) => void this.tick(t));
    }

    private async tick(time: number) {
      this.raf = 0;
      const dt = this.lastTime ? Math.min(0.1, (time - this.lastTime) / 1000) : 0;
      this.lastTime = time;
      const spinAttr = this.getAttribute('auto-rotate');
      const spin = spinAttr === null ? 0 : Number(spinAttr) || (spinAttr.trim() === '' ? 20 : 0);
      if (spin && this.orbit) {
        this.orbit.azimuthDeg += spin * dt;
        this.dirty = true;
      }
      if (this.pending) this.flushPending();
      if (this.dirty && !this.drawing && this.renderer && this.cloud && this.orbit) {
        this.dirty = false;
        this.drawing = true;
        const splats = this.cloud.count;
        try {
          await this.renderer.render(orbitCamera(this.orbit, this.canvas.width, this.canvas.height), hexColour(this.getAttribute('background')));
          this.frames++;
          // Bytes that had arrived when the frame was done (not when it was started).
          this.emit('frame', { frame: this.frames, splats, bytesLoaded: this.progressNow.bytesLoaded, bytesTotal: this.progressNow.bytesTotal });
        } catch (e) {
          this.emit('error', { message: e instanceof Error ? e.message : String(e) });
        } finally {
          this.drawing = false;
        }
      }
      if (spin || this.dirty || this.pending) this.requestDraw();
    }

    private installControls() {
      let drag: { x: number; y: number } | null = null;
      this.canvas.addEventListener('pointerdown', (e) => {
        drag = { x: e.clientX, y: e.clientY };
        this.canvas.setPointerCapture(e.pointerId);
      });
      this.canvas.addEventListener('pointermove', (e) => {
        if (!drag || !this.orbit) return;
        this.orbit.azimuthDeg -= (e.clientX - drag.x) * 0.4;
        this.orbit.elevationDeg = Math.max(-89, Math.min(89, this.orbit.elevationDeg + (e.clientY - drag.y) * 0.4));
        drag = { x: e.clientX, y: e.clientY };
        this.requestDraw();
      });
      const end = () => (drag = null);
      this.canvas.addEventListener('pointerup', end);
      this.canvas.addEventListener('pointercancel', end);
      this.canvas.addEventListener(
        'wheel',
        (e) => {
          if (!this.orbit) return;
          e.preventDefault();
          this.orbit.distance *= Math.exp(e.deltaY * 0.001);
          this.requestDraw();
        },
        { passive: false },
      );
    }
  };
}

export type SplatViewerElement = InstanceType<ReturnType<typeof splatViewerClass>>;

/** Registers <splat-viewer> (once; later calls return the registered class). */
export function defineSplatViewer(tag = SPLAT_VIEWER_TAG): CustomElementConstructor {
  const existing = customElements.get(tag);
  if (existing) return existing;
  const cls = splatViewerClass();
  customElements.define(tag, cls);
  return cls;
}
