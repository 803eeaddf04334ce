// Kernel lossBlurForwardH: first (horizontal) half of the separable Gaussian for the five SSIM
// moments of each channel, x = render, y = t' (target over this step's background):
// rowMoments planes k = 0..4 hold the row-blurred x, y, x*x, y*y, x*y.
// One thread per pixel; taps outside the row are zero (see lossCommon).
@group(0) @binding(0) var<uniform> params: LossUniforms;
@group(0) @binding(1) var<storage, read> rgb: array<f32>;
@group(0) @binding(2) var<storage, read> targetPixels: array<u32>;
@group(0) @binding(3) var<storage, read_write> rowMoments: array<f32>;

@compute @workgroup_size(256)
fn main(@builtin(local_invocation_index) t: u32, @builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let n = params.width * params.height;
  let p = lossPixel(t, wid, nwg);
  if (p >= n) { return; }
  let col = i32(p % params.width);
  let rowStart = p - u32(col);
  var mx = vec3f(0.0);
  var my = vec3f(0.0);
  var mxx = vec3f(0.0);
  var myy = vec3f(0.0);
  var mxy = vec3f(0.0);
  for (var k = -RADIUS; k <= RADIUS; k++) {
    let c = col + k;
    if (c < 0 || c >= i32(params.width)) { continue; }
    let q = rowStart + u32(c);
    let w = GAUSS[k + RADIUS];
    let x = renderAt(q);
    let y = targetAt(q);
    mx += w * x;
    my += w * y;
    mxx += w * x * x;
    myy += w * y * y;
    mxy += w * x * y;
  }
  for (var c = 0u; c < 3u; c++) {
    rowMoments[(0u + c) * n + p] = mx[c];
    rowMoments[(3u + c) * n + p] = my[c];
    rowMoments[(6u + c) * n + p] = mxx[c];
    rowMoments[(9u + c) * n + p] = myy[c];
    rowMoments[(12u + c) * n + p] = mxy[c];
  }
}
