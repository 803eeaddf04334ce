/**
 * The model-free mask of one photo of an object on a plain-ish background:
 *
 * 1. Colour model of the border: the photo's outer strip is taken as background and clustered
 *    (k-means in RGB); every pixel gets its distance to the nearest background colour, scaled by
 *    how spread the border's own colours are (`score` in [0, 1): 0 = a background colour).
 *    Where the object crosses the border it is left out of that model: border pixels more
 *    textured than a plain background (textureMap: a stone, a print, a tool cut by the frame,
 *    as in DTU's tightly framed photos) and stretches of border whose colours are seen nowhere
 *    else on it (a plain object cut by one edge).
 * 2. Seeds for the graph cut: pixels far from every background colour are probable object,
 *    the rest probable background, the outer ring definite background (except where the
 *    object crosses it). With a prior (a salient-object model's map), what it calls object is
 *    probable object too, and what it is sure of is object for certain where the photo agrees
 *    (see PRIOR_SURE): the model knows what the object is, the border colours find the parts
 *    of it the model leaves out (DTU's brick where the frame cuts it).
 * 3. OpenCV.js grabCut (GMM colour models refined by a min-cut, GC_INIT_WITH_MASK).
 * 4. Clean-up: a morphological open (with the thin parts attached to what survives it given
 *    back) then close, then the connected component that is largest and nearest the centre is
 *    kept (with any component at least half its size).
 *
 * Runs on a copy at most `maxPixels` large (big photos are downscaled first: grabCut's cost grows
 * with the pixel count); the caller upsamples the probability map. The probability map is the
 * colour score squeezed into [0.5, 1] inside the cut and [0, 0.5) outside, so the cut itself is
 * the mask at threshold 0.5 and other thresholds trade pixels by how unlike the border they are.
 */
import type { RGBAImage } from '../../core/image.ts';
import type { Cv, CvMat } from './opencv.ts';

export interface ColourCutOptions {
  /** grabCut iterations. Default 5. */
  iterations?: number;
  /**
   * A foreground probability from elsewhere (a salient-object model's map at this image's size):
   * pixels it gives at least 0.5 are seeded as probable object and are never taken for
   * background on the border; at least PRIOR_SURE, object for certain (see colourCut).
   */
  prior?: Float32Array;
}

export interface ColourCutResult {
  width: number;
  height: number;
  /** width*height foreground probability in [0, 1]. */
  probability: Float32Array;
  /** Pixels seeded as probable object (0: nothing stood out from the border's colours). */
  seeds: number;
}

const K = 8;

/** k-means of RGB samples (n*3), deterministic start: samples spread along the list. */
function kmeans(samples: Float32Array, k: number, iters = 8): Float32Array {
  const n = samples.length / 3;
  const kk = Math.min(k, n);
  const centres = new Float32Array(kk * 3);
  for (let c = 0; c < kk; c++) {
    const s = Math.floor(((c + 0.5) * n) / kk);
    centres.set(samples.subarray(s * 3, s * 3 + 3), c * 3);
  }
  const sums = new Float64Array(kk * 4);
  for (let it = 0; it < iters; it++) {
    sums.fill(0);
    for (let i = 0; i < n; i++) {
      const c = nearest(centres, samples[i * 3], samples[i * 3 + 1], samples[i * 3 + 2]).index;
      sums[c * 4] += samples[i * 3];
      sums[c * 4 + 1] += samples[i * 3 + 1];
      sums[c * 4 + 2] += samples[i * 3 + 2];
      sums[c * 4 + 3]++;
    }
    for (let c = 0; c < kk; c++)
      if (sums[c * 4 + 3] > 0) for (let j = 0; j < 3; j++) centres[c * 3 + j] = sums[c * 4 + j] / sums[c * 4 + 3];
  }
  return centres;
}

/** The centres holding at least `share` of the samples (a sliver of object at the border, noise). */
function dropRareColours(centres: Float32Array, rgb: Float32Array, share: number): Float32Array {
  const k = centres.length / 3, n = rgb.length / 3;
  const count = new Float64Array(k);
  for (let s = 0; s < n; s++) count[nearest(centres, rgb[s * 3], rgb[s * 3 + 1], rgb[s * 3 + 2]).index]++;
  const keep: number[] = [];
  for (let c = 0; c < k; c++) if (count[c] >= share * n) keep.push(centres[c * 3], centres[c * 3 + 1], centres[c * 3 + 2]);
  return keep.length ? Float32Array.from(keep) : centres;
}

