import { describe, expect, it } from 'vitest';
import { previewSchedule } from '../../src/recon/train/trainSession.ts';

describe('previewSchedule (when the Train stage draws a preview)', () => {
  it('draws the first at once, then waits the gap, or twice what the last one cost when that is longer', () => {
    const s = previewSchedule(400);
    expect(s.due(0)).toBe(true);
    expect(s.drawn(0, 100)).toBe(100);
    expect(s.due(499)).toBe(false);
    expect(s.due(500)).toBe(true);
    // A slow preview (300 ms): the next one waits 600 ms after it ended, not 400.
    s.drawn(500, 800);
    expect(s.due(1300)).toBe(false);
    expect(s.due(1400)).toBe(true);
  });
});
