/**
 * Stale-frame bookkeeping for bench:render (pure; unit-tested in tests/bench/renderStaleFrames.test.ts).
 *
 * Every frame k of the benchmark is drawn with camera k of a fixed orbit. A viewer draws with a
 * depth order that was sorted for some camera; the frame is "stale" when that camera is not the
 * frame's own camera (an order from an earlier camera, a partial order, or no order at all).
 *
 * For the three.js viewers the order's camera is observed from outside: the sort request a viewer
 * sends to its worker carries (or is made from) the camera position it sorts for, which is matched
 * to the orbit's cameras (`matchCamera`); the worker's answer is the moment that order replaces the
 * one drawn (`OrderTracker.delivered`). Sorts are answered in request order (one worker, FIFO).
 */

export type Vec3Like = readonly [number, number, number] | { x: number; y: number; z: number };

function xyz(v: Vec3Like): [number, number, number] {
  return Array.isArray(v) ? [v[0], v[1], v[2]] : [(v as { x: number }).x, (v as { y: number }).y, (v as { z: number }).z];
}

/**
 * Index of the orbit camera at `position` (world camera centre), or -1 when none is within `tol`
 * (relative to the distance between neighbouring cameras, which the caller's orbit keeps > tol).
 */
export function matchCamera(position: Vec3Like, centres: readonly (readonly [number, number, number])[], tol = 1e-4): number {
  const p = xyz(position);
  let best = -1;
  let bestD = Infinity;
  for (let i = 0; i < centres.length; i++) {
    const c = centres[i];
    const d = Math.hypot(p[0] - c[0], p[1] - c[1], p[2] - c[2]);
    if (d < bestD) {
      bestD = d;
      best = i;
    }
  }
  return bestD <= tol ? best : -1;
}

/** What a frame was drawn with: the camera index its order was sorted for (-1 unknown), null: no order yet. */
export interface DrawnFrame {
  camera: number;
  orderCamera: number | null;
  /** The order in use was a partial sort (only part of the splats sorted for its camera). */
  partial: boolean;
}

export interface PendingSort {
  camera: number;
  partial: boolean;
  startedAt: number;
}

/**
 * Sorts requested and answered, and the order in use. `requested` when a sort is sent to the
 * worker, `delivered` when its answer replaces the order drawn (FIFO), `canceled` when the worker
 * drops the oldest request without an answer; `drawn` when a frame is drawn.
 */
export class OrderTracker {
  private readonly pending: PendingSort[] = [];
  private current: { camera: number; partial: boolean } | null = null;
  readonly frames: DrawnFrame[] = [];
  /** Durations (request to answer, ms, main-thread clock) of the sorts answered. */
  readonly roundTrips: { camera: number; ms: number; startedAt: number }[] = [];

  requested(camera: number, partial = false, now = 0): void {
    this.pending.push({ camera, partial, startedAt: now });
  }

  /** The oldest pending sort is answered; `camera` overrides its camera when the answer names it. */
  delivered(now = 0, camera?: number): void {
    const s = this.pending.shift();
    const cam = camera ?? s?.camera ?? -1;
    this.current = { camera: cam, partial: s?.partial ?? false };
    if (s) this.roundTrips.push({ camera: cam, ms: now - s.startedAt, startedAt: s.startedAt });
  }

  canceled(): void {
    this.pending.shift();
  }

  get pendingCount(): number {
    return this.pending.length;
  }

  /** The camera the order in use was sorted for (null: none yet). */
  get orderCamera(): number | null {
    return this.current ? this.current.camera : null;
  }

  /** True when the order in use is a complete sort for `camera`. */
  isFreshFor(camera: number): boolean {
    return !!this.current && this.current.camera === camera && !this.current.partial;
  }

  drawn(camera: number): DrawnFrame {
    const f: DrawnFrame = { camera, orderCamera: this.current ? this.current.camera : null, partial: this.current?.partial ?? false };
    this.frames.push(f);
    return f;
  }
}

/**
 * Age of the order a frame was drawn with, in camera steps (0 = sorted for this frame's camera);
 * null when it cannot be given (no order yet, or an order for an unknown camera). A partial order
 * for the frame's own camera has age 0 but is still counted stale by `isStale`.
 */
export function orderAge(f: DrawnFrame): number | null {
  if (f.orderCamera === null || f.orderCamera < 0) return null;
  return f.camera - f.orderCamera;
}

export function isStale(f: DrawnFrame): boolean {
  const age = orderAge(f);
  return age === null || age !== 0 || f.partial;
}

export interface StaleSummary {
  frames: number;
  stale: number;
  /** Largest known age among the frames (null when no frame has a known age). */
  maxAge: number | null;
  /** Frames drawn with no order or an order for an unknown camera. */
  unknown: number;
  /** Frames drawn with a partial order for their own camera. */
  partial: number;
}

export function summarizeFrames(frames: readonly DrawnFrame[]): StaleSummary {
  let stale = 0;
  let unknown = 0;
  let partial = 0;
  let maxAge: number | null = null;
  for (const f of frames) {
    const age = orderAge(f);
    if (isStale(f)) stale++;
    if (age === null) unknown++;
    else maxAge = maxAge === null ? age : Math.max(maxAge, age);
    if (age === 0 && f.partial) partial++;
  }
  return { frames: frames.length, stale, maxAge, unknown, partial };
}

/** Summary from per-frame ages as our backends report them (FrameStats.orderAge). */
export function summarizeAges(ages: readonly number[]): StaleSummary {
  return summarizeFrames(ages.map((a, i) => ({ camera: i, orderCamera: i - a, partial: false })));
}

export function median(values: readonly number[]): number | null {
  if (!values.length) return null;
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
