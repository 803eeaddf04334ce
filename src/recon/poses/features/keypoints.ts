/**
 * Keypoint selection and descriptor sampling shared by the learned detectors: the part of ALIKE's
 * and XFeat's recipes that is not in their ONNX graphs.
 *
 * Coordinates: map pixel (x, y) of a full-resolution score map is the keypoint (x + 0.5, y + 0.5)
 * (pixel centres, src/core/camera.ts). A coarser map (XFeat's H/8 descriptors) is sampled at the
 * same continuous position: map coordinate = u * mapWidth / imageWidth - 0.5.
 */
import { maxFilter } from '../../../core/morphology.ts';

export { dilateMask, maxFilter } from '../../../core/morphology.ts';

/** A w x h mask at W x H, nearest neighbour (pixel-centre aligned); the mask itself when the sizes agree. */
export function nearestMask(mask: Uint8Array, w: number, h: number, W: number, H: number): Uint8Array {
  if (w === W && h === H) return mask;
  const out = new Uint8Array(W * H);
  for (let y = 0; y < H; y++) {
    const sy = Math.min(h - 1, Math.floor(((y + 0.5) * h) / H));
    for (let x = 0; x < W; x++) out[y * W + x] = mask[sy * w + Math.min(w - 1, Math.floor(((x + 0.5) * w) / W))];
  }
  return out;
}


export interface SelectOptions {
  /** NMS window radius: 2 gives ALIKE's 5x5 max-pool. */
  radius: number;
  /** Keep at most this many, highest score first. */
  topK: number;
  /** Scores must exceed this. */
  threshold: number;
  /** Only pixels with x < validWidth and y < validHeight (the unpadded image). */
  validWidth?: number;
  validHeight?: number;
  /** Pixels this close to the valid region's edge are skipped. */
  border?: number;
  /** 0/1 per pixel of the valid region (validWidth x validHeight): keypoints only where 1. */
  mask?: Uint8Array;
}

/**
 * Max-pool NMS (a pixel survives when it equals the maximum of its window) then top-k by score.
 * Returns map pixel indices (y * width + x) in descending score order; ties by index.
 */
export function nmsTopK(scores: Float32Array, width: number, height: number, opt: SelectOptions): Int32Array {
  const vw = opt.validWidth ?? width, vh = opt.validHeight ?? height;
  const border = opt.border ?? 0;
  const pooled = maxFilter(scores, width, height, opt.radius);
  const cand: number[] = [];
  for (let y = border; y < vh - border; y++)
    for (let x = border; x < vw - border; x++) {
      const i = y * width + x;
      const s = scores[i];
      if (!(s > opt.threshold) || s !== pooled[i]) continue;
      if (opt.mask && !opt.mask[y * vw + x]) continue;
      cand.push(i);
    }
  cand.sort((a, b) => scores[b] - scores[a] || a - b);
  return Int32Array.from(cand.slice(0, opt.topK));
}

/**
 * Bilinear sample of a C x mapHeight x mapWidth map (planar, as ONNX's NCHW) at keypoints given in
 * image pixels of an image imageWidth x imageHeight; each descriptor L2-normalised.
 */
export function sampleDescriptors(
  map: Float32Array, channels: number, mapWidth: number, mapHeight: number,
  keypoints: ArrayLike<number>, imageWidth: number, imageHeight: number,
): Float32Array {
  const n = keypoints.length >> 1;
  const out = new Float32Array(n * channels);
  const plane = mapWidth * mapHeight;
  const sx = mapWidth / imageWidth, sy = mapHeight / imageHeight;
  for (let k = 0; k < n; k++) {
    const fx = Math.min(Math.max(keypoints[2 * k] * sx - 0.5, 0), mapWidth - 1);
    const fy = Math.min(Math.max(keypoints[2 * k + 1] * sy - 0.5, 0), mapHeight - 1);
    const x0 = Math.floor(fx), y0 = Math.floor(fy);
    const x1 = Math.min(x0 + 1, mapWidth - 1), y1 = Math.min(y0 + 1, mapHeight - 1);
    const wx = fx - x0, wy = fy - y0;
    const w00 = (1 - wx) * (1 - wy), w01 = wx * (1 - wy), w10 = (1 - wx) * wy, w11 = wx * wy;
    const i00 = y0 * mapWidth + x0, i01 = y0 * mapWidth + x1, i10 = y1 * mapWidth + x0, i11 = y1 * mapWidth + x1;
    let norm = 0;
    for (let c = 0; c < channels; c++) {
      const o = c * plane;
      const v = w00 * map[o + i00] + w01 * map[o + i01] + w10 * map[o + i10] + w11 * map[o + i11];
      out[k * channels + c] = v;
      norm += v * v;
    }
    const inv = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let c = 0; c < channels; c++) out[k * channels + c] *= inv;
  }
  return out;
}

/** Bilinear sample of a one-channel map at one image position (same mapping as sampleDescriptors). */
export function sampleMap(map: Float32Array, mapWidth: number, mapHeight: number, u: number, v: number, imageWidth: number, imageHeight: number): number {
  const fx = Math.min(Math.max(u * (mapWidth / imageWidth) - 0.5, 0), mapWidth - 1);
  const fy = Math.min(Math.max(v * (mapHeight / imageHeight) - 0.5, 0), mapHeight - 1);
  const x0 = Math.floor(fx), y0 = Math.floor(fy);
  const x1 = Math.min(x0 + 1, mapWidth - 1), y1 = Math.min(y0 + 1, mapHeight - 1);
  const wx = fx - x0, wy = fy - y0;
  return (1 - wy) * ((1 - wx) * map[y0 * mapWidth + x0] + wx * map[y0 * mapWidth + x1]) + wy * ((1 - wx) * map[y1 * mapWidth + x0] + wx * map[y1 * mapWidth + x1]);
}

/** RGB of an RGBA image as planar float32 [3, H', W'] in [0, 1], zero-padded to multiples of `multiple`. */
export function paddedRgbPlanes(rgba: { width: number; height: number; data: Uint8Array | Uint8ClampedArray }, multiple = 32): { data: Float32Array; width: number; height: number } {
  const W = Math.ceil(rgba.width / multiple) * multiple, H = Math.ceil(rgba.height / multiple) * multiple;
  const plane = W * H;
  const data = new Float32Array(3 * plane);
  for (let y = 0; y < rgba.height; y++)
    for (let x = 0; x < rgba.width; x++) {
      const s = (y * rgba.width + x) * 4, d = y * W + x;
      data[d] = rgba.data[s] / 255;
      data[plane + d] = rgba.data[s + 1] / 255;
      data[2 * plane + d] = rgba.data[s + 2] / 255;
    }
  return { data, width: W, height: H };
}