function nearest(centres: Float32Array, r: number, g: number, b: number): { index: number; d2: number } {
  let best = Infinity, index = 0;
  for (let c = 0; c < centres.length / 3; c++) {
    const dr = r - centres[c * 3], dg = g - centres[c * 3 + 1], db = b - centres[c * 3 + 2];
    const d2 = dr * dr + dg * dg + db * db;
    if (d2 < best) {
      best = d2;
      index = c;
    }
  }
  return { index, d2: best };
}

function quantile(values: Float32Array, q: number): number {
  const s = Float32Array.from(values).sort();
  return s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))] : 0;
}

/** Segments per image side: the border is judged in 4 x SEGMENTS pieces. */
const SEGMENTS = 4;

/** Segments on each side of a segment left out when judging it (see borderModel). */
const LEAVE_OUT = 2;

/** Position of each segment (top, bottom, left, right order) going round the border clockwise. */
function perimeterOrder(): number[] {
  const pos = new Array<number>(4 * SEGMENTS);
  for (let g = 0; g < SEGMENTS; g++) {
    pos[0 * SEGMENTS + g] = g; // top, left to right
    pos[3 * SEGMENTS + g] = SEGMENTS + g; // right, top to bottom
    pos[1 * SEGMENTS + g] = 3 * SEGMENTS - 1 - g; // bottom, right to left
    pos[2 * SEGMENTS + g] = 4 * SEGMENTS - 1 - g; // left, bottom to top
  }
  return pos;
}

export interface BorderModel {
  /** Per pixel, how unlike the background's colours it is, in [0, 1). */
  score: Float32Array;
  /**
   * Per border segment (top, bottom, left, right; SEGMENTS each, in reading order): false when its
   * colours are not seen on the other three sides, i.e. the object probably crosses the border there.
   */
  background: boolean[];
  /** Width of the border strip sampled, pixels. */
  strip: number;
  /** Per pixel local texture (textureMap). */
  texture: Float32Array;
  /** Texture at and above which a border pixel is not taken for background. */
  textureLimit: number;
}

/** Which side (0 top, 1 bottom, 2 left, 3 right) and segment of that side pixel (x, y) of the strip is in. */
function segmentOf(x: number, y: number, W: number, H: number, strip: number): number {
  // Corners go to the top and bottom sides.
  if (y < strip) return 0 * SEGMENTS + Math.min(SEGMENTS - 1, Math.floor((x * SEGMENTS) / W));
  if (y >= H - strip) return 1 * SEGMENTS + Math.min(SEGMENTS - 1, Math.floor((x * SEGMENTS) / W));
  const seg = Math.min(SEGMENTS - 1, Math.floor((y * SEGMENTS) / H));
  return (x < strip ? 2 : 3) * SEGMENTS + seg;
}

/**
 * Local texture per pixel: the luma gradient (|dx| + |dy|, central differences) averaged over a
 * (2r+1)^2 box, r = 0.5% of the short side (2 px at 400x300). A plain background (a sheet, a
 * table, a dark backdrop) measures its noise, a grey level or two at the working size; a
 * textured surface (stone, wood grain, print, a cluttered object) measures tens.
 */
export function textureMap(img: RGBAImage): Float32Array {
  const { width: W, height: H, data: d } = img;
  const L = new Float32Array(W * H);
  for (let p = 0; p < W * H; p++) L[p] = 0.299 * d[p * 4] + 0.587 * d[p * 4 + 1] + 0.114 * d[p * 4 + 2];
  const g = new Float64Array((W + 1) * (H + 1)); // integral image of the gradient
  for (let y = 0; y < H; y++) {
    let row = 0;
    for (let x = 0; x < W; x++) {
      const dx = Math.abs(L[y * W + Math.min(W - 1, x + 1)] - L[y * W + Math.max(0, x - 1)]);
      const dy = Math.abs(L[Math.min(H - 1, y + 1) * W + x] - L[Math.max(0, y - 1) * W + x]);
      row += dx + dy;
      g[(y + 1) * (W + 1) + x + 1] = g[y * (W + 1) + x + 1] + row;
    }
  }
  const r = Math.max(1, Math.round(0.005 * Math.min(W, H)));
  const out = new Float32Array(W * H);
  for (let y = 0; y < H; y++) {
    const y0 = Math.max(0, y - r), y1 = Math.min(H, y + r + 1);
    for (let x = 0; x < W; x++) {
      const x0 = Math.max(0, x - r), x1 = Math.min(W, x + r + 1);
      const sum = g[y1 * (W + 1) + x1] - g[y0 * (W + 1) + x1] - g[y1 * (W + 1) + x0] + g[y0 * (W + 1) + x0];
      out[y * W + x] = sum / ((y1 - y0) * (x1 - x0));
    }
  }
  return out;
}

