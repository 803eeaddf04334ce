/**
 * The WebGL2 renderer's per-frame depth order: a counting sort of splat indices by view depth
 * quantised to 2^bits buckets between the nearest and farthest sortable depth. Linear time (three
 * passes over the splats plus one over the buckets), stable (equal keys keep index order, the
 * same tie rule as the trainer's reference), and pure, so it runs in the sort worker and in tests.
 *
 * A depth that is NaN, infinite or below `nearPlane` is not sorted at all: the caller marks
 * frustum-culled splats with NaN, and splats behind the camera drop out here.
 */

export const DEFAULT_DEPTH_BITS = 16;

export interface DepthSortOptions {
  /** Depths below this are behind the camera (or too close): excluded. Default 0. */
  nearPlane?: number;
  /** Key width, 1..16 bits. Default 16 (65,536 buckets). */
  bits?: number;
  /** Reused for the result when large enough (the worker recycles the previous frame's order). */
  out?: Uint32Array;
  /** Reused scratch, so a frame allocates nothing (see createDepthSortScratch). */
  scratch?: DepthSortScratch;
}

export interface DepthSortScratch {
  keys: Int32Array;
  counts: Uint32Array;
}

export interface DepthSortResult {
  /** Indices of the sortable splats, nearest bucket first, ties by index. */
  order: Uint32Array;
  /** Depth range the buckets span (0, 0 when nothing is sortable). */
  minDepth: number;
  maxDepth: number;
  /** Depth width of one bucket: splats closer than this may be in either order. */
  bucketWidth: number;
}

export function createDepthSortScratch(count: number, bits = DEFAULT_DEPTH_BITS): DepthSortScratch {
  return { keys: new Int32Array(count), counts: new Uint32Array(1 << bits) };
}

export function isSortableDepth(depth: number, nearPlane = 0): boolean {
  return depth >= nearPlane && depth !== Infinity; // NaN fails the comparison
}

/**
 * The bucket of a sortable depth. floor((z - min) * scale) is monotone in z in IEEE arithmetic,
 * so bucket order never contradicts depth order.
 */
export function depthBucket(depth: number, minDepth: number, scale: number, buckets: number): number {
  return Math.min(buckets - 1, Math.floor((depth - minDepth) * scale));
}

/** Scale from depth to buckets for a range (0 when the range is a single depth). */
export function bucketScale(minDepth: number, maxDepth: number, buckets: number): number {
  return maxDepth > minDepth ? (buckets - 1) / (maxDepth - minDepth) : 0;
}

export function countingSortByDepth(depths: ArrayLike<number>, options: DepthSortOptions = {}): DepthSortResult {
  const nearPlane = options.nearPlane ?? 0;
  const bits = options.bits ?? DEFAULT_DEPTH_BITS;
  if (!(Number.isInteger(bits) && bits >= 1 && bits <= 16)) throw new RangeError(`countingSortByDepth: bits must be an integer in 1..16, got ${bits}`);
  const buckets = 1 << bits;
  const n = depths.length;
  let scratch = options.scratch;
  if (!scratch || scratch.keys.length < n || scratch.counts.length < buckets) scratch = createDepthSortScratch(n, bits);
  const { keys, counts } = scratch;

  let minDepth = Infinity;
  let maxDepth = -Infinity;
  let visible = 0;
  for (let i = 0; i < n; i++) {
    const z = depths[i];
    if (!isSortableDepth(z, nearPlane)) continue;
    visible++;
    if (z < minDepth) minDepth = z;
    if (z > maxDepth) maxDepth = z;
  }
  const out = options.out && options.out.length >= visible ? options.out.subarray(0, visible) : new Uint32Array(visible);
  if (visible === 0) return { order: out, minDepth: 0, maxDepth: 0, bucketWidth: 0 };

  const scale = bucketScale(minDepth, maxDepth, buckets);
  counts.fill(0, 0, buckets);
  for (let i = 0; i < n; i++) {
    const z = depths[i];
    if (!isSortableDepth(z, nearPlane)) {
      keys[i] = -1;
      continue;
    }
    const k = depthBucket(z, minDepth, scale, buckets);
    keys[i] = k;
    counts[k]++;
  }
  // Exclusive prefix sum: counts[k] becomes the first output slot of bucket k.
  let sum = 0;
  for (let k = 0; k < buckets; k++) {
    const c = counts[k];
    counts[k] = sum;
    sum += c;
  }
  for (let i = 0; i < n; i++) {
    const k = keys[i];
    if (k >= 0) out[counts[k]++] = i;
  }
  return { order: out, minDepth, maxDepth, bucketWidth: scale > 0 ? 1 / scale : 0 };
}
