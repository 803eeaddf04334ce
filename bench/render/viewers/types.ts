import type { Camera } from '../../../src/core/camera.ts';
import type { DrawnFrame } from '../staleFrames.ts';

export interface AdapterContext {
  canvas: HTMLCanvasElement;
  cameras: Camera[];
  background: [number, number, number];
  splats: number;
}

export interface DrawResult {
  /** performance.now() when the frame was complete (before any capture). */
  completeAt: number;
  frame: DrawnFrame;
  /** The sort time this frame reports itself (our backends), ms. */
  sortMs?: number | null;
}

/** One viewer under test, driven frame by frame by bench/render/page.ts. */
export interface ViewerAdapter {
  load(url: string): Promise<void>;
  /**
   * Sets camera k, draws one frame and waits until it is complete. With `capture`, reads the
   * frame back afterwards (not timed). Records which order the frame was drawn with.
   */
  drawFrame(k: number, capture: boolean): Promise<DrawResult>;
  /** RGBA8 of the captured frame, top row first. */
  captured(): Promise<Uint8Array | null>;
  /** False while a sort the viewer started is still running (the driver waits for it after the last frame). */
  idle(): boolean;
  /** Marks the start of the measured frames (sort samples before it are warm-up). */
  startMeasuring(): void;
  /** Sort times seen since startMeasuring (ms), or null when the viewer exposes none. */
  sortSamples(): number[] | null;
  readonly sortNote: string;
  /** Anything the reader of the table should know (e.g. "partial sorts"). */
  notes(): string[];
  destroy(): void;
}

/** Flips bottom-up rows (gl.readPixels) to top-down. */
export function flipRows(bottomUp: Uint8Array, width: number, height: number): Uint8Array {
  const out = new Uint8Array(bottomUp.length);
  const row = width * 4;
  for (let y = 0; y < height; y++) out.set(bottomUp.subarray((height - 1 - y) * row, (height - y) * row), y * row);
  return out;
}

/** Reads one pixel of the default framebuffer: returns only when the GPU has finished the frame. */
export function finishWithOnePixel(gl: WebGL2RenderingContext): void {
  const prevRead = gl.getParameter(gl.READ_FRAMEBUFFER_BINDING) as WebGLFramebuffer | null;
  gl.bindFramebuffer(gl.READ_FRAMEBUFFER, null);
  gl.readPixels(0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, new Uint8Array(4));
  gl.bindFramebuffer(gl.READ_FRAMEBUFFER, prevRead);
}

export function readDefaultFramebuffer(gl: WebGL2RenderingContext, width: number, height: number): Uint8Array {
  const prevRead = gl.getParameter(gl.READ_FRAMEBUFFER_BINDING) as WebGLFramebuffer | null;
  gl.bindFramebuffer(gl.READ_FRAMEBUFFER, null);
  const px = new Uint8Array(width * height * 4);
  gl.readPixels(0, 0, width, height, gl.RGBA, gl.UNSIGNED_BYTE, px);
  gl.bindFramebuffer(gl.READ_FRAMEBUFFER, prevRead);
  return flipRows(px, width, height);
}
