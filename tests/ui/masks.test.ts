import { describe, expect, it } from 'vitest';
import { createImage } from '../../src/core/image.ts';
import type { LoadedScene, LoadedView } from '../../src/io/sceneFolder.ts';
import { editedMask, unmaskedViews, withMasks, type EstimatedMask } from '../../src/ui/useMasks.ts';

const W = 20, H = 10;

function view(id: string, mask: boolean): LoadedView {
  return { id, image: `${id}.png`, rgba: createImage(W, H), maskData: mask ? new Uint8Array(W * H).fill(1) : undefined } as LoadedView;
}
const scene = (views: LoadedView[]) => ({ manifest: { version: 1, name: 's', views, splits: {} }, views }) as unknown as LoadedScene;

/** A probability map: a 10x6 block at 200, a ring around it at 100, 0 elsewhere. */
function estimate(choice: EstimatedMask['choice'] = 'auto'): EstimatedMask {
  const p = new Uint8Array(W * H);
  for (let y = 1; y < 9; y++) for (let x = 4; x < 16; x++) p[y * W + x] = y >= 2 && y < 8 && x >= 5 && x < 15 ? 200 : 100;
  return { width: W, height: H, probability: p, choice, redoing: false };
}

describe('masks in the app (useMasks helpers)', () => {
  it('lists the views that need a mask', () => {
    expect(unmaskedViews(scene([view('a', true), view('b', false), view('c', false)]))).toEqual(['b', 'c']);
    expect(unmaskedViews(null)).toEqual([]);
  });

  it('re-thresholds the kept probability map', () => {
    const low = editedMask(estimate(), 0.3, 'a.png');
    const high = editedMask(estimate(), 0.6, 'a.png');
    expect(low.area).toBeCloseTo((12 * 8) / (W * H));
    expect(high.area).toBeCloseTo((10 * 6) / (W * H));
    expect(high.mask[2 * W + 5]).toBe(1);
    expect(high.mask[1 * W + 4]).toBe(0);
    expect(high.warning).toBeNull();
  });

  it('warns in plain words about an empty mask, unless accepted; no mask is the full frame', () => {
    expect(editedMask(estimate(), 0.9, 'a.png').warning).toContain('a.png: no object found');
    expect(editedMask(estimate('accepted'), 0.9, 'a.png').warning).toBeNull();
    const full = editedMask(estimate('full'), 0.9, 'a.png');
    expect(full.area).toBe(1);
    expect(full.mask.every((m) => m === 1)).toBe(true);
    expect(full.warning).toBeNull();
  });

  it('puts the edited masks into the scene the later stages see, and leaves the others', () => {
    const s = scene([view('a', true), view('b', false)]);
    expect(withMasks(s, new Map())).toBe(s);
    const b = editedMask(estimate(), 0.5, 'b.png');
    const out = withMasks(s, new Map([['b', b]]))!;
    expect(out.views[0]).toBe(s.views[0]);
    expect(out.views[1].maskData).toBe(b.mask);
    expect(s.views[1].maskData).toBeUndefined();
  });
});
