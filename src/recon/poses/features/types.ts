/**
 * What every feature source (ALIKE, XFeat, OpenCV ORB) hands the matcher: keypoints in the
 * image's own pixels (pixel centres at i + 0.5, as src/core/camera.ts), a score each, and one
 * descriptor each, either float (unit length) or binary (packed bytes, Hamming distance).
 */
export interface Features {
  width: number;
  height: number;
  /** [u0, v0, u1, v1, ...] in pixels of the image given to the detector. */
  keypoints: Float32Array;
  scores: Float32Array;
  /** Float: count * dim unit vectors. Binary: count * dim bytes. */
  descriptors: Float32Array | Uint8Array;
  /** Floats (float) or bytes (binary) per descriptor. */
  dim: number;
  kind: 'float' | 'binary';
}

export function featureCount(f: Features): number {
  return f.keypoints.length >> 1;
}
