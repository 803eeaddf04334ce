// Splat dropout with opacity compensation (DropGaussian), as two passes around one training
// step's forward and backward, one thread per splat. Contract and reference:
// src/gpu/train/dropoutReference.ts (pcgHash, isDropped, compensatedLogit(Grad)).
//   applyDropout:   saved = logit; logit = DROPPED_LOGIT if dropped, else
//                   logit(min(k sigmoid(logit), OPACITY_CAP)) with k = 1/(1 - rate)
//   restoreDropout: logit = saved; grad *= (1 - s)/(1 - k s) if kept and k s < cap, else 0
// Expects: fn linearWorkgroup (chunks/linearIndex.wgsl).

const OPACITY_CAP: f32 = 0.999;
const DROPPED_LOGIT: f32 = -30.0;

struct DropoutUniforms {
  splatCount: u32,
  opacityOffset: u32,
  seedHash: u32,      // pcgHash(step seed), computed on the CPU
  threshold: u32,     // dropped when pcgHash(i + seedHash) < threshold
  keepScale: f32,     // k = 1 / (1 - rate)
  pad0: f32,
  pad1: f32,
  pad2: f32,
}

@group(0) @binding(0) var<uniform> u: DropoutUniforms;
@group(0) @binding(1) var<storage, read_write> params: array<f32>;
@group(0) @binding(2) var<storage, read_write> savedLogits: array<f32>;
// Bound for restoreDropout only (the auto layout of applyDropout has no binding 3).
@group(0) @binding(3) var<storage, read_write> grads: array<f32>;

fn pcgHash(x: u32) -> u32 {
  let state = x * 747796405u + 2891336453u;
  let word = ((state >> ((state >> 28u) + 4u)) ^ state) * 277803737u;
  return (word >> 22u) ^ word;
}

fn dropped(i: u32) -> bool {
  return pcgHash(i + u.seedHash) < u.threshold;
}

fn sigmoid(x: f32) -> f32 { return 1.0 / (1.0 + exp(-x)); }

@compute @workgroup_size(256)
fn applyDropout(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let i = linearWorkgroup(wid, nwg) * 256u + lid;
  if (i >= u.splatCount) { return; }
  let j = u.opacityOffset + i;
  let l = params[j];
  savedLogits[i] = l;
  if (dropped(i)) {
    params[j] = DROPPED_LOGIT;
    return;
  }
  let o = min(sigmoid(l) * u.keepScale, OPACITY_CAP);
  params[j] = log(o / (1.0 - o));
}

@compute @workgroup_size(256)
fn restoreDropout(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let i = linearWorkgroup(wid, nwg) * 256u + lid;
  if (i >= u.splatCount) { return; }
  let j = u.opacityOffset + i;
  let l = savedLogits[i];
  params[j] = l;
  if (dropped(i)) {
    grads[j] = 0.0;
    return;
  }
  let s = sigmoid(l);
  let ks = s * u.keepScale;
  grads[j] = select(0.0, grads[j] * (1.0 - s) / (1.0 - ks), ks < OPACITY_CAP);
}
