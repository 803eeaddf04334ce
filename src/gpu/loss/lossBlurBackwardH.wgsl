// Kernel lossBlurBackwardH: horizontal half of G^T (= G, zero padding) applied to the nine
// SSIM partial maps (3 partials x 3 channels, same planar layout in and out).
@group(0) @binding(0) var<uniform> params: LossUniforms;
@group(0) @binding(1) var<storage, read> ssimPartials: array<f32>;
@group(0) @binding(2) var<storage, read_write> rowPartials: array<f32>;

@compute @workgroup_size(256)
fn main(@builtin(local_invocation_index) t: u32, @builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let n = params.width * params.height;
  let p = lossPixel(t, wid, nwg);
  if (p >= n) { return; }
  let col = i32(p % params.width);
  let rowStart = p - u32(col);
  var acc: array<f32, 9>;
  for (var k = -RADIUS; k <= RADIUS; k++) {
    let c = col + k;
    if (c < 0 || c >= i32(params.width)) { continue; }
    let q = rowStart + u32(c);
    let w = GAUSS[k + RADIUS];
    for (var j = 0u; j < 9u; j++) { acc[j] += w * ssimPartials[j * n + q]; }
  }
  for (var j = 0u; j < 9u; j++) { rowPartials[j * n + p] = acc[j]; }
}
