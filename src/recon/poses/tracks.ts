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
  // Union everything, then drop the tracks that hold two keypoints of one view.
  return tracksByUnion(keypointCounts, matches, false).filter((g) => new Set(g.map((o) => o.view)).size === g.length);
}

/**
 * Tracks as buildTracks makes them, except that a match that would put two keypoints of one view
 * into a track is skipped rather than dropping the whole track: matches are taken in the order
 * given, so the more trusted ones (listed first) win. For adding matches to tracks that already
 * hold (the epipolar rematching: look-alike texture would otherwise tie tracks together and lose
 * them all). At most 32 views (a bit mask per track).
 */
export function buildTracksFirstWins(keypointCounts: readonly number[], matches: readonly MatchList[]): TrackObservation[][] {
  if (keypointCounts.length > 32) throw new RangeError(`buildTracksFirstWins takes at most 32 views (got ${keypointCounts.length})`);
  return tracksByUnion(keypointCounts, matches, true);
}

/**
 * Union-find over every keypoint of every view (node offsets[view] + keypoint), each match joining
 * its two keypoints' sets; with `skipConflicts`, a match whose sets already hold a keypoint of the
 * same view is skipped (a view bit mask per set). Returns the sets of two or more keypoints.
 */
function tracksByUnion(keypointCounts: readonly number[], matches: readonly MatchList[], skipConflicts: boolean): TrackObservation[][] {
  const offsets: number[] = [];
  let total = 0;
  for (const c of keypointCounts) { offsets.push(total); total += c; }
  const parent = new Int32Array(total).map((_, i) => i);
  const views = new Uint32Array(skipConflicts ? total : 0);
  if (skipConflicts) keypointCounts.forEach((c, v) => views.fill(1 << v >>> 0, offsets[v], offsets[v] + c));
  const find = (i: number): number => {
    while (parent[i] !== i) { parent[i] = parent[parent[i]]; i = parent[i]; }
    return i;
  };
  for (const m of matches)
    for (let k = 0; k + 1 < m.pairs.length; k += 2) {
      const ra = find(offsets[m.a] + m.pairs[k]), rb = find(offsets[m.b] + m.pairs[k + 1]);
      if (ra === rb) continue;
      if (skipConflicts) {
        if ((views[ra] & views[rb]) !== 0) continue;
        views[rb] |= views[ra];
      }
      parent[ra] = rb;
    }
  const groups = new Map<number, TrackObservation[]>();
  keypointCounts.forEach((count, view) => {
    for (let kp = 0; kp < count; kp++) {
      const root = find(offsets[view] + kp);
      let g = groups.get(root);
      if (!g) { g = []; groups.set(root, g); }
      g.push({ view, keypoint: kp });
    }
  });
  return [...groups.values()].filter((g) => g.length >= 2);
}
