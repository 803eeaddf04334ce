// Kernel rasterizeBackward: one workgroup of 64 threads per 16x16 tile, 4 pixels per thread,
// walking the tile's intersections back to front from the furthest last contributor, as the
// reference's backward. Each pixel recovers the transmittance in front of a splat by dividing
// the final one by (1 - alpha), and keeps `behind`, the colour of everything behind it
// (background included). Composed with the depthBackward chunk, a loss on expected depth
// (the dL/ddepth plane of binding 7) adds to dL/dalpha exactly as a colour channel whose colour is the splat's
// depth z and whose background is 0 (`behindDepth`), and gives a 10th gradient, dL/dz; with
// depthBackwardOff (the default) that code is compiled away and a round reduces 9 numbers a splat.
//
// Gradients are summed over the tile's pixels in workgroup memory before touching global memory:
// splats go in rounds of 4; each thread adds up its 4 pixels' contributions to the round's 4
// splats (36 numbers; 40 with depth), all threads write them, 144 (160) runs of 16 are summed,
// and 36 (40) threads add the last 4 partial sums and issue one float atomic add each (chunk atomicAddF32).
// A splat so costs 9 atomics per tile, not 9 per pixel, and the two barriers of a round serve 4
// splats and 256 pixels: barriers, not arithmetic, are what a tile-wide reduction pays for.
// Output layout, GRAD_STRIDE = 10 floats per splat: u, v, conic A, B, C, opacity, r, g, b,
// depth z (the last left at its cleared 0 without depth).
@group(0) @binding(0) var<uniform> u: RasterUniforms;
@group(0) @binding(1) var<storage, read> tileRangeFromTileId: array<vec2u>;
@group(0) @binding(2) var<storage, read> splatIdFromIntersection: array<u32>;
@group(0) @binding(3) var<storage, read> projectedFromSplat: array<ProjectedSplat>;
@group(0) @binding(4) var<storage, read> transmittanceFromPixel: array<f32>;
@group(0) @binding(5) var<storage, read> contributorCountFromPixel: array<u32>;
@group(0) @binding(6) var<storage, read> dLdRgbFromPixel: array<f32>;
// binding 7 (dL/dalpha, and dL/ddepth in the depth variant): chunk depthBackwardOff / depthBackward.
@group(0) @binding(8) var<storage, read_write> gradProjectedFromSplat: array<atomic<u32>>;

const THREADS: u32 = 64u;
const PIXELS: u32 = 4u;      // per thread: THREADS * PIXELS = one 16x16 tile
const BATCH: u32 = 64u;      // splats loaded into workgroup memory at a time
const ROUND: u32 = 4u;       // splats reduced together
const GRADS: u32 = select(9u, 10u, DEPTH); // gradients summed per splat
const GRAD_STRIDE: u32 = 10u;               // floats per splat in gradProjectedFromSplat
const SUMS: u32 = ROUND * GRADS;
const RUN: u32 = 16u;        // first-level sums over 16 threads
const RUNS: u32 = 4u;        // THREADS / RUN

var<workgroup> batch: array<ProjectedSplat, BATCH>;
var<workgroup> batchSplatId: array<u32, BATCH>;
var<workgroup> partial: array<f32, SUMS * THREADS>;   // sum-major
var<workgroup> runSums: array<f32, SUMS * RUNS>;
var<workgroup> tileRange: vec2u;
var<workgroup> maxCount: atomic<u32>;
var<workgroup> maxCountSnapshot: u32;

struct PixelState {
  inside: bool,
  pixel: vec2f,
  count: u32,
  T: f32,
  Tfinal: f32,
  gOut: vec3f,
  gAlphaOut: f32,
  behind: vec3f,
  gDepthOut: f32,
  behindDepth: f32,
}

