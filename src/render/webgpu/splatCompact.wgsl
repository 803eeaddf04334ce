// Kernel splatCompact (viewer): one thread per splat, after splatProject and the exclusive scan
// of visibleSlotFromSplat. Expects the linearIndex chunk.
//
// Contract: every kept splat i (depthKeyFromSplat[i] != CULLED_KEY: the bits of its depth z) moves
// to its slot s = visibleSlotFromSplat[i]: depthKeyFromVisibleSlot[s] = its 16-bit sort key,
// splatIdFromVisibleSlot[s] = i. The key (src/render/webgpu/depthKey.ts) is
// min(65535, floor(65536 (log2 z - log2 zMin) / (log2 zMax - log2 zMin))), 0 when zMax = zMin,
// with (zMin, zMax) = depthRange, the kept splats' depth range from splatProject.
// Slots follow splat index order, so the stable depth sort that follows breaks depth ties by
// index, as the trainer's sort does. Thread 0 writes the indexed indirect draw arguments of the
// batchCount draw batches (20 bytes each): batch b draws the depth ranks [end(b - 1), end(b)),
// end(b) = floor(visibleCount batchEnd[b]) and end(batchCount - 1) = visibleCount, as 6 indices
// (one quad, two triangles) per rank from first index 6 end(b - 1), one instance; visibleCount
// is the scan's total.
struct CompactParams {
  splatCount: u32,
  batchCount: u32,              // 1..8
  batchEnd: array<vec4f, 2>,    // cumulative fraction of the visible splats drawn after batch b
}
@group(0) @binding(0) var<uniform> params: CompactParams;
@group(0) @binding(1) var<storage, read> depthKeyFromSplat: array<u32>;
@group(0) @binding(2) var<storage, read> visibleSlotFromSplat: array<u32>;
@group(0) @binding(3) var<storage, read> visibleCount: array<u32>;
@group(0) @binding(4) var<storage, read_write> depthKeyFromVisibleSlot: array<u32>;
@group(0) @binding(5) var<storage, read_write> splatIdFromVisibleSlot: array<u32>;
@group(0) @binding(6) var<storage, read_write> drawArgs: array<u32>;
@group(0) @binding(7) var<storage, read> depthRange: array<u32, 2>;

const CULLED_KEY: u32 = 0xffffffffu; // as chunk screenFootprint's

@compute @workgroup_size(256)
fn main(@builtin(local_invocation_index) t: u32, @builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = linearWorkgroup(wid, nwg) * 256u + t;
  if (i == 0u) {
    let visible = visibleCount[0];
    var start = 0u;
    for (var b = 0u; b < params.batchCount; b++) {
      var end = visible;
      if (b + 1u < params.batchCount) { end = min(visible, u32(floor(f32(visible) * params.batchEnd[b / 4u][b % 4u]))); }
      end = max(end, start);
      drawArgs[5u * b] = 6u * (end - start);
      drawArgs[5u * b + 1u] = 1u;
      drawArgs[5u * b + 2u] = 6u * start;
      drawArgs[5u * b + 3u] = 0u;
      drawArgs[5u * b + 4u] = 0u;
      start = end;
    }
  }
  if (i >= params.splatCount) { return; }
  let key = depthKeyFromSplat[i];
  if (key == CULLED_KEY) { return; }
  let s = visibleSlotFromSplat[i];
  let logMin = log2(bitcast<f32>(depthRange[0]));
  let span = log2(bitcast<f32>(depthRange[1])) - logMin;
  let fraction = select(0.0, (log2(bitcast<f32>(key)) - logMin) / span, span > 0.0);
  depthKeyFromVisibleSlot[s] = min(65535u, u32(max(fraction, 0.0) * 65536.0));
  splatIdFromVisibleSlot[s] = i;
}
