/** bench:render's stale-frame bookkeeping (bench/render/staleFrames.ts). */
import { describe, expect, it } from 'vitest';
import { matchCamera, median, OrderTracker, summarizeAges, summarizeFrames } from '../../bench/render/staleFrames.ts';

describe('bench:render stale frames', () => {
  it('matches a sort position to the orbit camera at that centre, or -1', () => {
    const centres: [number, number, number][] = [[0, 0, 3], [0.1, 0, 3], [0.2, 0, 2.99]];
    expect(matchCamera([0.1, 0, 3 + 1e-7], centres)).toBe(1);
    expect(matchCamera({ x: 0.2, y: 0, z: 2.99 }, centres)).toBe(2);
    expect(matchCamera([0.05, 0, 3], centres)).toBe(-1);
  });

  it('counts frames drawn before the order for their camera arrived (asynchronous sorts, FIFO answers)', () => {
    const t = new OrderTracker();
    t.drawn(0); // nothing sorted yet: stale, age unknown
    t.requested(0, false, 0);
    t.delivered(5);
    t.drawn(0); // fresh
    t.drawn(1); // camera moved, sort for 1 not requested yet: age 1
    t.requested(1, false, 10);
    t.drawn(2); // still the order of 0: age 2
    t.delivered(30); // the order for 1 arrives
    t.drawn(3); // age 2
    t.requested(3, true, 31); // a partial sort for 3
    t.delivered(32);
    t.drawn(3); // own camera but partial: stale, age 0
    t.requested(3, false, 33);
    t.delivered(40);
    t.drawn(3); // fresh
    const s = summarizeFrames(t.frames);
    expect(s).toEqual({ frames: 7, stale: 5, maxAge: 2, unknown: 1, partial: 1 });
    expect(t.roundTrips.map((r) => [r.camera, r.ms])).toEqual([[0, 5], [1, 20], [3, 1], [3, 7]]);
    expect(t.isFreshFor(3)).toBe(true);
    expect(t.pendingCount).toBe(0);
  });

  it('a cancelled sort does not change the order drawn', () => {
    const t = new OrderTracker();
    t.requested(0);
    t.delivered();
    t.requested(1);
    t.canceled();
    expect(t.drawn(1)).toEqual({ camera: 1, orderCamera: 0, partial: false });
  });

  it("takes our backends' FrameStats.orderAge as is; median", () => {
    expect(summarizeAges([0, 0, 0])).toEqual({ frames: 3, stale: 0, maxAge: 0, unknown: 0, partial: 0 });
    expect(summarizeAges([0, 1, 0]).stale).toBe(1);
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    expect(median([])).toBeNull();
  });
});
