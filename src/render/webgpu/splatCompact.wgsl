// Kernel splatCompact (viewer): one thread per splat, after splatProject and the exclusive scan
// of visibleSlotFromSplat. Expects the linearIndex chunk.
//
// Contract: every kept splat i (depthKeyFromSplat[i] != CULLED_KEY) moves to its slot
// s = visibleSlotFromSplat[i]: depthKeyFromVisibleSlot[s] = its key, splatIdFromVisibleSlot[s] = i.
// Slots follow splat index order, so the stable depth sort that follows breaks depth ties by
// index, as the trainer's sort does. Thread 0 writes the indirect draw arguments: 4 vertices
// (one quad, triangle strip) x visibleCount instances, visibleCount = the scan's total.
struct CompactParams {
  splatCount: u32,
}
@group(0) @binding(0) var<uniform> params: CompactParams;
@group(0) @binding(1) var<storage, read> depthKeyFromSplat: array<u32>;
@group(0) @binding(2) var<storage, read> visibleSlotFromSplat: array<u32>;
@group(0) @binding(3) var<storage, read> visibleCount: array<u32>;
@group(0) @binding(4) var<storage, read_write> depthKeyFromVisibleSlot: array<u32>;
@group(0) @binding(5) var<storage, read_write> splatIdFromVisibleSlot: array<u32>;
@group(0) @binding(6) var<storage, read_write> drawArgs: array<u32>;

const CULLED_KEY: u32 = 0xffffffffu;

@compute @workgroup_size(256)
fn main(@builtin(local_invocation_index) t: u32, @builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = linearWorkgroup(wid, nwg) * 256u + t;
  if (i == 0u) {
    drawArgs[0] = 4u;
    drawArgs[1] = visibleCount[0];
    drawArgs[2] = 0u;
    drawArgs[3] = 0u;
  }
  if (i >= params.splatCount) { return; }
  let key = depthKeyFromSplat[i];
  if (key == CULLED_KEY) { return; }
  let s = visibleSlotFromSplat[i];
  depthKeyFromVisibleSlot[s] = key;
  splatIdFromVisibleSlot[s] = i;
}
