/** The trained size a PLY records (src/io/trainedSize.ts): written by the app, read back by the app and `npm run eval`. */
import { describe, expect, it } from 'vitest';
import { allocateCloud } from '../../src/core/gaussianCloud.ts';
import { writePly } from '../../src/io/ply.ts';
import { plyTrainedSize, trainedSizeComment, trainedSizeFromComments } from '../../src/io/trainedSize.ts';

describe('trained size in a PLY header', () => {
  it('round-trips through writePly and the header', () => {
    const bytes = writePly(allocateCloud(3, 0), { comments: ['made by a test', trainedSizeComment({ width: 100, height: 75 })] });
    expect(plyTrainedSize(bytes)).toEqual({ width: 100, height: 75 });
  });

  it('reads the size inside the older "sparse-splat: ..." comment', () => {
    expect(trainedSizeFromComments(['sparse-splat: 8 steps, hull start, 100x75, 3 views, split 3'])).toEqual({ width: 100, height: 75 });
  });

  it('prefers the trained_size comment and says null when nothing is recorded', () => {
    expect(trainedSizeFromComments(['sparse-splat: 8 steps, 50x40', 'trained_size 200x150'])).toEqual({ width: 200, height: 150 });
    expect(plyTrainedSize(writePly(allocateCloud(2, 0), { comments: ['exported by another tool'] }))).toBeNull();
    expect(trainedSizeFromComments(['trained_size 0x10'])).toBeNull();
    // A file name with a size in it (the app's comment for an opened file) is not a trained size.
    expect(trainedSizeFromComments(['sparse-splat: scan-1920x1080.ply'])).toBeNull();
  });

  it('is null for bytes that are not a PLY', () => {
    expect(plyTrainedSize(new TextEncoder().encode('not a ply file at all'))).toBeNull();
  });
});
