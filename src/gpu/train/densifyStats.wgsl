// Accumulates 3DGS's densification statistics after each backward, one thread per splat.
// Expects: fn linearWorkgroup (chunks/linearIndex.wgsl).
// Contract: gradProjectedFromSplat holds 10 f32 per splat (u, v, conic A, B, C, opacity, r, g, b, depth z)
// as written by the rasterizer's backward of THIS step. A splat counts as seen in this view when
// any of its projected gradients is non-zero (culled splats get exactly zero). The statistic is
// |dL/d(u,v)| scaled to NDC units (x W/2, x H/2), the unit 3DGS's 0.0002 threshold is for.

struct StatsUniforms {
  splatCount: u32,
  halfWidth: f32,
  halfHeight: f32,
  pad: u32,
}

@group(0) @binding(0) var<uniform> u: StatsUniforms;
@group(0) @binding(1) var<storage, read> gradProjectedFromSplat: array<f32>;
@group(0) @binding(2) var<storage, read_write> gradNormSumFromSplat: array<f32>;
@group(0) @binding(3) var<storage, read_write> seenCountFromSplat: array<f32>;

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let i = linearWorkgroup(wid, nwg) * 256u + lid;
  if (i >= u.splatCount) { return; }
  var maxAbs = 0.0;
  for (var k = 0u; k < 10u; k++) { maxAbs = max(maxAbs, abs(gradProjectedFromSplat[i * 10u + k])); }
  if (maxAbs == 0.0) { return; }
  let gu = gradProjectedFromSplat[i * 10u] * u.halfWidth;
  let gv = gradProjectedFromSplat[i * 10u + 1u] * u.halfHeight;
  gradNormSumFromSplat[i] += sqrt(gu * gu + gv * gv);
  seenCountFromSplat[i] += 1.0;
}