/**
 * Texture above which a border pixel is not taken for background: TEXTURE_FLOOR grey levels
 * (several times a plain background's noise, well under a textured surface's; see textureMap),
 * raised to 3x the border's lower quartile when the background itself is busy, so that only
 * what is clearly more textured than most of the border counts.
 */
const TEXTURE_FLOOR = 8;

function sampleStrip(img: RGBAImage, strip: number, texture: Float32Array): { rgb: Float32Array; seg: Uint8Array; tex: Float32Array } {
  const { width: W, height: H, data: d } = img;
  const idx: number[] = [];
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) if (x < strip || y < strip || x >= W - strip || y >= H - strip) idx.push(y * W + x);
  // At most ~6000 samples, spread evenly over the strip.
  const step = Math.max(1, Math.floor(idx.length / 6000));
  const m = Math.floor(idx.length / step);
  const rgb = new Float32Array(m * 3);
  const seg = new Uint8Array(m);
  const tex = new Float32Array(m);
  for (let s = 0; s < m; s++) {
    const p = idx[s * step];
    tex[s] = texture[p];
    rgb[s * 3] = d[p * 4];
    rgb[s * 3 + 1] = d[p * 4 + 1];
    rgb[s * 3 + 2] = d[p * 4 + 2];
    seg[s] = segmentOf(p % W, Math.floor(p / W), W, H, strip);
  }
  return { rgb, seg, tex };
}

function pick(rgb: Float32Array, keep: (s: number) => boolean): Float32Array {
  const out: number[] = [];
  for (let s = 0; s < rgb.length / 3; s++) if (keep(s)) out.push(rgb[s * 3], rgb[s * 3 + 1], rgb[s * 3 + 2]);
  return Float32Array.from(out);
}

/** Spread of samples around their nearest centre: the 90th percentile distance, at least 12. */
function spread(centres: Float32Array, rgb: Float32Array): number {
  const n = rgb.length / 3;
  const own = new Float32Array(n);
  for (let s = 0; s < n; s++) own[s] = Math.sqrt(nearest(centres, rgb[s * 3], rgb[s * 3 + 1], rgb[s * 3 + 2]).d2);
  return Math.max(12, quantile(own, 0.9));
}

/**
 * The background's colours, from the border strip, with the stretches where the object crosses
 * the border left out. The model-free path assumes a plain background, so:
 * - textured border pixels (textureMap at or above the texture limit) are never background
 *   samples, and a segment of the border (16 in all) that is mostly textured is not background:
 *   a textured object cut by the frame on two far-apart sides (DTU's brick, left and right)
 *   would pass the colour check below, as its colours explain each other;
 * - each remaining segment's plain pixels are checked against the plain colours of the segments
 *   away from it (all but it and its two neighbours either way round the border), and a segment
 *   mostly unlike them is not background (a table seen on both sides and the bottom is; a plain
 *   object cut by the bottom edge only is not).
 */
