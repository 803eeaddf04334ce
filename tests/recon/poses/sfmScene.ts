/** Synthetic detector + matcher output for the incremental-SfM tests. */
import type { Camera, Vec3 } from '../../../src/core/camera.ts';
import { projectPoint } from '../../../src/core/camera.ts';
import type { SfmMatches, SfmView } from '../../../src/recon/poses/incrementalSfm.ts';
import { gaussian, mulberry32 } from './synthetic.ts';

const W = 640, H = 480;

/**
 * Keypoints and matches of a synthetic scene as a detector + matcher would give them: each view
 * detects each point with probability 0.85 (0.5 px noise) plus 40 distractors, in shuffled order;
 * pairs up to `maxSep` ring steps apart are matched, with 20% wrong matches mixed in.
 */
export function synthesise(cams: Camera[], pts: Vec3[], seed: number, maxSep = 2) {
  const rng = mulberry32(seed);
  const noise = gaussian(rng);
  const index: Map<number, number>[] = [];
  const views: SfmView[] = cams.map((cam) => {
    const list: [number, number, number][] = []; // u, v, point (-1: distractor)
    pts.forEach((X, j) => {
      const [u, v, z] = projectPoint(cam, X);
      if (z > 0 && u >= 0 && u < W && v >= 0 && v < H && rng() < 0.85) list.push([u + 0.5 * noise(), v + 0.5 * noise(), j]);
    });
    for (let k = 0; k < 40; k++) list.push([rng() * W, rng() * H, -1]);
    for (let k = list.length - 1; k > 0; k--) { const r = Math.floor(rng() * (k + 1)); [list[k], list[r]] = [list[r], list[k]]; }
    const m = new Map<number, number>();
    list.forEach((e, k) => { if (e[2] >= 0) m.set(e[2], k); });
    index.push(m);
    return { width: W, height: H, keypoints: list.flatMap((e) => [e[0], e[1]]) };
  });
  const matches: SfmMatches[] = [];
  const n = cams.length;
  for (let a = 0; a < n; a++)
    for (let b = a + 1; b < n; b++) {
      const sep = Math.min(b - a, n - (b - a));
      if (sep > maxSep) continue;
      const pairs: number[] = [];
      for (const [j, ka] of index[a]) {
        const kb = index[b].get(j);
        if (kb !== undefined) pairs.push(ka, kb);
      }
      const wrong = Math.round(0.25 * (pairs.length / 2)); // 20% of the final list
      for (let k = 0; k < wrong; k++) pairs.push(Math.floor(rng() * (views[a].keypoints.length / 2)), Math.floor(rng() * (views[b].keypoints.length / 2)));
      matches.push({ a, b, pairs });
    }
  return { views, matches };
}

