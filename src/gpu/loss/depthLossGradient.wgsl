// Kernel depthLossGradient: one thread per pixel, dL/dD = -weight / K * dr/dD of the pixel's
// patch (depthLossReference.ts), 0 off the mask and in patches that do not count.
@group(0) @binding(0) var<uniform> u: DepthLossUniforms;
@group(0) @binding(1) var<storage, read> depthFromPixel: array<f32>;
@group(0) @binding(2) var<storage, read> targetFromPixel: array<vec2f>;
@group(0) @binding(3) var<storage, read> patchStats: array<f32>;
@group(0) @binding(4) var<storage, read> depthTerms: array<f32>;
@group(0) @binding(5) var<storage, read_write> dLdDepthFromPixel: array<f32>;

@compute @workgroup_size(256)
fn main(@builtin(local_invocation_index) t: u32, @builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let o = linearWorkgroup(wid, nwg) * DL_WG + t;
  if (o >= u.width * u.height) { return; }
  let tv = targetFromPixel[o];
  let base = patchOf(o % u.width, o / u.width) * PATCH_FLOATS;
  var g = 0.0;
  if (tv.y > 0.0 && patchStats[base] > 0.0) {
    let dr = (tv.x - patchStats[base + 5u]) * patchStats[base + 2u] - patchStats[base + 3u] * (depthFromPixel[o] - patchStats[base + 4u]);
    g = depthTerms[3] * dr;
  }
  dLdDepthFromPixel[o] = g;
}