export function borderModel(img: RGBAImage): BorderModel {
  const { width: W, height: H, data: d } = img;
  const strip = Math.max(2, Math.round(0.03 * Math.min(W, H)));
  const texture = textureMap(img);
  const { rgb, seg, tex } = sampleStrip(img, strip, texture);
  const textureLimit = Math.max(TEXTURE_FLOOR, 3 * quantile(tex, 0.25));
  const smooth = (s: number) => tex[s] < textureLimit;
  const background = new Array<boolean>(4 * SEGMENTS).fill(true);
  const around = perimeterOrder();
  const n = 4 * SEGMENTS;
  for (let g = 0; g < n; g++) {
    let own = 0, ownSmooth = 0;
    for (let s = 0; s < seg.length; s++) if (seg[s] === g) (own++, smooth(s) && ownSmooth++);
    // Mostly textured: the object crosses the border here.
    if (own > 0 && ownSmooth < 0.5 * own) {
      background[g] = false;
      continue;
    }
    // The segment and its neighbours along the perimeter (round corners) are left out, so an
    // object crossing a corner, or a whole side, does not explain itself.
    const near = (s: number) => {
      const dd = Math.abs(around[seg[s]] - around[g]);
      return Math.min(dd, n - dd) <= LEAVE_OUT;
    };
    const others = pick(rgb, (s) => !near(s) && smooth(s));
    if (others.length < 3 * 16) continue;
    const centres = kmeans(others, K);
    const tau = spread(centres, others);
    let hit = 0, all = 0;
    for (let s = 0; s < seg.length; s++) {
      if (seg[s] !== g || !smooth(s)) continue;
      all++;
      if (Math.sqrt(nearest(centres, rgb[s * 3], rgb[s * 3 + 1], rgb[s * 3 + 2]).d2) < 2 * tau) hit++;
    }
    if (all > 0 && hit / all < 0.5) background[g] = false;
  }
  let bg = pick(rgb, (s) => background[seg[s]] && smooth(s));
  // Nothing left (a busy background): use the whole strip.
  if (bg.length < 3 * 16) {
    background.fill(true);
    bg = rgb;
  }
  const centres = dropRareColours(kmeans(bg, K), bg, 0.03);
  const tau = spread(centres, bg);
  const score = new Float32Array(W * H);
  for (let p = 0; p < W * H; p++) {
    const dist = Math.sqrt(nearest(centres, d[p * 4], d[p * 4 + 1], d[p * 4 + 2]).d2);
    score[p] = dist / (dist + 2 * tau);
  }
  return { score, background, strip, texture, textureLimit };
}

/** Per pixel, how unlike the background's colours (see borderModel) it is, in [0, 1). */
export function borderColourScore(img: RGBAImage): Float32Array {
  return borderModel(img).score;
}

/** Object seeds: score above this (distance > 2 tau). */
const SEED_SCORE = 0.5;

/**
 * A prior (ColourCutOptions.prior) at least this sure is object for certain in the cut, where the
 * photo shows something there: a colour unlike the background's, or texture. On plain,
 * background-coloured pixels the prior's confidence alone decides nothing: the quantised IS-Net
 * speckles lego's plain white background with confident blobs (made certain object, they would
 * survive the cut), while the thin shiny blades it is sure of on DTU's white table are textured.
 */
const PRIOR_SURE = 0.9;

