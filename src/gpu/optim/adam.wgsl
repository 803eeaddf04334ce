// Adam over the flat parameter buffer (flatParamLayout, src/core/cloud/flatLayout.ts), one thread per active value.
// Expects: fn linearWorkgroup (chunks/linearIndex.wgsl).
//
// Two entry points, dispatched in this order in one pass:
//   check   counts non-finite gradients into status (and the lowest bad index), so that
//   update  can skip the whole step when any gradient is bad ('skip-step'), or only the bad
//           values ('skip-values'). With 'skip-step' a NaN step leaves parameters and moments
//           untouched, so the trainer never has to restore anything.
// status (u32): [0] non-finite gradients this step (the host clears [0] and [1] per step),
//               [1] 0xffffffff - lowest bad flat index, or 0 when none (atomicMax keeps the lowest),
//               [2] steps that saw a non-finite gradient, since the buffer was created.
// Non-finite is tested on the bit pattern: WGSL lets compilers assume floats are finite, so
// isnan-style comparisons can be optimised away.

struct AdamUniforms {
  splatCount: u32,
  shCoeffs: u32,
  meansOffset: u32,
  logScalesOffset: u32,
  quatsOffset: u32,
  opacityOffset: u32,
  shOffset: u32,
  skipStepOnNonFinite: u32,
  // lr / (1 - beta1^t) for means, logScales, quats, opacity | sh dc, sh rest, -, -.
  stepSizes: array<vec4f, 2>,
  beta1: f32,
  beta2: f32,
  oneMinusBeta1: f32,
  oneMinusBeta2: f32,
  invSqrtBc2: f32,
  eps: f32,
  pad0: f32,
  pad1: f32,
}

@group(0) @binding(0) var<uniform> u: AdamUniforms;
@group(0) @binding(1) var<storage, read_write> params: array<f32>;
@group(0) @binding(2) var<storage, read> grads: array<u32>;
@group(0) @binding(3) var<storage, read_write> moment1: array<f32>;
@group(0) @binding(4) var<storage, read_write> moment2: array<f32>;
@group(0) @binding(5) var<storage, read_write> status: array<atomic<u32>>;

const WG: u32 = 256u;

fn activeValues() -> u32 {
  return u.splatCount * (11u + 3u * u.shCoeffs);
}

// Thread t walks the active part of each section back to back, so a buffer with spare capacity
// costs nothing. Returns (flat index, group).
fn locate(t: u32) -> vec2u {
  let n = u.splatCount;
  if (t < 3u * n) { return vec2u(u.meansOffset + t, 0u); }
  if (t < 6u * n) { return vec2u(u.logScalesOffset + t - 3u * n, 1u); }
  if (t < 10u * n) { return vec2u(u.quatsOffset + t - 6u * n, 2u); }
  if (t < 11u * n) { return vec2u(u.opacityOffset + t - 10u * n, 3u); }
  let j = t - 11u * n;
  return vec2u(u.shOffset + j, select(5u, 4u, j % (3u * u.shCoeffs) < 3u));
}

fn nonFinite(bits: u32) -> bool {
  return (bits & 0x7f800000u) == 0x7f800000u;
}

var<workgroup> badInGroup: atomic<u32>;
var<workgroup> lowestBadInGroup: atomic<u32>;

@compute @workgroup_size(WG)
fn check(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let t = linearWorkgroup(wid, nwg) * WG + lid;
  if (t < activeValues()) {
    let idx = locate(t).x;
    if (nonFinite(grads[idx])) {
      atomicAdd(&badInGroup, 1u);
      atomicMax(&lowestBadInGroup, 0xffffffffu - idx);
    }
  }
  // One global atomic per workgroup, and none at all in the normal (all finite) case.
  workgroupBarrier();
  if (lid == 0u) {
    let bad = atomicLoad(&badInGroup);
    if (bad > 0u) {
      atomicAdd(&status[0], bad);
      atomicMax(&status[1], atomicLoad(&lowestBadInGroup));
    }
  }
}

@compute @workgroup_size(WG)
fn update(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let t = linearWorkgroup(wid, nwg) * WG + lid;
  let badThisStep = atomicLoad(&status[0]) != 0u;
  if (t == 0u && badThisStep) { atomicAdd(&status[2], 1u); }
  if (t >= activeValues()) { return; }
  if (badThisStep && u.skipStepOnNonFinite != 0u) { return; }
  let loc = locate(t);
  let i = loc.x;
  let gBits = grads[i];
  if (nonFinite(gBits)) { return; }
  let g = bitcast<f32>(gBits);
  let m = u.beta1 * moment1[i] + u.oneMinusBeta1 * g;
  let v = u.beta2 * moment2[i] + u.oneMinusBeta2 * (g * g);
  moment1[i] = m;
  moment2[i] = v;
  let denom = sqrt(v) * u.invSqrtBc2 + u.eps;
  params[i] = params[i] - u.stepSizes[loc.y / 4u][loc.y % 4u] * (m / denom);
}
