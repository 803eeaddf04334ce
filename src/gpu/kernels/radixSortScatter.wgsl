// Kernel radixSortScatter: last step of one 4-bit LSD radix pass. Each workgroup moves its block
// of SORT_BLOCK keys (256 threads x SORT_BLOCK/256 consecutive keys) to
// binOffsets[digit, block] + rank, where rank counts the keys of the same digit before it in the
// block: stable, so earlier passes' order (and, for equal keys, the input order) survives.
// Ranks come from one workgroup scan of per-thread digit histograms packed as 16 counters of 16
// bits in two vec4u (SORT_BLOCK <= 65535, so no counter overflows). Big blocks mean few
// workgroups and few block scans, which is what a pass costs on software GPUs.
struct SortPass {
  shift: u32,
  identityValues: u32, // 1: values are the input positions (first pass of a sort by key)
}
@group(0) @binding(0) var<uniform> sortPass: SortPass;
@group(0) @binding(1) var<storage, read> sortParams: array<u32>;
@group(0) @binding(2) var<storage, read> keysIn: array<u32>;
@group(0) @binding(3) var<storage, read> valuesIn: array<u32>;
@group(0) @binding(4) var<storage, read> binOffsets: array<u32>;
@group(0) @binding(5) var<storage, read_write> keysOut: array<u32>;
@group(0) @binding(6) var<storage, read_write> valuesOut: array<u32>;

const THREADS: u32 = 256u;
const PER_THREAD: u32 = SORT_BLOCK / THREADS;

const GROUP: u32 = 16u; // THREADS = GROUP * GROUP

var<workgroup> scanLo: array<vec4u, THREADS>; // digits 0..7
var<workgroup> scanHi: array<vec4u, THREADS>; // digits 8..15
var<workgroup> groupLo: array<vec4u, GROUP>;
var<workgroup> groupHi: array<vec4u, GROUP>;

fn packedCount(lo: vec4u, hi: vec4u, digit: u32) -> u32 {
  let word = (digit >> 1u) & 3u;
  let v = select(hi[word], lo[word], digit < 8u);
  return (v >> ((digit & 1u) * 16u)) & 0xffffu;
}

@compute @workgroup_size(256)
fn main(@builtin(local_invocation_index) t: u32, @builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let n = sortParams[0];
  let blocks = sortParams[1];
  let block = linearWorkgroup(wid, nwg);
  if (block >= blocks) { return; }

  let base = block * SORT_BLOCK + t * PER_THREAD;
  var keys: array<u32, PER_THREAD>;
  var digits: array<u32, PER_THREAD>;
  var rankInThread: array<u32, PER_THREAD>;
  var lo = vec4u(0u);
  var hi = vec4u(0u);
  for (var e = 0u; e < PER_THREAD; e++) {
    if (base + e < n) {
      keys[e] = keysIn[base + e];
      let d = (keys[e] >> sortPass.shift) & 15u;
      digits[e] = d;
      rankInThread[e] = packedCount(lo, hi, d);
      let word = d >> 1u;
      let bit = 1u << ((d & 1u) * 16u);
      if (word < 4u) { lo[word] += bit; } else { hi[word - 4u] += bit; }
    }
  }

  // Exclusive scan of the packed histograms over the 256 threads in two serial levels (16 runs
  // of 16, then the 16 run totals): three barriers instead of the 16 of a Hillis-Steele scan.
  scanLo[t] = lo;
  scanHi[t] = hi;
  workgroupBarrier();
  if (t < 2u * GROUP) {
    let g = t % GROUP;
    var run = vec4u(0u);
    for (var i = 0u; i < GROUP; i++) {
      let idx = g * GROUP + i;
      if (t < GROUP) {
        let v = scanLo[idx];
        scanLo[idx] = run;
        run += v;
      } else {
        let v = scanHi[idx];
        scanHi[idx] = run;
        run += v;
      }
    }
    if (t < GROUP) { groupLo[g] = run; } else { groupHi[g] = run; }
  }
  workgroupBarrier();
  if (t < 2u) {
    var run = vec4u(0u);
    for (var g = 0u; g < GROUP; g++) {
      if (t == 0u) {
        let v = groupLo[g];
        groupLo[g] = run;
        run += v;
      } else {
        let v = groupHi[g];
        groupHi[g] = run;
        run += v;
      }
    }
  }
  workgroupBarrier();
  let beforeLo = scanLo[t] + groupLo[t / GROUP];
  let beforeHi = scanHi[t] + groupHi[t / GROUP];

  for (var e = 0u; e < PER_THREAD; e++) {
    if (base + e < n) {
      let d = digits[e];
      let dst = binOffsets[d * blocks + block] + packedCount(beforeLo, beforeHi, d) + rankInThread[e];
      keysOut[dst] = keys[e];
      if (sortPass.identityValues != 0u) { valuesOut[dst] = base + e; } else { valuesOut[dst] = valuesIn[base + e]; }
    }
  }
}
