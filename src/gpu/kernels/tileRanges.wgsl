// Kernel tileRanges: one thread per tile-sorted intersection (indirect dispatch). Finds where each
// tile's run starts and ends. Tiles without intersections keep the (0, 0) the host cleared.
@group(0) @binding(0) var<storage, read> intersectionParams: array<u32>;
@group(0) @binding(1) var<storage, read> tileIdFromIntersection: array<u32>;
@group(0) @binding(2) var<storage, read_write> tileRangeFromTileId: array<vec2u>;

@compute @workgroup_size(256)
fn main(@builtin(local_invocation_index) t: u32, @builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let count = intersectionParams[0];
  let i = linearWorkgroup(wid, nwg) * 256u + t;
  if (i >= count) { return; }
  let tile = tileIdFromIntersection[i];
  if (i == 0u || tileIdFromIntersection[i - 1u] != tile) { tileRangeFromTileId[tile].x = i; }
  if (i + 1u == count || tileIdFromIntersection[i + 1u] != tile) { tileRangeFromTileId[tile].y = i + 1u; }
}
