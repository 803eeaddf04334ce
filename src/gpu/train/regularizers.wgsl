// Adds the gradients of the sparse-view regularisers to the flat gradient buffer, one thread
// per splat, after the rasterizer's backward and before Adam.
// Expects: fn linearWorkgroup (chunks/linearIndex.wgsl).
// Contract (losses are means over splats, so weights do not depend on the splat count):
//   scale:   w_s * mean_i sum_k exp(logScale_ik)        (3DGS-MCMC's scale regulariser: keeps
//            splats small where the few views do not constrain them)
//   opacity: w_o * mean_i sigmoid(opacityLogit_i)      (pushes unneeded splats towards
//            transparent, so pruning can remove them)
//   aniso:   w_a * mean_i max(0, exp(l_max - l_min) - r) (PhysGaussian's anisotropy bound: few
//            views leave depth unconstrained, and splats stretch into needles along the rays
//            that look right from the inputs and like streaks from anywhere else; l_max, l_min
//            are the first largest and first smallest log-scale of the splat)
// Reference: src/gpu/train/trainExtrasReference.ts (regularizerGradients).
// Offsets are in floats, as flatParamLayout (src/core/cloud/flatLayout.ts).

struct RegUniforms {
  splatCount: u32,
  logScalesOffset: u32,
  opacityOffset: u32,
  pad: u32,
  scaleWeight: f32,
  opacityWeight: f32,
  anisoWeight: f32,
  anisoMaxRatio: f32,
}

@group(0) @binding(0) var<uniform> u: RegUniforms;
@group(0) @binding(1) var<storage, read> params: array<f32>;
@group(0) @binding(2) var<storage, read_write> grads: array<f32>;

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let i = linearWorkgroup(wid, nwg) * 256u + lid;
  if (i >= u.splatCount) { return; }
  let inv = 1.0 / f32(u.splatCount);
  if (u.scaleWeight != 0.0) {
    for (var k = 0u; k < 3u; k++) {
      let j = u.logScalesOffset + 3u * i + k;
      grads[j] += u.scaleWeight * inv * exp(params[j]);
    }
  }
  if (u.anisoWeight != 0.0) {
    let o = u.logScalesOffset + 3u * i;
    var kMax = 0u;
    var kMin = 0u;
    for (var k = 1u; k < 3u; k++) {
      if (params[o + k] > params[o + kMax]) { kMax = k; }
      if (params[o + k] < params[o + kMin]) { kMin = k; }
    }
    let ratio = exp(params[o + kMax] - params[o + kMin]);
    if (ratio > u.anisoMaxRatio) {
      grads[o + kMax] += u.anisoWeight * inv * ratio;
      grads[o + kMin] -= u.anisoWeight * inv * ratio;
    }
  }
  if (u.opacityWeight != 0.0) {
    let j = u.opacityOffset + i;
    let s = 1.0 / (1.0 + exp(-params[j]));
    grads[j] += u.opacityWeight * inv * s * (1.0 - s);
  }
}
