// Kernel lossGradient: vertical half of G^T on the partial maps, then the chain rule
//   dL/dx = (1 - lambda) sign(x - y) / (3n) - lambda / (3n) * (G a + 2 x G b + y G c)
// written interleaved like the render (the rasterizer's backward reads it as dL/d(rgb)).
@group(0) @binding(0) var<uniform> params: LossUniforms;
@group(0) @binding(1) var<storage, read> rgb: array<f32>;
@group(0) @binding(2) var<storage, read> targetPixels: array<u32>;
@group(0) @binding(3) var<storage, read> rowPartials: array<f32>;
@group(0) @binding(4) var<storage, read_write> dLdRgb: array<f32>;

@compute @workgroup_size(256)
fn main(@builtin(local_invocation_index) t: u32, @builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let n = params.width * params.height;
  let p = lossPixel(t, wid, nwg);
  if (p >= n) { return; }
  let row = i32(p / params.width);
  let col = p % params.width;
  var g: array<vec3f, 3>;
  for (var k = -RADIUS; k <= RADIUS; k++) {
    let r = row + k;
    if (r < 0 || r >= i32(params.height)) { continue; }
    let q = u32(r) * params.width + col;
    let w = GAUSS[k + RADIUS];
    for (var j = 0u; j < 3u; j++) {
      g[j] += w * vec3f(rowPartials[(3u * j) * n + q], rowPartials[(3u * j + 1u) * n + q], rowPartials[(3u * j + 2u) * n + q]);
    }
  }
  let x = renderAt(p);
  let y = targetAt(p);
  let scale = params.viewWeight / (3.0 * f32(n));
  let grad = (1.0 - params.ssimWeight) * scale * sign(x - y) - params.ssimWeight * scale * (g[0] + 2.0 * x * g[1] + y * g[2]);
  dLdRgb[3u * p] = grad.x;
  dLdRgb[3u * p + 1u] = grad.y;
  dLdRgb[3u * p + 2u] = grad.z;
}