@compute @workgroup_size(64)
fn main(@builtin(local_invocation_index) t: u32, @builtin(workgroup_id) wid: vec3u) {
  if (t == 0u) {
    tileRange = tileRangeFromTileId[wid.y * u.tilesX + wid.x];
    atomicStore(&maxCount, 0u);
  }
  workgroupBarrier();

  var px: array<PixelState, PIXELS>;
  for (var k = 0u; k < PIXELS; k++) {
    let local = t + k * THREADS;
    let x = wid.x * TILE_SIZE + local % TILE_SIZE;
    let y = wid.y * TILE_SIZE + local / TILE_SIZE;
    var s = PixelState(x < u.width && y < u.height, vec2f(f32(x) + 0.5, f32(y) + 0.5), 0u, 1.0, 1.0, vec3f(0.0), 0.0, vec3f(0.0), 0.0, 0.0);
    if (s.inside) {
      let o = y * u.width + x;
      s.count = contributorCountFromPixel[o];
      s.T = transmittanceFromPixel[o];
      s.Tfinal = s.T;
      s.gOut = vec3f(dLdRgbFromPixel[3u * o], dLdRgbFromPixel[3u * o + 1u], dLdRgbFromPixel[3u * o + 2u]);
      s.gAlphaOut = alphaGradOf(o);
      s.behind = s.Tfinal * u.background.xyz;
      if (DEPTH) { s.gDepthOut = depthGradOf(o); }
      atomicMax(&maxCount, s.count);
    }
    px[k] = s;
  }
  workgroupBarrier();
  if (t == 0u) { maxCountSnapshot = atomicLoad(&maxCount); }
  let walked = workgroupUniformLoad(&maxCountSnapshot);
  let range = workgroupUniformLoad(&tileRange);

  var batchEnd = range.x + walked;
  while (batchEnd > range.x) {
    let batchStart = select(range.x, batchEnd - BATCH, batchEnd - range.x > BATCH);
    let n = batchEnd - batchStart;
    workgroupBarrier();
    if (t < n) {
      let splat = splatIdFromIntersection[batchStart + t];
      batchSplatId[t] = splat;
      batch[t] = projectedFromSplat[splat];
    }
    workgroupBarrier();

    var roundEnd = n;
    while (roundEnd > 0u) {
      let roundSize = min(ROUND, roundEnd);
      // Explicitly zeroed: Dawn (Node `webgpu` 0.6, on SwiftShader and lavapipe alike) keeps the
      // previous iteration's values in a var declared without initializer in a loop body,
      // although WGSL zeroes it at every execution of the declaration.
      var acc = array<f32, SUMS>();
      for (var r = 0u; r < roundSize; r++) {
        let j = roundEnd - 1u - r; // back to front
        let rel = batchStart + j - range.x; // index of this intersection within the tile
        let s = batch[j];
        let conicA = s.uvConicAB.z;
        let conicB = s.uvConicAB.w;
        let conicC = s.conicCOpacityDepth.x;
        let opacity = s.conicCOpacityDepth.y;
        let color = s.color.xyz;
        for (var k = 0u; k < PIXELS; k++) {
          if (rel >= px[k].count) { continue; }
          let a = splatAlpha(s, px[k].pixel);
          if (!a.hit) { continue; }
          let oneMinus = 1.0 - a.alpha;
          let Ti = px[k].T / oneMinus;
          let gOut = px[k].gOut;
          var dAlpha = dot(gOut, color * Ti - px[k].behind / oneMinus) + px[k].gAlphaOut * px[k].Tfinal / oneMinus;
          px[k].behind += color * (a.alpha * Ti);
          px[k].T = Ti;
          let dColor = gOut * (a.alpha * Ti);
          let o = r * GRADS;
          if (DEPTH) {
            let z = s.conicCOpacityDepth.z;
            let gDepth = px[k].gDepthOut;
            dAlpha += gDepth * (z * Ti - px[k].behindDepth / oneMinus);
            px[k].behindDepth += z * (a.alpha * Ti);
            acc[o + 9u] += gDepth * (a.alpha * Ti);
          }
          acc[o + 6u] += dColor.x;
          acc[o + 7u] += dColor.y;
          acc[o + 8u] += dColor.z;
          if (!a.clamped) {
            acc[o + 5u] += dAlpha * a.gauss;
            let dPower = dAlpha * opacity * a.gauss;
            // power = -0.5 (A dx^2 + C dy^2) - B dx dy with dx = x - u.
            acc[o] += dPower * (conicA * a.dx + conicB * a.dy);
            acc[o + 1u] += dPower * (conicC * a.dy + conicB * a.dx);
            acc[o + 2u] += dPower * -0.5 * a.dx * a.dx;
            acc[o + 3u] += dPower * -a.dx * a.dy;
            acc[o + 4u] += dPower * -0.5 * a.dy * a.dy;
          }
        }
      }
      for (var c = 0u; c < SUMS; c++) { partial[c * THREADS + t] = acc[c]; }
      workgroupBarrier();
      for (var item = t; item < SUMS * RUNS; item += THREADS) {
        let base = (item / RUNS) * THREADS + (item % RUNS) * RUN;
        var sum = 0.0;
        for (var i = 0u; i < RUN; i++) { sum += partial[base + i]; }
        runSums[item] = sum;
      }
      workgroupBarrier();
      if (t < roundSize * GRADS) {
        var sum = 0.0;
        for (var i = 0u; i < RUNS; i++) { sum += runSums[t * RUNS + i]; }
        let splat = batchSplatId[roundEnd - 1u - t / GRADS];
        if (sum != 0.0) { atomicAddF32(splat * GRAD_STRIDE + t % GRADS, sum); }
      }
      roundEnd -= roundSize;
    }
    batchEnd = batchStart;
  }
}
