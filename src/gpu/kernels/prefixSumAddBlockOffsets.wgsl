// Kernel prefixSumAddBlockOffsets: second half of a multi-level scan. Adds to every element of a
// level the scanned total of the blocks before its own (blockSums, already scanned one level up).
// Same length rule and workgroup-to-block mapping as prefixSumScanBlocks.
struct ScanLevel {
  level: u32,
  lengthIndex: u32,
}
@group(0) @binding(0) var<uniform> params: ScanLevel;
@group(0) @binding(1) var<storage, read> lengthSource: array<u32>;
@group(0) @binding(2) var<storage, read_write> data: array<u32>;
@group(0) @binding(3) var<storage, read> blockSums: array<u32>;

const PER_THREAD: u32 = 4u;
const BLOCK: u32 = 1024u;

@compute @workgroup_size(256)
fn main(@builtin(local_invocation_index) t: u32, @builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  var n = lengthSource[params.lengthIndex];
  for (var l = 0u; l < params.level; l++) { n = (n + BLOCK - 1u) / BLOCK; }
  let block = linearWorkgroup(wid, nwg);
  if (block == 0u || block * BLOCK >= n) { return; }
  let offset = blockSums[block];
  let base = block * BLOCK + t * PER_THREAD;
  for (var e = 0u; e < PER_THREAD; e++) {
    if (base + e < n) { data[base + e] += offset; }
  }
}
