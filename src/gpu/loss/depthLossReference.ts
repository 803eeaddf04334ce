/**
 * The depth loss of sparse-view training, in plain float64 TypeScript: the ground truth that
 * finite differences check and that the WGSL kernels (depthLoss.ts) are checked against.
 *
 * Scale-free depth supervision as FSGS and DNGaussian do it: monocular depth models give depth
 * only up to an unknown scale and shift, so the rendered expected depth D (rasterizeReference.ts)
 * is compared with the target T through their Pearson correlation, patch by patch:
 *
 *   L = weight * mean over valid patches k of (1 - r_k),
 *   r_k = S_dt / sqrt((S_dd + n_k EPS) S_tt),  S_dt = sum_p (D_p - mean D)(T_p - mean T), etc.,
 *
 * the sums over the patch's valid pixels (all of them, or those on the view's mask when it has
 * one). r is unchanged by T -> a T + b for any a > 0 and b, so the target's units and offset do
 * not matter; its SIGN does: the target must be depth-like (larger = farther). FastDepth outputs
 * depth in metres, so it is used as it is (correlated positively); a model that outputs inverse
 * depth or disparity must be given as its negative (or its reciprocal).
 *
 * Patches: the image is cut into patchSize x patchSize squares on a grid shifted by `offset`
 * (0 <= offset < patchSize, a new random shift each step in the trainer, so patch borders do not
 * stay in one place); patch (i, j) holds the pixels with floor((x + ox) / P) = i and
 * floor((y + oy) / P) = j. A patch counts when it has at least a quarter of min(P, W) x
 * min(P, H) valid pixels (fewer give noisy correlations, e.g. a sliver of mask at its border; the
 * min lets a patch as large as the image, one global correlation as FSGS's, count) and its
 * target is not flat (S_tt > 0). EPS (DEPTH_VAR_FLOOR, per pixel, in squared scene units) keeps r and its
 * gradient finite on a patch whose rendered depth is flat (a splat facing the camera), where
 * the correlation is meaningless anyway.
 *
 * Gradient (the means drop out since the centred values sum to zero):
 *   dr/dD_p = (T_p - mean T) / sqrt((S_dd + n EPS) S_tt) - r (D_p - mean D) / (S_dd + n EPS),
 *   dL/dD_p = -weight / K * dr_k/dD_p for p in valid patch k (K valid patches), else 0.
 */

/** Per pixel floor of the rendered depth's variance in a patch (squared scene units): see above. */
export const DEPTH_VAR_FLOOR = 1e-8;
/** A patch counts with at least this share of its min(P, W) x min(P, H) pixels valid. */
export const DEPTH_PATCH_MIN_SHARE = 0.25;

export interface DepthLossInputs {
  width: number;
  height: number;
  /** width*height rendered expected depth. */
  depth: ArrayLike<number>;
  /** width*height depth-like target (larger = farther; any scale and shift). */
  target: ArrayLike<number>;
  /** width*height bytes, nonzero = object; null = every pixel counts. */
  mask: Uint8Array | null;
}

export interface DepthLossSettings {
  /** Weight of the term (the trainer's depthWeight). */
  weight: number;
  /** Side of the square patches, in pixels. */
  patchSize: number;
  /** Shift of the patch grid, each in [0, patchSize). */
  offset: readonly [number, number];
}

export interface DepthLossResult {
  /** weight * mean (1 - r) over the valid patches; 0 when none is valid. */
  loss: number;
  /** Mean Pearson r over the valid patches (0 when none). */
  pearson: number;
  /** Valid patches. */
  patches: number;
  /** width*height. */
  dLdDepth: Float64Array;
}

/** Patches across and down for a grid of side `patchSize` shifted by `offset`. */
export function depthPatchGrid(width: number, height: number, patchSize: number, offset: readonly [number, number]): [number, number] {
  return [Math.ceil((width + offset[0]) / patchSize), Math.ceil((height + offset[1]) / patchSize)];
}

/** Smallest number of valid pixels a patch of side `patchSize` needs in a width x height image. */
export function depthPatchMinPixels(patchSize: number, width: number, height: number): number {
  return Math.max(2, Math.ceil(DEPTH_PATCH_MIN_SHARE * Math.min(patchSize, width) * Math.min(patchSize, height)));
}

export function checkDepthLossSettings(width: number, height: number, s: DepthLossSettings): void {
  if (!(Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0)) throw new RangeError(`depth loss: bad size ${width}x${height}`);
  if (!(Number.isInteger(s.patchSize) && s.patchSize >= 2)) throw new RangeError(`depth loss: patch size must be an integer >= 2, got ${s.patchSize}`);
  for (const o of s.offset) if (!(Number.isInteger(o) && o >= 0 && o < s.patchSize)) throw new RangeError(`depth loss: offset ${s.offset.join(',')} outside [0, ${s.patchSize})`);
}

export function depthLossReference(inputs: DepthLossInputs, settings: DepthLossSettings): DepthLossResult {
  const { width, height, depth, target, mask } = inputs;
  checkDepthLossSettings(width, height, settings);
  const n = width * height;
  if (depth.length !== n || target.length !== n || (mask && mask.length !== n)) throw new RangeError('depth loss: depth, target and mask must have width*height values');
  const P = settings.patchSize;
  const [ox, oy] = settings.offset;
  const [px, py] = depthPatchGrid(width, height, P, settings.offset);
  const minPixels = depthPatchMinPixels(P, width, height);
  // Pixels of each patch.
  const members: number[][] = Array.from({ length: px * py }, () => []);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const p = y * width + x;
      if (mask && mask[p] === 0) continue;
      members[Math.floor((y + oy) / P) * px + Math.floor((x + ox) / P)].push(p);
    }
  const patches: { pixels: number[]; mD: number; mT: number; r: number; invS: number; rOverVar: number }[] = [];
  for (const pixels of members) {
    if (pixels.length < minPixels) continue;
    let mD = 0, mT = 0;
    for (const p of pixels) {
      mD += depth[p];
      mT += target[p];
    }
    mD /= pixels.length;
    mT /= pixels.length;
    let sdd = 0, stt = 0, sdt = 0;
    for (const p of pixels) {
      const d = depth[p] - mD, t = target[p] - mT;
      sdd += d * d;
      stt += t * t;
      sdt += d * t;
    }
    if (!(stt > 0)) continue;
    const vd = sdd + pixels.length * DEPTH_VAR_FLOOR;
    const invS = 1 / Math.sqrt(vd * stt);
    const r = sdt * invS;
    patches.push({ pixels, mD, mT, r, invS, rOverVar: r / vd });
  }
  const dLdDepth = new Float64Array(n);
  const K = patches.length;
  if (K === 0) return { loss: 0, pearson: 0, patches: 0, dLdDepth };
  const scale = -settings.weight / K;
  let sumR = 0;
  for (const k of patches) {
    sumR += k.r;
    for (const p of k.pixels) dLdDepth[p] = scale * ((target[p] - k.mT) * k.invS - k.rOverVar * (depth[p] - k.mD));
  }
  return { loss: settings.weight * (1 - sumR / K), pearson: sumR / K, patches: K, dLdDepth };
}
