/** The guided first run's steps (src/ui/guide.ts): one line for what to do next, gone once a cloud is saved. */
import { describe, expect, it } from 'vitest';
import { guideStep, type GuideFacts } from '../../src/ui/guide.ts';

const start: GuideFacts = { scene: false, cameras: false, preparing: false, training: false, cloud: false, looked: false, evaluating: false, evaluated: false, saved: false };

describe('guided first run', () => {
  it('walks from photos to a saved cloud, one step at a time', () => {
    const steps: [Partial<GuideFacts>, number, RegExp][] = [
      [{}, 1, /photos.*sample/],
      [{ scene: true, preparing: true }, 1, /Finding/],
      [{ scene: true, cameras: true }, 2, /Reconstruct/],
      [{ scene: true, cameras: true, training: true }, 2, /Training/],
      [{ scene: true, cameras: true, cloud: true }, 3, /Drag in the 3D view/],
      [{ scene: true, cameras: true, cloud: true, looked: true }, 4, /Evaluate/],
      [{ scene: true, cameras: true, cloud: true, looked: true, evaluated: true }, 5, /Save PLY/],
    ];
    for (const [facts, step, text] of steps) {
      const g = guideStep({ ...start, ...facts })!;
      expect(g.step, JSON.stringify(facts)).toBe(step);
      expect(g.text).toMatch(text);
      expect(g.text.length).toBeLessThan(70);
    }
    expect(guideStep({ ...start, scene: true, cameras: true, cloud: true, looked: true, evaluated: true, saved: true })).toBeNull();
  });

  it('a cloud opened without a scene goes from looking to saving (nothing to evaluate)', () => {
    expect(guideStep({ ...start, cloud: true, looked: true })?.step).toBe(5);
  });
});
