// Kernel radixSortCount: first step of one 4-bit LSD radix pass. Each workgroup histograms the
// current digit of its block of SORT_BLOCK keys into countsFromBinAndBlock[bin * blocks + block]:
// bin-major, so one exclusive scan of the whole array gives every (bin, block) its first output
// slot, with all of bin 0 before bin 1 and, within a bin, earlier blocks first (stability).
struct SortPass {
  shift: u32,
  identityValues: u32,
}
@group(0) @binding(0) var<uniform> sortPass: SortPass;
@group(0) @binding(1) var<storage, read> sortParams: array<u32>;
@group(0) @binding(2) var<storage, read> keysIn: array<u32>;
@group(0) @binding(3) var<storage, read_write> countsFromBinAndBlock: array<u32>;

var<workgroup> histogram: array<atomic<u32>, 16>;

@compute @workgroup_size(256)
fn main(@builtin(local_invocation_index) t: u32, @builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let n = sortParams[0];
  let blocks = sortParams[1];
  let block = linearWorkgroup(wid, nwg);
  if (block >= blocks) { return; }
  if (t < 16u) { atomicStore(&histogram[t], 0u); }
  workgroupBarrier();
  for (var e = 0u; e < SORT_BLOCK / 256u; e++) {
    let i = block * SORT_BLOCK + e * 256u + t;
    if (i < n) { atomicAdd(&histogram[(keysIn[i] >> sortPass.shift) & 15u], 1u); }
  }
  workgroupBarrier();
  if (t < 16u) { countsFromBinAndBlock[t * blocks + block] = atomicLoad(&histogram[t]); }
}
