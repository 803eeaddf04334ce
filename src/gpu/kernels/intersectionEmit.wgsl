// Kernel intersectionEmit: one thread per depth rank. Writes (tile id, splat id) for every tile in
// the splat's rectangle, starting at its scanned offset. Slots are in depth order, so the stable
// sort by tile id that follows keeps each tile's list in (depth, index) order, as the reference.
// Slots past the capacity are dropped; intersectionSetup has already flagged that overflow.
@group(0) @binding(0) var<uniform> u: RasterUniforms;
@group(0) @binding(1) var<storage, read> splatIdFromDepthRank: array<u32>;
@group(0) @binding(2) var<storage, read> tileRectFromSplat: array<vec4u>;
@group(0) @binding(3) var<storage, read> intersectionOffsetFromDepthRank: array<u32>;
@group(0) @binding(4) var<storage, read_write> tileIdFromEmitSlot: array<u32>;
@group(0) @binding(5) var<storage, read_write> splatIdFromEmitSlot: array<u32>;

@compute @workgroup_size(256)
fn main(@builtin(local_invocation_index) t: u32, @builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let r = linearWorkgroup(wid, nwg) * 256u + t;
  if (r >= u.splatCount) { return; }
  let splat = splatIdFromDepthRank[r];
  let rect = tileRectFromSplat[splat];
  var slot = intersectionOffsetFromDepthRank[r];
  for (var ty = rect.y; ty < rect.w; ty++) {
    for (var tx = rect.x; tx < rect.z; tx++) {
      if (slot >= u.intersectionCapacity) { return; }
      tileIdFromEmitSlot[slot] = ty * u.tilesX + tx;
      splatIdFromEmitSlot[slot] = splat;
      slot++;
    }
  }
}
