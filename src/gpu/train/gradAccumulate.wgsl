// Adds a saved gradient to the flat gradient buffer, one thread per float: the second view of a
// training step whose loss is a sum over two renders (the rasterizer's backward overwrites the
// gradient buffer, so the first view's is saved by a copy and added back here).
// Contract (reference: src/gpu/train/gradAccumulate.ts addSavedReference):
//   grads[i] += saved[i] for i < u.count.
// Expects: fn linearWorkgroup (chunks/linearIndex.wgsl).

struct AccumulateUniforms {
  count: u32,
  pad0: u32,
  pad1: u32,
  pad2: u32,
}

@group(0) @binding(0) var<uniform> u: AccumulateUniforms;
@group(0) @binding(1) var<storage, read_write> grads: array<f32>;
@group(0) @binding(2) var<storage, read> saved: array<f32>;

@compute @workgroup_size(256)
fn addSaved(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let i = linearWorkgroup(wid, nwg) * 256u + lid;
  if (i >= u.count) { return; }
  grads[i] = grads[i] + saved[i];
}
