import { describe, expect, it } from 'vitest';
import { buildTracks, buildTracksFirstWins } from '../../../src/recon/poses/tracks.ts';

const key = (t: { view: number; keypoint: number }[]) => t.map((o) => `${o.view}:${o.keypoint}`).sort().join(' ');

describe('tracks', () => {
  // Keypoint 0 of views 0, 1, 2 is one point; a look-alike match ties view 0's keypoint 1 to it too.
  const matches = [
    { a: 0, b: 1, pairs: [0, 0] },
    { a: 1, b: 2, pairs: [0, 0] },
    { a: 0, b: 2, pairs: [1, 0, 2, 1] },
  ];

  it('buildTracks drops a track that holds two keypoints of one view', () => {
    expect(buildTracks([3, 1, 2], matches).map(key)).toEqual(['0:2 2:1']);
  });

  it('buildTracksFirstWins skips the later match that would do that and keeps the track', () => {
    const tracks = buildTracksFirstWins([3, 1, 2], matches);
    expect(tracks.map(key).sort()).toEqual(['0:0 1:0 2:0', '0:2 2:1']);
  });
});
