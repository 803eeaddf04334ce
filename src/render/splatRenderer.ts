/**
 * The contract both viewer backends (WebGPU: src/render/webgpu, WebGL2: src/render/webgl2)
 * implement, so the app, the evaluation view, the embed element and bench:render can swap them.
 *
 * Conventions: cameras are the one OpenCV world-to-camera convention (src/core/camera.ts); the
 * image a backend draws for (cloud, camera) must agree with the trainer's forward rasterizer
 * (src/gpu/rasterizer.ts) to PSNR >= 40 dB: same EWA projection with the 0.3 px low-pass, the
 * same SH evaluation (colour = max(SH(dir) + 0.5, 0)), alpha = min(0.99, opacity exp(power)),
 * skipped below 1/255, premultiplied blending over the background, and the Mip-Splatting 2D
 * filter when `antialiased` is set.
 */
import type { Camera } from '../core/camera.ts';
import type { GaussianCloud } from '../core/gaussianCloud.ts';

export type RendererBackend = 'webgpu' | 'webgl2';

export interface SplatRenderOptions {
  /** Mip-Splatting 2D filter (opacity compensation), as the cloud was trained. Default false. */
  antialiased?: boolean;
  /** Render with SH up to this degree (default: the cloud's). */
  maxShDegree?: number;
}

export interface FrameStats {
  /** Splats left after frustum culling. */
  visibleSplats: number;
  /** GPU (or worker) time of the depth sort for this frame, ms; null when not measurable. */
  sortMs: number | null;
  /**
   * Frames are drawn with the order sorted for a camera; this is the age, in camera updates,
   * of that camera when the frame was drawn (0 = sorted for this very camera).
   */
  orderAge: number;
  /**
   * GPU time of each stage of this frame, ms (WebGPU with 'timestamp-query' only): project
   * (projection, culling, compaction), sort, draw, present. Absent when not measurable.
   */
  stageMs?: Partial<Record<'project' | 'sort' | 'draw' | 'present', number>>;
}

export interface SplatRenderer {
  readonly backend: RendererBackend;
  /** Uploads a cloud (replacing the previous one). */
  setCloud(cloud: GaussianCloud, options?: SplatRenderOptions): void;
  /** Draws the current cloud for `camera` over `background` (RGB 0..1) into the renderer's canvas/target. */
  render(camera: Camera, background: readonly [number, number, number]): Promise<FrameStats>;
  /** Reads the last frame back as RGBA8, top row first (tests, golden images, bench). */
  readPixels(): Promise<Uint8Array>;
  destroy(): void;
}
