/**
 * Co-regularisation's CPU parts: the nearest-neighbour distance between two point sets (checked
 * against brute force, including queries outside the other set's box), the co-prune rule, and
 * the step-keyed swap the two co-trained runs meet in (pairs by step, releases a partner that
 * waits on a step the other skipped or after the other ended).
 */
import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/random.ts';
import { knnRmsDistance, nearestDistance } from '../../src/recon/hull/index.ts';
import { createExchange } from '../../src/recon/train/coExchange.ts';
import { coPruneKeep, coPruneKeepBySpacing, medianSpacing } from '../../src/recon/train/coPrune.ts';

function randomPoints(n: number, seed: number, lo = 0, hi = 1): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: 3 * n }, () => lo + (hi - lo) * rng.uniform());
}

function bruteNearest(q: Float32Array, p: Float32Array): number[] {
  const out: number[] = [];
  for (let i = 0; i < q.length / 3; i++) {
    let best = Infinity;
    for (let j = 0; j < p.length / 3; j++) best = Math.min(best, Math.hypot(q[3 * i] - p[3 * j], q[3 * i + 1] - p[3 * j + 1], q[3 * i + 2] - p[3 * j + 2]));
    out.push(best);
  }
  return out;
}

describe('nearestDistance', () => {
  it('matches brute force, queries inside and outside the other set\'s box', () => {
    const points = randomPoints(700, 1);
    const queries = randomPoints(300, 2, -0.5, 1.5);
    const d = nearestDistance(queries, points);
    const ref = bruteNearest(queries, points);
    for (let i = 0; i < ref.length; i++) expect(d[i]).toBeCloseTo(ref[i], 5);
  });

  it('is Infinity against an empty set', () => {
    expect([...nearestDistance(randomPoints(3, 3), new Float32Array(0))]).toEqual([Infinity, Infinity, Infinity]);
  });

  it('leaves knnRmsDistance as it was (the RMS of the 3 nearest others)', () => {
    const p = randomPoints(200, 4);
    const d = knnRmsDistance(p, 3);
    for (const i of [0, 57, 199]) {
      const others = [];
      for (let j = 0; j < 200; j++) if (j !== i) others.push(Math.hypot(p[3 * i] - p[3 * j], p[3 * i + 1] - p[3 * j + 1], p[3 * i + 2] - p[3 * j + 2]));
      others.sort((a, b) => a - b);
      expect(d[i]).toBeCloseTo(Math.sqrt((others[0] ** 2 + others[1] ** 2 + others[2] ** 2) / 3), 5);
    }
  });
});

describe('coPruneKeep', () => {
  it('keeps the splats the partner confirms and drops the others', () => {
    const partner = new Float32Array([0, 0, 0, 1, 0, 0]);
    const own = new Float32Array([0.05, 0, 0, 1, 0.09, 0, 0.5, 0, 0, 3, 3, 3]);
    expect([...coPruneKeep(own, partner, 0.1)]).toEqual([1, 1, 0, 0]);
  });

  it('keeps everything without a partner, without a distance, or when all would go', () => {
    const own = new Float32Array([0, 0, 0, 5, 5, 5]);
    expect([...coPruneKeep(own, new Float32Array(0), 0.1)]).toEqual([1, 1]);
    expect([...coPruneKeep(own, new Float32Array([9, 9, 9]), 0)]).toEqual([1, 1]);
    expect([...coPruneKeep(own, new Float32Array([9, 9, 9]), 0.1)]).toEqual([1, 1]);
  });
});

describe('coPruneKeepBySpacing', () => {
  it('measures the distance in the cloud\'s median spacing: interleaved clouds keep all, a lone splat goes', () => {
    // Own: a 6x6x6 grid of spacing 0.1 and one splat far out; partner: the grid shifted by half a spacing.
    const grid = (shift: number) => Array.from({ length: 216 }, (_, i) => [i % 6, Math.floor(i / 6) % 6, Math.floor(i / 36)].map((c) => 0.1 * c + shift)).flat();
    const own = Float32Array.from([...grid(0), 2, 2, 2]);
    const partner = Float32Array.from(grid(0.05));
    expect(medianSpacing(own)).toBeCloseTo(0.1, 5);
    const keep = coPruneKeepBySpacing(own, partner, 3);
    expect(keep.slice(0, 216).every((k) => k === 1)).toBe(true);
    expect(keep[216]).toBe(0);
    // At half a spacing even the interleaved grid goes (0.087 from the partner), but never everything.
    expect(coPruneKeepBySpacing(own, partner, 0.5).filter((k) => k === 1).length).toBe(own.length / 3);
  });
});

describe('createExchange', () => {
  it('gives each side the other\'s value for the same step, whichever comes first', async () => {
    const x = createExchange<string>();
    const a = x.swap(0, 10, 'a10');
    const b = x.swap(1, 10, 'b10');
    expect(await a).toBe('b10');
    expect(await b).toBe('a10');
    const b2 = x.swap(1, 20, 'b20');
    expect(await x.swap(0, 20, 'a20')).toBe('b20');
    expect(await b2).toBe('a20');
  });

  it('releases a side waiting on a step the other skipped, and pairs the next one', async () => {
    const x = createExchange<string>();
    const a = x.swap(0, 10, 'a10');
    const b = x.swap(1, 20, 'b20'); // side 1 never gives step 10
    expect(await a).toBeNull();
    expect(await x.swap(0, 20, 'a20')).toBe('b20');
    expect(await b).toBe('a20');
    // Side 0 asks for a step side 1 has already passed.
    await expect(x.swap(0, 15, 'late')).resolves.toBeNull();
  });

  it('releases the partner when a side ends, now and later', async () => {
    const x = createExchange<number>();
    const a = x.swap(0, 1, 1);
    x.close(1);
    expect(await a).toBeNull();
    expect(await x.swap(0, 2, 2)).toBeNull();
  });
});
