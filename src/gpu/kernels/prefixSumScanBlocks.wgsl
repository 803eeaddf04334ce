// Kernel prefixSumScanBlocks: exclusive scan of one level of a multi-level prefix sum, in place,
// 1024 u32 per workgroup (256 threads x 4 consecutive elements), writing each block's total to
// blockSums. The length is read on the GPU (lengthSource[lengthIndex], shrunk by 1024 per level),
// so the host can dispatch for the largest size and let the count come from an earlier kernel.
// Workgroups past the end return; workgroup 0 always runs so a zero length still yields total 0.
struct ScanLevel {
  level: u32,
  lengthIndex: u32,
}
@group(0) @binding(0) var<uniform> params: ScanLevel;
@group(0) @binding(1) var<storage, read> lengthSource: array<u32>;
@group(0) @binding(2) var<storage, read_write> data: array<u32>;
@group(0) @binding(3) var<storage, read_write> blockSums: array<u32>;

const THREADS: u32 = 256u;
const PER_THREAD: u32 = 4u;
const BLOCK: u32 = 1024u;

const GROUP: u32 = 16u; // THREADS = GROUP * GROUP

var<workgroup> threadSums: array<u32, THREADS>;
var<workgroup> groupSums: array<u32, GROUP>;
var<workgroup> blockTotal: u32;

fn levelLength() -> u32 {
  var n = lengthSource[params.lengthIndex];
  for (var l = 0u; l < params.level; l++) { n = (n + BLOCK - 1u) / BLOCK; }
  return n;
}

@compute @workgroup_size(256)
fn main(@builtin(local_invocation_index) t: u32, @builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let n = levelLength();
  let block = linearWorkgroup(wid, nwg);
  if (block >= max((n + BLOCK - 1u) / BLOCK, 1u)) { return; }
  let base = block * BLOCK + t * PER_THREAD;
  var values: array<u32, PER_THREAD>;
  var sum = 0u;
  for (var e = 0u; e < PER_THREAD; e++) {
    var x = 0u;
    if (base + e < n) { x = data[base + e]; }
    values[e] = sum;
    sum += x;
  }
  // Exclusive scan of the per-thread sums in two serial levels (16 runs of 16, then the run
  // totals): three barriers instead of the 16 of a Hillis-Steele scan.
  threadSums[t] = sum;
  workgroupBarrier();
  if (t < GROUP) {
    var run = 0u;
    for (var i = 0u; i < GROUP; i++) {
      let v = threadSums[t * GROUP + i];
      threadSums[t * GROUP + i] = run;
      run += v;
    }
    groupSums[t] = run;
  }
  workgroupBarrier();
  if (t == 0u) {
    var run = 0u;
    for (var g = 0u; g < GROUP; g++) {
      let v = groupSums[g];
      groupSums[g] = run;
      run += v;
    }
    blockTotal = run;
  }
  workgroupBarrier();
  let before = threadSums[t] + groupSums[t / GROUP];
  for (var e = 0u; e < PER_THREAD; e++) {
    if (base + e < n) { data[base + e] = before + values[e]; }
  }
  if (t == 0u) { blockSums[block] = blockTotal; }
}
