/**
 * Feature tracks: the connected components of pairwise matches. A track is one scene point's
 * keypoints across views; a track that holds two different keypoints of the same view is
 * contradictory (a wrong match somewhere) and is dropped.
 */

export interface TrackObservation {
  view: number;
  keypoint: number;
}

/** A matched keypoint pair list between views a and b: pairs = [ka0, kb0, ka1, kb1, ...]. */
export interface MatchList {
  a: number;
  b: number;
  pairs: ArrayLike<number>;
}

/** Tracks (>= 2 views each, one keypoint per view) from matches between views with keypointCounts[v] keypoints. */
export function buildTracks(keypointCounts: readonly number[], matches: readonly MatchList[]): TrackObservation[][] {
  const offsets: number[] = [];
  let total = 0;
  for (const c of keypointCounts) { offsets.push(total); total += c; }
  const parent = new Int32Array(total).map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) { parent[i] = parent[parent[i]]; i = parent[i]; }
    return i;
  };
  for (const m of matches)
    for (let k = 0; k + 1 < m.pairs.length; k += 2) {
      const ra = find(offsets[m.a] + m.pairs[k]), rb = find(offsets[m.b] + m.pairs[k + 1]);
      if (ra !== rb) parent[ra] = rb;
    }
  const groups = new Map<number, TrackObservation[]>();
  keypointCounts.forEach((count, view) => {
    for (let kp = 0; kp < count; kp++) {
      const node = offsets[view] + kp;
      const root = find(node);
      let g = groups.get(root);
      if (!g) { g = []; groups.set(root, g); }
      g.push({ view, keypoint: kp });
    }
  });
  const tracks: TrackObservation[][] = [];
  for (const g of groups.values()) {
    if (g.length < 2) continue;
    const views = new Set(g.map((o) => o.view));
    if (views.size === g.length) tracks.push(g);
  }
  return tracks;
}