export function colourCut(cv: Cv, img: RGBAImage, opts: ColourCutOptions = {}): ColourCutResult {
  const { width: W, height: H, data: d } = img;
  const model = borderModel(img);
  const score = model.score;
  const prior = opts.prior;
  if (prior && prior.length !== W * H) throw new RangeError(`prior has ${prior.length} values, expected ${W}x${H}`);
  const ring = Math.max(1, Math.round(0.01 * Math.min(W, H)));
  const mats: CvMat[] = [];
  const keep = <T extends CvMat>(m: T) => (mats.push(m), m);
  try {
    const rgb = keep(new cv.Mat(H, W, cv.CV_8UC3));
    for (let p = 0; p < W * H; p++) {
      rgb.data[p * 3] = d[p * 4];
      rgb.data[p * 3 + 1] = d[p * 4 + 1];
      rgb.data[p * 3 + 2] = d[p * 4 + 2];
    }
    const gc = keep(new cv.Mat(H, W, cv.CV_8UC1));
    let seeds = 0, bg = 0;
    for (let y = 0; y < H; y++)
      for (let x = 0; x < W; x++) {
        const p = y * W + x;
        // The outer ring is background, except where the object crosses the border.
        const pr = prior ? prior[p] : 0;
        const onRing = (x < ring || y < ring || x >= W - ring || y >= H - ring) && model.background[segmentOf(x, y, W, H, ring)] && model.texture[p] < model.textureLimit && pr < 0.5;
        if (onRing) gc.data[p] = cv.GC_BGD;
        else if (pr >= PRIOR_SURE && (score[p] > SEED_SCORE || model.texture[p] >= model.textureLimit)) {
          gc.data[p] = cv.GC_FGD;
          seeds++;
        } else if (score[p] > SEED_SCORE || pr >= 0.5) {
          gc.data[p] = cv.GC_PR_FGD;
          seeds++;
        } else gc.data[p] = cv.GC_PR_BGD;
        if (gc.data[p] !== cv.GC_PR_FGD) bg++;
      }
    const probability = new Float32Array(W * H);
    // grabCut needs both classes; with no seeds there is nothing to cut.
    if (seeds < 16 || bg < 16) return { width: W, height: H, probability, seeds };
    const bgd = keep(new cv.Mat()), fgd = keep(new cv.Mat());
    // grabCut's GMMs start from k-means on OpenCV's global RNG: seed it, so a photo's mask does
    // not depend on which photos were cut before it in this thread.
    cv.setRNGSeed(0x12345);
    cv.grabCut(rgb, gc, new cv.Rect(0, 0, W, H), bgd, fgd, opts.iterations ?? 5, cv.GC_INIT_WITH_MASK);
    const bin = keep(new cv.Mat(H, W, cv.CV_8UC1));
    for (let p = 0; p < W * H; p++) bin.data[p] = gc.data[p] === cv.GC_FGD || gc.data[p] === cv.GC_PR_FGD ? 255 : 0;
    const k = Math.max(3, 2 * Math.round(0.006 * Math.min(W, H)) + 1);
    const kernel = keep(cv.getStructuringElement(cv.MORPH_ELLIPSE, new cv.Size(k, k)));
    // Open then reconstruct: specks the open removes stay removed, but thin parts joined to
    // what survives it (a stool's legs, scissor blades, 2 px wide at 400x300) come back.
    const raw = Uint8Array.from(bin.data);
    cv.morphologyEx(bin, bin, cv.MORPH_OPEN, kernel);
    reconstruct(cv, raw, bin, keep);
    cv.morphologyEx(bin, bin, cv.MORPH_CLOSE, kernel);
    const kept = centralComponents(cv, bin, keep);
    for (let p = 0; p < W * H; p++) {
      const v = prior ? Math.max(score[p], prior[p]) : score[p];
      probability[p] = kept[p] ? 0.5 + 0.5 * v : 0.5 * v;
    }
    return { width: W, height: H, probability, seeds };
  } finally {
    for (const m of mats) m.delete();
  }
}

/**
 * Morphological reconstruction: `opened` (0/255, in place) becomes every 8-connected component
 * of `raw` (0/255) that keeps at least one pixel in `opened`.
 */
function reconstruct(cv: Cv, raw: Uint8Array, opened: CvMat, keep: (m: CvMat) => CvMat): void {
  const W = opened.cols, H = opened.rows;
  const src = keep(cv.matFromArray(H, W, cv.CV_8UC1, raw));
  const labels = keep(new cv.Mat()), stats = keep(new cv.Mat()), centroids = keep(new cv.Mat());
  const n = cv.connectedComponentsWithStats(src, labels, stats, centroids, 8);
  const lab = labels.data32S;
  const hit = new Uint8Array(n);
  for (let p = 0; p < W * H; p++) if (opened.data[p]) hit[lab[p]] = 1;
  for (let p = 0; p < W * H; p++) opened.data[p] = lab[p] > 0 && hit[lab[p]] ? 255 : 0;
}

/**
 * The connected component of `bin` (0/255) with the largest area weighted by nearness to the
 * image centre, plus any component at least half its weighted size; as a 0/1 array.
 */
function centralComponents(cv: Cv, bin: CvMat, keep: (m: CvMat) => CvMat): Uint8Array {
  const W = bin.cols, H = bin.rows;
  const labels = keep(new cv.Mat()), stats = keep(new cv.Mat()), centroids = keep(new cv.Mat());
  const n = cv.connectedComponentsWithStats(bin, labels, stats, centroids, 8);
  const out = new Uint8Array(W * H);
  if (n <= 1) return out;
  const cents = centroids.data64F;
  const st = stats.data32S; // per label: left, top, width, height, area
  const halfDiag = Math.hypot(W, H) / 2;
  const weight = new Float64Array(n);
  let best = 0;
  for (let l = 1; l < n; l++) {
    const dist = Math.hypot(cents[l * 2] - W / 2, cents[l * 2 + 1] - H / 2) / halfDiag;
    weight[l] = st[l * 5 + 4] * (1 - 0.5 * Math.min(1, dist));
    if (weight[l] > weight[best]) best = l;
  }
  const lab = labels.data32S;
  for (let p = 0; p < W * H; p++) {
    const l = lab[p];
    if (l > 0 && weight[l] >= 0.5 * weight[best]) out[p] = 1;
  }
  return out;
}
