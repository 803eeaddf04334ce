// Kernel intersectionCount: one thread per depth rank. Writes how many tiles the splat of that
// rank touches, in depth order, so that the exclusive scan of these counts gives each splat's
// first slot and the emitted intersections come out depth-sorted within every tile.
// The output buffer is scanned in place afterwards, hence its name.
@group(0) @binding(0) var<uniform> u: RasterUniforms;
@group(0) @binding(1) var<storage, read> splatIdFromDepthRank: array<u32>;
@group(0) @binding(2) var<storage, read> tileRectFromSplat: array<vec4u>;
@group(0) @binding(3) var<storage, read_write> intersectionOffsetFromDepthRank: array<u32>;

@compute @workgroup_size(256)
fn main(@builtin(local_invocation_index) t: u32, @builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let r = linearWorkgroup(wid, nwg) * 256u + t;
  if (r >= u.splatCount) { return; }
  let rect = tileRectFromSplat[splatIdFromDepthRank[r]];
  intersectionOffsetFromDepthRank[r] = (rect.z - rect.x) * (rect.w - rect.y);
}
