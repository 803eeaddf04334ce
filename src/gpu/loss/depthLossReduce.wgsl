// Kernel depthLossReduce: one workgroup counts the valid patches (K) and sums their r, and writes
// the terms: loss = weight (1 - mean r), mean r, K, and -weight / K (the gradient's scale; 0 when
// no patch is valid, so the gradient is then 0 everywhere).
@group(0) @binding(0) var<uniform> u: DepthLossUniforms;
@group(0) @binding(1) var<storage, read> patchStats: array<f32>;
@group(0) @binding(2) var<storage, read_write> depthTerms: array<f32>;

var<workgroup> sums: array<vec2f, DL_WG>;

@compute @workgroup_size(256)
fn main(@builtin(local_invocation_index) t: u32) {
  var mine = vec2f(0.0);
  for (var k = t; k < u.patchesX * u.patchesY; k += DL_WG) {
    if (patchStats[k * PATCH_FLOATS] > 0.0) { mine += vec2f(1.0, patchStats[k * PATCH_FLOATS + 1u]); }
  }
  sums[t] = mine;
  for (var stride = DL_WG / 2u; stride > 0u; stride >>= 1u) {
    workgroupBarrier();
    if (t < stride) { sums[t] += sums[t + stride]; }
  }
  if (t == 0u) {
    let K = sums[0].x;
    let meanR = select(0.0, sums[0].y / K, K > 0.0);
    depthTerms[0] = select(0.0, u.weight * (1.0 - meanR), K > 0.0);
    depthTerms[1] = meanR;
    depthTerms[2] = K;
    depthTerms[3] = select(0.0, -u.weight / K, K > 0.0);
  }
}
