/** What the Node driver (bench/render.ts) asks the page (bench/render/page.ts) and gets back. */
import type { Camera } from '../../src/core/camera.ts';
import type { StaleSummary } from './staleFrames.ts';

export const VIEWERS = ['webgpu', 'webgl2', 'spark', 'gs3d'] as const;
export type ViewerId = (typeof VIEWERS)[number];

export const VIEWER_LABELS: Record<ViewerId, string> = {
  webgpu: 'this viewer, WebGPU',
  webgl2: 'this viewer, WebGL2',
  spark: '@sparkjsdev/spark',
  gs3d: '@mkkellogg/gaussian-splats-3d',
};

export interface RunRequest {
  viewer: ViewerId;
  /** URL of the PLY file (served by the driver). */
  cloudUrl: string;
  splats: number;
  /** Camera 0: warm-up; 1..N: measured frames. */
  cameras: Camera[];
  background: [number, number, number];
  /** Give up waiting for the warm-up frame's own order after this long. */
  settleTimeoutMs: number;
  /** Return a PNG (data URL) of the last measured frame. */
  shot: boolean;
}

export interface RunResult {
  viewer: ViewerId;
  /** Library version or backend description. */
  version: string;
  loadMs: number;
  /** Per measured frame: camera set -> frame complete, ms. */
  frameMs: number[];
  /** Sort times observed during the measured frames (ms); null: the viewer does not expose one. */
  sortMs: number[] | null;
  /** What sortMs measures, or why it is n/a. */
  sortNote: string;
  stale: StaleSummary;
  /** Per measured frame: the age of the order drawn (camera steps; null unknown). */
  ages: (number | null)[];
  /** Warm-up frames drawn before camera 0's own order was in use (or the timeout hit). */
  warmupFrames: number;
  settled: boolean;
  /** Fraction of the last frame's pixels that differ from the background (did it draw at all?). */
  coverage: number;
  shot?: string;
  notes: string[];
}

export interface AdapterInfo {
  webgpu: string | null;
  webgpuFallback: boolean | null;
  webgl: string | null;
  crossOriginIsolated: boolean;
  userAgent: string;
}

export interface BenchPage {
  adapterInfo(): Promise<AdapterInfo>;
  run(req: RunRequest): Promise<RunResult>;
}
