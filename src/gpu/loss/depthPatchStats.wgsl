// Kernel depthPatchStats: one workgroup per patch (dispatched patchesX x patchesY). Sums the
// patch's valid pixels in two passes, the means first and then the centred products (sums of
// squares minus squared sums would cancel away float32's digits: depths are ~3, their spread in
// a patch ~0.01), and writes the patch's Pearson r and the factors of its gradient.
@group(0) @binding(0) var<uniform> u: DepthLossUniforms;
@group(0) @binding(1) var<storage, read> depthFromPixel: array<f32>;
@group(0) @binding(2) var<storage, read> targetFromPixel: array<vec2f>;
@group(0) @binding(3) var<storage, read_write> patchStats: array<f32>;

var<workgroup> sums: array<vec3f, DL_WG>;

/** Tree sum of every thread's `mine`; every thread gets the total. */
fn workgroupSum(t: u32, mine: vec3f) -> vec3f {
  sums[t] = mine;
  for (var stride = DL_WG / 2u; stride > 0u; stride >>= 1u) {
    workgroupBarrier();
    if (t < stride) { sums[t] += sums[t + stride]; }
  }
  workgroupBarrier();
  let total = sums[0];
  workgroupBarrier(); // everyone has read it before sums is written again
  return total;
}

/** The image pixel of the patch's k-th cell (x0 + k % P, y0 + k / P), or -1 outside the image. */
fn patchPixel(x0: i32, y0: i32, P: u32, k: u32) -> i32 {
  let x = x0 + i32(k % P);
  let y = y0 + i32(k / P);
  if (x < 0 || y < 0 || x >= i32(u.width) || y >= i32(u.height)) { return -1; }
  return y * i32(u.width) + x;
}

@compute @workgroup_size(256)
fn main(@builtin(local_invocation_index) t: u32, @builtin(workgroup_id) wid: vec3u) {
  let P = u.patchSize;
  // Pixel (x0 + k % P, y0 + k / P) for k < P^2; the first row and column may be cut by the offset.
  let x0 = i32(wid.x * P) - i32(u.offsetX);
  let y0 = i32(wid.y * P) - i32(u.offsetY);
  var first = vec3f(0.0); // count, sum D, sum T
  for (var k = t; k < P * P; k += DL_WG) {
    let o = patchPixel(x0, y0, P, k);
    if (o < 0) { continue; }
    let tv = targetFromPixel[o];
    if (tv.y > 0.0) { first += vec3f(1.0, depthFromPixel[o], tv.x); }
  }
  let s1 = workgroupSum(t, first);
  let n = s1.x;
  let mD = s1.y / max(n, 1.0);
  let mT = s1.z / max(n, 1.0);
  var second = vec3f(0.0); // S_dd, S_tt, S_dt
  for (var k = t; k < P * P; k += DL_WG) {
    let o = patchPixel(x0, y0, P, k);
    if (o < 0) { continue; }
    let tv = targetFromPixel[o];
    if (tv.y > 0.0) {
      let d = depthFromPixel[o] - mD;
      let tc = tv.x - mT;
      second += vec3f(d * d, tc * tc, d * tc);
    }
  }
  let s2 = workgroupSum(t, second);
  if (t == 0u) {
    let base = (wid.y * u.patchesX + wid.x) * PATCH_FLOATS;
    let valid = n >= f32(u.minPixels) && s2.y > 0.0;
    var r = 0.0;
    var invS = 0.0;
    var rOverVar = 0.0;
    if (valid) {
      let vd = s2.x + n * u.varFloor;
      invS = inverseSqrt(vd * s2.y);
      r = s2.z * invS;
      rOverVar = r / vd;
    }
    patchStats[base] = select(0.0, 1.0, valid);
    patchStats[base + 1u] = r;
    patchStats[base + 2u] = invS;
    patchStats[base + 3u] = rOverVar;
    patchStats[base + 4u] = mD;
    patchStats[base + 5u] = mT;
    patchStats[base + 6u] = 0.0;
    patchStats[base + 7u] = 0.0;
  }
}
